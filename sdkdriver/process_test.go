//go:build linux

package sdkdriver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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

// A process outside the driver's group that holds its stderr open (here a
// sleep in a session of its own, once the script has seen it there) does
// not keep the Driver reading it: Close stops copying stderr after ioWait
// and closes the pipe.
func TestStderrHeldOutsideTheGroup(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid on this machine")
	}
	hello := `{"protocol":1,"sdk":"s","version":"v","options":{"signature":["v1"],"method":["POST"],"body":["query"],"format":["JSON"]}}`
	env := Env{Endpoint: "127.0.0.1:9", Protocol: "http", AccessKeyID: "id", AccessKeySecret: "secret", RegionID: "r"}
	d, err := Start(context.Background(), Config{Command: `sh -c 'echo "$0"; setsid sleep 60 >/dev/null & ` +
		`until [ "$(cut -d" " -f6 /proc/$!/stat)" = $! ]; do sleep 0.01; done; echo "pid $!" >&2' '` + hello + `'`,
		Env: env, HelloTimeout: 10 * time.Second, ExitTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case <-d.stderrDone:
	case <-time.After(time.Second): // Close has waited ioWait already
		t.Error("the Driver still reads the stderr of a driver it has closed")
	}
	var pid int
	if _, err := fmt.Sscanf(d.Stderr(), "pid %d", &pid); err != nil || pid <= 0 {
		t.Fatalf("no pid on stderr: %q", d.Stderr())
	}
	_ = syscall.Kill(pid, syscall.SIGKILL) // the sleep the test started, outside the group
}
