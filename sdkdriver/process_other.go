//go:build !unix

package sdkdriver

import (
	"os"
	"os/exec"
)

// ownGroup does nothing where there are no process groups.
func ownGroup(cmd *exec.Cmd) {}

// killGroup kills p alone where there are no process groups.
func killGroup(p *os.Process) { _ = p.Kill() }
