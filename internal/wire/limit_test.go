package wire

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// The limits follow the action and the page asked for, and stay well below
// the 16 MiB that ParseResponse used to read.
func TestBodyLimit(t *testing.T) {
	p := spec.Default()
	entry := int64(2048 + 12*(128+256+64)) // fixed fields, then name, description and token at 12 bytes a character
	for _, tc := range []struct {
		action   string
		pageSize int
		want     int64
	}{
		{ActionCreate, 0, 64 << 10},
		{ActionDelete, 0, 64 << 10},
		{"", 0, 64 << 10},
		{ActionDescribe, 10, 64<<10 + 10*entry},
		{ActionDescribe, 0, 64<<10 + 1000*entry},
		{ActionDescribe, 5000, 64<<10 + 1000*entry}, // refused by a conforming target; no more than the largest page
	} {
		if got := BodyLimit(p, tc.action, tc.pageSize); got != tc.want {
			t.Errorf("BodyLimit(%q, %d) = %d, want %d", tc.action, tc.pageSize, got, tc.want)
		}
	}
	if most := BodyLimit(p, ActionDescribe, 0); most > 8<<20 {
		t.Errorf("the largest limit is %d bytes, want at most 8 MiB", most)
	}
	// current: an ENI may carry 20 tags of 128-character keys and values,
	// 16 groups, 10 private addresses or 49 secondary ones by count, 10
	// IPv6 addresses (by list or count), 20 prefixes.
	cur, err := spec.Get("current")
	if err != nil {
		t.Fatal(err)
	}
	items := int64(16 + 10 + 49 + 10 + 10 + 10 + 10 + 20 + 20)
	if got, want := BodyLimit(cur, ActionDescribe, 1)-64<<10, entry+items*160+12*20*(128+128); got != want {
		t.Errorf("current: one Describe entry may take %d bytes, want %d", got, want)
	}
}

// The reference emulator's largest ENI entries, in either format, fit the
// limit of their page: 10 ENIs with every list full and every text at its
// longest, of characters that are escaped in the body.
func TestBodyLimitHoldsTheLargestEntries(t *testing.T) {
	p, err := spec.Get("current")
	if err != nil {
		t.Fatal(err)
	}
	long := func(n int) string { return strings.Repeat("<", n) }
	eni := oracle.ENIView{NetworkInterfaceID: "eni-" + strings.Repeat("x", 20), Status: "Available", VpcID: "vpc-main", VSwitchID: "vsw-main",
		ZoneID: "cn-hangzhou-h", PrivateIPAddress: "172.16.100.100", MACAddress: "00:16:3e:00:00:01",
		NetworkInterfaceName: long(128), Description: long(256), Type: "Secondary", ResourceGroupID: "rg-" + strings.Repeat("x", 20),
		OwnerID: "1000000000000001", TrafficMode: "Standard", QueueNumber: 16, QueuePairNumber: 16}
	for i := range 16 {
		eni.SecurityGroupIDs = append(eni.SecurityGroupIDs, "sg-"+strings.Repeat("x", 20)+strconv.Itoa(i))
	}
	for i := range 49 {
		eni.SecondaryIPs = append(eni.SecondaryIPs, "172.16.100."+strconv.Itoa(i))
	}
	for i := range 10 {
		eni.IPv6s = append(eni.IPv6s, "2408:4005:3f0:1200:ffff:ffff:ffff:"+strconv.Itoa(1000+i))
	}
	for range 20 {
		eni.Tags = append(eni.Tags, oracle.Tag{Key: long(128), Value: long(128)})
	}
	obs := &oracle.Observation{RequestID: strings.Repeat("R", 36), TotalCount: 10, PageNumber: 1, PageSize: 10}
	for range 10 {
		obs.ENIs = append(obs.ENIs, eni)
	}
	limit := BodyLimit(p, ActionDescribe, 10)
	for _, format := range []string{"JSON", "XML"} {
		obs.Format = format
		rec := httptest.NewRecorder()
		Render(rec, p, ActionDescribe, obs)
		if n := int64(rec.Body.Len()); n > limit {
			t.Errorf("%s: a page of 10 of the largest ENIs takes %d bytes, over the limit of %d", format, n, limit)
		} else {
			t.Logf("%s: %d bytes of a limit of %d", format, n, limit)
		}
	}
}

// countingBody yields n bytes of 'x' and counts what was read.
type countingBody struct {
	left, read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.left))
	for i := range p[:n] {
		p[i] = 'x'
	}
	b.left -= int64(n)
	b.read += int64(n)
	return n, nil
}

func (b *countingBody) Close() error { return nil }

// A body over the limit is Garbled, read no further than one byte past the
// limit: a 100 MB body costs 64 KiB. A body of exactly the limit parses.
func TestBodyOverTheLimitNotRead(t *testing.T) {
	p := spec.Default()
	limit := BodyLimit(p, ActionCreate, 0)
	body := &countingBody{left: 100 << 20}
	obs := ParseResponse(p, ActionCreate, &http.Response{StatusCode: 200, Body: body}, nil)
	want := "body longer than " + strconv.FormatInt(limit, 10) + " bytes"
	if obs.Kind != oracle.Garbled || obs.Problem != want {
		t.Errorf("a 100 MB body: %v %q, want Garbled %q", obs.Kind, obs.Problem, want)
	}
	if body.read > limit+1 {
		t.Errorf("read %d bytes of a 100 MB body, want at most %d", body.read, limit+1)
	}
	exact := `{"RequestId":"R"}`
	exact += strings.Repeat(" ", int(limit)-len(exact))
	if obs := ParseResponse(p, ActionCreate, &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(exact))}, nil); obs.Kind != oracle.Answered {
		t.Errorf("a body of exactly the limit: %v %s", obs.Kind, obs.Problem)
	}
}

// Over HTTP, the harness hangs up on a body over the limit instead of
// reading (or draining) it: the server's write of a 1 GiB body fails early.
func TestBodyOverTheLimitHangsUp(t *testing.T) {
	var written atomic.Int64
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		chunk := []byte(strings.Repeat("x", 64<<10))
		for written.Load() < 1<<30 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if obs := ParseResponse(spec.Default(), ActionCreate, resp, err); obs.Kind != oracle.Garbled {
		t.Fatalf("a 1 GiB body: %v %s", obs.Kind, obs.Problem)
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the server is still writing 20 s after the client gave up")
	}
	if n := written.Load(); n >= 1<<30 {
		t.Errorf("the whole body was sent (%d bytes): the client drained it", n)
	}
}
