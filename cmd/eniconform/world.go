package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/eniconform/eniconform/world"
)

// worldCommand prints the default world: its YAML manifest with comments,
// or JSON with --json.
func worldCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform world", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of the YAML manifest")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eniconform world [--json]\n\nPrints the default world of the built-in emulator.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if !*asJSON {
		stdout.Write(world.DefaultYAML())
		return 0
	}
	data, err := world.JSON(world.Default())
	if err != nil {
		fmt.Fprintf(stderr, "eniconform world: %v\n", err)
		return 1
	}
	stdout.Write(append(data, '\n'))
	return 0
}

// parseFlags parses args and rejects positional arguments. It returns
// false with the exit status when the command must stop: 0 for -h, 2 for
// a bad flag or an argument (the message names it).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	switch err := fs.Parse(args); {
	case err == flag.ErrHelp:
		return 0, false
	case err != nil:
		return 2, false
	case fs.NArg() > 0:
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return 2, false
	}
	return 0, true
}
