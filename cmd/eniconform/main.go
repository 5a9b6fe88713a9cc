// Command eniconform is a property-based conformance harness for the
// Alibaba Cloud ECS API CreateNetworkInterface (2014-05-26).
//
// Usage:
//
//	eniconform <command> [flags]
//
// Each command is one entry of the commands table; "eniconform help" lists
// them. An unknown command or a bad flag exits with status 2.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one subcommand: a one-line summary for the usage, and the
// function that runs it with the arguments after its name and returns the
// exit status (0 ok, 1 failure, 2 bad usage). run must not call os.Exit.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands is the table of subcommands. Add a command by adding an entry
// (usually from its own file).
var commands = map[string]command{
	"run":    {"run every conformance suite against a target (default: the built-in emulator)", runCommand},
	"replay": {"run saved cases (files or directories) again against a target", replayCommand},
	"gen":    {"write generated cases as JSON lines, with the rules they break and the expected outcome", genCommand},
	"serve":  {"run the reference emulator (the oracle over HTTP) until SIGINT or SIGTERM", serveCommand},
	"world":  {"print the default world manifest: the accounts and IDs to call with", worldCommand},
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run dispatches args to a command and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "eniconform: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

// usage lists the commands.
func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("usage: eniconform <command> [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", name, commands[name].summary)
	}
	b.WriteString("\nRun \"eniconform <command> -h\" for the flags of a command.\n")
	io.WriteString(w, b.String())
}
