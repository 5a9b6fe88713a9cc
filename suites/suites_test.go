package suites_test

import (
	"flag"
	"testing"

	"github.com/eniconform/eniconform/suites"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func init() { suites.Flags().Register(flag.CommandLine) }

// TestSuites runs the conformance suites under go test and the ginkgo CLI;
// flags after -args (or --) configure the run, e.g. --target URL.
func TestSuites(t *testing.T) {
	if f := flag.Lookup("report-dir"); f != nil && f.Value.String() == f.DefValue {
		_ = f.Value.Set(t.TempDir()) // go test leaves no reports in the tree unless asked
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "eniconform")
}
