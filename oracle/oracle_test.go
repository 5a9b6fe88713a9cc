package oracle_test

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

var now = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

func model(t testing.TB) *oracle.Model {
	m, err := oracle.NewModel(spec.Default())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func state(t testing.TB) oracle.State {
	s, err := oracle.NewState(world.Default())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// create is a valid CreateNetworkInterface in the default world.
func create() *oracle.Request {
	return &oracle.Request{Method: "POST", Scheme: oracle.V1, Sig: oracle.SigValid, Now: now, Params: map[string]string{
		"Action": "CreateNetworkInterface", "Version": "2014-05-26", "AccessKeyId": "test", "Signature": "sig",
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": "nonce-1",
		"Timestamp": now.Format("2006-01-02T15:04:05Z"), "Format": "JSON",
		"RegionId": "cn-hangzhou", "VSwitchId": "vsw-bp1main-h", "SecurityGroupId": "sg-bp1main",
	}}
}

func with(r *oracle.Request, kv ...string) *oracle.Request {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<del>" {
			delete(r.Params, kv[i])
		} else {
			r.Params[kv[i]] = kv[i+1]
		}
	}
	return r
}

// fill creates n ENIs through the model, as a conforming server would.
func fill(t testing.TB, m *oracle.Model, s oracle.State, n int, kv ...string) oracle.State {
	for i := 0; i < n; i++ {
		r := with(create(), kv...)
		p := m.Predict(&s, r)
		if !p.Success() {
			t.Fatalf("fill: create %d predicted %s", i, p.Winner.ID)
		}
		o := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(i), MAC: "00:16:3e:00:01:02"})
		s = m.Next(s, &p, &o)
	}
	return s
}

func eniID(i int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	return "eni-test" + strings.Repeat("0", 14) + string(digits[i/36%36]) + string(digits[i%36])
}

// ruleCases triggers every reachable rule of the default profile in the
// default world, breaking that rule only.
var ruleCases = map[string]func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request){
	"gateway.request-too-large": func(t testing.TB, _ *oracle.Model) (oracle.State, *oracle.Request) {
		r := create()
		r.TooLarge = true
		return state(t), r
	},
	"gateway.method": func(t testing.TB, _ *oracle.Model) (oracle.State, *oracle.Request) {
		r := create()
		r.Method = "PUT"
		return state(t), r
	},
	"gateway.incomplete-signature": func(t testing.TB, _ *oracle.Model) (oracle.State, *oracle.Request) {
		r := with(create(), "SignatureMethod", "<del>", "SignatureVersion", "<del>")
		r.Scheme, r.Sig = oracle.V3, oracle.SigMalformed
		return state(t), r
	},
	"gateway.missing-common":    stateless("SignatureNonce", "<del>"),
	"gateway.unknown-action":    stateless("Action", "CreateNetworkInterfaces"),
	"gateway.bad-version":       stateless("Version", "2016-04-28"),
	"gateway.signature-method":  stateless("SignatureMethod", "HMAC-SHA256"),
	"gateway.unknown-key":       stateless("AccessKeyId", "nobody"),
	"gateway.key-inactive":      stateless("AccessKeyId", "test-disabled"),
	"gateway.timestamp-format":  stateless("Timestamp", "2026-11-26 08:00:00"),
	"gateway.timestamp-expired": stateless("Timestamp", now.Add(-16*time.Minute).Format("2006-01-02T15:04:05Z")),
	"gateway.signature-mismatch": func(t testing.TB, _ *oracle.Model) (oracle.State, *oracle.Request) {
		r := create()
		r.Sig = oracle.SigMismatch
		return state(t), r
	},
	"gateway.nonce-reused": func(t testing.TB, _ *oracle.Model) (oracle.State, *oracle.Request) {
		r := create()
		r.NonceUntil = now.Add(14 * time.Minute)
		return state(t), r
	},
	"account.not-found":                stateless("AccessKeyId", "test-expired"),
	"account.ram-not-supported":        stateless("AccessKeyId", "legacy-ram", "VSwitchId", "vsw-bp1legacy", "SecurityGroupId", "sg-bp1legacy"),
	"account.subuser-denied":           stateless("AccessKeyId", "test-readonly"),
	"param.unsupported":                stateless("SecurityGroupIds.1", "sg-bp1main"),
	"param.missing.RegionId":           stateless("RegionId", ""),
	"param.missing.VSwitchId":          stateless("VSwitchId", "<del>"),
	"param.missing.SecurityGroupId":    stateless("SecurityGroupId", "<del>"),
	"param.missing.NetworkInterfaceId": stateless("Action", "DeleteNetworkInterface", "VSwitchId", "<del>", "SecurityGroupId", "<del>"),
	"param.name-invalid":               stateless("NetworkInterfaceName", "1eni"),
	"param.description-invalid":        stateless("Description", "HTTPS://x"),
	"param.token-invalid":              stateless("ClientToken", "令牌"),
	"param.ip-malformed":               stateless("PrimaryIpAddress", "172.16.0.256"),
	"param.page-invalid":               stateless("Action", "DescribeNetworkInterfaces", "VSwitchId", "<del>", "SecurityGroupId", "<del>", "PageSize", "1001"),
	"ref.region-not-found":             stateless("RegionId", "cn-nowhere"),
	"idem.mismatch": func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
		s := fill(t, m, state(t), 1, "ClientToken", "tok")
		return s, with(create(), "ClientToken", "tok", "Description", "changed")
	},
	"ref.vswitch-not-found": stateless("VSwitchId", "vsw-2zebeijing"),
	"ref.sg-not-found":      stateless("SecurityGroupId", "sg-bp1small"),
	"ref.sg-not-vpc":        stateless("SecurityGroupId", "sg-bp1classic"),
	"ref.vpc-mismatch":      stateless("SecurityGroupId", "sg-bp1other"),
	"ref.eni-not-found":     stateless("Action", "DeleteNetworkInterface", "VSwitchId", "<del>", "SecurityGroupId", "<del>", "NetworkInterfaceId", "eni-bp1nosuch0000000000"),
	"quota.eni-count": func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
		kv := []string{"AccessKeyId", "small", "VSwitchId", "vsw-bp1small", "SecurityGroupId", "sg-bp1small"}
		return fill(t, m, state(t), 3, kv...), with(create(), kv...)
	},
	"quota.sg-capacity": func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
		return fill(t, m, state(t), 2, "SecurityGroupId", "sg-bp1pair"), with(create(), "SecurityGroupId", "sg-bp1pair")
	},
	"addr.ip-outside-cidr": stateless("PrimaryIpAddress", "172.16.1.20"),
	"addr.ip-reserved":     stateless("PrimaryIpAddress", "172.16.0.253"),
	"addr.ip-in-use":       stateless("PrimaryIpAddress", "172.16.0.10"),
	"addr.pool-exhausted": func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
		return fill(t, m, state(t), 4, "VSwitchId", "vsw-bp1tiny"), with(create(), "VSwitchId", "vsw-bp1tiny")
	},
}

func stateless(kv ...string) func(testing.TB, *oracle.Model) (oracle.State, *oracle.Request) {
	return func(t testing.TB, _ *oracle.Model) (oracle.State, *oracle.Request) {
		return state(t), with(create(), kv...)
	}
}

// TestEveryReachableRuleHasAnOraclePath fails when a rule of a profile's
// data cannot be reached through the oracle, or a case here is stale.
func TestEveryReachableRuleHasAnOraclePath(t *testing.T) {
	used := map[string]bool{}
	for _, name := range spec.Names() {
		prof := spec.Must(name)
		m, err := oracle.NewModel(prof)
		if err != nil {
			t.Fatal(err)
		}
		cases := casesOf(name)
		for _, r := range prof.Rules {
			if !r.Reachable() {
				continue
			}
			t.Run(name+"/"+r.ID, func(t *testing.T) {
				mk, ok := cases[r.ID]
				if !ok {
					t.Fatalf("no case triggers rule %s", r.ID)
				}
				used[r.ID] = true
				s, req := mk(t, m)
				p := m.Predict(&s, req)
				if p.Winner != r || len(p.Violated) != 1 {
					t.Fatalf("want exactly %s, predicted winner %v, violated %v", r.ID, p.Winner, ids(p.Violated))
				}
			})
		}
	}
	for id := range casesOf(spec.CurrentProfile) {
		if !used[id] {
			t.Errorf("case %s names no reachable rule of any profile", id)
		}
	}
	for id := range ruleCases {
		if !used[id] {
			t.Errorf("case %s names no reachable rule of any profile", id)
		}
	}
}

// casesOf returns the cases for a profile: the base's, with the current
// profile's added and changed.
func casesOf(profile string) map[string]func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
	out := maps.Clone(ruleCases)
	if profile == spec.CurrentProfile {
		maps.Copy(out, currentCases)
	}
	return out
}

func ids(rules []*spec.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.ID)
	}
	return out
}

func TestSeedErrorTableIsInTheSpec(t *testing.T) {
	seed := []string{"MissingParameter", "UnsupportedParameter", "Abs.InvalidAccount.NotFound", "Forbidden.NotSupportRAM",
		"Forbidden.SubUser", "InvalidOperation.AvailabilityZoneMismatch", "InvalidOperation.VpcMismatch",
		"InvalidSecurityGroupId.NotVpc", "MaxEniCountExceeded", "SecurityGroupInstanceLimitExceed",
		"InvalidEcsId.NotFound", "InvalidSecurityGroupId.NotFound", "InvalidVSwitchId.NotFound"}
	status := map[string]int{"MissingParameter": 400, "UnsupportedParameter": 400, "InvalidEcsId.NotFound": 404,
		"InvalidSecurityGroupId.NotFound": 404, "InvalidVSwitchId.NotFound": 404}
	for _, code := range seed {
		got, ok := spec.Default().Status(code)
		want := status[code]
		if want == 0 {
			want = 403
		}
		if !ok || got != want {
			t.Errorf("seed code %s: spec has status %d (present %v), the 2018 doc says %d", code, got, ok, want)
		}
	}
}

func TestValidRequestSucceedsAndIsLearned(t *testing.T) {
	m, s := model(t), state(t)
	r := create()
	p := m.Predict(&s, r)
	if !p.Success() || p.Format != "JSON" || p.Lane != oracle.LaneOf("1000000000000001", "cn-hangzhou") {
		t.Fatalf("prediction %+v", p)
	}
	o := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(1), MAC: "00:16:3e:00:00:02"})
	if d := m.Check(&s, &p, &o); len(d) != 0 {
		t.Fatalf("the model's own answer diverges: %v", d)
	}
	next := m.Next(s, &p, &o)
	if !next.Issued(eniID(1)) || s.Issued(eniID(1)) {
		t.Fatal("Next must learn the new ID without touching the old state")
	}
	// the same ID again is a divergence: IDs are never reused
	p2 := m.Predict(&next, r)
	if d := m.Check(&next, &p2, &o); len(d) != 1 || d[0].What != "NetworkInterfaceId" {
		t.Fatalf("a reused ID must diverge, got %v", d)
	}
}

func TestUnknownOutcomeMakesPredictionsUncertainNotWrong(t *testing.T) {
	m := model(t)
	kv := []string{"AccessKeyId", "small", "VSwitchId", "vsw-bp1small", "SecurityGroupId", "sg-bp1small"}
	s := fill(t, m, state(t), 2, kv...)
	r := with(create(), kv...)
	p := m.Predict(&s, r)
	s = m.Next(s, &p, &oracle.Observation{Kind: oracle.Unknown, Problem: "timeout"})
	p = m.Predict(&s, r)
	if !p.Success() || len(p.Maybe) != 1 || p.Maybe[0].ID != "quota.eni-count" {
		t.Fatalf("after a lost create at quota-1 the next create may succeed or hit the quota; got winner %v maybe %v", p.Winner, ids(p.Maybe))
	}
	quota := oracle.Observation{Kind: oracle.Answered, Status: 403, Code: "MaxEniCountExceeded", Format: "JSON",
		ContentType: "application/json;charset=utf-8", RequestID: "0E3F1F4C-0000-4000-8000-000000000000",
		HostID: "ecs.aliyuncs.com", Message: "The number of ENI exceeds the limit per region."}
	if d := m.Check(&s, &p, &quota); len(d) != 0 {
		t.Fatalf("MaxEniCountExceeded is an acceptable answer here: %v", d)
	}
}

// A prediction has a lane when a rule read the lane's state before the
// winner (the security group's capacity outranks an address outside the
// CIDR, so concurrent requests of the lane can change the answer), and
// when the request may change the lane: a create with a bad name must fail,
// but a target with defects may create all the same. A describe of an
// unknown region has none.
func TestLaneCoversStatefulRulesAndPossibleEffects(t *testing.T) {
	m, s := model(t), state(t)
	r := with(create(), "SecurityGroupId", "sg-bp1pair", "PrimaryIpAddress", "172.16.1.20")
	if p := m.Predict(&s, r); p.Winner.ID != "addr.ip-outside-cidr" || p.Lane == "" {
		t.Fatalf("winner %s, lane %q: want addr.ip-outside-cidr in a lane", p.Winner.ID, p.Lane)
	}
	if p := m.Predict(&s, with(create(), "NetworkInterfaceName", "1x")); p.Lane != oracle.LaneOf("1000000000000001", "cn-hangzhou") {
		t.Fatalf("a create that must fail may still take effect on a faulty target: want its lane, got %q", p.Lane)
	}
	describe := with(create(), "Action", "DescribeNetworkInterfaces", "RegionId", "cn-nowhere", "VSwitchId", "<del>", "SecurityGroupId", "<del>")
	if p := m.Predict(&s, describe); p.Lane != "" {
		t.Fatalf("a describe of an unknown region reads and changes nothing, got lane %q", p.Lane)
	}
}

// A create that must fail whose answer is lost may still have created (a
// target with defects may accept it): its lane is uncertain, not wrong; two
// deletes of one ENI in flight keep it doubtful until both are answered.
func TestInFlightAccounting(t *testing.T) {
	m, s := model(t), state(t)
	bad := with(create(), "PrimaryIpAddress", "8.8.8.8", "ClientToken", "tok-outside")
	p := m.Predict(&s, bad)
	if after := m.Next(s, &p, &oracle.Observation{Kind: oracle.Unknown}); after.Pending(p.Lane) != 1 {
		t.Fatalf("a lost answer to a create that must fail: want one create of unknown outcome in its lane, got %d", after.Pending(p.Lane))
	}

	kv := []string{"AccessKeyId", "small", "VSwitchId", "vsw-bp1small", "SecurityGroupId", "sg-bp1small"}
	s = fill(t, m, s, 3, kv...) // the small account's quota is full
	id := s.ENIs("1000000000000002", "cn-hangzhou")[0].ID
	del := with(create(), append(kv, "Action", "DeleteNetworkInterface", "VSwitchId", "<del>", "SecurityGroupId", "<del>", "NetworkInterfaceId", id)...)
	p1 := m.Predict(&s, del)
	s, f1 := m.Begin(s, &p1)
	p2 := m.Predict(&s, del)
	s, f2 := m.Begin(s, &p2)
	s = m.End(s, f1) // the first answers NotFound: the second may still free the quota
	probe := with(create(), kv...)
	if p := m.Predict(&s, probe); p.Winner != nil || len(p.Maybe) != 1 {
		t.Fatalf("with a delete still in flight the quota may be free: winner %v, maybe %v", p.Winner, ids(p.Maybe))
	}
	s = m.End(s, f2)
	if p := m.Predict(&s, probe); p.Winner == nil || p.Winner.ID != "quota.eni-count" {
		t.Fatalf("with no delete in flight the quota is full: %v", p.Winner)
	}
}
