package wire_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// A V1 call becomes a signed GET; the server side decodes and verifies it.
// Reports show requests through Redact, never raw.
func ExampleCall_HTTPRequest() {
	call := &wire.Call{
		Scheme: oracle.V1, Method: "GET",
		Action: "CreateNetworkInterface", Version: "2014-05-26", Format: "JSON",
		AccessKeyID: "testAKID", Secret: "testSecret",
		Params: map[string]string{"RegionId": "cn-hangzhou", "VSwitchId": "vsw-1",
			"SecurityGroupId": "sg-1", "Description": "a b*中"},
		Time:  time.Date(2026, 11, 26, 7, 13, 25, 0, time.UTC),
		Nonce: "0b85d98b20880a1040ccb935eb178555",
	}
	req, err := call.HTTPRequest(context.Background(), "http://127.0.0.1:8080")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(wire.Redact(req))

	in, _ := wire.ParseRequest(req, spec.Default())
	fmt.Println(in.Request.Params["Description"], in.Verify("testSecret") == oracle.SigValid)
	// Output:
	// GET http://127.0.0.1:8080/?AccessKeyId=testAKID&Action=CreateNetworkInterface&Description=a%20b%2A%E4%B8%AD&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId=sg-1&Signature=<redacted>&SignatureMethod=HMAC-SHA1&SignatureNonce=0b85d98b20880a1040ccb935eb178555&SignatureVersion=1.0&Timestamp=2026-11-26T07%3A13%3A25Z&VSwitchId=vsw-1&Version=2014-05-26
	// a b*中 true
}

// Render writes the status, the exact Content-Type the SDKs require and the
// body in the observation's format.
func ExampleRender() {
	p := spec.Default()
	for _, obs := range []*oracle.Observation{
		{Format: "JSON", RequestID: "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E", NetworkInterfaceID: "eni-bp14v2sdd3v8htln0001"},
		{Format: "XML", RequestID: "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E", HostID: "ecs.aliyuncs.com",
			Code: "InvalidVSwitchId.NotFound", Message: "The specified VSwitchId is not found."},
	} {
		rec := httptest.NewRecorder()
		wire.Render(rec, p, wire.ActionCreate, obs)
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
		fmt.Println(rec.Body.String())
	}
	// Output:
	// 200 application/json;charset=utf-8
	// {"RequestId":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E","NetworkInterfaceId":"eni-bp14v2sdd3v8htln0001"}
	// 404 text/xml;charset=utf-8
	// <?xml version="1.0" encoding="UTF-8"?><Error><RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>InvalidVSwitchId.NotFound</Code><Message>The specified VSwitchId is not found.</Message><Recommend></Recommend></Error>
}

// ParseResponse classifies what it cannot take at face value.
func ExampleParseResponse() {
	p := spec.Default()
	rec := httptest.NewRecorder()
	rec.WriteHeader(502)
	rec.WriteString("<html><body>Bad Gateway</body></html>")
	obs := wire.ParseResponse(p, wire.ActionCreate, rec.Result(), nil)
	fmt.Println(obs.Kind, obs.Status, obs.Problem)
	// Output:
	// unknown 502 HTTP 502 (and HTML body)
}
