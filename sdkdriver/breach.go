package sdkdriver

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Error is a breach of the protocol by a driver, or its failure to run or
// to stop. The driver's process group has been killed; the session is over.
// No field shows the driver's AccessKeySecret: it reads "<redacted>".
type Error struct {
	Command string // the driver's command line
	Call    int64  // the call concerned; 0 for the hello and the shutdown
	Action  string // the call's action
	What    string // what was wrong
	Line    string // the offending line, quoted and cut; "" when none
	Stderr  string // the last lines of the driver's stderr, secret redacted
}

// Error formats e on several lines: the headline, the line, the stderr tail.
func (e *Error) Error() string {
	var b strings.Builder
	if strings.ContainsAny(e.Command, "`\n") {
		fmt.Fprintf(&b, "driver %q", e.Command)
	} else {
		b.WriteString("driver `" + e.Command + "`")
	}
	if e.Call > 0 {
		fmt.Fprintf(&b, ", call %d (%s)", e.Call, e.Action)
	}
	b.WriteString(": " + e.What)
	if e.Line != "" {
		b.WriteString("\n  line: " + e.Line)
	}
	if e.Stderr == "" {
		b.WriteString("\n  stderr: (empty)")
	} else {
		b.WriteString("\n  stderr (last lines):\n    " + strings.ReplaceAll(e.Stderr, "\n", "\n    "))
	}
	return b.String()
}

// strayWhat describes a stray line, or the end of output between calls.
func (d *Driver) strayWhat(r received) string {
	if r.err == nil {
		return fmt.Sprintf("a line written while no call was waiting (a second answer to call %d?)", d.answered)
	}
	return d.ended(r, fmt.Sprintf("after answering call %d", d.answered))
}

// ended describes how the driver's stdout ended (r.err), at the moment
// when says.
func (d *Driver) ended(r received, when string) string {
	switch {
	case errors.Is(r.err, errLineTooLong):
		return "wrote " + errLineTooLong.Error() + " " + when
	case errors.Is(r.err, io.ErrUnexpectedEOF):
		return d.exitNote("stopped in the middle of a line " + when)
	case errors.Is(r.err, io.EOF):
		return d.exitNote("closed its stdout " + when)
	}
	return "reading its stdout " + when + ": " + r.err.Error()
}

// exitNote adds to what how the process ended, waiting for its end a
// moment (ioWait); a process still running is noted as such.
func (d *Driver) exitNote(what string) string {
	select {
	case <-d.exited:
	case <-time.After(ioWait):
		return what + " (still running)"
	}
	if d.waitErr == nil {
		return what + " (exit status 0)"
	}
	return what + " (" + d.waitErr.Error() + ")"
}

// fail ends the session: it kills the driver and returns (and records) the
// breach, with the tail of stderr.
func (d *Driver) fail(call int64, action, what string, line []byte) error {
	d.kill()
	e := d.breach(call, action, what, line)
	d.broken = e
	return e
}

// breach builds the *Error of a breach. Every field goes through redact,
// so that no field, and no Error() text, shows the AccessKeySecret,
// whatever the driver wrote.
func (d *Driver) breach(call int64, action, what string, line []byte) *Error {
	e := &Error{Command: d.redact(d.cfg.Command), Call: call, Action: d.redact(action), What: d.redact(what),
		Stderr: d.redact(d.stderr.last(20))}
	if line != nil {
		e.Line = quoteLine([]byte(d.redact(string(line))))
	}
	return e
}

// redact returns s with the driver's AccessKeySecret replaced by
// "<redacted>".
func (d *Driver) redact(s string) string { return redactSecret(s, d.cfg.Env.AccessKeySecret) }

// redactSecret returns s with every occurrence of secret replaced by
// "<redacted>"; an empty secret changes nothing.
func redactSecret(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "<redacted>")
}

// refusal returns why parse refuses line, worded from the line with the
// secret redacted: the parsers quote the driver's values cut short, and a
// cut through the secret would leave a piece of it that no redaction of
// the message finds afterwards.
func refusal[T any](d *Driver, line []byte, parse func([]byte) (T, error)) string {
	if _, err := parse([]byte(d.redact(string(line)))); err != nil {
		return err.Error()
	}
	return "a value the protocol refuses is the AccessKeySecret itself"
}

// written reports whether r holds something the driver wrote, rather than
// only the end of its output.
func written(r received) bool {
	return r.err == nil || len(r.line) > 0 || errors.Is(r.err, errLineTooLong)
}
