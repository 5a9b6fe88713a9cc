package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// worldCommand prints the default world (its YAML manifest with comments,
// or JSON with --json), or checks a manifest (--check FILE), against a
// target too (--target URL).
func worldCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform world", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of the YAML manifest")
	template := fs.Bool("template", false, "print a minimal commented manifest to adapt to your target (replace its IDs and keys)")
	check := fs.String("check", "", "validate the manifest `FILE` (every problem with its line); with --target, also ask the target whether what it lists is there")
	var cfg harness.Config
	fs.StringVar(&cfg.Target, "target", "", "with --check: the base URL of the target to ask")
	fs.StringVar(&cfg.AccessKeyID, "access-key-id", "", "with --target: the AccessKeyId of the world's first main account (default $ALIBABA_CLOUD_ACCESS_KEY_ID)")
	fs.StringVar(&cfg.AccessKeySecret, "access-key-secret", "", "its secret (default $ALIBABA_CLOUD_ACCESS_KEY_SECRET); never printed")
	fs.BoolVar(&cfg.AllowRealCloud, "allow-real-cloud", false, "permit a target under aliyuncs.com")
	profile := fs.String("profile", spec.DefaultProfile, "spec profile the target follows: "+strings.Join(spec.Names(), ", "))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eniconform world [--json] | --template | --check FILE [--target URL]\n\n"+
			"Prints the default world of the built-in emulator, or a minimal template to describe your target\n"+
			"(--template: every entry says which rule needs it, every limit is written out), or checks a manifest: every problem with its line,\n"+
			"and with --target whether the target has the keys, vSwitches, groups and ENIs it lists (nothing is\n"+
			"created on a target that conforms). Exit 0: all as the world says; 1: something is not; 2: bad flags or file.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch {
	case *template && (*check != "" || *asJSON || cfg.Target != ""):
		fmt.Fprintln(stderr, "eniconform world: --template goes alone")
		return 2
	case *template:
		stdout.Write(world.TemplateYAML())
		return 0
	case *check != "":
		return checkWorld(*check, *profile, cfg, stdout, stderr)
	case cfg.Target != "":
		fmt.Fprintln(stderr, "eniconform world: --target goes with --check FILE")
		return 2
	case !*asJSON:
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

// checkWorld validates a manifest and, with a target, asks it.
func checkWorld(file, profile string, cfg harness.Config, stdout, stderr io.Writer) int {
	w, err := world.Load(file)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform world: --check: %v\n", err)
		return 2
	}
	if cfg.Target == "" {
		fmt.Fprintf(stdout, "%s: valid (%d accounts, %d regions, %d VPCs, %d vSwitches, %d security groups, %d ENIs)\n",
			file, len(w.Accounts), len(w.Regions), len(w.VPCs), len(w.VSwitches), len(w.SecurityGroups), len(w.ENIs))
		return 0
	}
	if cfg.Profile, err = spec.Get(profile); err != nil {
		fmt.Fprintf(stderr, "eniconform world: --profile: %v\n", err)
		return 2
	}
	cfg.World = w
	if cfg.AccessKeyID == "" && cfg.AccessKeySecret == "" {
		cfg.AccessKeyID, cfg.AccessKeySecret = os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	checks, err := harness.CheckWorld(ctx, cfg)
	if err != nil && len(checks) == 0 {
		fmt.Fprintf(stderr, "eniconform world: %v\n", err)
		return 2
	}
	bad := 0
	for _, c := range checks {
		mark := "✓"
		if !c.OK {
			mark, bad = "✗", bad+1
		}
		fmt.Fprintf(stdout, "%s %s — %s: %s\n", mark, c.Object, c.Asked, c.Result)
	}
	fmt.Fprintf(stdout, "%d of %d checks as the world says\n", len(checks)-bad, len(checks))
	if bad > 0 || err != nil {
		return 1
	}
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
