package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/sdkdriver"
)

// apiVersion is the API version every call is sent with.
const apiVersion = "2014-05-26"

// maxAnswer bounds how much of an answer the client reads.
const maxAnswer = 1 << 20

// client sends calls to one endpoint with one key, with the planted bugs.
type client struct {
	env  sdkdriver.Env
	bugs map[string]bool
	http http.Client
}

// reply is what came back for one request.
type reply struct {
	status int
	body   []byte
	err    error
}

// call sends c and reports what the client surfaces.
func (cl *client) call(c sdkdriver.Call) sdkdriver.Answer {
	if why := inexpressible(c.Options); why != "" {
		return sdkdriver.Answer{Unsupported: why}
	}
	params := sdkdriver.Flatten(c.Params)
	if cl.bugs[bugDropStar] {
		for k, v := range params {
			params[k] = strings.ReplaceAll(v, "*", "")
		}
	}
	start := time.Now()
	rep := cl.send(c, params)
	if cl.bugs[bugRetryCreate] && c.Action == wire.ActionCreate && params["ClientToken"] == "" && (rep.err != nil || rep.status >= 500) {
		rep = cl.send(c, params)
	}
	return cl.surface(rep, time.Since(start))
}

// inexpressible says why the client cannot send with options o, or "".
func inexpressible(o sdkdriver.Options) string {
	switch {
	case o.Format == sdkdriver.FormatXML:
		return "this client asks for and reads JSON only"
	case o.Body == sdkdriver.BodyForm && o.Signature == sdkdriver.SignatureV3:
		return "this client sends a form body only under V1"
	case o.Attempts > 1 || o.BackoffMS > 0:
		return "this client has no retry settings"
	}
	return ""
}

// send signs and sends one request for c with the flat params.
func (cl *client) send(c sdkdriver.Call, params map[string]string) reply {
	o := c.Options
	w := wire.Call{Scheme: oracle.V1, Method: o.Method, FormBody: o.Body == sdkdriver.BodyForm, Action: c.Action,
		Version: apiVersion, Format: sdkdriver.FormatJSON, AccessKeyID: cl.env.AccessKeyID, Secret: cl.env.AccessKeySecret,
		Params: params, Time: time.Now(), Nonce: nonce()}
	if o.Signature == sdkdriver.SignatureV3 {
		w.Scheme = oracle.V3
	}
	ctx := context.Background()
	if o.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(o.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	req, err := w.HTTPRequest(ctx, cl.env.Protocol+"://"+cl.env.Endpoint)
	if err != nil {
		return reply{err: err}
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	return reply{status: resp.StatusCode, body: body, err: err}
}

// nonce is a fresh SignatureNonce.
func nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// surface turns a reply into what the client reports: the JSON body on
// 2xx, an API error otherwise, a failure when nothing usable came.
func (cl *client) surface(rep reply, elapsed time.Duration) sdkdriver.Answer {
	if rep.err != nil {
		return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.FailureKind(rep.err), Text: sdkdriver.RedactText(rep.err.Error()), Elapsed: elapsed}}
	}
	dec := json.NewDecoder(bytes.NewReader(rep.body))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.KindParse,
			Text: fmt.Sprintf("HTTP %d with a body that is not a JSON object: %v", rep.status, err), Elapsed: elapsed}}
	}
	if rep.status/100 == 2 {
		return sdkdriver.Answer{OK: body}
	}
	e := &sdkdriver.APIError{Code: text(body["Code"]), Message: text(body["Message"]), HTTPStatus: rep.status,
		RequestID: text(body["RequestId"])}
	if cl.bugs[bugStatus500] {
		e.HTTPStatus = http.StatusInternalServerError
	}
	if cl.bugs[bugLoseRequestID] {
		e.RequestID = ""
	}
	return sdkdriver.Answer{Error: e}
}

// text is a JSON value as a string; "" when it is not one.
func text(v any) string {
	s, _ := v.(string)
	return s
}
