package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// memory is what /proc/PID/status says of a process's resident memory.
type memory struct {
	rss, hwm int64 // VmRSS and VmHWM, in KiB
}

func (m memory) String() string {
	return fmt.Sprintf("VmRSS %s  VmHWM %s", mib(m.rss), mib(m.hwm))
}

// mib formats KiB as MiB with one decimal.
func mib(kib int64) string { return fmt.Sprintf("%6.1f MiB", float64(kib)/1024) }

// readMemory reads VmRSS and VmHWM of pid from /proc (Linux only).
func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			m.rss = kib
		case "VmHWM":
			m.hwm = kib
		}
	}
	if m.rss == 0 {
		return m, fmt.Errorf("/proc/%d/status has no VmRSS", pid)
	}
	return m, sc.Err()
}

// server is an `eniconform serve` this command started.
type server struct {
	cmd *exec.Cmd
	url string
}

// startServe runs `bin serve --quiet --addr 127.0.0.1:0` and waits (at most
// 30 s) until it prints where it listens.
func startServe(bin string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--quiet", "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s serve: %w", bin, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				found <- addr
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, out) // the banner's rest and the stop line
	}()
	select {
	case url, ok := <-found:
		if ok {
			return &server{cmd: cmd, url: url}, nil
		}
	case <-time.After(30 * time.Second):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, errors.New(bin + " serve did not say where it listens")
}

// stop sends SIGTERM and waits for the server to exit.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	return s.cmd.Wait()
}

// peakRSS returns the peak resident memory (VmHWM) of an exited child, in
// KiB, from its rusage.
func peakRSS(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
