package emulator_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
)

// A signed request is never accepted twice: one dated 14 minutes ahead is
// accepted once, refused as a reused nonce 16 and 28 minutes later (past
// the nonce window after its arrival, within it after its Timestamp), and
// by the timestamp rule once its Timestamp is more than 15 minutes old.
func TestFutureDatedRequestAcceptedOnce(t *testing.T) {
	var clock atomic.Int64
	clock.Store(frozen.UnixNano())
	srv := start(t, emulator.Options{Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	at := func(d time.Duration) { clock.Store(frozen.Add(d).UnixNano()) }
	for i, scheme := range []oracle.Scheme{oracle.V1, oracle.V3} {
		at(time.Duration(i) * time.Hour)
		c := create()
		c.Scheme, c.Time = scheme, frozen.Add(time.Duration(i)*time.Hour+14*time.Minute)
		mustSucceed(t, scheme.String()+" first, dated +14 min", send(srv.URL, c))
		for _, later := range []time.Duration{16 * time.Minute, 28 * time.Minute} {
			at(time.Duration(i)*time.Hour + later)
			mustFail(t, scheme.String()+" again at +"+later.String(), send(srv.URL, c), code(t, "gateway.nonce-reused"))
		}
		at(time.Duration(i)*time.Hour + 29*time.Minute + time.Second)
		mustFail(t, scheme.String()+" again at +29m1s", send(srv.URL, c), code(t, "gateway.timestamp-expired"))
	}
	if n := len(srv.Handler.State().Live()); n != 3 { // the world's ENI and one per scheme
		t.Errorf("%d ENIs live, want 3: a replay created one", n)
	}
}

// The same holds for a request dated in the past: once its nonce is
// forgotten, the timestamp rule refuses it.
func TestPastDatedRequestAcceptedOnce(t *testing.T) {
	var clock atomic.Int64
	clock.Store(frozen.UnixNano())
	srv := start(t, emulator.Options{Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	c := call(wire.ActionDescribe)
	c.Time = frozen.Add(-14 * time.Minute)
	mustSucceed(t, "first, dated -14 min", send(srv.URL, c))
	clock.Store(frozen.Add(time.Minute).UnixNano())
	mustFail(t, "again at +1 min", send(srv.URL, c), code(t, "gateway.nonce-reused"))
	clock.Store(frozen.Add(time.Minute + time.Second).UnixNano())
	mustFail(t, "again at +1m1s", send(srv.URL, c), code(t, "gateway.timestamp-expired"))
}
