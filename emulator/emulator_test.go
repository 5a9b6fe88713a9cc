package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// frozen is the clock of tests that need one.
var frozen = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

func frozenNow() time.Time { return frozen }

// The default world's main account "test": its owner, and the resources
// a valid create names.
const (
	testOwner = "1000000000000001"
	region    = "cn-hangzhou"
	vswitch   = "vsw-bp1main-h"
	group     = "sg-bp1main"
)

// code returns the code of a rule of the default profile.
func code(t testing.TB, ruleID string) string {
	t.Helper()
	r := spec.Default().Rule(ruleID)
	if r == nil {
		t.Fatalf("the default profile has no rule %s", ruleID)
	}
	return r.Code
}

// start starts an emulator for the test and closes it at the end.
func start(t testing.TB, opts emulator.Options) *emulator.Server {
	t.Helper()
	srv, err := emulator.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

var nonceSeq atomic.Uint64

// call returns a V1 call by the key test/test at the real time, with a
// fresh nonce, RegionId cn-hangzhou and the parameters kv (name, value, …).
func call(action string, kv ...string) *wire.Call {
	c := &wire.Call{Scheme: oracle.V1, Action: action, Version: spec.Default().Version, Format: "JSON",
		AccessKeyID: "test", Secret: "test", Params: map[string]string{"RegionId": region},
		Time: time.Now(), Nonce: fmt.Sprintf("nonce-%d-%d", time.Now().UnixNano(), nonceSeq.Add(1))}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Params[kv[i]] = kv[i+1]
	}
	return c
}

// create returns a valid CreateNetworkInterface call in the default world.
func create(kv ...string) *wire.Call {
	return call(wire.ActionCreate, append([]string{"VSwitchId", vswitch, "SecurityGroupId", group}, kv...)...)
}

// client is the HTTP client of the tests: enough idle connections for the
// concurrent ones, and a timeout so that no test hangs.
var client = &http.Client{Timeout: 10 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128}}

// send signs c for target, sends it and parses the answer. A call that
// cannot be built comes back Unknown, with the reason as its Problem.
func send(target string, c *wire.Call) oracle.Observation {
	req, err := c.HTTPRequest(context.Background(), target)
	if err != nil {
		return oracle.Observation{Kind: oracle.Unknown, Problem: err.Error()}
	}
	resp, err := client.Do(req)
	return wire.ParseResponse(spec.Default(), c.Action, resp, err)
}

// wellFormed reports what is wrong with an answer, "" if nothing: it must
// be Answered, carry a valid RequestId and exactly one of the profile's
// content types, in the format its body has, and an error must have the
// status the profile gives its code.
func wellFormed(p *spec.Profile, o *oracle.Observation) string {
	status, known := p.Status(o.Code)
	switch {
	case o.Kind != oracle.Answered:
		return fmt.Sprintf("not answered (%v): %s", o.Kind, o.Problem)
	case !p.RequestIDValid(o.RequestID):
		return fmt.Sprintf("RequestId %q", o.RequestID)
	case o.ContentType != p.ContentType(o.Format):
		return fmt.Sprintf("Content-Type %q for a %s body", o.ContentType, o.Format)
	case o.Code == "" && o.Status != http.StatusOK:
		return fmt.Sprintf("success with HTTP %d", o.Status)
	case o.Code != "" && (!known || status != o.Status):
		return fmt.Sprintf("code %q with HTTP %d (the profile says %d, known %v)", o.Code, o.Status, status, known)
	}
	return ""
}

// mustSucceed fails the test unless o is a well-formed success.
func mustSucceed(t testing.TB, what string, o oracle.Observation) {
	t.Helper()
	if bad := wellFormed(spec.Default(), &o); bad != "" || o.Code != "" {
		t.Fatalf("%s: want success, got %s %s %s (%s)", what, o.Code, o.Message, bad, o.Body)
	}
}

// mustFail fails the test unless o is a well-formed error with code.
func mustFail(t testing.TB, what string, o oracle.Observation, code string) {
	t.Helper()
	if bad := wellFormed(spec.Default(), &o); bad != "" || o.Code != code {
		t.Fatalf("%s: want %s, got %q %s (%s)", what, code, o.Code, bad, o.Body)
	}
}
