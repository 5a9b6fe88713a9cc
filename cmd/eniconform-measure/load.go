package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// loadConfig is what the load subcommand's flags say.
type loadConfig struct {
	serve, target     string
	requests, every   int
	clients, watchPID int
}

// loadCommand drives an emulator with the mix of mix.go and prints the
// rate and the server's memory.
func loadCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform-measure load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c loadConfig
	fs.StringVar(&c.serve, "serve", "", "start `BIN` serve --quiet on a free 127.0.0.1 port, drive it and stop it")
	fs.StringVar(&c.target, "target", "", "base `URL` of a running emulator (with the default world) instead of --serve")
	fs.IntVar(&c.requests, "requests", 1_000_000, "requests to send in all")
	fs.IntVar(&c.clients, "clients", 64, "clients sending at once, each on its own connection")
	fs.IntVar(&c.every, "every", 100_000, "print the server's memory every this many requests")
	fs.IntVar(&c.watchPID, "watch-pid", 0, "`PID` of the --target server, to print its memory (with --serve: that server's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (c.serve == "") == (c.target == "") || c.requests <= 0 || c.clients <= 0 || c.every <= 0 {
		fmt.Fprintln(stderr, "eniconform-measure load: give one of --serve and --target, and positive --requests, --clients and --every")
		return 2
	}
	if c.serve != "" {
		srv, err := startServe(c.serve)
		if err != nil {
			fmt.Fprintf(stderr, "eniconform-measure load: %v\n", err)
			return 1
		}
		defer srv.stop()
		c.target, c.watchPID = srv.url, srv.cmd.Process.Pid
	}
	return drive(c, stdout, stderr)
}

// drive sends c.requests requests from c.clients clients and reports.
func drive(c loadConfig, stdout, stderr io.Writer) int {
	l := &loader{cfg: c, out: stdout, codes: map[string]int{}, run: rand.Uint32(),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.clients, DisableCompression: true}}}
	l.replay = l.fixedReplay()
	l.memory("before")
	start := time.Now()
	var wg sync.WaitGroup
	for i := range c.clients {
		wg.Go(func() { l.client1(i) })
	}
	wg.Wait()
	took := time.Since(start)
	l.memory(fmt.Sprintf("after %d requests", c.requests))
	fmt.Fprintf(stdout, "%d requests from %d clients in %.1f s: %.0f requests/s\n", c.requests, c.clients, took.Seconds(), float64(c.requests)/took.Seconds())
	l.printCodes()
	if l.codes["(transport)"] > 0 || l.codes["(garbled)"] > 0 {
		fmt.Fprintln(stderr, "eniconform-measure load: some requests got no usable answer (see the table)")
		return 1
	}
	return 0
}

// loader is one load run: the shared counters of its clients.
type loader struct {
	cfg    loadConfig
	out    io.Writer
	client *http.Client
	run    uint32 // distinguishes the nonces and tokens of this run
	replay wire.Call
	next   atomic.Int64 // requests handed out
	done   atomic.Int64 // requests answered

	mu    sync.Mutex // guards codes and out
	codes map[string]int
}

// client1 is one client: it takes requests from the shared budget and
// sends the mix in order, holding at most one ENI at a time.
func (l *loader) client1(id int) {
	var held string // the ENI this client created and has not deleted yet
	for n := 0; l.next.Add(1) <= int64(l.cfg.requests); n++ {
		c := l.step(id, n, held)
		obs := l.send(&c)
		switch {
		case c.Action == wire.ActionCreate && obs.Kind == oracle.Answered && !obs.Failed():
			held = obs.NetworkInterfaceID
		case c.Action == wire.ActionDelete:
			held = ""
		}
		l.count(obs)
	}
}

// send sends one call and parses the answer.
func (l *loader) send(c *wire.Call) oracle.Observation {
	req, err := c.HTTPRequest(context.Background(), l.cfg.target)
	if err != nil {
		return oracle.Observation{Kind: oracle.Unknown, Problem: err.Error()}
	}
	resp, err := l.client.Do(req)
	return wire.ParseResponse(spec.Default(), c.Action, resp, err)
}

// count records an answer's code and prints the server's memory at every
// c.every answers.
func (l *loader) count(o oracle.Observation) {
	code := o.Code
	switch {
	case o.Kind == oracle.Unknown:
		code = "(transport)"
	case o.Kind == oracle.Garbled:
		code = "(garbled)"
	case code == "":
		code = "(success)"
	}
	l.mu.Lock()
	l.codes[code]++
	l.mu.Unlock()
	if n := l.done.Add(1); n%int64(l.cfg.every) == 0 && n < int64(l.cfg.requests) {
		l.memory(fmt.Sprintf("after %d requests", n))
	}
}

// memory prints the watched server's VmRSS and VmHWM.
func (l *loader) memory(when string) {
	if l.cfg.watchPID == 0 {
		return
	}
	m, err := readMemory(l.cfg.watchPID)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		fmt.Fprintf(l.out, "serve pid %d %-22s %v\n", l.cfg.watchPID, when+":", err)
		return
	}
	fmt.Fprintf(l.out, "serve pid %d %-22s %s\n", l.cfg.watchPID, when+":", m)
}

// printCodes prints how many answers carried each code.
func (l *loader) printCodes() {
	names := make([]string, 0, len(l.codes))
	for name := range l.codes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(l.out, "  %8d  %s\n", l.codes[name], name)
	}
}
