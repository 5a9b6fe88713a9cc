package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"time"
)

// bodyCommand serves a huge body to every request and runs the harness
// against it, then prints the harness's peak RSS.
func bodyCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform-measure body", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "", "the eniconform `BIN` whose run command is measured")
	size := fs.Int64("body-bytes", 2<<30, "length of every answer's body (streamed, never allocated)")
	workers := fs.Int("workers", 64, "the run's --workers")
	checks := fs.Int("checks", 2, "the run's --checks")
	shrink := fs.Duration("shrink-time", time.Second, "the run's --shrink-time")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *bin == "" || *size <= 0 || *workers <= 0 || *checks <= 0 {
		fmt.Fprintln(stderr, "eniconform-measure body: --bin is required; --body-bytes, --workers and --checks must be positive")
		return 2
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure body: %v\n", err)
		return 1
	}
	t := &hugeBody{size: *size}
	go func() { _ = http.Serve(ln, t) }()
	defer ln.Close()
	return measureRun(*bin, "http://"+ln.Addr().String(), t, []string{"--workers", strconv.Itoa(*workers),
		"--checks", strconv.Itoa(*checks), "--shrink-time", shrink.String(), "--breaker", "100000"}, stdout, stderr)
}

// measureRun runs `bin run --target url flags…` with its output discarded
// and prints its exit status, time and peak RSS, and what the target sent.
func measureRun(bin, url string, t *hugeBody, flags []string, stdout, stderr io.Writer) int {
	dir, err := os.MkdirTemp("", "eniconform-measure-")
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure body: %v\n", err)
		return 1
	}
	defer func() {
		if os.Getenv("ENICONFORM_KEEP_REPORT") == "" {
			os.RemoveAll(dir)
		} else {
			fmt.Fprintf(stdout, "report kept in %s\n", dir)
		}
	}()
	cmd := exec.Command(bin, append([]string{"run", "--target", url, "--report-dir", dir}, flags...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(stderr, "eniconform-measure body: %s run: %v\n", bin, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s run %v against %d-byte bodies: exit %d in %.1f s\n", bin, flags, t.size, cmd.ProcessState.ExitCode(), time.Since(start).Seconds())
	fmt.Fprintf(stdout, "harness peak RSS (VmHWM): %s\n", mib(peakRSS(cmd.ProcessState)))
	fmt.Fprintf(stdout, "the target answered %d requests and wrote %s of bodies before the harness hung up\n", t.answers.Load(), mib(t.written.Load()/1024))
	fmt.Fprintf(stdout, "the run ended with:\n%s\n", lastLines(out.String(), 3))
	return 0
}

// hugeBody answers every request with 200, a JSON Content-Type and a body
// of size bytes that starts like an answer and never ends in time. It
// writes one 64 KiB buffer again and again, and stops when the client hangs
// up.
type hugeBody struct {
	size             int64
	answers, written atomic.Int64
}

var hugeChunk = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = 'x'
	}
	copy(b, `{"RequestId":"6C9A3E57-8AA1-4C41-A3E4-1E8F2B3C4D5E","Padding":"`)
	return b
}()

func (t *hugeBody) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.answers.Add(1)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Content-Length", strconv.FormatInt(t.size, 10))
	for left := t.size; left > 0; {
		n, err := w.Write(hugeChunk[:min(left, int64(len(hugeChunk)))])
		t.written.Add(int64(n))
		if err != nil {
			return
		}
		left -= int64(n)
	}
}
