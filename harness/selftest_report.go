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
	fmt.Fprintf(w, selftestRow, "fault", "caught", "first failing property / rule", "cases (prop)", "seconds", "shrunk case")
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
// label) and, when it differs, the rule the failing step exercises.
func caughtBy(r FaultResult) string {
	prop := r.Property.Labels[len(r.Property.Labels)-1]
	if r.Property.Rule != nil {
		prop = r.Property.Rule.ID
	}
	if rule := ruleID(r.Failure.Rule); rule != prop {
		return prop + " / " + rule
	}
	return prop
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
			Property: f.Failure.Property, Rule: ruleID(f.Failure.Rule), Case: f.Failure.Outcome.Case}}
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
