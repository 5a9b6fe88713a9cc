//go:build linux

package sdkdriver

import (
	"context"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The driver's process group is signalled only while its leader is not
// reaped, whether the session ends cleanly or by a breach after the
// driver's exit: once reaped, the leader's PID (the group's ID) may be
// another process's. Not parallel: it observes signalGroup. Linux only:
// elsewhere wait can only kill the group right after the reap.
func TestGroupSignalledOnlyBeforeReap(t *testing.T) {
	var mu sync.Mutex
	var sent, late int
	send := signalGroup
	signalGroup = func(pgid int) {
		mu.Lock()
		sent++
		if syscall.Kill(pgid, 0) == syscall.ESRCH { // the leader is gone, zombie and all
			late++
		}
		mu.Unlock()
		send(pgid)
	}
	t.Cleanup(func() { signalGroup = send })
	env := Env{Endpoint: "127.0.0.1:9", Protocol: "http", AccessKeyID: "id", AccessKeySecret: "secret", RegionID: "r"}
	for _, mode := range []string{"good", "exit-before-answer"} {
		d, err := Start(context.Background(), Config{Command: strconv.Quote(os.Args[0]) + " fake-driver " + mode, Env: env,
			HelloTimeout: 10 * time.Second, ExitTimeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if mode != "good" {
			_, _ = d.Call(context.Background(), Call{Action: "Echo"})
		}
		_ = d.Close()
	}
	if sent == 0 || late > 0 {
		t.Errorf("%d of the %d signals to a driver's group were sent after its leader was reaped", late, sent)
	}
}
