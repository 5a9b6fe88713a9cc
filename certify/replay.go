package certify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/eniconform/eniconform/sdkdriver"
)

// Case is a finding's example as its case file keeps it: the row, the
// driver call, the credentials and the script that answered it.
type Case struct {
	Row    string         `json:"row"`
	Call   sdkdriver.Call `json:"call"`
	Key    string         `json:"access_key_id"`
	Secret string         `json:"secret"` // "world", "made-up" or "wrong"
	Script string         `json:"script"` // "" for the emulator
}

// ReadCase reads a case file that WriteReports saved. Errors name the
// file and what is wrong.
func ReadCase(file string) (Case, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Case{}, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber() // integers stay integers for the driver
	var c Case
	if err := dec.Decode(&c); err != nil {
		return Case{}, fmt.Errorf("%s: not a case file of eniconform sdk: %w", file, err)
	}
	d, err := Certification()
	if err != nil {
		return Case{}, err
	}
	switch {
	case d.Row(c.Row) == nil:
		return Case{}, fmt.Errorf("%s: row %q is not a row of eniconform sdk", file, c.Row)
	case c.Key == "" || c.Call.Action == "":
		return Case{}, fmt.Errorf("%s: the case needs an access_key_id and a call with an action", file)
	case c.Script != "" && d.script(c.Script) == nil:
		return Case{}, fmt.Errorf("%s: script %q is not one of certification.json", file, c.Script)
	}
	return c, nil
}

// script returns the script id; nil when there is none.
func (d *Data) script(id string) *Script {
	for i := range d.Scripts {
		if d.Scripts[i].ID == id {
			return &d.Scripts[i]
		}
	}
	return nil
}

// Replay sends the call of c through cfg's driver again, answered by the
// same script (or the emulator), judges it as the run did, and returns the
// defects it shows on c's row (headline and particulars): none means the
// SDK no longer has the defect. A *StartError says the driver could not
// start.
func Replay(ctx context.Context, cfg Config, c Case) ([]string, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	defer r.bench.Close()
	cred := r.secretOf(c.Key, c.Secret)
	d, err := r.sessions.get(ctx, cred)
	if err != nil {
		return nil, &StartError{Err: err}
	}
	r.hello, r.caps = d.Hello(), d.Hello().Options
	defects, err := r.replay(ctx, c, cred)
	_, sweepErr := r.bench.Sweep(context.WithoutCancel(ctx))
	return defects, errors.Join(err, sweepErr, r.sessions.closeAll())
}

// modeRow returns row when it has a sending mode, else the encoding row
// whose mode is o (the empty-values row's call was sent in one).
func (r *runner) modeRow(row *Row, o sdkdriver.Options) *Row {
	for i := range r.data.Rows {
		if m := r.data.Rows[i].Mode; row.Mode == nil && m != nil && *m == o {
			return &r.data.Rows[i]
		}
	}
	if row.Mode == nil {
		return &Row{ID: row.ID, Mode: &o}
	}
	return row
}

// replay makes the case's call and judges it on its row's aspect.
func (r *runner) replay(ctx context.Context, c Case, cred credentials) ([]string, error) {
	row := r.data.Row(c.Row)
	s := r.data.script(c.Script)
	if s != nil {
		r.bench.Play(s, slowHold)
	}
	call, err := r.call(ctx, cred, c.Call)
	if err != nil {
		return nil, err
	}
	if call.Answer.Unsupported != "" {
		return nil, fmt.Errorf("the driver cannot send the call any more: %s", call.Answer.Unsupported)
	}
	var out []string
	switch {
	case row.Family == FamilyEncoding:
		for _, d := range r.encodingDefects(r.modeRow(row, c.Call.Options), call) {
			r.found.add(d, call)
		}
	case s != nil:
		_, token := c.Call.Params[paramClientToken]
		r.judgeTransport(s, variantOf(c.Call.Options.Attempts, token), call)
	default:
		r.judgeSurfacing(call)
	}
	for _, f := range r.found.ofRow(c.Row) {
		out = append(out, f.headline()+": "+or(f.Detail, "see the request"))
	}
	return out, nil
}
