package wire

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// TestRenderParseRoundTrip: Render → ParseResponse gives back the same
// Observation (Body and ContentType aside) for JSON and XML, for the
// success bodies of all three actions and for errors.
func TestRenderParseRoundTrip(t *testing.T) {
	p := spec.Default()
	rapid.Check(t, func(t *rapid.T) {
		action := rapid.SampledFrom([]string{ActionCreate, ActionDelete, ActionDescribe}).Draw(t, "action")
		want := genObservation(t, p, action)
		rec := httptest.NewRecorder()
		Render(rec, p, action, &want)
		got := ParseResponse(p, action, rec.Result(), nil)
		if ct := got.ContentType; ct != p.ContentType(want.Format) {
			t.Fatalf("Content-Type %q, want %q", ct, p.ContentType(want.Format))
		}
		if d := cmp.Diff(want, got, cmpopts.IgnoreFields(oracle.Observation{}, "Body", "ContentType")); d != "" {
			t.Fatalf("round trip (-rendered +parsed):\n%s\nbody: %s", d, got.Body)
		}
	})
}

// genObservation draws an Answered observation for action: an error with a
// code of the spec (and its status), or a success body.
func genObservation(t *rapid.T, p *spec.Profile, action string) oracle.Observation {
	obs := oracle.Observation{
		Kind: oracle.Answered, Status: http.StatusOK,
		Format:    rapid.SampledFrom([]string{"JSON", "XML"}).Draw(t, "format"),
		RequestID: text().Draw(t, "RequestId"),
	}
	if rapid.Bool().Draw(t, "error") {
		rule := rapid.SampledFrom(p.Rules).Draw(t, "rule")
		obs.Status, _ = p.Status(rule.Code)
		if obs.Status >= 500 {
			obs.Status = http.StatusBadRequest
		}
		obs.Code, obs.Message = rule.Code, text().Draw(t, "Message")
		obs.HostID, obs.Recommend = text().Draw(t, "HostId"), text().Draw(t, "Recommend")
		return obs
	}
	switch action {
	case ActionCreate:
		obs.NetworkInterfaceID = text().Draw(t, "NetworkInterfaceId")
		if rapid.Bool().Draw(t, "newer") {
			v := genENI(t, "Created")
			v.NetworkInterfaceID = obs.NetworkInterfaceID
			obs.Created = &v
		}
	case ActionDescribe:
		obs.TotalCount = rapid.IntRange(0, 1000).Draw(t, "TotalCount")
		obs.PageNumber = rapid.IntRange(1, 100).Draw(t, "PageNumber")
		obs.PageSize = rapid.IntRange(1, 100).Draw(t, "PageSize")
		for i := range rapid.IntRange(0, 3).Draw(t, "n") {
			obs.ENIs = append(obs.ENIs, genENI(t, "ENI"+string(rune('0'+i))))
		}
	}
	return obs
}

func genENI(t *rapid.T, label string) oracle.ENIView {
	return oracle.ENIView{
		NetworkInterfaceID:   text().Draw(t, label+".NetworkInterfaceId"),
		Status:               text().Draw(t, label+".Status"),
		VpcID:                text().Draw(t, label+".VpcId"),
		VSwitchID:            text().Draw(t, label+".VSwitchId"),
		ZoneID:               text().Draw(t, label+".ZoneId"),
		PrivateIPAddress:     text().Draw(t, label+".PrivateIpAddress"),
		MACAddress:           text().Draw(t, label+".MacAddress"),
		SecurityGroupIDs:     rapid.SliceOfN(text(), 0, 3).Filter(nonEmpty).Draw(t, label+".SecurityGroupIds"),
		NetworkInterfaceName: text().Draw(t, label+".NetworkInterfaceName"),
		Description:          text().Draw(t, label+".Description"),
	}
}

func nonEmpty(s []string) bool { return len(s) > 0 }

// text draws strings that both JSON and XML carry unchanged: any valid
// UTF-8 text of XML 1.0 characters, markup and quotes included.
func text() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.StringOf(rapid.RuneFrom([]rune("aZ09 -_.:/<>&\"'中文é\t\n\r+*%="))),
		rapid.StringOf(rapid.RuneFrom(nil, &unicodeXML)),
	)
}

// TestParseResponseClassification covers what cannot be taken at face value.
func TestParseResponseClassification(t *testing.T) {
	p := spec.Default()
	jsonCT, xmlCT := p.ContentType("JSON"), p.ContentType("XML")
	transport := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/?AccessKeyId=ak&Signature=c2VjcmV0", Err: errors.New("connection refused")}
	for _, tc := range []struct {
		name    string
		status  int
		ct      string
		body    string
		err     error
		kind    oracle.ObsKind
		problem string // a substring of Problem
	}{
		{"empty body", 200, jsonCT, "", nil, oracle.Garbled, "empty body"},
		{"blank body", 400, jsonCT, " \r\n", nil, oracle.Garbled, "empty body"},
		{"HTML", 200, "text/html", "<!DOCTYPE html><html><body>502</body></html>", nil, oracle.Garbled, "HTML"},
		{"HTML without doctype", 404, "text/html", "\n<html><head></head></html>", nil, oracle.Garbled, "HTML"},
		{"truncated JSON", 200, jsonCT, `{"RequestId":"A","NetworkInterfaceId":"eni-`, nil, oracle.Garbled, "invalid JSON"},
		{"truncated XML", 200, xmlCT, xmlHeader + `<CreateNetworkInterfaceResponse><RequestId>A</Req`, nil, oracle.Garbled, "invalid XML"},
		{"plain text", 200, "text/plain", "OK", nil, oracle.Garbled, "neither JSON nor XML"},
		{"4xx without Code", 400, jsonCT, `{"RequestId":"A","Message":"bad"}`, nil, oracle.Garbled, "without Code"},
		{"3xx", 302, jsonCT, `{"RequestId":"A"}`, nil, oracle.Garbled, "unexpected HTTP status 302"},
		{"5xx with an error body", 503, jsonCT, `{"RequestId":"A","Code":"ServiceUnavailable"}`, nil, oracle.Unknown, "HTTP 503"},
		{"5xx with HTML", 502, "text/html", "<html>Bad Gateway</html>", nil, oracle.Unknown, "HTML"},
		{"transport error", 0, "", "", transport, oracle.Unknown, "connection refused"},
		{"XML error, JSON content type", 400, jsonCT, xmlHeader + `<Error><RequestId>A</RequestId><Code>InvalidParameter</Code></Error>`, nil, oracle.Answered, ""},
		{"JSON error", 404, jsonCT, `{"RequestId":"A","Code":"InvalidVSwitchId.NotFound"}`, nil, oracle.Answered, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			if tc.err == nil {
				resp = &http.Response{StatusCode: tc.status, Header: http.Header{"Content-Type": {tc.ct}}, Body: io.NopCloser(strings.NewReader(tc.body))}
			}
			obs := ParseResponse(p, ActionCreate, resp, tc.err)
			if obs.Kind != tc.kind || !strings.Contains(obs.Problem, tc.problem) || (tc.problem == "") != (obs.Problem == "") {
				t.Errorf("Kind %v, Problem %q; want %v with %q", obs.Kind, obs.Problem, tc.kind, tc.problem)
			}
			if strings.Contains(obs.Problem, "c2VjcmV0") {
				t.Errorf("Problem leaks the signature: %q", obs.Problem)
			}
			if obs.ContentType != tc.ct || obs.Status != tc.status || string(obs.Body) != tc.body {
				t.Errorf("ContentType %q, Status %d, Body %q: not kept as sent", obs.ContentType, obs.Status, obs.Body)
			}
		})
	}
}

// TestParseResponseFields: the 5xx body is still parsed, the format comes
// from the body, a body read error is Unknown and Body is capped.
func TestParseResponseFields(t *testing.T) {
	p := spec.Default()
	resp := &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"text/xml;charset=utf-8"}},
		Body: io.NopCloser(strings.NewReader(`{"RequestId":"R","Code":"InternalError"}`))}
	if obs := ParseResponse(p, ActionCreate, resp, nil); obs.Kind != oracle.Unknown || obs.Code != "InternalError" || obs.Format != "JSON" {
		t.Errorf("5xx: %+v", obs)
	}
	resp = &http.Response{StatusCode: 200, Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"Req`), iotest.ErrReader(errors.New("reset"))))}
	if obs := ParseResponse(p, ActionCreate, resp, nil); obs.Kind != oracle.Unknown || !strings.Contains(obs.Problem, "reset") {
		t.Errorf("read error: %v %q", obs.Kind, obs.Problem)
	}
	big := `{"RequestId":"R","Description":"` + strings.Repeat("x", 2*MaxBodyKept) + `"}`
	resp = &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(big))}
	if obs := ParseResponseWithin(p, ActionDelete, 1<<20, resp, nil); obs.Kind != oracle.Answered || len(obs.Body) != MaxBodyKept {
		t.Errorf("big body: %v, kept %d bytes", obs.Kind, len(obs.Body))
	}
}

// unicodeXML is the XML 1.0 character range that survives both encoders:
// printable text from the Basic Multilingual Plane and beyond, no controls,
// no surrogates, no U+FFFE/U+FFFF.
var unicodeXML = unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x20, Hi: 0x7e, Stride: 1}, {Lo: 0xa0, Hi: 0xd7ff, Stride: 1}, {Lo: 0xe000, Hi: 0xfffd, Stride: 1},
}, R32: []unicode.Range32{{Lo: 0x10000, Hi: 0x10ffff, Stride: 1}}}
