package certify

import (
	"context"
	"fmt"
	"strings"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/sdkdriver"
	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// formats are the response formats surfacing is judged in.
var formats = []string{sdkdriver.FormatJSON, sdkdriver.FormatXML}

// surfacing judges what the SDK hands its caller, in each format the
// driver can ask for: valid creates (then a describe and a delete of the
// ENI) and the cases of every error rule of the profile that one request
// provokes. Each answer is compared with the last one the bench sent.
func (r *runner) surfacing(ctx context.Context) error {
	for _, f := range formats {
		if ok, why := r.caps.Expresses(sdkdriver.Options{Format: f}); !ok {
			r.skipFormat(f, why+" (its hello)")
			continue
		}
		if err := r.successes(ctx, f); err != nil {
			return err
		}
	}
	for _, rule := range r.profile.RulesByRank() {
		if err := r.ruleCases(ctx, rule); err != nil {
			return err
		}
	}
	for _, f := range formats {
		r.skipFormat(f, "no call was answered in "+f)
	}
	return nil
}

// skipFormat records why the surfacing rows of format f were not
// exercised.
func (r *runner) skipFormat(f, why string) {
	for _, row := range r.data.Rows {
		if row.Family == FamilySurfacing && row.Format == f {
			r.skip(row.ID, why)
		}
	}
}

// share is a part of Checks, at least 1.
func (r *runner) share(div int) int { return max(1, r.cfg.Checks/div) }

// sendingFor returns options o with the signature of call i (the driver's
// signatures in turn) and, where the driver cannot express the drawn method
// or body, the SDK's defaults for them.
func (r *runner) sendingFor(o sdkdriver.Options, i int) sdkdriver.Options {
	o.Signature = r.caps.Signature[i%len(r.caps.Signature)]
	if ok, _ := r.caps.Expresses(o); !ok {
		o.Method, o.Body = "", ""
	}
	return o
}

// successes sends Checks/10 valid creates in format f, each followed by a
// describe and a delete of the ENI, and judges every answer.
func (r *runner) successes(ctx context.Context, f string) error {
	r.prop(FamilySurfacing, "", "valid creates, describes and deletes in "+f)
	gen, err := r.env.Valid()
	if err != nil {
		r.skipFormat(f, err.Error())
		r.addProp(0, err.Error())
		return nil
	}
	judged, creates := 0, 0
	for i := 0; creates < r.share(10) && i < 10*r.share(10); i++ {
		gc, ok := example(gen, r.cfg.Seed+uint64(i))
		call, cred, why := r.callOf(gc, f, "")
		if !ok || why != "" {
			continue
		}
		call.Options = r.sendingFor(call.Options, i)
		n, err := r.lifecycle(ctx, cred, call)
		if err != nil {
			return err
		}
		judged, creates = judged+n, creates+min(n, 1)
	}
	r.addProp(judged, "")
	return nil
}

// lifecycle makes create, and when it made an ENI, a describe and a delete
// of it with the same options, judging each answer; it returns how many
// calls were judged.
func (r *runner) lifecycle(ctx context.Context, cred credentials, create sdkdriver.Call) (int, error) {
	c, err := r.call(ctx, cred, create)
	if err != nil || !r.judgeSurfacing(c) {
		return 0, err
	}
	x, _ := c.answered()
	if x.Created == "" {
		return 1, nil
	}
	region := x.Params[paramRegion]
	follow := []sdkdriver.Call{
		{Action: wire.ActionDescribe, Params: map[string]any{paramRegion: region, paramENI: []any{x.Created}}, Options: create.Options},
		{Action: wire.ActionDelete, Params: map[string]any{paramRegion: region, paramENI: x.Created}, Options: create.Options},
	}
	n := 1
	for _, f := range follow {
		if r.profile.Action(f.Action) == nil {
			continue
		}
		c, err := r.call(ctx, cred, f)
		if err != nil {
			return n, err
		}
		if r.judgeSurfacing(c) {
			n++
		}
	}
	return n, nil
}

// example draws the case of a seed; a generator that fails gives none.
func example(gen *rapid.Generator[generators.Case], seed uint64) (c generators.Case, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return gen.Example(int(seed)), true
}

// ruleCases sends, in each format the driver can ask for, Checks/20 cases
// that break rule (and no other), drawn by generators.Env.ForRule, and
// judges the answers. A case that is not one request, or needs a sending
// no SDK makes, is not sent; the property says why none was.
func (r *runner) ruleCases(ctx context.Context, rule *spec.Rule) error {
	gen, err := r.env.ForRule(rule.ID)
	if !rule.Reachable() {
		err = fmt.Errorf("unreachable: %s", rule.Unreachable)
	}
	for _, f := range formats {
		r.prop(FamilySurfacing, rule.ID, fmt.Sprintf("%s (%s) surfaced in %s", rule.ID, rule.Code, f))
		if ok, why := r.caps.Expresses(sdkdriver.Options{Format: f}); !ok || err != nil {
			if err != nil {
				why = err.Error()
			}
			r.addProp(0, why)
			continue
		}
		hits, why, e := r.provoke(ctx, rule, gen, f)
		if e != nil {
			return e
		}
		r.addProp(hits, why)
	}
	return nil
}

// provoke sends cases of rule in format f until Checks/20 of them were
// answered with the rule's code (or 20 times as many were drawn), judging
// every answer. It returns the hits and, when there are none, why.
func (r *runner) provoke(ctx context.Context, rule *spec.Rule, gen *rapid.Generator[generators.Case], f string) (int, string, error) {
	hits, why := 0, ""
	for i := 0; hits < r.share(20) && i < 20*r.share(20); i++ {
		gc, ok := example(gen, r.cfg.Seed+uint64(i))
		if !ok {
			continue
		}
		call, cred, w := r.callOf(gc, f, "")
		if w != "" {
			why = w
			continue
		}
		call.Options = r.sendingFor(call.Options, i)
		c, err := r.call(ctx, cred, call)
		if err != nil {
			return hits, why, r.startedOrBreach(err, cred, &why)
		}
		switch x, sent := c.answered(); {
		case c.Answer.Unsupported != "":
			why = "the driver answered unsupported: " + c.Answer.Unsupported
		case !sent:
			why = "the SDK sent no request (it answered " + outcome(c.Answer) + ")"
		case !rule.Accepts(x.Code, x.Status):
			why = fmt.Sprintf("the SDK's requests were answered %s (HTTP %d) instead", or(x.Code, "with success"), x.Status)
		default:
			hits++
		}
		r.judgeSurfacing(c)
	}
	return hits, why, nil
}

// startedOrBreach turns the failure to start a session for other
// credentials into a reason (the rule is not exercised); any other error
// is a breach that ends the run.
func (r *runner) startedOrBreach(err error, cred credentials, why *string) error {
	if r.sessions.failed[cred] != nil {
		*why = fmt.Sprintf("the driver could not be started with AccessKeyId %s: %v", cred.key, err)
		return nil
	}
	return err
}

// judgeSurfacing judges what the driver reported against the last answer
// the bench sent, on the rows of that answer's format, and reports whether
// it judged anything.
func (r *runner) judgeSurfacing(c called) bool {
	x, ok := c.answered()
	if !ok || c.Answer.Unsupported != "" || x.Format == "" {
		return false
	}
	if x.Code == "" {
		row := r.data.surfaceRow(x.Format, PartSuccess)
		r.judge(row.ID)
		for _, d := range r.successDefects(row.ID, x, c.Answer) {
			r.add(d, c)
		}
		return true
	}
	for _, part := range errorParts {
		row := r.data.surfaceRow(x.Format, part)
		r.judge(row.ID)
		if d, bad := errorDefect(row.ID, part, x, c.Answer); bad {
			r.add(d, c)
		}
	}
	return true
}

// successDefects compares a success the server sent with what the SDK
// surfaced, field by field.
func (r *runner) successDefects(row string, x Exchange, a sdkdriver.Answer) []defect {
	if a.OK == nil {
		return []defect{{Row: row, Kind: "success not surfaced", Class: "as " + outcomeClass(a), Detail: "the SDK answered " + outcome(a)}}
	}
	tree, err := bodyTree(x.Format, x.Body)
	if err != nil {
		return nil
	}
	var ds []defect
	for _, d := range compareBodies(tree, a.OK) {
		ds = append(ds, defect{Row: row, Kind: "field " + d.Kind, Class: d.Pattern,
			Detail: fmt.Sprintf("%s: the server sent %q, the SDK surfaced %q", d.Path, d.Sent, d.Got)})
	}
	return ds
}

// outcomeClass names the kind of an answer, for signatures.
func outcomeClass(a sdkdriver.Answer) string {
	switch a.Outcome() {
	case sdkdriver.OutcomeFailure:
		return "a failure of kind " + a.Failure.Kind
	case sdkdriver.OutcomeError:
		return "an API error"
	case sdkdriver.OutcomeOK:
		return "a success"
	}
	return a.Outcome()
}

// errorDefect compares one part of an error the server sent with what the
// SDK surfaced.
func errorDefect(row, part string, x Exchange, a sdkdriver.Answer) (defect, bool) {
	name := map[string]string{PartCode: "code", PartStatus: "HTTP status", PartMessage: "message", PartRequestID: "RequestId"}[part]
	e := a.Error
	if e == nil {
		return defect{Row: row, Kind: name + " not surfaced", Class: "no API error: " + outcomeClass(a),
			Detail: fmt.Sprintf("the server sent %d %s; the SDK answered %s", x.Status, x.Code, outcome(a))}, true
	}
	pair := map[string][2]string{
		PartCode: {x.Code, e.Code}, PartStatus: {fmt.Sprint(x.Status), fmt.Sprint(e.HTTPStatus)},
		PartMessage: {x.Message, e.Message}, PartRequestID: {x.RequestID, e.RequestID},
	}[part]
	sent, got := pair[0], pair[1]
	detail := fmt.Sprintf("the server sent %s %q; the SDK surfaced %q", name, sent, got)
	switch {
	case got == sent:
		return defect{}, false
	case got == "" || got == "0":
		return defect{Row: row, Kind: name + " not surfaced", Detail: detail}, true
	case part == PartMessage && len(x.Body) > 0 && strings.Contains(got, strings.TrimSpace(string(x.Body))):
		return defect{Row: row, Kind: "message rewritten", Class: "the whole answer body is the message", Detail: detail}, true
	case part == PartMessage && strings.Contains(got, sent):
		return defect{Row: row, Kind: "message rewritten", Class: "the server's message is inside it", Detail: detail}, true
	}
	return defect{Row: row, Kind: name + " changed", Detail: detail}, true
}
