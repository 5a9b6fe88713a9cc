package wire

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// The harness targets 10,000 requests/s end to end on 2 cores; these
// benchmarks keep the wire's share visible (go test -bench . -benchmem).

func BenchmarkSignV1(b *testing.B) {
	c := v3Call()
	c.Scheme = oracle.V1
	p := spec.Default()
	b.ReportAllocs()
	for b.Loop() {
		c.v1Params(p)
	}
}

func BenchmarkSignV3(b *testing.B) {
	c, p := v3Call(), spec.Default()
	b.ReportAllocs()
	for b.Loop() {
		c.v3Parts(p, "127.0.0.1:8080")
	}
}

// benchCapture returns the raw bytes of a plain golden capture of a scheme.
func benchCapture(b *testing.B, v3 bool) []byte {
	name := "gov7-v2-ok-plain"
	if v3 {
		name = "gov7-default-ok-plain"
	}
	for _, c := range loadCaptures(b) {
		if c.name == name {
			return c.raw
		}
	}
	b.Fatalf("no capture %s", name)
	return nil
}

func readRequest(b *testing.B, raw []byte) *http.Request {
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func benchParse(b *testing.B, v3 bool, verify bool) {
	raw, p := benchCapture(b, v3), spec.Default()
	r := readRequest(b, raw)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = http.NoBody
		in, err := ParseRequest(r, p)
		if err != nil {
			b.Fatal(err)
		}
		if verify && in.Verify(captureSecret) != oracle.SigValid {
			b.Fatal("capture does not verify")
		}
	}
}

func BenchmarkParseRequestV1(b *testing.B) { benchParse(b, false, false) }
func BenchmarkParseRequestV3(b *testing.B) { benchParse(b, true, false) }
func BenchmarkVerifyV1(b *testing.B)       { benchParse(b, false, true) }
func BenchmarkVerifyV3(b *testing.B)       { benchParse(b, true, true) }

func BenchmarkRenderJSON(b *testing.B) {
	p, created := spec.Default(), sampleENI
	obs := &oracle.Observation{Format: "JSON", RequestID: "R", NetworkInterfaceID: created.NetworkInterfaceID, Created: &created}
	b.ReportAllocs()
	for b.Loop() {
		Render(httptest.NewRecorder(), p, ActionCreate, obs)
	}
}

func BenchmarkParseResponseJSON(b *testing.B) {
	p, created := spec.Default(), sampleENI
	rec := httptest.NewRecorder()
	Render(rec, p, ActionCreate, &oracle.Observation{Format: "JSON", RequestID: "R", NetworkInterfaceID: "eni-1", Created: &created})
	body := rec.Body.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		resp := &http.Response{StatusCode: 200, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(body))}
		if obs := ParseResponse(p, ActionCreate, resp, nil); obs.Kind != oracle.Answered {
			b.Fatal(obs.Problem)
		}
	}
}
