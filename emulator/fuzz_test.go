package emulator_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/internal/wire/wiretest"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// FuzzHandler feeds the whole handler arbitrary methods, raw queries,
// header blocks ("Name: value" lines; a Host line sets r.Host) and bodies,
// each request twice (the second meets the state and nonce the first left).
// It must never panic, and every answer must be a well-formed success or
// error envelope: Answered by wire.ParseResponse, a valid RequestId, exactly
// one of the profile's two content types, the status of its code.
//
// The seeds are correctly signed requests of every shape (at the frozen
// clock the handler uses) and broken ones, so that the fuzzer starts from
// both sides of every gateway rule.
func FuzzHandler(f *testing.F) {
	for _, seed := range signedSeeds(f) {
		f.Add(seed[0], seed[1], seed[2], []byte(seed[3]))
	}
	for _, seed := range [][4]string{
		{"", "", "", ""},
		{"PUT", "Action=CreateNetworkInterface&Format=xMl", "", ""},
		{"POST", "a=%zz&b=%&=x&&c", "Content-Type: application/x-www-form-urlencoded", "Action=%&Format=JSON"},
		{"GET", "Action=DescribeNetworkInterfaces&AccessKeyId=test&PageSize=-1&PageNumber=99999999999999999999", "Accept: application/json", ""},
		{"POST", "", "Authorization: ACS3-HMAC-SHA256 Credential=test,SignedHeaders=host,Signature=00\nx-acs-action: CreateNetworkInterface", "x"},
		{"GET", "Action=<x>&Format=XML", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], []byte(seed[3]))
	}
	w, p := world.Default(), spec.Default()
	f.Fuzz(func(t *testing.T, method, rawQuery, headers string, body []byte) {
		h, err := emulator.New(emulator.Options{World: w, Now: frozenNow, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, wiretest.Request(method, rawQuery, headers, body))
			resp := rec.Result()
			if ct := resp.Header.Values("Content-Type"); len(ct) != 1 || ct[0] != p.ContentType("JSON") && ct[0] != p.ContentType("XML") {
				t.Fatalf("Content-Type %q", ct)
			}
			o := wire.ParseResponse(p, "", resp, nil)
			if bad := wellFormed(p, &o); bad != "" {
				t.Fatalf("%s\n%s", bad, o.Body)
			}
		}
	})
}

// signedSeeds returns correctly signed requests of every shape, split into
// method, raw query, header block and body.
func signedSeeds(f testing.TB) [][4]string {
	var out [][4]string
	shapes := []struct {
		scheme oracle.Scheme
		method string
		form   bool
	}{{oracle.V1, http.MethodGet, false}, {oracle.V1, http.MethodPost, true}, {oracle.V3, http.MethodPost, false}}
	for i, s := range shapes {
		for _, c := range []*wire.Call{create("ClientToken", "tok"), call(wire.ActionDescribe, "PageSize", "50"),
			call(wire.ActionDelete, "NetworkInterfaceId", "eni-bp1existing000000001")} {
			c.Scheme, c.Method, c.FormBody, c.Time, c.Nonce = s.scheme, s.method, s.form, frozen, "seed-"+string(rune('a'+i))
			req, err := c.HTTPRequest(f.Context(), "http://127.0.0.1:8080")
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, split(f, req))
		}
	}
	return out
}

// split turns a client request into the fuzzer's parts.
func split(f testing.TB, req *http.Request) [4]string {
	raw, err := httputil.DumpRequestOut(req, true)
	if err != nil {
		f.Fatal(err)
	}
	in, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		f.Fatal(err)
	}
	body, _ := io.ReadAll(in.Body)
	var headers []string
	for name, values := range in.Header {
		for _, v := range values {
			headers = append(headers, name+": "+v)
		}
	}
	slices.Sort(headers)
	headers = append(headers, "Host: "+in.Host)
	return [4]string{in.Method, in.URL.RawQuery, strings.Join(headers, "\n"), string(body)}
}

// The signed seeds succeed the first time, so that the fuzzer starts from
// the success path of every shape too.
func TestSignedSeedsSucceed(t *testing.T) {
	for _, seed := range signedSeeds(t) {
		h, err := emulator.New(emulator.Options{Now: frozenNow, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, wiretest.Request(seed[0], seed[1], seed[2], []byte(seed[3])))
		mustSucceed(t, seed[0]+" "+seed[1], wire.ParseResponse(spec.Default(), "", rec.Result(), nil))
	}
}
