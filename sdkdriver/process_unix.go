//go:build unix

package sdkdriver

import (
	"os"
	"os/exec"
	"syscall"
)

// ownGroup makes cmd the leader of a new process group, so that killing
// the group also ends what it started (the binary `go run` builds, say).
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends SIGKILL to the process group led by p; a group that is
// already gone is no error. Call it only while p is not reaped: after
// that, p's PID (the group's ID) may be another process's.
func killGroup(p *os.Process) { signalGroup(p.Pid) }

// signalGroup sends SIGKILL to the process group pgid; a test observes
// when it is called.
var signalGroup = func(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }
