package oracle_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// serve answers r as the model does, requires success and an answer that
// conforms, and returns the state after it.
func serve(t *testing.T, m *oracle.Model, s oracle.State, r *oracle.Request, i int) (oracle.State, oracle.Observation) {
	t.Helper()
	p := m.Predict(&s, r)
	if !p.Success() {
		t.Fatalf("%s is predicted %s", r.Action(), p.Winner.ID)
	}
	o := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(i), IPOffset: uint64(7 * i), MAC: "00:16:3e:00:01:02"})
	if d := m.Check(&s, &p, &o); len(d) > 0 {
		t.Fatalf("the model's own answer to %s diverges: %v", r.Action(), d)
	}
	return m.Next(s, &p, &o), o
}

func current(t *testing.T) *oracle.Model {
	m, err := oracle.NewModel(spec.Must(spec.CurrentProfile))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func act(action string, kv ...string) *oracle.Request {
	return with(create(), append([]string{"Action", action, "VSwitchId", "<del>", "SecurityGroupId", "<del>"}, kv...)...)
}

// describeOne lists the world's ENI as the model answers.
func describeOne(t *testing.T, m *oracle.Model, s oracle.State) oracle.ENIView {
	t.Helper()
	_, o := serve(t, m, s, act("DescribeNetworkInterfaces", "NetworkInterfaceId.1", worldENI), 90)
	if len(o.ENIs) != 1 {
		t.Fatalf("Describe lists %d ENIs", len(o.ENIs))
	}
	return o.ENIs[0]
}

// A Modify, a Tag and an Untag are seen by the next Describe and
// ListTagResources; an answer that shows the ENI as before diverges.
func TestChangesAreSeenByTheNextListing(t *testing.T) {
	m := current(t)
	s, _ := serve(t, m, state(t), act("ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", worldENI,
		"NetworkInterfaceName", "renamed", "Description", "changed", "SecurityGroupId.1", "sg-bp1side", "SecurityGroupId.2", "sg-bp1main",
		"DeleteOnRelease", "true"), 1)
	v := describeOne(t, m, s)
	if v.NetworkInterfaceName != "renamed" || v.Description != "changed" || !slices.Equal(v.SecurityGroupIDs, []string{"sg-bp1side", "sg-bp1main"}) || !v.DeleteOnRelease {
		t.Errorf("Describe after Modify shows %+v", v)
	}
	before := state(t)
	stale := act("DescribeNetworkInterfaces", "NetworkInterfaceId.1", worldENI)
	p := m.Predict(&s, stale)
	o := m.Answer(&before, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000"})
	if d := m.Check(&s, &p, &o); len(d) == 0 {
		t.Error("a Describe that shows the ENI as before the Modify conforms")
	}

	s, _ = serve(t, m, s, act("TagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "Tag.1.Key", "team", "Tag.1.Value", "net", "Tag.2.Key", "env"), 2)
	s, _ = serve(t, m, s, act("TagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "Tag.1.Key", "team", "Tag.1.Value", "ops"), 3)
	_, o = serve(t, m, s, act("ListTagResources", "ResourceType", "eni", "ResourceId.1", worldENI), 4)
	want := []oracle.TagResource{{ResourceID: worldENI, ResourceType: "eni", Key: "team", Value: "ops"}, {ResourceID: worldENI, ResourceType: "eni", Key: "env"}}
	if !slices.Equal(o.TagResources, want) || o.NextToken != "" {
		t.Errorf("ListTagResources after two TagResources: %+v (next %q)", o.TagResources, o.NextToken)
	}
	if got := describeOne(t, m, s).Tags; len(got) != 2 {
		t.Errorf("Describe shows tags %v", got)
	}
	s, _ = serve(t, m, s, act("UntagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "TagKey.1", "team", "TagKey.2", "absent"), 5)
	if got := describeOne(t, m, s).Tags; !slices.Equal(got, []oracle.Tag{{Key: "env"}}) {
		t.Errorf("Describe after Untag shows tags %v", got)
	}
	s, _ = serve(t, m, s, act("UntagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "All", "true"), 6)
	if _, o = serve(t, m, s, act("ListTagResources", "ResourceType", "eni", "Tag.1.Key", "env"), 7); len(o.TagResources) != 0 {
		t.Errorf("ListTagResources after Untag All: %+v", o.TagResources)
	}
}

// Addresses an Assign chooses are usable and free, then held and counted;
// Unassign frees them; the primary cannot be unassigned.
func TestAssignAndUnassign(t *testing.T) {
	m := current(t)
	s0 := state(t)
	s1, o := serve(t, m, s0, act("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "SecondaryPrivateIpAddressCount", "2"), 1)
	if o.AssignedENI != worldENI || len(o.Assigned) != 2 || o.Assigned[0] == o.Assigned[1] {
		t.Fatalf("Assign answers %q %v", o.AssignedENI, o.Assigned)
	}
	for _, a := range o.Assigned {
		if s0.Holds("vsw-bp1main-h", a) || !s1.Holds("vsw-bp1main-h", a) {
			t.Errorf("address %s: held before, or not after", a)
		}
	}
	if v := describeOne(t, m, s1); !slices.Equal(v.SecondaryIPs, o.Assigned) {
		t.Errorf("Describe after Assign shows %v, want %v", v.SecondaryIPs, o.Assigned)
	}
	_, room0, pool0 := s0.Room("1000000000000001", "cn-hangzhou", "sg-bp1main", "vsw-bp1main-h")
	_, room1, pool1 := s1.Room("1000000000000001", "cn-hangzhou", "sg-bp1main", "vsw-bp1main-h")
	if room0-room1 != 2 || pool0-pool1 != 2 {
		t.Errorf("the group's room went %d → %d, the pool %d → %d; want 2 fewer each", room0, room1, pool0, pool1)
	}
	s2, _ := serve(t, m, s1, act("UnassignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", o.Assigned[0]), 2)
	if s2.Holds("vsw-bp1main-h", o.Assigned[0]) || !s2.Holds("vsw-bp1main-h", o.Assigned[1]) {
		t.Error("Unassign must free exactly the address it names")
	}
	if v := describeOne(t, m, s2); !slices.Equal(v.SecondaryIPs, o.Assigned[1:]) {
		t.Errorf("Describe after Unassign shows %v", v.SecondaryIPs)
	}
	again := act("UnassignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", o.Assigned[0])
	if p := m.Predict(&s2, again); p.Winner == nil || p.Winner.ID != "addr.ip-not-assigned" {
		t.Errorf("unassigning a freed address is predicted %v", p.Winner)
	}
}

// noZeros drops the counters at zero from a dump: a counter moved and
// moved back is the same state.
func noZeros(dump string) string {
	lines := strings.Split(dump, "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return strings.HasSuffix(l, "[0,0]") }), "\n")
}

// What Begin records of a change in flight, End takes back exactly; in
// flight, the addresses it takes or frees may be held.
func TestChangesInFlightAreTakenBack(t *testing.T) {
	m := current(t)
	s, o := serve(t, m, state(t), act("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", "172.16.0.30"), 1)
	_ = o
	for _, r := range []*oracle.Request{
		act("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", "172.16.0.31", "PrivateIpAddress.2", "172.16.0.32"),
		act("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "SecondaryPrivateIpAddressCount", "3"),
		act("UnassignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", "172.16.0.30"),
		act("ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", worldENI, "SecurityGroupId.1", "sg-bp1pair"),
		act("TagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "Tag.1.Key", "k"),
	} {
		p := m.Predict(&s, r)
		in, f := m.Begin(s, &p)
		if !in.Unsure(worldENI) {
			t.Errorf("%s in flight leaves the ENI sure", r.Action())
		}
		if got := noZeros(m.End(in, f).Dump()); got != noZeros(s.Dump()) {
			t.Errorf("%s: End does not take back Begin:\n%s\n----\n%s", r.Action(), s.Dump(), got)
		}
	}
	p := m.Predict(&s, act("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", "172.16.0.31"))
	in, _ := m.Begin(s, &p)
	create := with(create(), "PrimaryIpAddress", "172.16.0.31")
	if q := m.Predict(&in, create); q.Winner != nil || len(q.Maybe) != 1 || q.Maybe[0].ID != "addr.ip-in-use" {
		t.Errorf("a create of an address an Assign in flight asks for is predicted %v, maybe %v", q.Winner, q.Maybe)
	}
	p = m.Predict(&s, act("ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", worldENI, "NetworkInterfaceName", "other"))
	in, _ = m.Begin(s, &p)
	l := act("DescribeNetworkInterfaces", "NetworkInterfaceName", "other")
	q := m.Predict(&in, l)
	empty := m.Answer(&s, &q, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000"})
	if d := m.Check(&in, &q, &empty); len(d) > 0 {
		t.Errorf("a listing by the name a Modify in flight gives may be empty: %v", d)
	}
}

// An Assign of an ENI whose create was still in flight when another
// request was predicted is taken into account when that request is judged
// again on its own state with the Assign in flight (the harness's
// fitsLater): in one run the target gave 172.16.0.40 to the Assign first
// and answered the create that asked for it Duplicated, which was right.
func TestAChangeOfAnENIMadeMeanwhileCountsInAnEarlierState(t *testing.T) {
	m := current(t)
	s0 := state(t)
	pc := m.Predict(&s0, with(create(), "PrimaryIpAddress", "172.16.0.50"))
	before, fc := m.Begin(s0, &pc) // the create of the ENI, in flight
	y := with(create(), "PrimaryIpAddress", "172.16.0.40")
	if py := m.Predict(&before, y); !py.Success() || len(py.Maybe) != 0 {
		t.Fatalf("the create of a free address is predicted %v, maybe %v", py.Winner, py.Maybe)
	}
	made := m.Answer(&s0, &pc, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(1), IPOffset: 3, MAC: "00:16:3e:00:01:02"})
	now := m.Next(m.End(before, fc), &pc, &made)
	assign := act("AssignPrivateIpAddresses", "NetworkInterfaceId", eniID(1), "PrivateIpAddress.1", "172.16.0.40")
	pa := m.Predict(&now, assign)
	if !pa.Success() {
		t.Fatalf("the Assign is predicted %s", pa.Winner.ID)
	}
	judged, _ := m.Begin(before, &pa) // before knows no ENI eniID(1)
	if q := m.Predict(&judged, y); q.Winner != nil || len(q.Maybe) != 1 || q.Maybe[0].ID != "addr.ip-in-use" {
		t.Errorf("with the Assign in flight, the create of its address is predicted %v, maybe %v; want success or addr.ip-in-use", q.Winner, q.Maybe)
	}
}

// A listing whose only filter item is empty (a step naming the ENI of a
// create that failed) is no filter at all (decision empty-is-absent): it
// lists the lane, as the model's own settling takes it to. A target that
// answered it with nothing once made the model forget every ENI.
func TestAnEmptyFilterItemFiltersNothing(t *testing.T) {
	m := current(t)
	all := describeAll(t, m, act("DescribeNetworkInterfaces"))
	empty := describeAll(t, m, act("DescribeNetworkInterfaces", "NetworkInterfaceId.1", "", "PrivateIpAddress.1", ""))
	if len(all) == 0 || !slices.Equal(all, empty) {
		t.Errorf("with empty filter items the listing shows %v, without %v", empty, all)
	}
}

func describeAll(t *testing.T, m *oracle.Model, r *oracle.Request) []string {
	t.Helper()
	_, o := serve(t, m, state(t), r, 91)
	var ids []string
	for _, v := range o.ENIs {
		ids = append(ids, v.NetworkInterfaceID)
	}
	return ids
}
