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

// Sweep makes sure nothing the run created is left on the target: for every
// lane where the model holds ENIs that are not the world's, or creates of
// unknown outcome, it lists the lane (a listing that conforms settles what
// the model did not know), then deletes every ENI of the run the model knew
// before the listing or learned from it. It returns how many ENIs of the
// run are known to remain (leaked) and how many creates still have an
// unknown outcome (they may or may not have made an ENI).
func (h *Harness) Sweep(ctx context.Context) (leaked, unknown int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second+4*h.Timeout)
	defer cancel()
	mine := h.leftovers()
	for _, lane := range sortedKeys(mine) {
		home := mine[lane]
		sess := target.NewSession(h.run)
		known := h.runENIs(home.owner, home.region)
		h.step(ctx, sess, generators.Step{Action: "DescribeNetworkInterfaces", Key: home.key,
			Params: map[string]string{"RegionId": home.region, "PageSize": "1000"}})
		for _, id := range union(known, h.runENIs(home.owner, home.region)) {
			h.step(ctx, sess, generators.Step{Action: "DeleteNetworkInterface", Key: home.key,
				Params: map[string]string{"RegionId": home.region, "NetworkInterfaceId": id}})
		}
	}
	for _, home := range h.leftovers() {
		leaked += len(h.runENIs(home.owner, home.region))
		unknown += h.State().Pending(oracle.LaneOf(home.owner, home.region))
	}
	if h.Emulator != nil {
		leaked = max(leaked, h.notWorld(h.Emulator.Handler.State().Live()))
	}
	return leaked, unknown
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

type laneHome struct{ key, owner, region string }

// leftovers returns, by lane, the lanes holding ENIs of the run or creates
// of unknown outcome, with a key to act there.
func (h *Harness) leftovers() map[string]laneHome {
	s := h.State()
	out := map[string]laneHome{}
	for _, home := range h.Env.Homes {
		lane := oracle.LaneOf(home.Owner, home.Region)
		if _, done := out[lane]; done {
			continue
		}
		if len(h.runENIs(home.Owner, home.Region)) > 0 || s.Pending(lane) > 0 {
			out[lane] = laneHome{home.Key, home.Owner, home.Region}
		}
	}
	return out
}

// runENIs lists the live ENIs of a lane that the world did not have.
func (h *Harness) runENIs(owner, region string) []string {
	var out []string
	for _, e := range h.State().ENIs(owner, region) {
		if !h.worldENI(e.ID) {
			out = append(out, e.ID)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
