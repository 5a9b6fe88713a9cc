package spec_test

import (
	"fmt"

	"github.com/eniconform/eniconform/spec"
)

// The default profile holds each rule as data: code, status, precedence and
// provenance; constraints are checked by the spec itself.
func Example() {
	p := spec.Default()
	r := p.Rule("ref.vswitch-not-found")
	fmt.Println(r.Code, r.HTTP, r.Rank, r.Provenance)

	name := p.Action("CreateNetworkInterface").Param("NetworkInterfaceName")
	for _, v := range []string{"eni-1", "网卡:1", "1eni", "HTTP://x", "e"} {
		fmt.Printf("%q %q\n", v, name.Constraints.Check(v))
	}
	status, _ := p.Status("InvalidVSwitchId.IpInvalid")
	fmt.Println(status)
	// Output:
	// InvalidVSwitchId.NotFound 404 600 seed
	// "eni-1" ""
	// "网卡:1" ""
	// "1eni" "bad first character"
	// "HTTP://x" "forbidden prefix"
	// "e" "too short"
	// 403
}
