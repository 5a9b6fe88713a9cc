package emulator

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// hold makes the next request wait inside the handler until released, and
// reports when one is waiting.
func hold(h *Handler) (waiting <-chan struct{}, release func()) {
	w, r := make(chan struct{}), make(chan struct{})
	h.hooks.request = func(*oracle.Request) {
		close(w)
		<-r
	}
	return w, func() { close(r) }
}

// describe sends a signed DescribeNetworkInterfaces to target in the
// background and delivers the answer.
func describe(target string) <-chan oracle.Observation {
	c := &wire.Call{Scheme: oracle.V3, Action: wire.ActionDescribe, Version: spec.Default().Version,
		AccessKeyID: "test", Secret: "test", Params: map[string]string{"RegionId": "cn-hangzhou"},
		Time: time.Now(), Nonce: "in-flight-" + target}
	answer := make(chan oracle.Observation, 1)
	go func() {
		req, err := c.HTTPRequest(context.Background(), target)
		if err != nil {
			answer <- oracle.Observation{Problem: err.Error()}
			return
		}
		resp, err := http.DefaultClient.Do(req)
		answer <- wire.ParseResponse(spec.Default(), c.Action, resp, err)
	}()
	return answer
}

// refused waits until addr refuses connections: the server is stopping.
func refused(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
	}
	t.Fatal("the listener is still open 5 s after the stop")
}

// Serve, told to stop while a request is in the handler, lets it finish
// and answer before returning nil.
func TestServeFinishesInFlightRequests(t *testing.T) {
	h, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	waiting, release := hold(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, h) }()
	answer := describe("http://" + ln.Addr().String())
	<-waiting
	cancel()
	refused(t, ln.Addr().String())
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	default:
	}
	release()
	if o := <-answer; o.Kind != oracle.Answered || o.Code != "" {
		t.Errorf("the in-flight request was not answered: %v %s %s", o.Kind, o.Code, o.Problem)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// Server.Close waits for an in-flight request to be answered.
func TestCloseWaitsForInFlightRequests(t *testing.T) {
	srv, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	waiting, release := hold(srv.Handler)
	answer := describe(srv.URL)
	<-waiting
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	refused(t, srv.Endpoint)
	select {
	case <-closed:
		t.Fatal("Close returned with a request in flight")
	default:
	}
	release()
	<-closed
	select {
	case o := <-answer:
		if o.Kind != oracle.Answered || o.Code != "" {
			t.Errorf("the in-flight request was not answered: %v %s %s", o.Kind, o.Code, o.Problem)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
}
