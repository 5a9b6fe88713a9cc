package generators

import (
	"errors"

	"pgregory.net/rapid"
)

// Draw labels are the spec's parameter names (and "Scheme", "Method",
// "Format" for the sending), so a shrunk case reads as an API request.

// ValidSend draws a conforming way to send: V1 or ACS3, POST or GET, query or
// form body, any Format. It shrinks to a V1 POST with the parameters in the
// query and no Format.
func ValidSend() *rapid.Generator[Send] {
	return rapid.Custom(func(t *rapid.T) Send {
		var s Send
		v3 := rapid.Bool().Draw(t, "Scheme is ACS3")
		get := rapid.Bool().Draw(t, "Method is GET")
		form := rapid.Bool().Draw(t, "form body") // drawn always, so that shrinking one choice never shifts the others
		switch {
		case v3:
			s.Scheme = "v3"
		case !get:
			s.FormBody = form
		}
		if get {
			s.Method = "GET"
		}
		s.Format = rapid.SampledFrom([]string{"", "JSON", "XML", "json", "xml"}).Draw(t, "Format")
		return s
	})
}

// optional draws a value for an optional parameter or nothing; it shrinks to
// nothing.
func optional(t *rapid.T, params map[string]string, name string, g *rapid.Generator[string]) {
	if rapid.Bool().Draw(t, name+" given") {
		params[name] = g.Draw(t, name)
	}
}

// createIn builds the required part of a create in a home.
func (e *Env) createIn(h Home) Step {
	return Step{Action: e.Profile.Subject, Key: h.Key, Params: map[string]string{
		"RegionId": h.Region, "VSwitchId": h.VSwitch.ID, "SecurityGroupId": h.SG.ID}}
}

// text draws a valid value for a string parameter of the subject.
func (e *Env) text(name string) *rapid.Generator[string] {
	return validText(e.subject.Param(name).Constraints, 64)
}

// token draws a valid ClientToken of 8 characters or more, which the harness
// makes unique to each case run (target.Session). A shorter token is sent as
// drawn: the next run of the same case would find it recorded and replay
// instead of creating, so that a failure would not happen again and rapid
// could not shrink it.
func (e *Env) token() *rapid.Generator[string] {
	c := e.subject.Param("ClientToken").Constraints
	return rapid.Custom(func(t *rapid.T) string { return textOf(t, c, lengthIn(8, c.MaxLen).Draw(t, "length")) })
}

// anyToken draws a valid ClientToken, sometimes shorter than 8 characters.
// Only the state machine draws short ones: its replays are about tokens,
// and it accepts that a short token may be one an earlier sequence used.
func (e *Env) anyToken() *rapid.Generator[string] {
	c := e.subject.Param("ClientToken").Constraints
	return rapid.OneOf(e.token(),
		rapid.Custom(func(t *rapid.T) string { return textOf(t, c, rapid.IntRange(1, 7).Draw(t, "length")) }))
}

// drawCreate draws a valid create in one of homes, every optional parameter
// sometimes present; skip names the parameters the caller sets itself.
func (e *Env) drawCreate(t *rapid.T, homes []Home, skip ...string) (Step, Home) {
	h := rapid.SampledFrom(homes).Draw(t, "home")
	st := e.createIn(h)
	st.Send = ValidSend().Draw(t, "send")
	skipped := map[string]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	draws := []struct {
		name string
		g    *rapid.Generator[string]
	}{
		{"NetworkInterfaceName", e.text("NetworkInterfaceName")},
		{"Description", e.text("Description")},
		{"ClientToken", e.token()},
		{"PrimaryIpAddress", usableAddr(h)},
	}
	for _, d := range draws {
		if !skipped[d.name] {
			optional(t, st.Params, d.name, d.g)
		}
	}
	e.drawExtras(t, &st, h, skipped)
	return st, h
}

// Valid draws a case whose one request must succeed: a create in a home
// with room, with every optional parameter sometimes present, names and
// descriptions with Chinese characters and boundary lengths, a free
// PrimaryIpAddress often at the edge of the usable range.
// It fails when the world has no home with room.
func (e *Env) Valid() (*rapid.Generator[Case], error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 0 })
	if len(homes) == 0 {
		return nil, errors.New("no key may create an ENI anywhere in this world: no main key with a vSwitch and a VPC security group that have room: add them (see eniconform world --template)")
	}
	return rapid.Custom(func(t *rapid.T) Case {
		st, _ := e.drawCreate(t, homes)
		return Case{Generator: "valid", Steps: []Step{st}}
	}), nil
}
