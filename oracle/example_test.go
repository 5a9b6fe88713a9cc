package oracle_test

import (
	"fmt"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// A request with a name that starts with a digit: the oracle predicts the
// rule, its code and status, and where the rule comes from.
func ExampleModel_Predict() {
	m, _ := oracle.NewModel(spec.Default())
	s, _ := oracle.NewState(world.Default())
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	r := &oracle.Request{Method: "POST", Scheme: oracle.V3, Sig: oracle.SigValid, Now: now, Params: map[string]string{
		"Action": "CreateNetworkInterface", "Version": "2014-05-26", "AccessKeyId": "test", "Signature": "…",
		"SignatureNonce": "n-1", "Timestamp": "2026-11-26T08:00:00Z",
		"RegionId": "cn-hangzhou", "VSwitchId": "vsw-bp1main-h", "SecurityGroupId": "sg-bp1main",
		"NetworkInterfaceName": "1st-eni",
	}}
	p := m.Predict(&s, r)
	fmt.Println(p.Winner.ID, p.Winner.Code, p.Winner.HTTP, p.Winner.Provenance, p.Format)

	delete(r.Params, "NetworkInterfaceName")
	p = m.Predict(&s, r)
	fmt.Println("success:", p.Success(), "lane:", p.Lane)
	// Output:
	// param.name-invalid InvalidParams.NetworkInterfaceName 403 sibling-doc JSON
	// success: true lane: 1000000000000001/cn-hangzhou
}
