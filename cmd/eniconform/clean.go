package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/world"
)

func init() {
	commands["clean"] = command{"delete the ENIs a crashed or killed run left behind (its ledger), and nothing else", cleanCommand}
}

// cleanCommand deletes what a run's ledger lists as created and not
// deleted. Exit 0: nothing of the ledger is left; 1: some is; 2: bad
// flags or files.
func cleanCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform clean", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg harness.Config
	fs.StringVar(&cfg.Target, "target", "", "base URL of the endpoint the run was against (required)")
	ledger := fs.String("ledger", filepath.Join("eniconform-report", harness.LedgerFile), "the run's ledger `file`")
	worldFile := fs.String("world", "", "the run's world manifest, for the secrets of its keys (default: the built-in default world)")
	fs.StringVar(&cfg.AccessKeyID, "access-key-id", "", "AccessKeyId of the world's primary account (default $ALIBABA_CLOUD_ACCESS_KEY_ID)")
	fs.StringVar(&cfg.AccessKeySecret, "access-key-secret", "", "its secret (default $ALIBABA_CLOUD_ACCESS_KEY_SECRET); never printed")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "timeout of one request")
	fs.Float64Var(&cfg.Rate, "rate", 0, fmt.Sprintf("at most `N` requests a second (default: no limit; %d against aliyuncs.com)", harness.RealCloudRate))
	fs.BoolVar(&cfg.AllowRealCloud, "allow-real-cloud", false, "permit a target under aliyuncs.com")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eniconform clean --target URL [--ledger FILE] [--world FILE]\n\nDeletes the ENIs a run's ledger lists as created and not deleted (a run\nthat crashed or was killed), each looked for with a listing of its lane\nfirst; nothing else is touched. Exit 0: nothing of the ledger is left;\n1: some is; 2: bad flags or files.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *worldFile != "" {
		w, err := world.Load(*worldFile)
		if err != nil {
			fmt.Fprintf(stderr, "eniconform clean: --world: %v\n", err)
			return 2
		}
		cfg.World = w
	}
	if cfg.AccessKeyID == "" && cfg.AccessKeySecret == "" {
		cfg.AccessKeyID, cfg.AccessKeySecret = os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	}
	if cfg.Timeout <= 0 {
		fmt.Fprintf(stderr, "eniconform clean: --timeout must be positive, not %s\n", cfg.Timeout)
		return 2
	}
	res, err := harness.Clean(context.Background(), cfg, *ledger)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform clean: %v\n", err)
		return 2
	}
	return reportClean(stdout, *ledger, res)
}

// reportClean prints what Clean did and returns the exit status.
func reportClean(w io.Writer, ledger string, res harness.CleanResult) int {
	fmt.Fprintf(w, "clean: %s lists %d ENIs neither deleted nor gone: %d deleted, %d gone already, %d left\n",
		ledger, res.Listed, res.Deleted, res.Gone, res.Left)
	for _, p := range res.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if res.Unknown > 0 {
		fmt.Fprintf(w, "%d creates of the run got no usable answer: if they made ENIs, their IDs are unknown and clean cannot tell them from others' (list the lanes yourself)\n", res.Unknown)
	}
	if res.Left > 0 {
		return 1
	}
	return 0
}
