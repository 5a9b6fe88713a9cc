package harness

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
)

// Sweep makes sure nothing the run created is left on the target, and
// nothing else is touched. For every lane where the ledger holds ENIs of
// the run, or creates of unknown outcome, it lists the lane (a listing
// that conforms settles what the model did not know), then deletes the
// run's ENIs: those of the ledger, and, where a create's outcome was
// unknown, those the listing showed that neither the world nor the
// inventory had (they can only be the run's). ENIs the inventory adopted
// and the world's are never deleted. It returns how many ENIs of the run
// are known to remain (leaked) and how many creates still have an unknown
// outcome (they may or may not have made an ENI).
//
// It runs after a stop too, on a context of its own; once the breaker has
// opened it gives up at the first request that gets no answer.
func (h *Harness) Sweep(ctx context.Context) (leaked, unknown int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second+4*h.Timeout)
	defer cancel()
	for _, lane := range h.leftovers() {
		if !h.sweepLane(ctx, lane) {
			break
		}
	}
	for _, home := range h.leftovers() {
		leaked += len(h.ledgerIn(home))
		unknown += h.State().Pending(oracle.LaneOf(home.owner, home.region))
	}
	if h.Emulator != nil {
		leaked = max(leaked, h.notWorld(h.Emulator.Handler.State().Live()))
	}
	return leaked, unknown
}

// sweepLane lists a lane and deletes the run's ENIs in it; false when the
// target stopped answering (the breaker is open).
func (h *Harness) sweepLane(ctx context.Context, home laneHome) bool {
	sess := target.NewSession(h.run)
	lane := oracle.LaneOf(home.owner, home.region)
	mine := h.ledgerIn(home)
	guessed := h.State().Pending(lane) > 0 || h.unknownIn(home)
	x := h.step(ctx, sess, generators.Step{Action: "DescribeNetworkInterfaces", Key: home.key,
		Params: map[string]string{"RegionId": home.region, "PageSize": "1000"}})
	h.Results.count(1)
	if x.Transport && h.Stopped() != nil {
		return false
	}
	live := h.runENIs(home.owner, home.region)
	targets := slices.DeleteFunc(slices.Clone(mine), func(id string) bool { return !slices.Contains(live, id) })
	for _, id := range mine {
		if !slices.Contains(live, id) && x.Observed.Kind == oracle.Answered && !x.Observed.Failed() {
			h.ledger.Ended(id, LedgerGone) // a listing that settles the lane does not show it
		}
	}
	if guessed {
		targets = union(targets, live)
	}
	for _, id := range targets {
		x := h.step(ctx, sess, generators.Step{Action: "DeleteNetworkInterface", Key: home.key,
			Params: map[string]string{"RegionId": home.region, "NetworkInterfaceId": id}})
		h.Results.count(1)
		if x.Transport && h.Stopped() != nil {
			return false
		}
	}
	return true
}

// union returns the IDs of a and then those of b not in a.
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, id := range b {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// notWorld counts the ENIs that the world did not have.
func (h *Harness) notWorld(enis []oracle.ENI) int {
	n := 0
	for _, e := range enis {
		if !h.worldENI(e.ID) {
			n++
		}
	}
	return n
}

func (h *Harness) worldENI(id string) bool {
	for _, e := range h.World.ENIs {
		if e.ID == id {
			return true
		}
	}
	return false
}

// theirs reports whether an ENI is the world's or one the inventory
// adopted: the run never deletes those.
func (h *Harness) theirs(id string) bool {
	return h.worldENI(id) || slices.Contains(h.inventory.adopted, id)
}

type laneHome struct{ key, owner, region string }

// leftovers returns the lanes holding ENIs of the run (in the ledger) or
// creates of unknown outcome, each with a key to act there, in a fixed
// order.
func (h *Harness) leftovers() []laneHome {
	s := h.State()
	var out []laneHome
	seen := map[string]bool{}
	for _, home := range h.Env.Homes {
		lane := oracle.LaneOf(home.Owner, home.Region)
		if seen[lane] {
			continue
		}
		seen[lane] = true
		lh := laneHome{home.Key, home.Owner, home.Region}
		if len(h.ledgerIn(lh)) > 0 || s.Pending(lane) > 0 || h.unknownIn(lh) {
			out = append(out, lh)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return oracle.LaneOf(out[i].owner, out[i].region) < oracle.LaneOf(out[j].owner, out[j].region)
	})
	return out
}

// ledgerIn lists the ENIs of the ledger in a lane, in a fixed order.
func (h *Harness) ledgerIn(home laneHome) []string {
	var out []string
	s := h.State()
	for _, e := range h.ledger.Live() {
		if a := s.Account(e.Key); a != nil && a.Owner() == home.owner && e.Region == home.region {
			out = append(out, e.ID)
		}
	}
	sort.Strings(out)
	return out
}

// unknownIn reports whether a create in a lane had an unknown outcome.
func (h *Harness) unknownIn(home laneHome) bool {
	s := h.State()
	return slices.ContainsFunc(h.ledger.Unknowns(), func(e LedgerEntry) bool {
		a := s.Account(e.Key)
		return a != nil && a.Owner() == home.owner && e.Region == home.region
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runENIs lists the live ENIs of a lane that are neither the world's nor
// adopted: the run's, as far as the model knows.
func (h *Harness) runENIs(owner, region string) []string {
	var out []string
	for _, e := range h.State().ENIs(owner, region) {
		if !h.theirs(e.ID) {
			out = append(out, e.ID)
		}
	}
	return out
}
