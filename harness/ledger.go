package harness

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"sync"
	"time"
)

// LedgerFile is the name of the ledger in the report directory.
const LedgerFile = "ledger.jsonl"

// The events of a ledger line.
const (
	LedgerCreated = "created" // the target answered a create with this ID
	LedgerDeleted = "deleted" // the target answered its delete with success
	LedgerGone    = "gone"    // a complete listing of its lane does not show it
	LedgerUnknown = "unknown" // a create in this lane got no usable answer: it may have made an ENI, ID unknown
)

// LedgerEntry is one line of the ledger: JSON, one object a line, written
// (and so on disk, whatever becomes of the process) as it happens.
type LedgerEntry struct {
	Event  string    `json:"event"`
	ID     string    `json:"id,omitempty"`
	Key    string    `json:"key,omitempty"` // the AccessKeyId that created it (to delete it with)
	Region string    `json:"region,omitempty"`
	Time   time.Time `json:"time"`
}

// Ledger records every ENI a run creates and what became of it, so that
// `eniconform clean` can delete what a crashed or killed run left behind,
// and only that. Safe for concurrent use; a nil *Ledger records nothing.
type Ledger struct {
	path    string
	mu      sync.Mutex
	f       *os.File
	live    map[string]LedgerEntry // created by this run, not deleted or gone
	ended   map[string]bool        // deleted or gone: a replay's answer naming one again does not revive it
	unknown []LedgerEntry          // creates of unknown outcome
	earlier []LedgerEntry          // left by earlier runs (the file is appended to)
	err     error                  // the first write error
}

// OpenLedger opens the ledger at path. A ledger whose ENIs are all deleted
// is started afresh; one that still lists some (an earlier run was killed)
// is appended to, so that clean still finds them (Earlier lists them).
func OpenLedger(path string) (*Ledger, error) {
	earlier, _, err := ReadLedger(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC | os.O_APPEND // appends: a line is one write, whoever else writes
	if len(earlier) > 0 {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, err
	}
	return &Ledger{path: path, f: f, live: map[string]LedgerEntry{}, ended: map[string]bool{}, earlier: earlier}, nil
}

// ReadLedger returns the ENIs a ledger lists as created and neither deleted
// nor gone, in the order created, and how many creates had an unknown
// outcome. Errors name the file and line.
func ReadLedger(path string) (live []LedgerEntry, unknown int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	open, order := map[string]LedgerEntry{}, map[string]int{}
	sc := bufio.NewScanner(f)
	var torn error // a line that does not parse: fine as the last (a write cut short), not before another
	for n := 1; sc.Scan(); n++ {
		var e LedgerEntry
		if len(sc.Bytes()) == 0 {
			continue
		}
		if torn != nil {
			return nil, 0, torn
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			torn = fmt.Errorf("%s:%d: %v", path, n, err)
			continue
		}
		switch e.Event {
		case LedgerCreated:
			if _, ok := open[e.ID]; !ok {
				order[e.ID] = n
			}
			open[e.ID] = e
		case LedgerDeleted, LedgerGone:
			delete(open, e.ID)
		case LedgerUnknown:
			unknown++
		default:
			return nil, 0, fmt.Errorf("%s:%d: unknown event %q", path, n, e.Event)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	for _, e := range open {
		live = append(live, e)
	}
	sort.Slice(live, func(i, j int) bool { return order[live[i].ID] < order[live[j].ID] })
	return live, unknown, nil
}

// write appends one line; the first error is kept (Err).
func (l *Ledger) write(e LedgerEntry) {
	e.Time = time.Now().UTC()
	data, _ := json.Marshal(e)
	if _, err := l.f.Write(append(data, '\n')); err != nil && l.err == nil {
		l.err = err
	}
}

// Created records an ENI a create answered with.
func (l *Ledger) Created(id, key, region string) {
	if l == nil || id == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.live[id]; ok || l.ended[id] {
		return // a replay's answer: recorded already
	}
	e := LedgerEntry{Event: LedgerCreated, ID: id, Key: key, Region: region}
	l.live[id] = e
	l.write(e)
}

// Ended records that an ENI of the ledger is deleted (event LedgerDeleted)
// or not on the target (LedgerGone).
func (l *Ledger) Ended(id, event string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.live[id]; !ok {
		return
	}
	delete(l.live, id)
	l.ended[id] = true
	l.write(LedgerEntry{Event: event, ID: id})
}

// Unknown records a create that got no usable answer.
func (l *Ledger) Unknown(key, region string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := LedgerEntry{Event: LedgerUnknown, Key: key, Region: region}
	l.unknown = append(l.unknown, e)
	l.write(e)
}

// Unknowns returns this run's creates of unknown outcome.
func (l *Ledger) Unknowns() []LedgerEntry {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.unknown)
}

// Live returns this run's ENIs not deleted or gone, in no order.
func (l *Ledger) Live() []LedgerEntry {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]LedgerEntry, 0, len(l.live))
	for _, e := range l.live {
		out = append(out, e)
	}
	return out
}

// Earlier returns what earlier runs left in the ledger.
func (l *Ledger) Earlier() []LedgerEntry {
	if l == nil {
		return nil
	}
	return l.earlier
}

// Path is the ledger's file.
func (l *Ledger) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

// Err is the first error writing the ledger.
func (l *Ledger) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Close closes the file; the ledger records nothing after.
func (l *Ledger) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
