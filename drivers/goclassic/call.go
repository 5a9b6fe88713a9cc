package main

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/eniconform/eniconform/sdkdriver"
)

// The API information every generated ecs.Create<Action>Request passes to
// InitWithApiInfo (the same for all 359 actions of v1.63.107).
const (
	product      = "Ecs"
	apiVersion   = "2014-05-26"
	locationCode = "ecs"
	endpointType = "openAPI"
)

// driver makes calls through the SDK for one endpoint and key.
type driver struct {
	env sdkdriver.Env
}

// call makes c through the SDK and reports what the SDK returned.
func (d *driver) call(c sdkdriver.Call) sdkdriver.Answer {
	if why := inexpressible(c.Options); why != "" {
		return sdkdriver.Answer{Unsupported: why}
	}
	client, err := d.client(c.Options)
	if err != nil {
		return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.KindOther, Text: "NewClientWithOptions: " + err.Error()}}
	}
	method := reflect.ValueOf(client).MethodByName(c.Action)
	if !method.IsValid() || !apiShape(method.Type()) {
		return sdkdriver.Answer{Unsupported: fmt.Sprintf("the SDK has no method %s(*ecs.%sRequest)", c.Action, c.Action)}
	}
	req, rpc := newRequest(method.Type().In(0).Elem(), c.Action)
	if err := fillRequest(req.Elem(), rpc, c.Params); err != nil {
		return sdkdriver.Answer{Unsupported: fmt.Sprintf("the SDK's %s %v", req.Elem().Type().Name(), err)}
	}
	d.aim(rpc, c.Options)
	start := time.Now()
	out, err := sdkdriver.Invoke(method, req)
	return surface(out, err, time.Since(start))
}

// inexpressible says why the SDK cannot send with options o, or "".
func inexpressible(o sdkdriver.Options) string {
	switch {
	case o.Signature == sdkdriver.SignatureV3:
		return "the classic SDK signs only with HMAC-SHA1 (v1)"
	case o.Body == sdkdriver.BodyForm:
		return "the classic SDK sends ECS parameters where their position tag says: the query string"
	case o.BackoffMS != 0:
		return "the classic SDK retries at once; it has no backoff setting"
	}
	return ""
}

// client is an SDK client for the key and region, retrying as o asks.
func (d *driver) client(o sdkdriver.Options) (*ecs.Client, error) {
	cfg := sdk.NewConfig()
	if o.Attempts > 1 {
		cfg = cfg.WithAutoRetry(true).WithMaxRetryTime(o.Attempts - 1)
	}
	return ecs.NewClientWithOptions(d.env.RegionID, cfg, credentials.NewAccessKeyCredential(d.env.AccessKeyID, d.env.AccessKeySecret))
}

// apiShape reports whether t is func(*Request) (*Response, error) with a
// Request that embeds *requests.RpcRequest first, the shape of every
// generated API method.
func apiShape(t reflect.Type) bool {
	if t.NumIn() != 1 || t.NumOut() != 2 || t.In(0).Kind() != reflect.Pointer || t.Out(1) != reflect.TypeFor[error]() {
		return false
	}
	req := t.In(0).Elem()
	return req.Kind() == reflect.Struct && req.NumField() > 0 && req.Field(0).Anonymous &&
		req.Field(0).Type == reflect.TypeFor[*requests.RpcRequest]()
}

// newRequest builds a request of type t for action as
// ecs.Create<Action>Request does (Go cannot look a function up by name).
func newRequest(t reflect.Type, action string) (reflect.Value, *requests.RpcRequest) {
	req := reflect.New(t)
	rpc := &requests.RpcRequest{}
	req.Elem().Field(0).Set(reflect.ValueOf(rpc))
	rpc.InitWithApiInfo(product, apiVersion, action, locationCode, endpointType)
	rpc.Method = requests.POST
	return req, rpc
}

// aim points the request at the endpoint and applies the method, format
// and timeout of o.
func (d *driver) aim(rpc *requests.RpcRequest, o sdkdriver.Options) {
	rpc.SetScheme(d.env.Protocol)
	rpc.SetDomain(d.env.Endpoint)
	if o.Method != "" {
		rpc.Method = o.Method
	}
	if o.Format != "" {
		rpc.AcceptFormat = o.Format
	}
	if o.TimeoutMS > 0 {
		t := time.Duration(o.TimeoutMS) * time.Millisecond
		rpc.SetReadTimeout(t)
		rpc.SetConnectTimeout(t)
	}
}

// surface reports what the SDK returned: the response as the SDK filled
// it, a *errors.ServerError as an API error (its accessors as they are),
// anything else as a failure (its text without the signature the request
// URL it quotes carries).
func surface(out reflect.Value, err error, elapsed time.Duration) sdkdriver.Answer {
	var serverErr *sdkerrors.ServerError
	switch {
	case err == nil:
		ok, err := response(out)
		if err != nil {
			return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: sdkdriver.KindOther, Text: err.Error(), Elapsed: elapsed}}
		}
		return sdkdriver.Answer{OK: ok}
	case errors.As(err, &serverErr):
		return sdkdriver.Answer{Error: &sdkdriver.APIError{Code: serverErr.ErrorCode(), Message: serverErr.Message(),
			HTTPStatus: serverErr.HttpStatus(), RequestID: serverErr.RequestId()}}
	}
	return sdkdriver.Answer{Failure: &sdkdriver.Failure{Kind: failureKind(err), Text: sdkdriver.RedactText(err.Error()), Elapsed: elapsed}}
}

// failureKind classifies an error of the SDK: its own ClientError by the
// error it wraps, or by its code when it wraps none.
func failureKind(err error) string {
	var clientErr *sdkerrors.ClientError
	if !errors.As(err, &clientErr) {
		return sdkdriver.FailureKind(err)
	}
	if origin := clientErr.OriginError(); origin != nil {
		return sdkdriver.FailureKind(origin)
	}
	switch clientErr.ErrorCode() {
	case sdkerrors.TimeoutErrorCode:
		return sdkdriver.KindTimeout
	case sdkerrors.JsonUnmarshalErrorCode:
		return sdkdriver.KindParse
	}
	return sdkdriver.KindOther
}
