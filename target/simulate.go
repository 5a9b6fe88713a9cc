package target

import (
	"fmt"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
)

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
	sess := NewSession("sim")
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
		sess.record(nonce, at, p.RecordsNonce, &x, c.Profile.Subject)
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
