package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
)

// CleanResult is what Clean did with the ENIs a ledger lists.
type CleanResult struct {
	Listed   int      // ENIs the ledger lists as neither deleted nor gone
	Deleted  int      // found on the target and deleted
	Gone     int      // not on the target any more
	Left     int      // still there: their lane could not be listed, or the delete failed
	Unknown  int      // creates of unknown outcome the ledger records: their ENIs, if any, cannot be told from others'
	Problems []string // what went wrong, one line each
}

// Clean deletes what a run that crashed or was killed left behind, and
// only that: every ENI the ledger at path lists as created and neither
// deleted nor gone. Each lane (the key and region that created its ENIs)
// is listed first, all pages; an ENI the listing shows is deleted with
// that key, one it does not show is marked gone; without a listing nothing
// of the lane is deleted. What it does is appended to the ledger. cfg
// names the target, the world (for the keys' secrets) and the credentials,
// as for a run; Target must be set. Errors are of the setup (flags, the
// ledger file); what the target does is in the result.
func Clean(ctx context.Context, cfg Config, path string) (CleanResult, error) {
	var res CleanResult
	if cfg.Target == "" {
		return res, errors.New("--target is required: the endpoint the run's ENIs are on")
	}
	if err := cfg.defaults(); err != nil {
		return res, err
	}
	live, unknown, err := ReadLedger(path)
	if err != nil {
		return res, fmt.Errorf("--ledger: %w", err)
	}
	res.Listed, res.Unknown = len(live), unknown
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return res, fmt.Errorf("--ledger: %w", err)
	}
	l := &Ledger{path: path, f: f, live: map[string]LedgerEntry{}, ended: map[string]bool{}}
	defer l.Close()
	for _, e := range live {
		l.live[e.ID] = e
	}
	c := &cleaner{conn: &target.Conn{URL: cfg.Target, Profile: cfg.Profile, World: cfg.World, Now: time.Now,
		Client: &http.Client{Timeout: cfg.Timeout}, Pace: target.NewPacer(cfg.Rate, nil), Retries: 5}, run: target.NewRun(false), ledger: l, res: &res}
	if r := cfg.Profile.Rule(throttlingRule); r != nil {
		c.conn.Throttle = r.Code
	}
	for _, g := range byLane(live) {
		c.lane(ctx, g)
	}
	if err := l.Err(); err != nil {
		res.Problems = append(res.Problems, "writing the ledger: "+err.Error())
	}
	return res, nil
}

// byLane groups ledger entries by the key and region that created them,
// in the ledger's order.
func byLane(entries []LedgerEntry) [][]LedgerEntry {
	var out [][]LedgerEntry
	for _, e := range entries {
		i := slices.IndexFunc(out, func(g []LedgerEntry) bool { return g[0].Key == e.Key && g[0].Region == e.Region })
		if i < 0 {
			out = append(out, nil)
			i = len(out) - 1
		}
		out[i] = append(out[i], e)
	}
	return out
}

// cleaner is one Clean at work.
type cleaner struct {
	conn   *target.Conn
	run    *target.Run
	ledger *Ledger
	res    *CleanResult
}

// lane lists one key's ENIs in one region and deletes those of the group.
func (c *cleaner) lane(ctx context.Context, group []LedgerEntry) {
	key, region := group[0].Key, group[0].Region
	held, err := c.list(ctx, key, region)
	if err != nil {
		c.res.Left += len(group)
		c.res.Problems = append(c.res.Problems, fmt.Sprintf("listing the ENIs of key %s in %s: %v: its %d ENIs are left alone", key, region, err, len(group)))
		return
	}
	for _, e := range group {
		if !held[e.ID] {
			c.res.Gone++
			c.ledger.Ended(e.ID, LedgerGone)
			continue
		}
		x := c.send(ctx, generators.Step{Action: "DeleteNetworkInterface", Key: key, Params: map[string]string{"RegionId": region, "NetworkInterfaceId": e.ID}})
		if o := &x.Observed; o.Kind != oracle.Answered || o.Failed() {
			c.res.Left++
			c.res.Problems = append(c.res.Problems, fmt.Sprintf("deleting %s (key %s, %s): %s", e.ID, key, region, answerIn(o, x.Dropped)))
			continue
		}
		c.res.Deleted++
		c.ledger.Ended(e.ID, LedgerDeleted)
	}
}

// list returns the IDs a lane holds, every page.
func (c *cleaner) list(ctx context.Context, key, region string) (map[string]bool, error) {
	held := map[string]bool{}
	for page, total := 1, 1; len(held) < total && page <= 1000; page++ {
		x := c.send(ctx, generators.Step{Action: "DescribeNetworkInterfaces", Key: key, Params: map[string]string{
			"RegionId": region, "PageNumber": strconv.Itoa(page), "PageSize": strconv.Itoa(pageSize)}})
		o := &x.Observed
		if o.Kind != oracle.Answered || o.Failed() {
			return nil, errors.New(answerIn(o, x.Dropped))
		}
		for _, v := range o.ENIs {
			held[v.NetworkInterfaceID] = true
		}
		if total = o.TotalCount; len(o.ENIs) == 0 {
			break
		}
	}
	return held, nil
}

func (c *cleaner) send(ctx context.Context, st generators.Step) target.Exchange {
	return c.conn.Prepare(ctx, target.NewSession(c.run), st).Send(time.Time{})
}
