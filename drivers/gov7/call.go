package main

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/eniconform/eniconform/sdkdriver"
)

// retryCodes are the error codes retried when a call asks for attempts:
// the ones the ECS idempotence document says to retry, and throttling.
// darabonba-openapi v2.1.14 retries an error only when a RetryCondition
// names its code (its errors carry no name); transport errors and
// unreadable answers are never retried, whatever the options.
var retryCodes = []string{"InternalError", "ServiceUnavailable", "Throttling", "Throttling.User", "Throttling.Api"}

// driver makes calls through the SDK for one endpoint and key.
type driver struct {
	env sdkdriver.Env
}

// call makes c through the SDK and reports what the SDK returned.
func (d *driver) call(c sdkdriver.Call) sdkdriver.Answer {
	if why := inexpressible(c.Options); why != "" {
		return sdkdriver.Answer{Unsupported: why}
	}
	client, err := ecs.NewClient(d.config(c.Options))
	if err != nil {
		return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.KindOther, Text: "NewClient: " + err.Error()}}
	}
	method := reflect.ValueOf(client).MethodByName(c.Action + "WithOptions")
	if !method.IsValid() || !apiShape(method.Type()) {
		return sdkdriver.Answer{Unsupported: fmt.Sprintf("the SDK has no method %sWithOptions(request, runtime)", c.Action)}
	}
	req, why := request(method.Type().In(0).Elem(), c.Params)
	if why != "" {
		return sdkdriver.Answer{Unsupported: why}
	}
	runtime := &dara.RuntimeOptions{}
	if ms := c.Options.TimeoutMS; ms > 0 {
		runtime.ReadTimeout, runtime.ConnectTimeout = tea.Int(ms), tea.Int(ms)
	}
	start := time.Now()
	out, err := sdkdriver.Invoke(method, req, reflect.ValueOf(runtime))
	return surface(out, err, time.Since(start))
}

// inexpressible says why the SDK cannot send with options o, or "".
func inexpressible(o sdkdriver.Options) string {
	switch {
	case o.Method == sdkdriver.MethodGET:
		return "the SDK's generated <Action>WithOptions methods always send POST"
	case o.Body == sdkdriver.BodyForm:
		return "the SDK's generated <Action>WithOptions methods put every API parameter in the query string"
	case o.Format == sdkdriver.FormatXML:
		return "the SDK asks for JSON (Accept: application/json, or Format=json under v1) and reads only JSON bodies"
	case o.BackoffMS%1000 != 0:
		return fmt.Sprintf("the SDK sleeps whole seconds between attempts (dara.Sleep takes seconds), not %d ms", o.BackoffMS)
	}
	return ""
}

// config is the SDK's Config for options o: the endpoint as host:port over
// the protocol, the v1 scheme as SignatureAlgorithm "v2", and the retries.
func (d *driver) config(o sdkdriver.Options) *openapi.Config {
	cfg := &openapi.Config{AccessKeyId: tea.String(d.env.AccessKeyID), AccessKeySecret: tea.String(d.env.AccessKeySecret),
		Endpoint: tea.String(d.env.Endpoint), Protocol: tea.String(d.env.Protocol), RegionId: tea.String(d.env.RegionID)}
	if o.Signature == sdkdriver.SignatureV1 {
		cfg.SignatureAlgorithm = tea.String("v2")
	}
	if o.Attempts > 1 {
		// The backoff must be explicit: without one the SDK sleeps
		// MIN_DELAY_TIME (100) seconds per retry. MaxDelay caps it.
		seconds := o.BackoffMS / 1000
		cfg.RetryOptions = &dara.RetryOptions{Retryable: true, RetryCondition: []*dara.RetryCondition{{
			MaxAttempts: o.Attempts, ErrorCode: retryCodes, MaxDelay: seconds,
			Backoff: &dara.FixedBackoffPolicy{Period: seconds}}}}
	}
	return cfg
}

// apiShape reports whether t is func(*Request, *dara.RuntimeOptions)
// (*Response, error), the shape of every generated API method.
func apiShape(t reflect.Type) bool {
	return t.NumIn() == 2 && t.In(0).Kind() == reflect.Pointer && t.In(0).Elem().Kind() == reflect.Struct &&
		t.In(1) == reflect.TypeFor[*dara.RuntimeOptions]() && t.NumOut() == 2 &&
		t.Out(0).Kind() == reflect.Pointer && t.Out(1) == reflect.TypeFor[error]()
}

// surface reports what the SDK returned: the response's Body, a
// *tea.SDKError with a status as an API error, anything else as a failure
// (its text without the signature the request URL it quotes carries).
func surface(out reflect.Value, err error, elapsed time.Duration) sdkdriver.Answer {
	var sdkErr *tea.SDKError
	switch {
	case err == nil:
		ok, err := body(out)
		if err != nil {
			return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.KindOther, Text: err.Error(), Elapsed: elapsed}}
		}
		return sdkdriver.Answer{OK: ok}
	case errors.As(err, &sdkErr) && sdkErr.StatusCode != nil:
		return sdkdriver.Answer{Error: &sdkdriver.APIError{Code: tea.StringValue(sdkErr.Code),
			Message: tea.StringValue(sdkErr.Message), HTTPStatus: tea.IntValue(sdkErr.StatusCode),
			RequestID: dataString(sdkErr.Data, "RequestId")}}
	}
	return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.FailureKind(err), Text: sdkdriver.RedactText(err.Error()), Elapsed: elapsed}}
}
