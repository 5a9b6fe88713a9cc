package sdkdriver

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// pPID is waitid's idtype for one process ID (P_PID).
const pPID = 1

// awaitExit waits until p has exited without reaping it (waitid with
// WNOWAIT): p stays a zombie, so its PID, the ID of its process group, is
// not given to another process until p.Wait. It reports whether it could.
func awaitExit(p *os.Process) bool {
	var info [16]uint64 // a siginfo_t: 128 bytes
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(p.Pid), uintptr(unsafe.Pointer(&info)),
			syscall.WEXITED|syscall.WNOWAIT, 0, 0)
		runtime.KeepAlive(p)
		if errno != syscall.EINTR {
			return errno == 0
		}
	}
}
