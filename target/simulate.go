package target

import (
	"fmt"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Simulator runs cases against the oracle acting as a conforming server:
// no network, deterministic. Its fields are read-only after NewSimulator.
type Simulator struct {
	Model *oracle.Model
	State oracle.State // the state every Run starts from
	Env   *generators.Env
	Conn  *Conn
	Now   time.Time // the clock of the first step
}

// NewSimulator prepares simulations in a world for a profile, from the
// world's initial state.
func NewSimulator(w *oracle.World, p *spec.Profile, now time.Time) (*Simulator, error) {
	m, err := oracle.NewModel(p)
	if err != nil {
		return nil, err
	}
	s, err := oracle.NewState(w)
	if err != nil {
		return nil, err
	}
	return &Simulator{Model: m, State: s, Env: generators.NewEnv(w, p), Conn: &Conn{Profile: p, World: w}, Now: now}, nil
}

// Run simulates a case from the simulator's state.
func (x *Simulator) Run(c generators.Case) ([]Simulated, oracle.State) {
	return x.Conn.Simulate(x.Model, x.State, c, x.Now)
}

// From returns a simulator that starts from another state.
func (x *Simulator) From(s oracle.State) *Simulator {
	y := *x
	y.State = s
	return &y
}

// Simulated is one step of a simulated case: the exchange, with the model
// as the server, and the prediction it was answered from.
type Simulated struct {
	Exchange
	Prediction oracle.Prediction
}

// Simulate runs a case against the model acting as a conforming server,
// starting from state s with the clock at now (each step one second later).
// The server's free choices are deterministic (ENI IDs count up), so the
// same case always simulates the same way. It returns every step and the
// state after the last.
func (c *Conn) Simulate(m *oracle.Model, s oracle.State, cs generators.Case, now time.Time) ([]Simulated, oracle.State) {
	sess := NewSession(simRun)
	var out []Simulated
	for i, st := range cs.Steps {
		st = sess.substitute(c.applyOverrides(st))
		at := now.Add(time.Duration(i) * time.Second)
		nonce := sess.nonce(st)
		call := c.call(st, at, nonce)
		x := Exchange{Step: st, Request: c.expect(&call, st, sess, at)}
		p := m.Predict(&s, &x.Request)
		x.Observed = m.Answer(&s, &p, choice(s, i))
		s = m.Settle(m.Next(s, &p, &x.Observed), &p, &x.Observed)
		sess.record(nonce, p.NonceUntil, &x, c.Profile.Subject)
		out = append(out, Simulated{x, p})
	}
	return out, s
}

// choice is a deterministic server choice for step i: an ENI ID not issued
// in s, and fixed RequestId and MAC.
func choice(s oracle.State, i int) oracle.Choice {
	id := ""
	for n := i; id == "" || s.Issued(id); n += 1000 {
		id = fmt.Sprintf("eni-sim%017d", n)
	}
	return oracle.Choice{RequestID: fmt.Sprintf("5E1A0000-0000-4000-8000-%012d", i), ENIID: id, IPOffset: uint64(i), MAC: fmt.Sprintf("00:16:3e:00:%02x:%02x", i/256%256, i%256)}
}

// simRun is the run of every simulation: each simulated case gets long
// tokens no other sends (a shared counter from zero) and short ones as
// drawn, as before runs made short ones unique, and the model acting as the
// server knows its history.
var simRun = &Run{ID: "sim", HistoryKnown: true, LongOnly: true}
