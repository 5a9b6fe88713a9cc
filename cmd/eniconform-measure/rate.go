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
	"strconv"
	"sync"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/world"
)

// rateCommand runs `BIN run --rate N` against an emulator that notes when
// each request arrives, and prints how many arrived in each second and over
// a window that leaves out the start (preflight, inventory) and the end
// (sweep): the figure --rate is about.
func rateCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform-measure rate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "", "the eniconform `BIN` whose run command is measured")
	rate := fs.Float64("rate", 20, "the run's --rate")
	window := fs.Duration("window", 30*time.Second, "how long to count requests")
	skip := fs.Duration("skip", 3*time.Second, "how long after the start to begin counting")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *bin == "" || *rate <= 0 || *window <= 0 {
		fmt.Fprintln(stderr, "eniconform-measure rate: --bin is required; --rate and --window must be positive")
		return 2
	}
	h, err := emulator.New(emulator.Options{World: world.Default()})
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure rate: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure rate: %v\n", err)
		return 1
	}
	arrivals := &clock{}
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { arrivals.note(); h.ServeHTTP(w, r) }))
	}()
	defer ln.Close()
	dir, err := os.MkdirTemp("", "eniconform-measure-")
	if err != nil {
		fmt.Fprintf(stderr, "eniconform-measure rate: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	run := *skip + *window + 2*time.Second
	cmd := exec.Command(*bin, "run", "--target", "http://"+ln.Addr().String(), "--rate", strconv.FormatFloat(*rate, 'f', -1, 64),
		"--checks", "100000", "--max-time", run.String(), "--report-dir", dir)
	start := time.Now()
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(stderr, "eniconform-measure rate: %s run: %v\n", *bin, err)
		return 1
	}
	return arrivals.report(stdout, start.Add(*skip), *window, *rate)
}

// clock notes arrival times.
type clock struct {
	mu sync.Mutex
	at []time.Time
}

func (c *clock) note() {
	c.mu.Lock()
	c.at = append(c.at, time.Now())
	c.mu.Unlock()
}

// report prints the requests of each second of the window and their rate
// against the one asked for.
func (c *clock) report(w io.Writer, from time.Time, window time.Duration, rate float64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	per := make([]int, int(window/time.Second))
	n := 0
	for _, t := range c.at {
		if d := t.Sub(from); d >= 0 && d < window {
			n++
			if i := int(d / time.Second); i < len(per) {
				per[i]++
			}
		}
	}
	got := float64(n) / window.Seconds()
	fmt.Fprintf(w, "requests per second over the window: %v\n", per)
	fmt.Fprintf(w, "--rate %g: %d requests in %s = %.2f requests/s (%+.1f %%); %d requests in the whole run\n",
		rate, n, window, got, 100*(got-rate)/rate, len(c.at))
	return 0
}
