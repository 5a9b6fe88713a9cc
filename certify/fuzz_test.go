package certify_test

import (
	"context"
	"flag"
	"testing"
	"unicode/utf8"

	"github.com/eniconform/eniconform/certify"
)

// fuzzDriver is the driver FuzzSDKEncoding drives; its command line runs
// from the module's root.
var fuzzDriver = flag.String("driver", "", "the driver command line FuzzSDKEncoding drives, run from the module's root (default: the built Go SDK v7 driver)")

// maxFuzzBytes bounds a fuzzed value: past it a GET's URL outgrows what
// servers read.
const maxFuzzBytes = 2048

// FuzzSDKEncoding looks for values an SDK encodes or signs wrongly: each
// input is a value put in every stressed parameter (strings, list items,
// struct fields) and a sending mode the driver can express; the gateway
// must decode exactly what the driver was given, under a valid signature.
//
//	go test -fuzz=FuzzSDKEncoding -fuzzminimizetime=5s ./certify -args --driver 'python3 drivers/python/driver.py'
//
// The seed corpus is certify.StressValues in every mode. Values that are
// not UTF-8 are skipped: the protocol's JSON cannot carry them. Every
// input is a driver call, so the fuzzer's minimisation of a new input
// (60 s by default) shows as 0 execs/s: hence -fuzzminimizetime.
func FuzzSDKEncoding(f *testing.F) {
	cfg := certify.Config{Driver: driver("gov7"), Seed: 1}
	if *fuzzDriver != "" {
		cfg.Driver, cfg.Dir = *fuzzDriver, ".."
	}
	p, err := certify.NewProber(context.Background(), cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		if err := p.Close(); err != nil {
			f.Error(err)
		}
	})
	modes := p.Modes()
	if len(modes) == 0 {
		f.Skipf("%s %s can express no sending mode of the encoding rows", p.Hello().SDK, p.Hello().Version)
	}
	for i, v := range certify.StressValues {
		f.Add(v, uint8(i))
	}
	f.Fuzz(func(t *testing.T, value string, mode uint8) {
		if !utf8.ValidString(value) || len(value) > maxFuzzBytes {
			t.Skip("not UTF-8, or too long for a query string")
		}
		row := modes[int(mode)%len(modes)]
		defects, unsupported, err := p.Probe(context.Background(), row, p.Params(value))
		if err != nil {
			t.Fatal(err)
		}
		if unsupported != "" {
			t.Skip(unsupported)
		}
		for _, d := range defects {
			t.Errorf("%q sent %s: %s", value, row.ID, d)
		}
	})
}
