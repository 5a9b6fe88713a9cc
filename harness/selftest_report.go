package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// selftestRow is the layout of a row of the selftest table.
const selftestRow = "%-36s %-6s %-44s %12s %8s  %s\n"

// WriteSelftestHeader prints the head of the selftest table.
func WriteSelftestHeader(w io.Writer) {
	fmt.Fprintf(w, selftestRow, "fault", "caught", "caught by property / row", "cases (prop)", "seconds", "shrunk case")
}

// WriteSelftestRow prints one fault's row: whether it was caught, by which
// property and rule, after how many cases and seconds, and the size of the
// shrunk case (steps, parameters).
func WriteSelftestRow(w io.Writer, r FaultResult) {
	name := r.Fault.Name
	if r.Fault.Strict {
		name += " (strict)"
	}
	caught, by, shrunk := "NO", "-", "-"
	if r.Caught {
		caught, by = "yes", caughtBy(r)
		steps, params := r.Size()
		shrunk = fmt.Sprintf("%d step%s, %d params", steps, plural(steps), params)
	}
	cases := fmt.Sprint(r.Cases)
	if r.Caught {
		cases = fmt.Sprintf("%d (%d)", r.Cases, r.InProp)
	}
	fmt.Fprintf(w, selftestRow, name, caught, by, cases, fmt.Sprintf("%.2f", r.Elapsed.Seconds()), shrunk)
}

// caughtBy names the property that caught a fault (its rule, or its last
// label) and, when it differs, the row its finding is on.
func caughtBy(r FaultResult) string {
	prop := r.Property.Labels[len(r.Property.Labels)-1]
	if r.Property.Rule != nil {
		prop = r.Property.Rule.ID
	}
	if row := r.Finding.Row; row != prop {
		return prop + " / " + row
	}
	return prop
}

// WriteCombination prints one combination's line: how many faults, how
// many reported, the false findings and the missed faults.
func WriteCombination(w io.Writer, c CombinationResult) {
	fmt.Fprintf(w, "%2d faults: %2d reported, %d false findings, %5d cases, %5.1f s", len(c.Faults), len(c.Faults)-len(c.Missed), len(c.False), c.Cases, c.Elapsed.Seconds())
	if len(c.Missed) > 0 {
		fmt.Fprintf(w, "; missed %s", strings.Join(c.Missed, ","))
	}
	fmt.Fprintln(w)
	if len(c.Missed) > 0 || len(c.False) > 0 {
		fmt.Fprintf(w, "    planted: %s\n", strings.Join(c.Faults, ","))
	}
	for _, f := range c.False {
		fmt.Fprintf(w, "    false finding: %s\n", f)
	}
}

// WriteCombinedFigures prints recall, precision, the worst combination and
// every miss.
func WriteCombinedFigures(w io.Writer, r *CombinedResult) {
	if len(r.Combinations) == 0 {
		fmt.Fprintln(w, "no combination was run")
		return
	}
	all := r.Combinations[0]
	fmt.Fprintf(w, "recall %.3f over %d combinations (all %d faults at once: %.0f %%); precision %.3f; seed %d\n",
		r.Recall(), len(r.Combinations), len(all.Faults), 100*all.Recall(), r.Precision(), r.Seed)
	worst := r.Worst()
	fmt.Fprintf(w, "worst combination: %s (recall %.2f, %d false findings)\n", strings.Join(worst.Faults, ","), worst.Recall(), len(worst.False))
	misses := map[string]int{}
	for _, c := range r.Combinations {
		for _, m := range c.Missed {
			misses[m]++
		}
	}
	for _, name := range sortedKeys(misses) {
		fmt.Fprintf(w, "missed: %s in %d combinations\n", name, misses[name])
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// WriteSelftestFigures prints the clean run's verdict and the figures: kill
// rate, median seconds to catch, median size of the shrunk case.
func WriteSelftestFigures(w io.Writer, r *SelftestResult) {
	c := r.Clean
	fmt.Fprintf(w, "clean emulator (strict): %d cases, %d divergences, %d soft, %d leaked ENIs\n", c.Cases, c.Divergences, c.Soft, c.Leaked)
	var secs, steps, params []float64
	for _, f := range r.Faults {
		if f.Caught {
			s, p := f.Size()
			secs, steps, params = append(secs, f.Elapsed.Seconds()), append(steps, float64(s)), append(params, float64(p))
		}
	}
	n := len(r.Faults)
	rate := 0.0
	if n > 0 {
		rate = 100 * float64(n-r.Survivors()) / float64(n)
	}
	fmt.Fprintf(w, "kill rate: %d/%d faults caught (%.0f %%); median seconds to catch: %.2f; median shrunk case: %g step(s), %g parameters; seed %d\n",
		n-r.Survivors(), n, rate, median(secs), median(steps), median(params), r.Seed)
}

// Regression is a file of the regression corpus: the minimal case that
// caught a planted fault, which must conform on the clean emulator and
// diverge on the emulator carrying the fault (strictly, if Strict).
type Regression struct {
	Fault  string `json:"fault"`
	Strict bool   `json:"strict_precedence,omitempty"`
	Saved
}

// SaveRegressions writes each caught fault's minimal case to
// dir/<fault>.json. Survivors write nothing.
func SaveRegressions(dir string, r *SelftestResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var errs []error
	for _, f := range r.Faults {
		if !f.Caught {
			continue
		}
		reg := Regression{Fault: f.Fault.Name, Strict: f.Fault.Strict, Saved: Saved{Headline: f.Failure.Headline,
			Property: f.Failure.Property, Rule: ruleID(f.Failure.Rule), Signature: f.Failure.Signature, Case: f.Failure.Outcome.Case}}
		for _, d := range f.Failure.Divergences {
			reg.Divergences = append(reg.Divergences, d.String())
		}
		data, err := json.MarshalIndent(reg, "", "  ")
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f.Fault.Name+".json"), append(data, '\n'), 0o644)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// LoadRegression reads a file of the regression corpus; its case is
// checked as LoadCase checks it.
func LoadRegression(path string) (*Regression, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Regression
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := LoadCase(path)
	if err != nil {
		return nil, err
	}
	r.Case = *c
	if want := strings.TrimSuffix(filepath.Base(path), ".json"); r.Fault != want {
		return nil, fmt.Errorf("%s: names fault %q; the file of a fault is named after it", path, r.Fault)
	}
	return &r, nil
}
