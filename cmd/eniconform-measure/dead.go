package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/world"
)

// deadCommand runs `BIN run` with its default settings against a target
// that accepts connections and never answers, one that drips its answer a
// byte a second, and one that dies during the run, and prints how long
// each run took, its exit status and its message.
func deadCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform-measure dead", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "", "the eniconform `BIN` whose run command is measured")
	extra := fs.String("flags", "", "more flags for the run, space-separated (default: none, the default run)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *bin == "" {
		fmt.Fprintln(stderr, "eniconform-measure dead: --bin is required")
		return 2
	}
	dying, err := dyingAfter(500)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure dead: %v\n", err)
		return 1
	}
	for _, t := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"hanging (accepts, never answers)", hang},
		{"dripping (a byte a second)", drip},
		{"dying (the emulator for 500 requests, then hanging)", dying},
	} {
		if code := measureDead(*bin, t.name, t.handler, strings.Fields(*extra), stdout, stderr); code != 0 {
			return code
		}
	}
	return 0
}

func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// dyingAfter is an emulator that hangs from its nth request on: a target
// that passes the preflight and dies during the run.
func dyingAfter(n int64) (http.HandlerFunc, error) {
	h, err := emulator.New(emulator.Options{World: world.Default()})
	if err != nil {
		return nil, err
	}
	var seen atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) > n {
			hang(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}, nil
}

// drip answers a byte a second, headers included, until the client hangs up.
func drip(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: 64\r\n\r\n{\"RequestId\":\"0E3F1F4C-0000-4000-8000-000000000000\"}") {
		if buf.WriteByte(b) != nil || buf.Flush() != nil {
			return
		}
		time.Sleep(time.Second)
	}
}

func measureDead(bin, name string, h http.HandlerFunc, flags []string, stdout, stderr io.Writer) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure dead: %v\n", err)
		return 1
	}
	defer ln.Close()
	go func() { _ = http.Serve(ln, h) }()
	dir, err := os.MkdirTemp("", "eniconform-measure-")
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure dead: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(bin, append([]string{"run", "--target", "http://" + ln.Addr().String(), "--report-dir", dir}, flags...)...)
	var msg, out strings.Builder
	cmd.Stderr, cmd.Stdout = &msg, &out
	start := time.Now()
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(stderr, "eniconform-measure dead: %s run: %v\n", bin, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: exit %d in %.1f s\n  %s\n", name, cmd.ProcessState.ExitCode(), time.Since(start).Seconds(), strings.TrimSpace(msg.String()+" "+lastLines(out.String(), 3)))
	return 0
}

// lastLines keeps the lines of s that say why a run stopped.
func lastLines(s string, n int) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "STOPPED") || strings.Contains(l, "leaked ENIs") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "\n  ")
}
