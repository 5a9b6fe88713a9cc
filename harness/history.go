package harness

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"

	"github.com/eniconform/eniconform/oracle"
)

// history records a run's events (see engine) as JSON lines, in the order
// they took the harness's lock: a request begun (what the target should have
// decoded from it), dropped or answered (what it answered), a lane settled
// by the inventory's listing, and a case counted towards the verdicts. It is
// written to history.jsonl in the report directory, for a bundle that
// `eniconform verify` judges again. Signatures and security tokens are not
// recorded: whether each signature verified is. A nil *history records
// nothing. The Harness guards it with its mutex.
type history struct {
	f   *os.File
	w   *bufio.Writer
	enc *json.Encoder
	err error // the first write error; recording stops then
}

// event is one line of history.jsonl.
type event struct {
	Kind    string              `json:"e"` // begin, drop, end, settle, count
	Seq     uint64              `json:"seq,omitempty"`
	Action  string              `json:"action,omitempty"` // begin: the action sent (for signatures)
	Request *oracle.Request     `json:"request,omitempty"`
	Answer  *oracle.Observation `json:"answer,omitempty"`
	Seqs    []uint64            `json:"seqs,omitempty"` // count: the requests of one case, in order
}

// openHistory creates history.jsonl under dir.
func openHistory(path string) (*history, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--bundle: the history: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	return &history{f: f, w: w, enc: json.NewEncoder(w)}, nil
}

func (h *history) write(e event) {
	if h == nil || h.err != nil {
		return
	}
	h.err = h.enc.Encode(e)
}

func (h *history) begin(b *begun, action string) {
	if h != nil {
		h.write(event{Kind: "begin", Seq: b.fl, Action: action, Request: recorded(b.req)})
	}
}

func (h *history) drop(b *begun) { h.write(event{Kind: "drop", Seq: b.fl}) }

func (h *history) end(b *begun, o *oracle.Observation) {
	if h != nil {
		h.write(event{Kind: "end", Seq: b.fl, Answer: answerOf(o)})
	}
}

func (h *history) settle(req *oracle.Request, all *oracle.Observation) {
	if h != nil {
		h.write(event{Kind: "settle", Request: recorded(req), Answer: answerOf(all)})
	}
}

// count records that the requests of a case count towards the verdicts.
func (h *history) count(o *Outcome) {
	if h == nil {
		return
	}
	var seqs []uint64
	for _, s := range o.All() {
		if s.Seq != 0 {
			seqs = append(seqs, s.Seq)
		}
	}
	h.write(event{Kind: "count", Seqs: seqs})
}

// close flushes and closes the file; it returns the first error of the
// whole recording.
func (h *history) close() error {
	if h == nil {
		return nil
	}
	return errors.Join(h.err, h.w.Flush(), h.f.Close())
}

// recorded is a request as the history keeps it: without the values of
// its signature and security token.
func recorded(r *oracle.Request) *oracle.Request {
	c := *r
	c.Params = maps.Clone(r.Params)
	for _, name := range []string{"Signature", "SecurityToken"} {
		if _, ok := c.Params[name]; ok {
			c.Params[name] = "<redacted>"
		}
	}
	return &c
}

// answerOf is an answer as the history keeps it: without the raw body,
// which the judging does not read.
func answerOf(o *oracle.Observation) *oracle.Observation {
	c := *o
	c.Body = nil
	return &c
}

// count counts a case's answers towards the verdicts (Results.judge) and
// records that in the history.
func (h *Harness) count(o *Outcome) {
	h.Results.judge(o)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hist.count(o)
}
