package certify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/eniconform/eniconform/sdkdriver"
)

// The timing of the slow script: the calls set timeoutMS, and the bench
// holds each answer for slowHold (the answer a timeout must not wait for).
const (
	timeoutMS = 300
	slowHold  = 2 * time.Second
)

// Fact is what the SDK did under one scripted answer: how many attempts
// reached the server, what it reported, and after how long.
type Fact struct {
	Script   string        `json:"script"`  // what was played, in words
	Variant  string        `json:"variant"` // the options: "default options", "attempts 3", …
	Call     string        `json:"call"`    // what was called
	Requests int           `json:"requests"`
	Outcome  string        `json:"outcome"` // what the driver reported
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// String is the fact in one line.
func (f Fact) String() string {
	return fmt.Sprintf("%s, %s, %s: %d request%s, then %s after %.1f ms", f.Script, f.Variant, f.Call,
		f.Requests, plural(f.Requests), f.Outcome, float64(f.Elapsed.Microseconds())/1000)
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// variant is one way of making the scripted call.
type variant struct {
	name     string
	attempts int  // 0: the SDK's default
	token    bool // the create carries a ClientToken
}

// variants are the ways every script is called: default options first.
var variants = []variant{
	{name: "default options"},
	{name: "attempts 1", attempts: 1},
	{name: "attempts 3", attempts: 3},
	{name: "attempts 3 with a ClientToken", attempts: 3, token: true},
}

// variantOf returns the variant of a call with attempts and a ClientToken
// or not.
func variantOf(attempts int, token bool) variant {
	for _, v := range variants {
		if v.attempts == attempts && v.token == token {
			return v
		}
	}
	return variant{name: fmt.Sprintf("attempts %d", attempts), attempts: attempts, token: token}
}

// transport plays every script to a create, in every variant the driver
// can express, and judges what the SDK did: attempts against its documented
// policy and the attempts option, retries of a create without a
// ClientToken, the timeout, the reset, and how it surfaced the scripted
// errors.
func (r *runner) transport(ctx context.Context) error {
	create, cred, err := r.scriptedCreate()
	if err != nil {
		for _, id := range []string{RowDefaultAttempts, RowAttemptsOption, RowIdempotency, RowTimeout, RowReset} {
			r.skip(id, err.Error())
		}
		return nil
	}
	for i := range r.data.Scripts {
		if err := r.playScript(ctx, &r.data.Scripts[i], create, cred); err != nil {
			return err
		}
	}
	r.bench.Play(nil, 0)
	r.explainTransport()
	return nil
}

// scriptedCreate is the call the scripts answer: a valid create of the
// generators, without a ClientToken.
func (r *runner) scriptedCreate() (sdkdriver.Call, credentials, error) {
	gen, err := r.env.Valid()
	if err != nil {
		return sdkdriver.Call{}, credentials{}, err
	}
	for i := range 100 {
		gc, ok := example(gen, r.cfg.Seed+uint64(i))
		if call, cred, why := r.callOf(gc, "", ""); ok && why == "" && cred == r.main {
			call.Options = sdkdriver.Options{}
			delete(call.Params, paramClientToken)
			return call, cred, nil
		}
	}
	return sdkdriver.Call{}, credentials{}, fmt.Errorf("no valid create with AccessKeyId %s was drawn", r.main.key)
}

// playScript makes the scripted create in every variant under script s.
func (r *runner) playScript(ctx context.Context, s *Script, create sdkdriver.Call, cred credentials) error {
	if s.Slow && !r.caps.Timeout {
		r.skip(RowTimeout, "the driver cannot set timeout_ms (its hello)")
		return nil
	}
	r.bench.Play(s, slowHold)
	for i, v := range variants {
		if v.attempts > 0 && !r.caps.Attempts {
			r.skip(RowAttemptsOption, "the driver cannot set attempts (its hello)")
			continue
		}
		call := create
		call.Options.Attempts = v.attempts
		if s.Slow {
			call.Options.TimeoutMS = timeoutMS
		}
		if v.token {
			call.Params = withToken(call.Params, fmt.Sprintf("eniconform-%s-%d-%d", s.ID, r.cfg.Seed%1e6, i))
		}
		r.prop(FamilyTransport, "", s.What+", "+v.name)
		c, err := r.call(ctx, cred, call)
		if err != nil {
			return err
		}
		f := r.judgeTransport(s, v, c)
		r.cur.summary.Name = f.String()
		r.addProp(f.Requests, f.Outcome)
	}
	return nil
}

// withToken returns params with a ClientToken.
func withToken(params map[string]any, token string) map[string]any {
	out := map[string]any{paramClientToken: token}
	for k, v := range params {
		out[k] = v
	}
	return out
}

// judgeTransport judges one scripted call and returns its fact.
func (r *runner) judgeTransport(s *Script, v variant, c called) Fact {
	n := len(c.Sent)
	what := "a create without ClientToken"
	if v.token {
		what = "a create with a ClientToken"
	}
	f := Fact{Script: s.What, Variant: v.name, Call: what, Requests: n, Outcome: outcome(c.Answer), Elapsed: c.Answer.Elapsed}
	r.facts = append(r.facts, f)
	if c.Answer.Unsupported != "" {
		return f
	}
	r.judgeAttempts(s, v, c)
	switch {
	case s.Reset:
		r.judgeReset(c)
	case s.Slow:
		r.judgeTimeout(v, c)
	default:
		r.judgeSurfacing(c)
	}
	return f
}

// judgeAttempts judges how many requests reached the server: against the
// SDK's documented policy with default options, against the attempts
// option, and never twice for a create without a ClientToken.
func (r *runner) judgeAttempts(s *Script, v variant, c called) {
	n := len(c.Sent)
	if p := r.data.Policy(r.hello.SDK); p != nil && v.attempts == 0 {
		r.judge(RowDefaultAttempts)
		if n != p.DefaultAttempts {
			r.add(defect{Row: RowDefaultAttempts, Kind: fmt.Sprintf("%d requests with default options", n), Class: "after " + s.What,
				Detail: fmt.Sprintf("the documented policy is %d (%s)", p.DefaultAttempts, p.Source)}, c)
		}
	}
	if v.attempts > 0 {
		r.judge(RowAttemptsOption)
		if n > v.attempts || v.attempts == 1 && n != 1 {
			r.add(defect{Row: RowAttemptsOption, Kind: fmt.Sprintf("%d requests with attempts %d", n, v.attempts), Class: "after " + s.What}, c)
		}
	}
	if !v.token {
		r.judge(RowIdempotency)
		if n > 1 && !sameToken(c.Sent) {
			r.add(defect{Row: RowIdempotency, Kind: "a create without ClientToken sent more than once", Class: "with " + v.name,
				Detail: fmt.Sprintf("%d requests for one call after %s: on a real gateway each may create an ENI", n, s.What)}, c)
		}
	}
}

// sameToken reports whether every request carries one non-empty
// ClientToken (an SDK that adds its own makes its retries idempotent).
func sameToken(sent []Exchange) bool {
	t := sent[0].Params[paramClientToken]
	for _, x := range sent {
		if x.Params[paramClientToken] != t {
			return false
		}
	}
	return t != ""
}

// judgeReset judges how the SDK reported a reset connection.
func (r *runner) judgeReset(c called) {
	r.judge(RowReset)
	switch f := c.Answer.Failure; {
	case f == nil:
		r.add(defect{Row: RowReset, Kind: "a reset surfaced as " + outcomeClass(c.Answer), Detail: "the SDK answered " + outcome(c.Answer)}, c)
	case f.Kind != sdkdriver.KindConnection:
		r.add(defect{Row: RowReset, Kind: "a reset reported as another failure", Class: "kind " + f.Kind, Detail: outcome(c.Answer)}, c)
	}
}

// judgeTimeout judges whether the timeout fired before the held answer.
func (r *runner) judgeTimeout(v variant, c called) {
	r.judge(RowTimeout)
	f := c.Answer.Failure
	switch {
	case f == nil || c.Answer.Elapsed >= slowHold:
		r.add(defect{Row: RowTimeout, Kind: "the timeout never fired", Class: v.name,
			Detail: fmt.Sprintf("timeout_ms %d; the answer was held %v; the SDK answered %s after %d ms", timeoutMS, slowHold, outcome(c.Answer), c.Answer.Elapsed.Milliseconds())}, c)
	case f.Kind != sdkdriver.KindTimeout:
		r.add(defect{Row: RowTimeout, Kind: "a timeout reported as another failure", Class: "kind " + f.Kind, Detail: outcome(c.Answer)}, c)
	}
}

// explainTransport gives the default-attempts row, when no policy of the
// SDK is recorded, the facts as its reason.
func (r *runner) explainTransport() {
	if r.data.Policy(r.hello.SDK) != nil {
		return
	}
	var seen []string
	for _, f := range r.facts {
		if f.Variant == variants[0].name {
			seen = append(seen, fmt.Sprintf("%d after %s", f.Requests, f.Script))
		}
	}
	r.skip(RowDefaultAttempts, fmt.Sprintf("no retry policy of %q is recorded (certify/certification.json, policies), so this is reported, not judged: with default options a create reached the server %s",
		r.hello.SDK, strings.Join(seen, "; ")))
}
