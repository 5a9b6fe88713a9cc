package certify

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/sdkdriver"
)

// encoding judges each sending mode of the encoding rows that the driver
// can express, with Checks calls each: stressed values in the string
// parameters of the profile's subject action and in the structured shapes
// of certification.json, sent for an unknown vSwitch so that nothing is
// created. What the gateway decodes is compared with sdkdriver.Flatten of
// the params, and the signature must verify.
func (r *runner) encoding(ctx context.Context) error {
	for i := range r.data.Rows {
		row := &r.data.Rows[i]
		if row.Mode == nil {
			continue
		}
		if err := r.encodingRow(ctx, row); err != nil {
			return err
		}
	}
	if r.judged[RowEmptyValues] == 0 {
		r.skip(RowEmptyValues, "no call with an empty value was sent in a mode the driver can express")
	}
	return nil
}

// encodingRow runs the calls of one sending mode.
func (r *runner) encodingRow(ctx context.Context, row *Row) error {
	r.prop(FamilyEncoding, "", row.ID+": stressed values sent "+modeName(*row.Mode))
	if ok, why := r.caps.Expresses(*row.Mode); !ok {
		r.skip(row.ID, why+" (its hello)")
		r.addProp(0, r.reasons[row.ID])
		return nil
	}
	judged, unsupported := 0, ""
	for i := range r.cfg.Checks {
		c, err := r.call(ctx, r.main, sdkdriver.Call{Action: r.profile.Subject, Params: r.stressParams(i), Options: *row.Mode})
		if err != nil {
			return err
		}
		if c.Answer.Unsupported != "" {
			unsupported = c.Answer.Unsupported
			continue
		}
		judged++
		if err := r.judgeEncoding(ctx, row, c); err != nil {
			return err
		}
	}
	if judged == 0 {
		r.skip(row.ID, "the driver answered every call unsupported: "+unsupported)
	}
	r.addProp(judged, r.reasons[row.ID])
	return nil
}

// modeName names a sending mode: "v1 POST query".
func modeName(o sdkdriver.Options) string { return o.Signature + " " + o.Method + " " + o.Body }

// stressParams draws the params of encoding call i: the fixed stressed
// values first, one per call, then random ones, with some shapes.
func (r *runner) stressParams(i int) map[string]any {
	names := r.stringParams()
	params := map[string]any{paramRegion: r.home.Region}
	if i < len(StressValues) {
		params[names[i%len(names)]] = StressValues[i]
	} else {
		if r.rng.IntN(4) == 0 {
			delete(params, paramRegion)
		}
		for _, n := range names {
			if r.rng.IntN(2) == 0 {
				params[n] = stressValue(r.rng)
			}
		}
		for _, n := range slices.Sorted(maps.Keys(r.data.Shapes.Params)) {
			if r.rng.IntN(3) == 0 {
				params[n] = drawShape(r.rng, r.data.Shapes.Params[n])
			}
		}
	}
	params[paramVSwitch] = r.unknownVSwitch(params[paramVSwitch])
	return params
}

// stringParams lists the subject's String parameters that encoding calls
// stress: every top-level one but the gateway's and RegionId (the region,
// or none). Fields of lists and structs (a name with a dot) are the
// shapes' of certification.json.
func (r *runner) stringParams() []string {
	var out []string
	for _, p := range r.profile.Action(r.profile.Subject).Params {
		if p.Type == "String" && !p.Gateway && p.Name != paramRegion && !strings.Contains(p.Name, ".") {
			out = append(out, p.Name)
		}
	}
	return out
}

// unknownVSwitch makes v (a drawn VSwitchId, or nil) one that no vSwitch
// of the world has, so that no encoding call creates anything.
func (r *runner) unknownVSwitch(v any) string {
	s, _ := v.(string)
	for _, sw := range r.env.World.VSwitches {
		if s == sw.ID {
			return s + "*"
		}
	}
	if v == nil {
		return "vsw-" + stressValue(r.rng)
	}
	return s
}

// drawShape draws a value of a shape of certification.json.
func drawShape(rng *rand.Rand, shape any) any {
	switch s := shape.(type) {
	case []any:
		out := make([]any, 1+rng.IntN(4))
		for i := range out {
			out[i] = drawShape(rng, s[0])
		}
		return out
	case map[string]any:
		keys := slices.Sorted(maps.Keys(s))
		out := map[string]any{}
		for _, k := range keys {
			if rng.IntN(3) > 0 {
				out[k] = drawShape(rng, s[k])
			}
		}
		if len(out) == 0 {
			out[keys[0]] = drawShape(rng, s[keys[0]])
		}
		return out
	case string:
		switch s {
		case "integer":
			return rng.IntN(3000)
		case "boolean":
			return rng.IntN(2) == 0
		}
	}
	return stressValue(rng)
}

// judgeEncoding judges one call of row and reports each defect it shows
// once: a new defect is shrunk to a minimal call first.
func (r *runner) judgeEncoding(ctx context.Context, row *Row, c called) error {
	r.judge(row.ID)
	if slices.Contains(slices.Collect(maps.Values(sdkdriver.Flatten(c.Call.Params))), "") {
		r.judge(RowEmptyValues)
	}
	for _, d := range r.encodingDefects(row, c) {
		if err := r.record(ctx, row, d, c); err != nil {
			return err
		}
	}
	return nil
}

// record records defect d of call c: one more case of a finding that
// explains it, or a new finding, shrunk.
func (r *runner) record(ctx context.Context, row *Row, d defect, c called) error {
	if d.Class == "" {
		if f := r.found.explained(d.Row, d.Kind, caseFeatures(c.Call.Params)); f != nil {
			f.Cases++
			r.sighted(f)
			return nil
		}
	} else if f := r.found.bySig[d.signature()]; f != nil {
		r.add(d, c)
		return nil
	}
	if r.found.perRow[d.Row] >= maxFindingsPerRow {
		r.found.over[d.Row]++
		return nil
	}
	minimal, md, err := r.shrink(ctx, c, func(m called) (defect, bool) { return r.shows(row, m, d) })
	if err != nil {
		return err
	}
	shrunk := !sameParams(minimal, c)
	if d.Class == "" {
		md.Class = "with " + strings.Join(or2(caseFeatures(minimal.Call.Params), "plain values"), ", ")
	}
	f := r.add(md, minimal)
	if f != nil && f.Cases == 1 {
		f.Shrunk, f.From = shrunk, len(c.Call.Params)
		if d.Class == "" {
			f.Trigger = caseFeatures(minimal.Call.Params)
		}
	}
	return nil
}

// or2 returns list, or []string{def} when it is empty.
func or2(list []string, def string) []string {
	if len(list) == 0 {
		return []string{def}
	}
	return list
}

// sameParams reports whether two calls have the same params.
func sameParams(a, b called) bool {
	return maps.Equal(sdkdriver.Flatten(a.Call.Params), sdkdriver.Flatten(b.Call.Params))
}

// shows reports whether call m shows a defect like d (same row and kind,
// and class when d has one), and returns it.
func (r *runner) shows(row *Row, m called, d defect) (defect, bool) {
	if m.Answer.Unsupported != "" {
		return defect{}, false
	}
	for _, e := range r.encodingDefects(row, m) {
		if e.Row == d.Row && e.Kind == d.Kind && (d.Class == "" || e.Class == d.Class) {
			return e, true
		}
	}
	return defect{}, false
}

// encodingDefects lists the defects one call of row shows: nothing sent,
// another sending mode, a signature that does not verify, and every
// parameter decoded otherwise than Flatten says (an empty value left out
// counts against the empty-values row).
func (r *runner) encodingDefects(row *Row, c called) []defect {
	if len(c.Sent) == 0 {
		return []defect{{Row: row.ID, Kind: "the SDK sent nothing", Detail: "it answered " + outcome(c.Answer)}}
	}
	x := c.Sent[0]
	var ds []defect
	if got := sentMode(x); got != modeName(*row.Mode) {
		ds = append(ds, defect{Row: row.ID, Kind: "sent in another mode", Class: "as " + got})
	}
	if x.Sig != oracle.SigValid {
		ds = append(ds, defect{Row: row.ID, Kind: "signature does not verify", Detail: "the gateway's verification: " + sigName(x.Sig)})
	}
	want, got := sdkdriver.Flatten(c.Call.Params), r.apiParams(x)
	for _, name := range slices.Sorted(maps.Keys(union(want, got))) {
		if d, bad := paramDefect(row.ID, name, want, got); bad {
			ds = append(ds, d)
		}
	}
	return ds
}

// paramDefect compares one parameter as asked and as decoded.
func paramDefect(row, name string, want, got map[string]string) (defect, bool) {
	w, asked := want[name]
	g, decoded := got[name]
	switch {
	case asked && !decoded && w == "":
		return defect{Row: RowEmptyValues, Kind: "empty value left out", Class: position(name),
			Detail: fmt.Sprintf("asked %s=, the gateway decoded no %s", name, name)}, true
	case asked && !decoded:
		return defect{Row: row, Kind: "parameter left out", Detail: fmt.Sprintf("asked %s=%q, the gateway decoded no %s", name, w, name)}, true
	case !asked && decoded:
		return defect{Row: row, Kind: "parameter added", Class: pattern(name), Detail: fmt.Sprintf("decoded %s=%q, which was not asked", name, g)}, true
	case w != g:
		return defect{Row: row, Kind: "value changed", Class: diffClass(w, g), Detail: fmt.Sprintf("%s: asked %q, decoded %q", name, w, g)}, true
	}
	return defect{}, false
}

// union returns the keys of a and b.
func union(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// apiParams returns the decoded parameters of x that are not common
// parameters of the profile.
func (r *runner) apiParams(x Exchange) map[string]string {
	out := map[string]string{}
	for k, v := range x.Params {
		if r.profile.Common(k) == nil {
			out[k] = v
		}
	}
	return out
}

// sentMode names how x was sent: "v3 POST query".
func sentMode(x Exchange) string {
	sig, body := sdkdriver.SignatureV1, sdkdriver.BodyQuery
	if x.Scheme == oracle.V3 {
		sig = sdkdriver.SignatureV3
	}
	if x.InBody {
		body = sdkdriver.BodyForm
	}
	return sig + " " + x.Method + " " + body
}

// sigName names a signature status.
func sigName(s oracle.SigStatus) string {
	switch s {
	case oracle.SigValid:
		return "valid"
	case oracle.SigUnverified:
		return "unverified (no signature or unknown key)"
	}
	return "does not match"
}

// position says where a flat parameter sits: "a parameter", "a list
// item", "a struct field", "a field of a list of structs".
func position(name string) string {
	parts := strings.Split(name, ".")
	switch {
	case len(parts) == 1:
		return "a parameter"
	case len(parts) == 2 && isIndex(parts[1]):
		return "a list item"
	case len(parts) == 2:
		return "a struct field"
	case len(parts) == 3 && isIndex(parts[1]):
		return "a field of a list of structs"
	}
	return "a nested value"
}

// pattern is a flat name with its indexes as N: Tag.N.Key.
func pattern(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if isIndex(p) {
			parts[i] = "N"
		}
	}
	return strings.Join(parts, ".")
}

// isIndex reports whether a name segment is a list index.
func isIndex(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && strconv.Itoa(n) == s
}
