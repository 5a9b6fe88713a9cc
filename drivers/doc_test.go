package drivers_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/eniconform/eniconform/sdkdriver"
)

// The 25-line driver of docs/driver-protocol.md §7, run as it is printed
// over a stand-in SDK (testdata/skeleton/mysdk.py), speaks the protocol:
// it creates an ENI, surfaces an error and refuses what its SDK cannot do.
func TestSkeletonDriver(t *testing.T) {
	python(t)
	doc, err := os.ReadFile(filepath.Join("..", "docs", "driver-protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(doc)
	if code == nil {
		t.Fatal("no Python example in docs/driver-protocol.md")
	}
	script := filepath.Join(t.TempDir(), "skeleton.py")
	sdk, _ := filepath.Abs(filepath.Join("testdata", "skeleton"))
	if err := os.WriteFile(script, code[1], 0o644); err != nil {
		t.Fatal(err)
	}
	s := subject{name: "skeleton", command: func(*testing.T) string {
		return "env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH='" + sdk + "' python3 '" + script + "'"
	}}
	b := newBench(t)
	d := b.start(t, s)
	o := sdkdriver.Options{}
	id := created(t, b, sdkdriver.Options{Signature: "v3", Method: "POST", Format: "JSON"}, call(t, d,
		sdkdriver.Call{Action: "CreateNetworkInterface", Params: map[string]any{"RegionId": region, "VSwitchId": vswitch,
			"SecurityGroupId": group}}))
	refused(t, b, d, s, o)
	if a := call(t, d, sdkdriver.Call{Action: "DeleteNetworkInterface", Options: sdkdriver.Options{Method: "GET"},
		Params: map[string]any{"RegionId": region, "NetworkInterfaceId": id}}); a.Unsupported == "" {
		t.Errorf("a GET through an SDK that only POSTs: %+v", a)
	}
}
