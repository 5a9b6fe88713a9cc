package generators

import (
	"strconv"

	"pgregory.net/rapid"
)

// Machine draws stateful sequences for rapid's state-machine testing
// (rapid.T.Repeat): create, delete, idempotent replay (same and changed
// parameters), describe. It only chooses requests; Exec sends each one
// through the harness, which predicts, checks and fails t on a divergence.
// Homes whose limits are near are preferred, so that quota, security group
// capacity and the address pool are actually reached.
type Machine struct {
	Env  *Env
	Exec func(t *rapid.T, st Step) (createdID string)

	homes  []Home
	live   []created // ENIs this machine created and has not deleted
	tokens []Step    // creates that succeeded with a ClientToken
}

type created struct {
	id   string
	home Home
}

// NewMachine prepares a machine; exec is called for every step.
func NewMachine(e *Env, exec func(t *rapid.T, st Step) string) *Machine {
	m := &Machine{Env: e, Exec: exec}
	for _, h := range e.Homes {
		if h.Room() <= nearLimit {
			m.homes = append(m.homes, h)
		}
	}
	if len(m.homes) == 0 {
		m.homes = e.Homes
	}
	return m
}

// Actions is the action map for rapid.T.Repeat.
func (m *Machine) Actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"Create":        m.create,
		"Delete":        m.delete,
		"Replay":        m.replay,
		"ChangedReplay": m.changedReplay,
		"Describe":      m.describe,
	}
}

// Live lists the ENIs the machine created and has not deleted.
func (m *Machine) Live() []string {
	var out []string
	for _, c := range m.live {
		out = append(out, c.id)
	}
	return out
}

func (m *Machine) create(t *rapid.T) {
	if len(m.homes) == 0 {
		t.Skip("the world has no home")
	}
	st, h := m.Env.drawCreate(t, m.homes, append([]string{"PrimaryIpAddress", "ClientToken"}, addressParams...)...)
	optional(t, st.Params, "ClientToken", m.Env.anyToken())
	if id := m.Exec(t, st); id != "" {
		m.live = append(m.live, created{id, h})
		if st.Params["ClientToken"] != "" {
			m.tokens = append(m.tokens, st)
		}
	}
}

func (m *Machine) delete(t *rapid.T) {
	if len(m.live) == 0 {
		t.Skip("nothing to delete")
	}
	i := rapid.IntRange(0, len(m.live)-1).Draw(t, "which ENI")
	c := m.live[i]
	m.Exec(t, Step{Action: "DeleteNetworkInterface", Key: c.home.Key, Params: map[string]string{"RegionId": c.home.Region, "NetworkInterfaceId": c.id}})
	m.live = append(m.live[:i], m.live[i+1:]...)
}

func (m *Machine) replay(t *rapid.T) {
	if len(m.tokens) == 0 {
		t.Skip("no token used yet")
	}
	st := rapid.SampledFrom(m.tokens).Draw(t, "earlier create")
	st.Send = ValidSend().Draw(t, "send")
	m.Exec(t, st)
}

func (m *Machine) changedReplay(t *rapid.T) {
	if len(m.tokens) == 0 {
		t.Skip("no token used yet")
	}
	st := rapid.SampledFrom(m.tokens).Draw(t, "earlier create")
	params := map[string]string{}
	for k, v := range st.Params {
		params[k] = v
	}
	params["Description"] = m.Env.text("Description").Filter(func(v string) bool { return v != st.Params["Description"] }).Draw(t, "Description")
	h := m.homeFor(st)
	st.Params = params
	if id := m.Exec(t, st); id != "" {
		m.live = append(m.live, created{id, h}) // a target that wrongly creates: delete it later
	}
}

func (m *Machine) describe(t *rapid.T) {
	h := rapid.SampledFrom(m.homes).Draw(t, "home")
	st := Step{Action: "DescribeNetworkInterfaces", Key: h.Key, Params: map[string]string{"RegionId": h.Region}, Send: ValidSend().Draw(t, "send")}
	if rapid.Bool().Draw(t, "VSwitchId given") {
		st.Params["VSwitchId"] = h.VSwitch.ID
	}
	st.Params["PageSize"] = strconv.Itoa(rapid.IntRange(1, 100).Draw(t, "PageSize"))
	m.Exec(t, st)
}

// homeFor finds the home a create step was drawn in.
func (m *Machine) homeFor(st Step) Home {
	for _, h := range m.homes {
		if h.Key == st.Key && h.VSwitch.ID == st.Params["VSwitchId"] && h.SG.ID == st.Params["SecurityGroupId"] {
			return h
		}
	}
	return m.homes[0]
}
