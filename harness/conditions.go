package harness

import (
	"fmt"
	"io"
	"strings"
)

// Conditions are what summary.json and the console say about how the run
// went, besides its verdicts: whether it ended early and why, what the
// target held at the start, the ledger, the pacing, Throttling and the
// create budget.
type Conditions struct {
	Interrupted bool     `json:"interrupted"`         // a signal stopped it
	Stopped     string   `json:"stopped,omitempty"`   // why it ended early: a signal, --max-time, the breaker
	Unhealthy   string   `json:"unhealthy,omitempty"` // what the circuit breaker (or the preflight) saw
	AdoptedN    int      `json:"adopted_enis"`        // ENIs the target held that the world does not list
	Adopted     []string `json:"adopted,omitempty"`   // their IDs (at most 1,000)
	Missing     []string `json:"world_enis_missing,omitempty"`
	Unlisted    string   `json:"inventory_problem,omitempty"` // why the target's ENIs could not all be listed
	Ledger      string   `json:"ledger"`
	LedgerError string   `json:"ledger_error,omitempty"`
	Rate        float64  `json:"rate,omitempty"` // requests a second; 0: no limit
	Throttled   int64    `json:"throttled_answers"`
	GaveUp      int64    `json:"throttled_steps_dropped"`
	Creates     int64    `json:"creates_sent"` // creates that may make an ENI (shrinking and the preflight included)
	MaxCreates  int      `json:"max_creates,omitempty"`
	BudgetSpent bool     `json:"create_budget_spent,omitempty"`
}

// conditions gathers the run's Conditions.
func (h *Harness) conditions() Conditions {
	c := Conditions{Ledger: h.ledger.Path(), Rate: h.Rate, Throttled: h.throttled.Load(), GaveUp: h.dropped.Load(),
		Creates: h.budget.used.Load(), MaxCreates: h.MaxCreates, BudgetSpent: h.budget.spent.Load(),
		AdoptedN: len(h.inventory.adopted), Adopted: h.inventory.adopted[:min(len(h.inventory.adopted), 1000)],
		Missing: h.inventory.missing, Unlisted: h.inventory.unlisted}
	if err := h.ledger.Err(); err != nil {
		c.LedgerError = err.Error()
	}
	if stop := h.Stopped(); stop != nil {
		c.Stopped, c.Interrupted = stop.Why, stop.Kind == StopInterrupted
		if stop.Kind == StopUnhealthy {
			c.Unhealthy = stop.Why
		}
	}
	return c
}

// verdictOf is the run's one-word verdict given its conditions: a run that
// ended early is "interrupted" or "unhealthy", whatever it found.
func (c *Conditions) verdictOf(found string) string {
	switch {
	case c.Unhealthy != "":
		return "unhealthy"
	case c.Stopped != "":
		return "interrupted"
	}
	return found
}

// InventoryLine says what the target held at the start that the world
// does not list, and the other way round; "" when they agree.
func (h *Harness) InventoryLine() string {
	var parts []string
	if n := len(h.inventory.adopted); n > 0 {
		parts = append(parts, fmt.Sprintf("the target holds %d ENI%s your world does not list: they count against the quota and hold their addresses, and the run never deletes them", n, plural(n)))
	}
	if n := len(h.inventory.missing); n > 0 {
		parts = append(parts, fmt.Sprintf("your world lists %d ENI%s the target does not hold (%s): the run follows the target", n, plural(n), strings.Join(h.inventory.missing[:min(n, 5)], ", ")))
	}
	if n := len(h.ledger.Earlier()); n > 0 {
		parts = append(parts, fmt.Sprintf("the ledger %s lists %d ENI%s an earlier run left behind: eniconform clean --target %s deletes them", h.ledger.Path(), n, plural(n), h.Target))
	}
	if h.inventory.unlisted != "" {
		parts = append(parts, "the inventory is incomplete: "+h.inventory.unlisted)
	}
	return strings.Join(parts, "\n")
}

// writeConditions prints what the console says of the conditions, if
// anything is worth saying.
func writeConditions(w io.Writer, s Summary) {
	c := s.Conditions
	switch {
	case c.Unhealthy != "":
		fmt.Fprintf(w, "STOPPED: %s\n", c.Unhealthy)
	case c.Interrupted:
		fmt.Fprintf(w, "INTERRUPTED (%s): the properties that did not run are not exercised; the run's ENIs were swept\n", c.Stopped)
	case c.Stopped != "":
		fmt.Fprintf(w, "STOPPED: %s: the properties that did not run are not exercised\n", c.Stopped)
	}
	if c.AdoptedN > 0 {
		fmt.Fprintf(w, "the target held %d ENI%s your world does not list (adopted, not deleted)\n", c.AdoptedN, plural(c.AdoptedN))
	}
	if c.Throttled > 0 {
		fmt.Fprintf(w, "%d Throttling answer%s retried after a backoff (the target's flow control, not divergences); %d step%s throttled every time and dropped\n",
			c.Throttled, plural(int(c.Throttled)), c.GaveUp, plural(int(c.GaveUp)))
	}
	if c.MaxCreates > 0 || c.Rate > 0 {
		fmt.Fprintf(w, "pacing: %s; creates sent: %d of --max-creates %s\n", rateText(c.Rate), c.Creates, limitText(c.MaxCreates))
	}
	if c.LedgerError != "" {
		fmt.Fprintf(w, "THE LEDGER %s COULD NOT BE WRITTEN: %s\n", c.Ledger, c.LedgerError)
	}
}

func rateText(r float64) string {
	if r <= 0 {
		return "no --rate limit"
	}
	return fmt.Sprintf("--rate %g requests/s", r)
}

func limitText(n int) string {
	if n <= 0 {
		return "(no limit)"
	}
	return fmt.Sprint(n)
}
