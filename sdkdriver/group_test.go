//go:build unix

package sdkdriver_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eniconform/eniconform/sdkdriver"
)

// A driver whose children outlive it, or hold its stdout, is still ended
// at a deadline: the whole process group is killed, the child too. The
// command line is split like a shell's, quotes and all.
func TestProcessGroup(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh on this machine")
	}
	for name, script := range map[string]string{
		"child hangs":   `echo "$0"; sleep 60 & echo "child $!" >&2; exec sleep 60`,
		"leader leaves": `echo "$0"; sleep 60 & echo "child $!" >&2; exit 0`,
	} {
		t.Run(name, func(t *testing.T) {
			cfg := quick("")
			cfg.Command, cfg.Grace = `sh -c '`+script+`' '`+fakeHello+`'`, 300*time.Millisecond
			d, err := sdkdriver.Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			_, err = d.Call(context.Background(), sdkdriver.Call{Action: "Echo", Options: sdkdriver.Options{TimeoutMS: 100}})
			var e *sdkdriver.Error
			if !errors.As(err, &e) {
				t.Fatalf("want an *sdkdriver.Error, got %v", err)
			}
			var child int
			if _, err := fmt.Sscanf(d.Stderr(), "child %d", &child); err != nil {
				t.Fatalf("no child pid on stderr %q: %v", d.Stderr(), err)
			}
			if !gone(child, 2*time.Second) {
				_ = syscall.Kill(child, syscall.SIGKILL)
				t.Errorf("the driver's child %d still runs after the session ended", child)
			}
		})
	}
}

// gone reports whether process pid ends within wait: it no longer exists,
// or it is a zombie (its parent gone, nobody has reaped it yet).
func gone(pid int, wait time.Duration) bool {
	for end := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			return true
		}
		if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if _, after, ok := strings.Cut(string(stat), ") "); ok && strings.HasPrefix(after, "Z") {
				return true
			}
		}
		if time.Now().After(end) {
			return false
		}
	}
}
