package oracle_test

import (
	"slices"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// currentCases trigger the current profile's rules (and those it changes)
// in the default world, each breaking that rule only.
var currentCases = map[string]func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request){
	"param.unsupported":                stateless("Ipv4PrefixCount", "1"),
	"param.name-invalid":               stateless("NetworkInterfaceName", "eni/1"),
	"param.sg-none":                    stateless("SecurityGroupId", "<del>"),
	"param.sg-conflict":                stateless("SecurityGroupIds.1", "sg-bp1main"),
	"param.secondary-conflict":         stateless("PrivateIpAddress.1", "172.16.0.20", "SecondaryPrivateIpAddressCount", "1"),
	"param.ipv6-conflict":              stateless("Ipv6Address.1", "2408:4005:3f0:1200::20", "Ipv6AddressCount", "1"),
	"param.tag-key-invalid":            stateless("Tag.1.Key", "Aliyun:x"),
	"param.tag-value-invalid":          stateless("Tag.1.Key", "k", "Tag.1.Value", "see HTTP://x"),
	"param.tag-key-duplicate":          stateless("Tag.1.Key", "k", "Tag.3.Key", "k"),
	"param.sg-repeated":                stateless("SecurityGroupId", "<del>", "SecurityGroupIds.1", "sg-bp1main", "SecurityGroupIds.2", "sg-bp1main"),
	"param.secondary-count-invalid":    stateless("SecondaryPrivateIpAddressCount", "0"),
	"quota.private-ips":                stateless("VSwitchId", "vsw-bp1wide", "SecondaryPrivateIpAddressCount", "50"),
	"addr.ip-repeated":                 stateless("PrimaryIpAddress", "172.16.0.20", "PrivateIpAddress.1", "172.16.0.20"),
	"param.ipv6-malformed":             stateless("Ipv6Address.1", "2408::g"),
	"param.ipv6-count-invalid":         stateless("Ipv6AddressCount", "11"),
	"addr.ipv6-repeated":               stateless("Ipv6Address.1", "2408:4005:3f0:1200::20", "Ipv6Address.2", "2408:4005:3f0:1200:0::20"),
	"param.instance-type-invalid":      stateless("InstanceType", "Primary"),
	"param.traffic-mode-invalid":       stateless("NetworkInterfaceTrafficConfig.NetworkInterfaceTrafficMode", "RDMA"),
	"param.queue-number-invalid":       stateless("QueueNumber", "2049"),
	"param.queue-pair-invalid":         stateless("QueuePairNumber", "0"),
	"param.queue-pair-standard":        stateless("QueuePairNumber", "8", "NetworkInterfaceTrafficMode", "Standard"),
	"param.config-queue-pair-standard": stateless("NetworkInterfaceTrafficConfig.QueuePairNumber", "8"),
	"param.queue-size-invalid":         stateless("RxQueueSize", "12288"),
	"param.queue-size-unequal":         stateless("RxQueueSize", "8192", "TxQueueSize", "16384"),
	"param.config-queue-size-unequal":  stateless("NetworkInterfaceTrafficConfig.RxQueueSize", "8192", "NetworkInterfaceTrafficConfig.TxQueueSize", "16384"),
	"param.boolean-invalid":            stateless("DeleteOnRelease", "True"),
	"param.conntrack-invalid":          stateless("ConnectionTrackingConfiguration.UdpTimeout", "15"),
	"ref.resource-group-not-found":     stateless("ResourceGroupId", "rg-bp1small"),
	"quota.sg-per-eni": stateless("AccessKeyId", "small", "VSwitchId", "vsw-bp1small", "SecurityGroupId", "<del>",
		"SecurityGroupIds.1", "sg-bp1small", "SecurityGroupIds.2", "sg-bp1small2"),
	"quota.enterprise-sg-capacity": func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
		return fill(t, m, state(t), 2, "SecurityGroupId", "sg-bp1ent"), with(create(), "SecurityGroupId", "sg-bp1ent")
	},
	"quota.tags": stateless("AccessKeyId", "small", "VSwitchId", "vsw-bp1small", "SecurityGroupId", "sg-bp1small",
		"Tag.1.Key", "a", "Tag.2.Key", "b", "Tag.3.Key", "c"),
	"addr.ipv6-not-enabled":  stateless("VSwitchId", "vsw-bp1main-i", "Ipv6AddressCount", "1"),
	"addr.ipv6-outside-cidr": stateless("Ipv6Address.1", "2408:4005:3f0:1300::5"),
	"addr.ipv6-reserved":     stateless("Ipv6Address.1", "2408:4005:3f0:1200:ffff:ffff:ffff:fff8"),
	"addr.ipv6-in-use": func(t testing.TB, m *oracle.Model) (oracle.State, *oracle.Request) {
		return fill(t, m, state(t), 1, "Ipv6Address.1", "2408:4005:3f0:1200::7"), with(create(), "Ipv6Address.1", "2408:4005:3f0:1200::7")
	},
	// the actions on ENIs that exist, on the world's ENI
	"param.missing.ResourceType":     on("TagResources", "ResourceId.1", worldENI, "Tag.1.Key", "k"),
	"param.missing.ResourceId":       on("TagResources", "ResourceType", "eni", "Tag.1.Key", "k"),
	"param.missing.Tag":              on("TagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "Tag.1.Value", "v"),
	"param.missing.PrivateIpAddress": on("UnassignPrivateIpAddresses", "NetworkInterfaceId", worldENI),
	"param.assign-none":              on("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI),
	"param.resource-type-invalid":    on("ListTagResources", "ResourceType", "ENI"),
	"ref.tag-resource-not-found":     on("UntagResources", "ResourceType", "eni", "ResourceId.1", worldENI, "ResourceId.2", "sg-bp1main"),
	"quota.eni-private-ips":          on("AssignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "SecondaryPrivateIpAddressCount", "50"),
	"addr.unassign-primary":          on("UnassignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", "172.16.0.10"),
	"addr.ip-not-assigned":           on("UnassignPrivateIpAddresses", "NetworkInterfaceId", worldENI, "PrivateIpAddress.1", "172.16.0.11"),
}

// worldENI is the default world's ENI: 172.16.0.10 in vsw-bp1main-h and
// sg-bp1main, of the account test.
const worldENI = "eni-bp1existing000000001"

// on is a case of another action than the create, in the default world.
func on(action string, kv ...string) func(testing.TB, *oracle.Model) (oracle.State, *oracle.Request) {
	return stateless(append([]string{"Action", action, "VSwitchId", "<del>", "SecurityGroupId", "<del>"}, kv...)...)
}

// Secondary and IPv6 addresses the server chooses are usable, distinct and
// free; the model learns them from the answer, a security group's capacity
// and the vSwitch's pool count them, and a delete releases them all.
func TestChosenAddressesAreHeldCountedAndReleased(t *testing.T) {
	m, err := oracle.NewModel(spec.Must(spec.CurrentProfile))
	if err != nil {
		t.Fatal(err)
	}
	s0 := state(t)
	r := with(create(), "SecurityGroupId", "<del>", "SecurityGroupIds.1", "sg-bp1main", "SecurityGroupIds.2", "sg-bp1side",
		"SecondaryPrivateIpAddressCount", "2", "Ipv6AddressCount", "2", "Tag.1.Key", "team")
	p := m.Predict(&s0, r)
	if !p.Success() {
		t.Fatalf("predicted %s", p.Winner.ID)
	}
	o := m.Answer(&s0, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(1), IPOffset: 7, MAC: "00:16:3e:00:01:02"})
	if d := m.Check(&s0, &p, &o); len(d) > 0 {
		t.Fatalf("the model's own answer diverges: %v", d)
	}
	v := o.Created
	if len(v.SecondaryIPs) != 2 || len(v.IPv6s) != 2 || len(v.SecurityGroupIDs) != 2 || len(v.Tags) != 1 {
		t.Fatalf("the answer shows %+v", v)
	}
	addrs := append(append([]string{v.PrivateIPAddress}, v.SecondaryIPs...), v.IPv6s...)
	s1 := m.Next(s0, &p, &o)
	for i, a := range addrs {
		if slices.Contains(addrs[:i], a) || !s1.Holds("vsw-bp1main-h", a) || s0.Holds("vsw-bp1main-h", a) {
			t.Errorf("address %s: repeated, or not newly held (%v)", a, addrs)
		}
	}
	_, before, poolBefore := s0.Room("1000000000000001", "cn-hangzhou", "sg-bp1side", "vsw-bp1main-h")
	_, after, poolAfter := s1.Room("1000000000000001", "cn-hangzhou", "sg-bp1side", "vsw-bp1main-h")
	if before-after != 3 || poolBefore-poolAfter != 3 {
		t.Errorf("the second group's room went %d → %d and the pool %d → %d, want 3 private IPs fewer each", before, after, poolBefore, poolAfter)
	}
	del := with(create(), "Action", "DeleteNetworkInterface", "VSwitchId", "<del>", "SecurityGroupId", "<del>", "NetworkInterfaceId", eniID(1))
	pd := m.Predict(&s1, del)
	od := m.Answer(&s1, &pd, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000001"})
	s2 := m.Next(s1, &pd, &od)
	for _, a := range addrs {
		if s2.Holds("vsw-bp1main-h", a) {
			t.Errorf("address %s is still held after the delete", a)
		}
	}
	if _, room, pool := s2.Room("1000000000000001", "cn-hangzhou", "sg-bp1side", "vsw-bp1main-h"); room != before || pool != poolBefore {
		t.Errorf("after the delete: room %d, pool %d; want %d, %d", room, pool, before, poolBefore)
	}
}
