// Command eniconform-measure holds the measurement commands behind the
// memory figures of the README (make measure-serve, make
// measure-harness-body). They are measurements, not tests: they print
// figures and fail only when they cannot run.
//
// Usage:
//
//	eniconform-measure load [--serve BIN | --target URL] [--requests N] [--clients C]
//	eniconform-measure body --bin BIN [--workers N] [--checks N] [--body-bytes N]
//	eniconform-measure rate --bin BIN [--rate N] [--window D]
//	eniconform-measure dead --bin BIN [--flags "..."]
//
// load drives an emulator with a realistic mix of signed requests (creates
// with unique ClientTokens and deletes of what they created, describes,
// requests that fail, replays of one fixed nonce) from C clients, prints
// requests/s and, for a server it started or one named by --watch-pid, the
// server's VmRSS and VmHWM before, during and after. body serves a huge
// body (streamed, never allocated) to every request and runs `BIN run`
// against it, then prints the harness's peak RSS. rate counts, at an
// emulator, the requests of `BIN run --rate N` a second over a window
// (make measure-rate). dead times a default `BIN run` against a target that
// never answers and one that drips a byte a second (make measure-dead).
package main

import (
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run dispatches to a subcommand and returns the exit status: 0 done, 1 the
// measurement could not run, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: eniconform-measure load|body|rate|dead [flags] (see -h of each)")
		return 2
	}
	switch args[0] {
	case "load":
		return loadCommand(args[1:], stdout, stderr)
	case "body":
		return bodyCommand(args[1:], stdout, stderr)
	case "rate":
		return rateCommand(args[1:], stdout, stderr)
	case "dead":
		return deadCommand(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "eniconform-measure: unknown command %q; the commands are load, body, rate and dead\n", args[0])
	return 2
}
