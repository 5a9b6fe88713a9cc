package oracle

// InFlight marks a request that has been sent but not answered yet. While it
// is in flight, other predictions must allow for it having taken effect or
// not; Begin records it as an outcome not yet observed (the same
// uncertainty a timeout leaves) and End takes that back before Next applies
// the real answer.
type InFlight struct {
	placeholder string  // the placeholder ENI of a create
	owner       string  // the main account of a create with a token
	token       string  // its token, when Begin recorded one
	counted     bool    // Begin counted a token it may record without a record of its own
	doubted     string  // the ENI of a delete
	changed     []moved // what a change of ENIs may have moved (unsure.go)
}

// Begin returns the state with the request of p in flight: a create may
// create and a delete may delete, whatever p says, since requests that
// start later may change the state before the target gets to it, and a
// target with defects may accept what it must refuse (one defect must not
// show as a divergence of another request in flight meanwhile). A request
// whose effect cannot be placed (an unknown action, key or region) changes
// nothing.
func (m *Model) Begin(s State, p *Prediction) (State, InFlight) {
	return m.mayTakeEffect(s, p)
}

// mayTakeEffect records that the request of p may have taken effect.
func (m *Model) mayTakeEffect(s State, p *Prediction) (State, InFlight) {
	var f InFlight
	e := p.ev
	if e.action == nil || e.owner == "" || e.region == nil {
		return s, f // nowhere to take effect
	}
	switch p.Action {
	case m.Spec.Subject:
		// a replay returns the ENI its token names, but a target with
		// defects may create a new one all the same
		rec := e.newENI("", "")
		rec.Maybe = true
		s = s.addENI(rec)
		f.placeholder = placeholderID(s.seq) // addENI named it after the sequence number it took
		if e.token != "" {
			s, f = m.mayRecordToken(s, &e, f)
		}
	case actionDelete:
		if rec, ok := s.eni(e.r.Get("NetworkInterfaceId")); ok && rec.Owner == e.owner {
			s = s.doubt(rec, +1)
			f.doubted = rec.ID
		}
	default:
		if changes(p.Action) {
			s, f = m.mayChange(s, &e, f)
		}
	}
	return s, f
}

// End takes back what Begin recorded, as far as it is still there (a
// complete listing may have settled it meanwhile); then Next applies the
// answer. The state between End and Next must not be used for predictions.
func (m *Model) End(s State, f InFlight) State {
	if f.placeholder != "" {
		if rec, ok := s.eni(f.placeholder); ok {
			s = s.removeENI(rec)
		}
		if t, ok := s.token(f.owner, f.token); f.token != "" && ok && t.ID == f.placeholder {
			s = s.dropToken(f.owner, f.token, -1)
		}
		if f.counted {
			s = s.countPossible(f.owner, -1)
		}
	}
	if f.doubted != "" {
		if rec, ok := s.eni(f.doubted); ok {
			s = s.doubt(rec, -1)
		}
	}
	for _, mv := range f.changed {
		s = s.undo(mv)
	}
	return s
}
