package sdkdriver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSplitCommand(t *testing.T) {
	for line, want := range map[string][]string{
		"go run ./drivers/gov7":                     {"go", "run", "./drivers/gov7"},
		"  python3\tdrivers/python/driver.py \n":    {"python3", "drivers/python/driver.py"},
		`sh -c 'echo "a b"; exit 0'`:                {"sh", "-c", `echo "a b"; exit 0`},
		`a "b \"c\" \$d \\ \x" e\ f ''`:             {"a", `b "c" $d \ \x`, "e f", ""},
		`one"two"'three'`:                           {"onetwothree"},
		"a\\\nb \"c\\\nd\"":                         {"ab", "cd"},
		"go run \\\n ./drivers/gov7":                {"go", "run", "./drivers/gov7"},
		"go run \\\n./drivers/gov7 \\\n":            {"go", "run", "./drivers/gov7"},
		`/path/with\'quote "C:\dir\driver.exe" 'x'`: {"/path/with'quote", `C:\dir\driver.exe`, "x"},
	} {
		got, err := SplitCommand(line)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", line, got, err, want)
		}
	}
	for _, line := range []string{"", " \t", `go run 'x`, `a "b`, `a \`, `"\"`, "\\\n", " \\\n \\\n"} {
		if got, err := SplitCommand(line); err == nil {
			t.Errorf("SplitCommand(%q) = %q, want an error", line, got)
		}
	}
}

// Every kind of bad answer line is refused with a message that names the
// fault.
func TestParseAnswerRefuses(t *testing.T) {
	for line, want := range map[string]string{
		``:                                       "not JSON",
		`OK`:                                     "not JSON",
		"{\"id\":1,\"ok\":{\"a\":\"\xff\"}}":     "not UTF-8",
		`[1]`:                                    "not a JSON object but an array",
		`"ok"`:                                   "not a JSON object but a string",
		`null`:                                   "not a JSON object but null",
		`{"id":1,"ok":{}} {"id":2}`:              "more than one JSON value",
		`{"id":1,"ok":{}`:                        "not JSON",
		`{"ok":{}}`:                              `lacks "id"`,
		`{"id":"1","ok":{}}`:                     "id must be an integer",
		`{"id":1.5,"ok":{}}`:                     "id must be an integer from 1",
		`{"id":0,"ok":{}}`:                       "id must be an integer from 1",
		`{"id":1,"id":1,"ok":{}}`:                `key "id" appears twice`,
		`{"id":1}`:                               "no outcome",
		`{"id":1,"ok":{},"error":{}}`:            "2 outcomes: ok and error",
		`{"id":1,"ok":{},"extra":1}`:             `unknown key "extra"`,
		`{"id":1,"ok":null}`:                     "ok must be an object",
		`{"id":1,"ok":[]}`:                       "ok must be an object",
		`{"id":1,"error":"oops"}`:                "error is not a JSON object",
		`{"id":1,"error":{"code":404}}`:          "error.code must be a string",
		`{"id":1,"error":{"http_status":"404"}}`: "error.http_status must be an integer",
		`{"id":1,"error":{"http_status":42}}`:    "from 100 to 599",
		`{"id":1,"error":{"Code":"X"}}`:          `error has an unknown key "Code"`,
		`{"id":1,"unsupported":""}`:              "unsupported must be a non-empty string",
		`{"id":1,"unsupported":{"reason":"x"}}`:  "unsupported must be a non-empty string",
		`{"id":1,"failure":{"kind":"crash","elapsed_ms":1}}`:          `failure.kind "crash" is not one of`,
		`{"id":1,"failure":{"kind":"timeout"}}`:                       `failure lacks "elapsed_ms"`,
		`{"id":1,"failure":{"kind":"timeout","elapsed_ms":-1}}`:       "elapsed_ms must be an integer from 0",
		`{"id":1,"failure":{"kind":"other","text":7,"elapsed_ms":1}}`: "failure.text must be a string",
	} {
		_, err := ParseAnswer([]byte(line))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAnswer(%s) = %v, want it to say %q", line, err, want)
		}
	}
}

// Good answers parse to what they say; null, absent and "" all mean "not
// surfaced".
func TestParseAnswer(t *testing.T) {
	for line, want := range map[string]Answer{
		`{"id":7,"ok":{"RequestId":"R","TotalCount":1,"Sets":{"Set":[{"Primary":true}]}}}`: {ID: 7, OK: map[string]any{
			"RequestId": "R", "TotalCount": json.Number("1"), "Sets": map[string]any{"Set": []any{map[string]any{"Primary": true}}}}},
		` {"ok":{},"id":1} `: {ID: 1, OK: map[string]any{}},
		`{"id":2,"error":{"code":"X","message":null,"http_status":null}}`: {ID: 2, Error: &APIError{Code: "X"}},
		`{"id":2,"error":{}}`:                                                 {ID: 2, Error: &APIError{}},
		`{"id":3,"unsupported":"the SDK always POSTs"}`:                       {ID: 3, Unsupported: "the SDK always POSTs"},
		`{"id":4,"failure":{"kind":"parse","text":"<html>","elapsed_ms":12}}`: {ID: 4, Failure: &Failure{Kind: KindParse, Text: "<html>", Elapsed: 12 * time.Millisecond}},
	} {
		got, err := ParseAnswer([]byte(line))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseAnswer(%s) = %+v, %v; want %+v", line, got, err, want)
		}
	}
}

// MarshalJSON refuses answers that would not parse back.
func TestMarshalAnswerRefuses(t *testing.T) {
	for _, a := range []Answer{
		{ID: 1},
		{ID: 0, Unsupported: "x"},
		{ID: 1, OK: map[string]any{}, Unsupported: "x"},
		{ID: 1, Error: &APIError{HTTPStatus: 42}},
		{ID: 1, Failure: &Failure{Kind: "crash"}},
		{ID: 1, OK: map[string]any{"f": func() {}}},
	} {
		if b, err := a.MarshalJSON(); err == nil {
			t.Errorf("MarshalJSON(%+v) = %s, want an error", a, b)
		}
	}
}

// FuzzParseAnswer: whatever a driver writes, ParseAnswer does not panic,
// and an answer it accepts has exactly one outcome and survives
// MarshalJSON and ParseAnswer unchanged.
func FuzzParseAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"id":1,"ok":{"RequestId":"R","NetworkInterfaceId":"eni-1","SecurityGroupIds":{"SecurityGroupId":["sg-1"]}}}`,
		`{"id":2,"error":{"code":"InvalidVSwitchId.NotFound","message":"<Error>…</Error>","http_status":404,"request_id":"R"}}`,
		`{"id":3,"unsupported":"GET"}`, `{"id":4,"failure":{"kind":"timeout","text":"","elapsed_ms":5000}}`,
		`{"id":5,"ok":{"n":1e400,"s":"\ud800"}}`, `{"id":1,"ok":{},"ok":{}}`, `[]`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		a, err := ParseAnswer(line)
		if err != nil {
			return
		}
		if a.Outcome() == "" {
			t.Fatalf("ParseAnswer(%q) accepted an answer without an outcome", line)
		}
		b, err := a.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of %+v (from %q): %v", a, line, err)
		}
		again, err := ParseAnswer(b)
		if err != nil || !reflect.DeepEqual(again, a) {
			t.Fatalf("round trip of %q through %s: %+v, %v; want %+v", line, b, again, err, a)
		}
	})
}

func TestParseHello(t *testing.T) {
	h, err := ParseHello([]byte(`{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v1"],"method":["POST","GET"],` +
		`"body":["query"],"format":["JSON"],"attempts":true}}`))
	want := Hello{Protocol: 1, SDK: "s", Version: "v", Options: Capabilities{Signature: []string{"v1"},
		Method: []string{"POST", "GET"}, Body: []string{"query"}, Format: []string{"JSON"}, Attempts: true}}
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("ParseHello = %+v, %v", h, err)
	}
	opts := `"options":{"signature":["v1"],"method":["POST"],"body":["query"],"format":["JSON"]}`
	for line, want := range map[string]string{
		`{"protocol":2}`: "speaks protocol 2",
		`{"sdk":"s"}`:    `lacks "protocol"`,
		`{"protocol":1,"version":"v",` + opts + `}`:                                                                                                  `non-empty string "sdk"`,
		`{"protocol":1,"sdk":"s","version":"",` + opts + `}`:                                                                                         `non-empty string "version"`,
		`{"protocol":1,"sdk":"s","version":"v","name":"x",` + opts + `}`:                                                                             `unknown key "name"`,
		`{"protocol":1,"sdk":"s","version":"v","options":{"signature":[],"method":["POST"],"body":["query"],"format":["JSON"]}}`:                     "options.signature must be a non-empty array",
		`{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v2"],"method":["POST"],"body":["query"],"format":["JSON"]}}`:                 `"v2", which is unknown or repeated`,
		`{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v1"],"method":["POST","POST"],"body":["query"],"format":["JSON"]}}`:          `"POST", which is unknown or repeated`,
		`{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v1"],"method":["POST"],"body":["query"]}}`:                                   "options.format must be a non-empty array",
		`{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v1"],"method":["POST"],"body":["query"],"format":["JSON"],"timeout":"yes"}}`: "options.timeout must be a boolean",
	} {
		if _, err := ParseHello([]byte(line)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseHello(%s) = %v, want it to say %q", line, err, want)
		}
	}
}

func TestExpresses(t *testing.T) {
	c := Capabilities{Signature: []string{"v3", "v1"}, Method: []string{"POST"}, Body: []string{"query"},
		Format: []string{"JSON"}, Timeout: true}
	for _, tc := range []struct {
		o    Options
		ok   bool
		says string
	}{
		{Options{}, true, ""},
		{Options{Signature: "v1", Method: "POST", TimeoutMS: 5}, true, ""},
		{Options{Method: "GET"}, false, `method "GET"`},
		{Options{Format: "XML"}, false, `format "XML"`},
		{Options{Attempts: 2}, false, "attempts"},
		{Options{BackoffMS: 2}, false, "backoff_ms"},
	} {
		ok, why := c.Expresses(tc.o)
		if ok != tc.ok || !strings.Contains(why, tc.says) {
			t.Errorf("Expresses(%+v) = %v %q", tc.o, ok, why)
		}
	}
	if c.Default("signature") != "v3" || c.Default("format") != "JSON" || c.Default("body") != "query" {
		t.Errorf("defaults: %q %q %q", c.Default("signature"), c.Default("format"), c.Default("body"))
	}
	for _, name := range []string{"bogus", "timeout", ""} {
		if got := c.Default(name); got != "" {
			t.Errorf("Default(%q) = %q, want \"\" for a name that is no enumerated option", name, got)
		}
	}
}

// ParseCall reads what Call.encode writes, and refuses what eniconform
// never sends.
func TestParseCall(t *testing.T) {
	c := Call{ID: 3, Action: "CreateNetworkInterface", Params: map[string]any{"Tag": []any{map[string]any{"Key": "k"}},
		"QueueNumber": json.Number("2"), "Ids": []any{"a"}}, Options: Options{Signature: "v1", Attempts: 2, BackoffMS: 0}}
	b, err := c.encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCall(b)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("ParseCall(%s) = %+v, %v", b, got, err)
	}
	for line, want := range map[string]string{
		`{"id":1}`:                                          "action",
		`{"id":1,"action":"A","params":[]}`:                 "params must be an object",
		`{"id":1,"action":"A","params":{"X":null}}`:         "X is null",
		`{"id":1,"action":"A","params":{"X":[1.5]}}`:        "X[0] is 1.5, not an integer",
		`{"id":1,"action":"A","options":{"format":"YAML"}}`: `format "YAML"`,
		`{"id":1,"action":"A","options":{"timeout_ms":0}}`:  "timeout_ms must be an integer from 1",
		`{"id":1,"action":"A","options":{"retries":1}}`:     `unknown key "retries"`,
	} {
		if _, err := ParseCall([]byte(line)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCall(%s) = %v, want it to say %q", line, err, want)
		}
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("y", 100)
	r := newLineReader(strings.NewReader("a\r\n\nb\n"+long+"\nrest"), 50)
	for _, want := range []struct {
		line string
		err  error
	}{{"a", nil}, {"", nil}, {"b", nil}, {long[:50], errLineTooLong}} {
		line, err := r.next()
		if string(line) != want.line || !errors.Is(err, want.err) {
			t.Errorf("next = %q, %v; want %q, %v", line, err, want.line, want.err)
		}
	}
	r = newLineReader(strings.NewReader("done\nhalf"), 50)
	r.next()
	if line, err := r.next(); string(line) != "half" || err != io.ErrUnexpectedEOF {
		t.Errorf("a last line without newline: %q, %v", line, err)
	}
	if _, err := newLineReader(strings.NewReader(""), 5).next(); err != io.EOF {
		t.Errorf("empty input: %v", err)
	}
}

func TestTail(t *testing.T) {
	tl := &tail{max: 16, secret: "hunter2"}
	fmt.Fprintf(tl, "first line, long enough to drop\nthe secret hunter2\nlast\n")
	got := tl.String()
	if !strings.HasPrefix(got, "[") || !strings.Contains(got, "earlier bytes dropped]") ||
		strings.Contains(got, "hunter2") || !strings.HasSuffix(got, "last\n") {
		t.Errorf("tail: %q", got)
	}
	if got := tl.last(1); got != "last" {
		t.Errorf("last(1) = %q", got)
	}
	big := &tail{max: 8}
	big.Write([]byte(strings.Repeat("z", 100)))
	if s := big.String(); !strings.HasSuffix(s, "zzzzzzzz") || !strings.Contains(s, "92 earlier bytes dropped") {
		t.Errorf("a write past max: %q", s)
	}
}

// No cut of the tail goes through the secret: neither the cut to the last
// max bytes that String makes nor the one Write makes to stay under 2 max
// leaves a piece of it, on a line that never ends as on several writes.
func TestTailCutsAroundTheSecret(t *testing.T) {
	const secret = "hunter2-hunter2"
	for name, writes := range map[string][]string{
		"String's cut":           {"xxxxxxxxxxxx" + secret + "yyyyyyyyy"},
		"Write's cut":            {"xxxxxxxxxxxxxxxxxxxxxxxxx" + secret + "yyyyyyyyy"},
		"across writes":          {"xxxxxxxxxxxxxxxxxxxxxxxxxhunter2", "-hunter2yyyyyyyyy"},
		"two secrets in the way": {"xxxxxxxxxxxxxxxx" + secret + secret + "yyyy"},
	} {
		tl := &tail{max: 16, secret: secret}
		for _, w := range writes {
			tl.Write([]byte(w))
		}
		got := tl.String()
		for i := 0; i+4 <= len(secret); i++ {
			if strings.Contains(got, secret[i:i+4]) {
				t.Errorf("%s: %q shows %q of the secret", name, got, secret[i:i+4])
				break
			}
		}
		if !strings.HasSuffix(got, "yyyy") {
			t.Errorf("%s: %q lost the end", name, got)
		}
	}
}

func TestFailureKind(t *testing.T) {
	timeout := &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}
	var syntaxErr *json.SyntaxError
	errors.As(json.Unmarshal([]byte("<html>"), &struct{}{}), &syntaxErr)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{timeout, KindTimeout},
		{fmt.Errorf("post: %w", timeout), KindTimeout},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, KindConnection},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), KindConnection},
		{io.ErrUnexpectedEOF, KindConnection},
		{fmt.Errorf("decoding: %w", syntaxErr), KindParse},
		{errors.New("something"), KindOther},
	} {
		if got := FailureKind(tc.err); got != tc.want {
			t.Errorf("FailureKind(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// Serve writes the hello, answers each call with its id, and stops at the
// first line that is not a call.
func TestServe(t *testing.T) {
	hello := Hello{SDK: "s", Version: "v", Options: Capabilities{Signature: []string{"v1"}, Method: []string{"POST"},
		Body: []string{"query"}, Format: []string{"JSON"}}}
	in := strings.NewReader(`{"id":1,"action":"A"}` + "\n" + `{"id":2,"action":"B","params":{"X":1}}` + "\n")
	var out bytes.Buffer
	err := Serve(in, &out, hello, func(c Call) Answer { return Answer{Unsupported: "no " + c.Action} })
	want := `{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v1"],"method":["POST"],"body":["query"],` +
		`"format":["JSON"],"timeout":false,"attempts":false,"backoff":false}}` + "\n" +
		`{"id":1,"unsupported":"no A"}` + "\n" + `{"id":2,"unsupported":"no B"}` + "\n"
	if err != nil || out.String() != want {
		t.Errorf("Serve = %v, wrote\n%s\nwant\n%s", err, out.String(), want)
	}
	err = Serve(strings.NewReader("{\"id\":1}\n"), io.Discard, hello, nil)
	if err == nil || !strings.Contains(err.Error(), "stdin line 1 is not a call") {
		t.Errorf("Serve on a bad line: %v", err)
	}
	if err := Serve(strings.NewReader(""), io.Discard, Hello{SDK: "s"}, nil); err == nil {
		t.Error("Serve wrote a hello without a version or options")
	}
}

// Flatten gives the pairs of the protocol's example (§6) and of every
// kind of value.
func TestFlatten(t *testing.T) {
	got := Flatten(map[string]any{"SecurityGroupIds": []any{"sg-1"}, "Tag": []any{map[string]any{"Key": "k", "Value": ""}},
		"ConnectionTrackingConfiguration": map[string]any{"UdpTimeout": json.Number("30")}, "Ids": []string{"a", "b"},
		"N": 7, "B": false, "Empty": []any{}, "S": map[string]any{"L": []any{int64(-1)}}})
	want := map[string]string{"SecurityGroupIds.1": "sg-1", "Tag.1.Key": "k", "Tag.1.Value": "",
		"ConnectionTrackingConfiguration.UdpTimeout": "30", "Ids.1": "a", "Ids.2": "b", "N": "7", "B": "false", "S.L.1": "-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Flatten = %v\nwant %v", got, want)
	}
}

// RedactText hides signatures and security tokens in an SDK's error text,
// whatever their case, and leaves the rest (SignatureNonce among it) as
// it is.
func TestRedactText(t *testing.T) {
	for in, want := range map[string]string{
		`Post "http://127.0.0.1:1/?AccessKeyId=test&Action=X&Signature=%2F%2FCt%3D&SignatureNonce=n1": EOF`: `Post "http://127.0.0.1:1/?AccessKeyId=test&Action=X&Signature=<redacted>&SignatureNonce=n1": EOF`,
		`GET /?signature=abc+/d=&SecurityToken=tok`:                                                         `GET /?signature=<redacted>&SecurityToken=<redacted>`,
		`Authorization: ACS3-HMAC-SHA256 Credential=test,SignedHeaders=host,Signature=f01f9e`:               `Authorization: ACS3-HMAC-SHA256 Credential=test,SignedHeaders=host,Signature=<redacted>`,
		`Signature=x`:                        `Signature=<redacted>`,
		`XSignature=1 x-acs-signature-nonce`: `XSignature=1 x-acs-signature-nonce`,
	} {
		if got := RedactText(in); got != want {
			t.Errorf("RedactText(%s)\n = %s\nwant %s", in, got, want)
		}
	}
}
