// Package suites holds the Ginkgo conformance suites: one Describe per rule
// family, one It per property of harness.Catalogue, labelled by family and
// by rule ("rule:<id>"). The properties themselves live in package harness
// as plain rapid properties; this package only maps them to specs, so that
// `eniconform run`, `go test ./suites` and the ginkgo CLI run the same
// thing:
//
//	go run github.com/onsi/ginkgo/v2/ginkgo ./suites -- --target http://127.0.0.1:8080
//
// Entry points: Options and Options.Register (the flags), Run (the specs
// from a plain main, as `eniconform run` does).
package suites

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/report"
	"github.com/eniconform/eniconform/spec"
	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// H is the harness the specs run against, opened before the suite.
var H *harness.Harness

// opts are the options the specs were configured with (flags, or Run).
var opts = &Options{}

var _ = describeCatalogue()

// describeCatalogue builds the tree: a Describe per family, an It per
// property, in catalogue order.
func describeCatalogue() bool {
	props := harness.CatalogueAll() // each labelled with its profiles; a run selects its own (suiteConfig)
	var families []string
	for _, p := range props {
		if !slices.Contains(families, p.Family) {
			families = append(families, p.Family)
		}
	}
	Describe("eniconform", Ordered, ContinueOnFailure, func() { // the catalogue's order, not a shuffle
		for _, family := range families {
			Describe(family, Label(family), func() {
				for _, p := range props {
					if p.Family == family {
						It(p.Name, Label(p.Labels...), func(ctx SpecContext) { check(ctx, p) })
					}
				}
			})
		}
		every := []string{"cross-cutting"} // the run's profile filter selects it whatever the profile
		for _, name := range spec.Names() {
			every = append(every, harness.ProfileLabel(name))
		}
		It("every answer passes the cross-cutting checks (format, envelope, ID patterns, chosen addresses, post-state)",
			Label(every...), func() { crossCutting() })
	})
	return true
}

// check runs one property and turns its result into the spec's: it fails
// with the report of every finding that fails the property (see
// harness.PropResult.Failing), and no other text.
func check(ctx SpecContext, p *harness.Property) {
	r := H.Run(ctx, p)
	if opts.console != nil {
		opts.console.property(r, H.Strict)
	}
	AddReportEntry("cases", r.Cases, ReportEntryVisibilityNever)
	if r.Skipped != "" {
		Skip(r.Skipped)
	}
	if fails := r.Failing(H.Strict); len(fails) > 0 {
		Fail(H.Texts(fails))
	}
}

// crossCutting fails with the cross-cutting findings of the run: each is
// reported once, here, not under every property whose cases showed it.
func crossCutting() {
	H.ShrinkCrossCutting(context.Background())
	var fails []*harness.Finding
	for _, f := range H.Results.Findings() {
		if f.Cross && f.Fails(H.Strict) {
			fails = append(fails, f)
		}
	}
	if len(fails) > 0 {
		Fail(H.Texts(fails))
	}
}

var _ = BeforeSuite(func() {
	if H != nil {
		return
	}
	h, err := opts.Start() // with the preflight
	H = h
	if err != nil {
		Fail(err.Error())
	}
})

var _ = AfterSuite(func(ctx SpecContext) {
	if H == nil {
		return
	}
	if leaked := H.Close(ctx); leaked > 0 {
		Fail(fmt.Sprintf("%d ENIs the run created are still on the target after the final sweep", leaked))
	}
}, NodeTimeout(opts.sweepTimeout()))

var _ = ReportAfterSuite("eniconform reports", func(ginkgoReport Report) {
	if H == nil {
		return
	}
	dir := H.ReportDir
	errs := []error{reporters.GenerateJSONReport(ginkgoReport, filepath.Join(dir, "ginkgo.json"))}
	s, err := H.WriteSummary()
	errs = append(errs, err, report.Write(filepath.Join(dir, "report.html"), s))
	if H.Bundle != "" {
		errs = append(errs, H.WriteBundle(H.Bundle, opts.Command, s))
	}
	for _, err := range errs {
		if err != nil {
			fmt.Fprintf(os.Stderr, "eniconform: writing reports: %v\n", err)
		}
	}
	if opts.console != nil {
		opts.console.end(s)
	} else {
		fmt.Fprintln(opts.out())
		harness.WriteMatrix(opts.out(), s)
	}
	fmt.Fprintf(opts.out(), "reports: %s (report.html, summary.json, junit.xml, ginkgo.json, cases/)\n", dir)
	if H.Bundle != "" {
		fmt.Fprintf(opts.out(), "bundle: %s (eniconform verify %s checks it offline)\n", H.Bundle, harness.ShellQuote(H.Bundle))
	}
})

// suiteConfig is Ginkgo's configuration for a run from Run.
func suiteConfig(o *Options) (types.SuiteConfig, types.ReporterConfig) {
	sc, rc := GinkgoConfiguration()
	sc.LabelFilter = harness.ProfileLabel(o.ProfileName)
	if o.LabelFilter != "" {
		sc.LabelFilter += " && (" + o.LabelFilter + ")"
	}
	sc.Timeout = 24 * 3600e9
	rc.Succinct = !o.Verbose
	rc.Verbose = o.Verbose
	rc.NoColor = rc.NoColor || o.NoColor
	return sc, rc
}
