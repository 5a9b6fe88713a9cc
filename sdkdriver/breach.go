package sdkdriver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Error is a breach of the protocol by a driver, or its failure to run or
// to stop. The driver's process group has been killed; the session is over.
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
// breach, with the tail of stderr; the secret is redacted from the line.
func (d *Driver) fail(call int64, action, what string, line []byte) error {
	d.kill()
	e := &Error{Command: d.cfg.Command, Call: call, Action: action, What: what, Stderr: d.stderr.last(20)}
	if line != nil {
		if secret := d.cfg.Env.AccessKeySecret; secret != "" {
			line = bytes.ReplaceAll(line, []byte(secret), []byte("<redacted>"))
		}
		e.Line = quoteLine(line)
	}
	d.broken = e
	return e
}

// written reports whether r holds something the driver wrote, rather than
// only the end of its output.
func written(r received) bool {
	return r.err == nil || len(r.line) > 0 || errors.Is(r.err, errLineTooLong)
}
