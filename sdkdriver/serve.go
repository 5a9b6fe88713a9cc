package sdkdriver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Serve runs the driver's side of the protocol, for drivers written in Go:
// it writes hello, then reads calls from in one line at a time, passes each
// to handle and writes the answer handle returns (with the call's ID) to
// out, until in ends, when it returns nil. It returns an error, naming the
// line, when hello is not valid, a line is not a call (ParseCall), or an
// answer cannot be encoded or is past MaxLine; the driver should then
// print it on stderr and exit with status 2. handle runs one call at a
// time and must return an Answer with exactly one outcome.
func Serve(in io.Reader, out io.Writer, hello Hello, handle func(Call) Answer) error {
	w := bufio.NewWriter(out)
	if err := writeHello(w, hello); err != nil {
		return err
	}
	lines := newLineReader(in, MaxLine)
	for n := 1; ; n++ {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sdkdriver: stdin line %d: %w", n, err)
		}
		c, err := ParseCall(line)
		if err != nil {
			return fmt.Errorf("sdkdriver: stdin line %d is not a call: %w: %s", n, err, quoteLine(line))
		}
		a := handle(c)
		a.ID = c.ID
		if err := writeAnswer(w, a); err != nil {
			return fmt.Errorf("sdkdriver: the answer to call %d: %w", c.ID, err)
		}
	}
}

// writeHello writes h as the first line, checking it as eniconform will.
func writeHello(w *bufio.Writer, h Hello) error {
	h.Protocol = Protocol
	b, err := jsonLine(h)
	if err == nil {
		_, err = ParseHello(b)
	}
	if err != nil {
		return fmt.Errorf("sdkdriver: the hello: %w", err)
	}
	return flushLine(w, b)
}

// writeAnswer writes a as one line.
func writeAnswer(w *bufio.Writer, a Answer) error {
	b, err := a.MarshalJSON()
	if err != nil {
		return err
	}
	if len(b) > MaxLine {
		return fmt.Errorf("%d bytes, more than the protocol's %d", len(b), MaxLine)
	}
	return flushLine(w, b)
}

// flushLine writes b and "\n" and flushes.
func flushLine(w *bufio.Writer, b []byte) error {
	w.Write(b)
	w.WriteByte('\n')
	return w.Flush()
}
