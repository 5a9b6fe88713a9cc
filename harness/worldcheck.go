package harness

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
)

// WorldCheck is one thing CheckWorld asked the target about a world.
type WorldCheck struct {
	Object string `json:"object"` // "account test", "vswitch vsw-… with group sg-…", "eni eni-…"
	Asked  string `json:"asked"`  // the request, in a few words
	OK     bool   `json:"ok"`
	Result string `json:"result"` // what came back, and what to fix when it is not what the world says
}

// probe is a request whose answer, as the world predicts it, says whether
// the target has what the world lists.
type probe struct {
	object, asked, fix string
	step               generators.Step
}

// CheckWorld asks a target (cfg.Target; it must be set) whether what the
// world lists is there, without creating anything on a conforming target:
// every key is used for a DescribeNetworkInterfaces (accepted, or refused as
// the world says: expired, disabled, RAM without permission); every vSwitch
// with a group of its VPC gets a create with an address outside its CIDR,
// which a target that has both refuses as invalid (NotFound names what it
// lacks); every classic group likewise; every ENI is described by its ID.
// The answer each probe should get is the model's prediction for the world.
// An ENI a target creates all the same is deleted at once.
func CheckWorld(ctx context.Context, cfg Config) ([]WorldCheck, error) {
	if cfg.Target == "" {
		return nil, fmt.Errorf("--target: checking a world against a target needs its URL")
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	m, err := oracle.NewModel(cfg.Profile)
	if err != nil {
		return nil, err
	}
	s, err := oracle.NewState(cfg.World)
	if err != nil {
		return nil, fmt.Errorf("--world: %w", err)
	}
	conn := &target.Conn{URL: cfg.Target, Profile: cfg.Profile, World: cfg.World, Now: time.Now,
		Client: &http.Client{Timeout: cfg.Timeout}, Scheme: cfg.Scheme, Format: formatName(cfg.Format)}
	defer conn.Client.CloseIdleConnections()
	var out []WorldCheck
	for _, p := range probes(cfg.World, cfg.Profile.Subject) {
		if ctx.Err() != nil {
			break
		}
		out = append(out, ask(ctx, conn, m, s, p))
	}
	return out, ctx.Err()
}

// ask sends one probe and says whether the answer is the predicted one.
func ask(ctx context.Context, conn *target.Conn, m *oracle.Model, s oracle.State, p probe) WorldCheck {
	sess := target.NewSession(target.NewRun(false))
	pend := conn.Prepare(ctx, sess, p.step)
	pred := m.Predict(&s, &pend.Request)
	x := pend.Send(pred.NonceUntil)
	c := WorldCheck{Object: p.object, Asked: p.asked, OK: true, Result: "as the world says: " + pred.Row()}
	if x.Observed.Kind != oracle.Answered {
		c.OK, c.Result = false, "no usable answer: "+x.Observed.Problem
	}
	for _, d := range m.Judge(&s, &pred, &x.Observed).Divergences {
		if !ofForm[d.Row] { // the outcome or the listing, not the answer's format or IDs
			c.OK, c.Result = false, fmt.Sprintf("want %s, got %s: %s", d.Want, d.Got, p.fix)
			break
		}
	}
	for id, by := range sess.CreatedBy() { // a target that created all the same: take it back
		del := generators.Step{Action: "DeleteNetworkInterface", Key: by.Key, Params: map[string]string{"RegionId": by.Params["RegionId"], "NetworkInterfaceId": id}}
		conn.Prepare(ctx, sess, del).Send(time.Time{})
		c.Result += fmt.Sprintf(" (the target created %s all the same; deleted)", id)
	}
	return c
}

// probes lists the requests that check a world: keys, homes, classic
// groups, ENIs.
func probes(w *oracle.World, subject string) []probe {
	var out []probe
	region := func(owner string) string {
		for _, v := range w.VPCs {
			if v.Owner == owner {
				return v.Region
			}
		}
		return w.Regions[0].ID
	}
	for _, a := range w.Accounts {
		out = append(out, probe{object: "account " + a.AccessKeyID, asked: "DescribeNetworkInterfaces",
			fix:  "check the key's secret, type, expiry and permissions in the world, or the target's accounts",
			step: generators.Step{Action: "DescribeNetworkInterfaces", Key: a.AccessKeyID, Params: map[string]string{"RegionId": region(a.Owner())}}})
	}
	for _, sw := range w.VSwitches {
		out = append(out, homeProbes(w, sw, subject)...)
	}
	for _, e := range w.ENIs {
		key, reg := ownerKey(w, e.VSwitch)
		out = append(out, probe{object: "eni " + e.ID, asked: "DescribeNetworkInterfaces NetworkInterfaceId.1",
			fix:  "the target does not list it as the world does: remove it from the world or create it on the target",
			step: generators.Step{Action: "DescribeNetworkInterfaces", Key: key, Params: map[string]string{"RegionId": reg, "NetworkInterfaceId.1": e.ID}}})
	}
	return out
}

// homeProbes checks a vSwitch with each group of its owner and region:
// a create with an address outside the vSwitch, which must be refused as
// invalid when both exist (and as NotVpc or VpcMismatch for a classic or
// another VPC's group).
func homeProbes(w *oracle.World, sw oracle.VSwitch, subject string) []probe {
	key, reg := ownerKey(w, sw.ID)
	if key == "" {
		return nil
	}
	var out []probe
	for _, g := range w.SecurityGroups {
		vpc := slices.IndexFunc(w.VPCs, func(v oracle.VPC) bool { return v.ID == sw.VPC })
		if vpc < 0 || g.Owner != w.VPCs[vpc].Owner || g.Region != reg || g.VPC != "" && g.VPC != sw.VPC {
			continue
		}
		out = append(out, probe{object: "vswitch " + sw.ID + " with group " + g.ID, asked: "CreateNetworkInterface with an address outside " + sw.CIDR,
			fix: "a NotFound code names what the target lacks: add it to the target or remove it from the world; another code: check the vSwitch's CIDR and the group's VPC",
			step: generators.Step{Action: subject, Key: key, Params: map[string]string{"RegionId": reg, "VSwitchId": sw.ID,
				"SecurityGroupId": g.ID, "PrimaryIpAddress": outside(sw.CIDR)}}})
	}
	return out
}

// ownerKey returns a usable main key of the owner of a vSwitch, and its
// region.
func ownerKey(w *oracle.World, vswitch string) (key, region string) {
	i := slices.IndexFunc(w.VSwitches, func(s oracle.VSwitch) bool { return s.ID == vswitch })
	if i < 0 {
		return "", ""
	}
	j := slices.IndexFunc(w.VPCs, func(v oracle.VPC) bool { return v.ID == w.VSwitches[i].VPC })
	if j < 0 {
		return "", ""
	}
	for _, a := range w.Accounts {
		if a.Type == "main" && a.UID == w.VPCs[j].Owner && !a.Expired && !a.Disabled {
			return a.AccessKeyID, w.VPCs[j].Region
		}
	}
	return "", w.VPCs[j].Region
}

// outside returns an IPv4 address outside a CIDR: from TEST-NET-1, or
// TEST-NET-3 for a CIDR that holds the first.
func outside(cidr string) string {
	a := netip.MustParseAddr("192.0.2.10")
	if p, err := netip.ParsePrefix(cidr); err == nil && p.Contains(a) {
		a = netip.MustParseAddr("203.0.113.10")
	}
	return a.String()
}
