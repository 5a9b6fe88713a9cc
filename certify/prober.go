package certify

import (
	"context"
	"errors"
	"slices"

	"github.com/eniconform/eniconform/sdkdriver"
)

// Prober sends single calls through a driver and judges their encoding as
// a run does, for fuzzing (FuzzSDKEncoding): no finding is recorded, each
// Probe says what its call showed.
type Prober struct {
	r     *runner
	modes []Row
}

// NewProber starts the emulator, the bench and the driver of cfg (only
// Driver, Dir, Seed, Profile, World and HelloTimeout count). It fails with
// a *StartError when the driver cannot be started.
func NewProber(ctx context.Context, cfg Config) (*Prober, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	d, err := r.sessions.get(ctx, r.main)
	if err != nil {
		r.bench.Close()
		return nil, &StartError{Err: err}
	}
	p := &Prober{r: r}
	r.hello, r.caps = d.Hello(), d.Hello().Options
	for _, row := range r.data.Rows {
		if row.Mode == nil {
			continue
		}
		if ok, _ := r.caps.Expresses(*row.Mode); ok {
			p.modes = append(p.modes, row)
		}
	}
	return p, nil
}

// Modes returns the encoding rows whose sending mode the driver can
// express, in the data's order.
func (p *Prober) Modes() []Row { return slices.Clone(p.modes) }

// Hello returns the driver's hello.
func (p *Prober) Hello() sdkdriver.Hello { return p.r.hello }

// Params returns the params of a call that carries value in every
// stressed string parameter of the profile's subject and in every string
// of every shape (lists of one item, structs with every field), beside the
// run's region and a vSwitch that does not exist, so that nothing is
// created.
func (p *Prober) Params(value string) map[string]any {
	r := p.r
	params := map[string]any{paramRegion: r.home.Region}
	for _, n := range r.stringParams() {
		params[n] = value
	}
	for n, shape := range r.data.Shapes.Params {
		params[n] = fillShape(shape, value)
	}
	params[paramVSwitch] = r.unknownVSwitch("vsw-" + value)
	return params
}

// fillShape builds a value of shape with every string set to value.
func fillShape(shape any, value string) any {
	switch s := shape.(type) {
	case []any:
		return []any{fillShape(s[0], value)}
	case map[string]any:
		out := map[string]any{}
		for k, v := range s {
			out[k] = fillShape(v, value)
		}
		return out
	case string:
		switch s {
		case "integer":
			return 1
		case "boolean":
			return true
		}
	}
	return value
}

// Probe sends params in the sending mode of row and returns the defects
// the call shows, each as its headline and particulars; unsupported is the
// driver's reason when it could not send the call. The error is a breach
// of the protocol by the driver.
func (p *Prober) Probe(ctx context.Context, row Row, params map[string]any) (defects []string, unsupported string, err error) {
	if row.Mode == nil {
		return nil, "", errors.New("certify: Probe needs an encoding row with a sending mode")
	}
	c, err := p.r.call(ctx, p.r.main, sdkdriver.Call{Action: p.r.profile.Subject, Params: params, Options: *row.Mode})
	if err != nil || c.Answer.Unsupported != "" {
		return nil, c.Answer.Unsupported, err
	}
	for _, d := range p.r.encodingDefects(&row, c) {
		defects = append(defects, d.headline()+": "+or(d.Detail, "see the request"))
	}
	return defects, "", nil
}

// Close stops the driver and the bench.
func (p *Prober) Close() error {
	err := p.r.sessions.closeAll()
	p.r.bench.Close()
	return err
}
