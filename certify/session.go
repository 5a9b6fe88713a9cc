package certify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eniconform/eniconform/sdkdriver"
)

// The API parameters a certification sets itself, under the API's names.
const (
	paramRegion      = "RegionId"
	paramVSwitch     = "VSwitchId"
	paramENI         = "NetworkInterfaceId"
	paramClientToken = "ClientToken"
)

// credentials are what a driver session signs with.
type credentials struct{ key, secret string }

// sessions keeps one running driver per credentials, each started on first
// use with the same command against the bench. The first one started is
// the main session: its failure to start ends the run.
type sessions struct {
	cfg     sdkdriver.Config // the command and timeouts; Env is set per session
	region  string
	running map[credentials]*sdkdriver.Driver
	failed  map[credentials]error
	order   []credentials
}

// newSessions prepares sessions of cfg's driver against bench.
func newSessions(cfg sdkdriver.Config, bench *Bench, region string) *sessions {
	cfg.Env = sdkdriver.Env{Endpoint: bench.Endpoint, Protocol: "http", RegionID: region}
	return &sessions{cfg: cfg, region: region, running: map[credentials]*sdkdriver.Driver{}, failed: map[credentials]error{}}
}

// get returns the driver for c, starting it if need be. A driver that
// could not start is not tried again: the same error comes back.
func (s *sessions) get(ctx context.Context, c credentials) (*sdkdriver.Driver, error) {
	if d := s.running[c]; d != nil {
		return d, nil
	}
	if err := s.failed[c]; err != nil {
		return nil, err
	}
	cfg := s.cfg
	cfg.Env.AccessKeyID, cfg.Env.AccessKeySecret = c.key, c.secret
	d, err := sdkdriver.Start(ctx, cfg)
	if err != nil {
		s.failed[c] = err
		return nil, err
	}
	s.running[c], s.order = d, append(s.order, c)
	return d, nil
}

// closeAll ends every session, in the order started, and returns what
// went wrong.
func (s *sessions) closeAll() error {
	var errs []error
	for _, c := range s.order {
		if err := s.running[c].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.running = map[credentials]*sdkdriver.Driver{}
	return errors.Join(errs...)
}

// called is one driver call, the answer and what reached the bench
// meanwhile.
type called struct {
	Call   sdkdriver.Call
	Key    string
	Answer sdkdriver.Answer
	Sent   []Exchange
	cred   credentials
}

// answered returns the last exchange the bench answered (neither reset
// nor abandoned); false when none was.
func (c *called) answered() (Exchange, bool) {
	for i := len(c.Sent) - 1; i >= 0; i-- {
		if x := c.Sent[i]; !x.Reset && !x.Gone {
			return x, true
		}
	}
	return Exchange{}, false
}

// outcome describes the driver's answer in a few words.
func outcome(a sdkdriver.Answer) string {
	switch a.Outcome() {
	case sdkdriver.OutcomeOK:
		return "success"
	case sdkdriver.OutcomeError:
		e := a.Error
		return fmt.Sprintf("API error %s (HTTP %d)", or(e.Code, "without a code"), e.HTTPStatus)
	case sdkdriver.OutcomeUnsupported:
		return "unsupported: " + a.Unsupported
	case sdkdriver.OutcomeFailure:
		return fmt.Sprintf("failure of kind %s (%s)", a.Failure.Kind, clip(sdkdriver.RedactText(a.Failure.Text), 120))
	}
	return "no answer"
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// clip cuts s to n bytes on a rune boundary, marking the cut, and keeps it
// on one line.
func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// utf8Start reports whether b starts a UTF-8 sequence.
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
