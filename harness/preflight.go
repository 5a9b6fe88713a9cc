package harness

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
)

// PreflightError is why a target cannot be tested. Unhealthy is set when
// the target itself is at fault (it accepts connections but does not
// answer in time): a finding about the target, where the rest are
// problems of the setup (the URL, the credentials, the world).
type PreflightError struct {
	Msg         string
	Unhealthy   bool
	Interrupted bool // the run stopped (a signal, --max-time) during the preflight
}

func (e *PreflightError) Error() string { return e.Msg }

// inventory is what the target held at the start, as its listings show.
type inventory struct {
	adopted   []string // ENIs the world does not list: they stay, and count
	missing   []string // ENIs the world lists that the target does not hold
	unlisted  string   // why the target could not be listed, if it could not
	preflight bool     // whether Preflight ran
}

// Preflight checks, before any property runs, that the target can be
// tested: that it answers (a DescribeNetworkInterfaces), that it takes
// the world's credentials, and that one valid create in the world works
// (its ENI is deleted again). In between it takes the inventory: every
// ENI of every main account of the world in every region, all pages, so
// that the model starts from what the target holds (Adopted, Missing).
// The error is a *PreflightError, with what to check.
func (h *Harness) Preflight(ctx context.Context) (err error) {
	h.inventory.preflight = true
	defer func() {
		if stop := h.Stopped(); stop != nil && err != nil {
			err = &PreflightError{Msg: stop.Why, Unhealthy: stop.Kind == StopUnhealthy, Interrupted: stop.Kind != StopUnhealthy}
		}
	}()
	home, ok := h.firstHome()
	if !ok {
		return &PreflightError{Msg: "the world has no main account with a key that works, a vSwitch and a VPC security group: no valid create can be made (--world)"}
	}
	ctx, cancel := h.within(ctx)
	defer cancel()
	send, done := graceful(ctx)
	defer done()
	var probe target.Exchange
	for try := 1; ; try++ {
		probe = h.listPage(send, home.Key, home.Region, 1, 1)
		err := h.reachable(&probe, try)
		if err == nil {
			break
		}
		if !err.Unhealthy || try == 2 {
			return err // not there, or twice no answer: a sick target
		}
	}
	if err := h.accepted(&probe.Observed, home.Key); err != nil {
		return err
	}
	if probe.Observed.Code == h.Profile.MustRule("gateway.unknown-action").Code {
		h.inventory.unlisted = "the target does not implement DescribeNetworkInterfaces"
	} else {
		h.takeInventory(send)
	}
	if h.Stopped() != nil {
		return &PreflightError{} // filled in above
	}
	return h.tryCreate(send, home)
}

// firstHome is where the preflight creates: the first place of the world
// with room.
func (h *Harness) firstHome() (generators.Home, bool) {
	for _, home := range h.Env.Homes {
		if home.Room() > 0 {
			return home, true
		}
	}
	return generators.Home{}, false
}

// reachable turns an exchange that got no answer into the preflight's
// error: a target that is not there (exit 2) or one that does not answer
// (unhealthy); nil when it answered.
func (h *Harness) reachable(x *target.Exchange, tries int) *PreflightError {
	if !x.Transport && x.Dropped == "" {
		return nil
	}
	if x.Dropped != "" {
		return &PreflightError{Msg: "interrupted: " + x.Dropped}
	}
	why := diagnose(x.Observed.Problem, h.Timeout)
	if strings.Contains(why, "refuses") || strings.Contains(why, "resolve") {
		return &PreflightError{Msg: fmt.Sprintf("the target at %s does not answer: %s — is it running, and is --target right?", h.Target, strings.TrimSpace(lastPart(x.Observed.Problem)))}
	}
	return &PreflightError{Unhealthy: true, Msg: fmt.Sprintf("the target at %s is unhealthy: %d requests in a row got no complete answer: %s (the last: %s)",
		h.Target, tries, why, shortProblem(x.Observed.Problem))}
}

// credentialRules are the rules that refuse a request for its key or
// signature, with what to check for each.
var credentialRules = []struct{ rule, check string }{
	{"gateway.unknown-key", "check ALIBABA_CLOUD_ACCESS_KEY_ID (or --access-key-id) or the world's accounts"},
	{"gateway.key-inactive", "the key is disabled: check ALIBABA_CLOUD_ACCESS_KEY_ID or the world's accounts"},
	{"account.not-found", "the account or key is gone: check ALIBABA_CLOUD_ACCESS_KEY_ID or the world's accounts"},
	{"gateway.signature-mismatch", "check ALIBABA_CLOUD_ACCESS_KEY_SECRET (or --access-key-secret) or the world's secret of that key"},
	{"gateway.incomplete-signature", "the target wants headers signed that the harness does not sign"},
	{"gateway.timestamp-expired", "check this machine's clock"},
}

// accepted fails when an answer refuses the credentials.
func (h *Harness) accepted(o *oracle.Observation, key string) error {
	for _, c := range credentialRules {
		if r := h.Profile.Rule(c.rule); r != nil && o.Kind == oracle.Answered && o.Code == r.Code {
			return &PreflightError{Msg: fmt.Sprintf("the target refused the credentials of key %s: %s (HTTP %d) — %s", key, o.Code, o.Status, c.check)}
		}
	}
	return nil
}

// listPage lists one page of a lane, outside the model (the inventory
// and the probe are no test).
func (h *Harness) listPage(ctx context.Context, key, region string, page, size int) target.Exchange {
	st := generators.Step{Action: "DescribeNetworkInterfaces", Key: key, Params: map[string]string{
		"RegionId": region, "PageNumber": strconv.Itoa(page), "PageSize": strconv.Itoa(size)}}
	x := h.Conn.Prepare(ctx, target.NewSession(h.run), st).Send(time.Time{})
	h.observe(&x)
	h.Results.count(1)
	return x
}

// takeInventory lists every lane of the world (each main account with a
// usable key, in each region) and makes the model start from what it
// holds: ENIs the world does not list are adopted (they count against the
// quota and hold their addresses; the run never deletes them), ENIs the
// world lists that are not there are dropped.
func (h *Harness) takeInventory(ctx context.Context) {
	var trouble []string
	for _, lane := range h.lanesOfWorld() {
		if err := h.adoptLane(ctx, lane); err != nil {
			trouble = append(trouble, err.Error())
		}
	}
	if len(trouble) > 0 {
		h.inventory.unlisted = strings.Join(trouble, "; ")
	}
}

// lanesOfWorld lists a usable key of every main account in every region.
func (h *Harness) lanesOfWorld() []laneHome {
	var out []laneHome
	seen := map[string]bool{}
	for _, a := range h.World.Accounts {
		if a.Type != "main" || a.Expired || a.Disabled || seen[a.UID] {
			continue
		}
		seen[a.UID] = true
		for _, r := range h.World.Regions {
			out = append(out, laneHome{a.AccessKeyID, a.UID, r.ID})
		}
	}
	return out
}

// pageSize is the largest page DescribeNetworkInterfaces gives.
const pageSize = 1000

// adoptLane lists a lane, all pages, and settles the model on it.
func (h *Harness) adoptLane(ctx context.Context, lane laneHome) error {
	var all oracle.Observation
	var first target.Exchange
	for page := 1; page == 1 || len(all.ENIs) < all.TotalCount; page++ {
		x := h.listPage(ctx, lane.key, lane.region, page, pageSize)
		o := &x.Observed
		if x.Dropped != "" || o.Kind != oracle.Answered || o.Failed() {
			return fmt.Errorf("listing %s in %s: %s", lane.key, lane.region, answerIn(o, x.Dropped))
		}
		if page == 1 {
			first, all = x, *o
			all.ENIs = nil
		}
		all.ENIs = append(all.ENIs, o.ENIs...)
		if len(o.ENIs) == 0 || page == 1000 {
			break
		}
	}
	if len(all.ENIs) != all.TotalCount {
		return fmt.Errorf("listing %s in %s: %d ENIs on the pages, TotalCount %d", lane.key, lane.region, len(all.ENIs), all.TotalCount)
	}
	all.PageNumber, all.PageSize = 1, len(all.ENIs)
	h.settleOn(&first, &all, lane)
	return nil
}

// settleOn makes the model's lane what a complete listing shows, and
// notes what it adopted and dropped.
func (h *Harness) settleOn(x *target.Exchange, all *oracle.Observation, lane laneHome) {
	h.mu.Lock()
	defer h.mu.Unlock()
	before := h.state.ENIs(lane.owner, lane.region)
	p := h.Model.Predict(&h.state, &x.Request)
	h.state = h.Model.Settle(h.Model.Next(h.state, &p, all), &p, all)
	after := h.state.ENIs(lane.owner, lane.region)
	for _, e := range after {
		if !h.worldENI(e.ID) {
			h.inventory.adopted = append(h.inventory.adopted, e.ID)
		}
	}
	for _, e := range before {
		if !slices.ContainsFunc(after, func(a oracle.ENI) bool { return a.ID == e.ID }) {
			h.inventory.missing = append(h.inventory.missing, e.ID)
		}
	}
}

// tryCreate makes one valid create in home and deletes its ENI again.
func (h *Harness) tryCreate(ctx context.Context, home generators.Home) error {
	sess := target.NewSession(h.run)
	st := generators.Step{Action: h.Profile.Subject, Key: home.Key, Params: map[string]string{
		"RegionId": home.Region, "VSwitchId": home.VSwitch.ID, "SecurityGroupId": home.SG.ID}}
	r := h.step(ctx, sess, st)
	o := &r.Observed
	h.Results.count(1)
	defer func() { h.Results.count(len(h.cleanup(ctx, sess))) }()
	if err := h.reachable(&r.Exchange, 1); err != nil {
		return err
	}
	if err := h.accepted(o, home.Key); err != nil {
		return err
	}
	switch {
	case o.Kind == oracle.Answered && !o.Failed():
		return nil
	case o.Kind == oracle.Garbled:
		return nil // it may have worked: the run reports the answer it cannot read
	}
	return &PreflightError{Msg: fmt.Sprintf("a valid CreateNetworkInterface was refused: %s — check that the target has what the world says: key %s, in region %s vSwitch %s and security group %s (--world)",
		answerIn(o, r.Dropped), home.Key, home.Region, home.VSwitch.ID, home.SG.ID)}
}

// answerIn names an answer in a message: its code and status, or what
// went wrong.
func answerIn(o *oracle.Observation, dropped string) string {
	switch {
	case dropped != "":
		return dropped
	case o.Kind == oracle.Answered && o.Code != "":
		return fmt.Sprintf("%s (HTTP %d): %s", o.Code, o.Status, o.Message)
	case o.Kind == oracle.Answered:
		return fmt.Sprintf("HTTP %d", o.Status)
	}
	return o.Problem
}

// Adopted lists the ENIs the target held at the start that the world does
// not list; Missing those the world lists that it did not hold.
func (h *Harness) Adopted() (adopted, missing []string) {
	return h.inventory.adopted, h.inventory.missing
}

// IsPreflight reports whether err is the preflight's, and whether it is
// about the target's health.
func IsPreflight(err error) (pf *PreflightError, ok bool) {
	ok = errors.As(err, &pf)
	return pf, ok
}
