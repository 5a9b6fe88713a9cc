package sdkdriver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxLine is the longest line, without its "\n", either side may write.
const MaxLine = 4 << 20

// errLineTooLong reports a line past MaxLine; the reader stops at once,
// without reading the rest of it.
var errLineTooLong = fmt.Errorf("a line longer than %d MiB", MaxLine>>20)

// lineReader reads "\n"-terminated lines of at most max bytes.
type lineReader struct {
	r   *bufio.Reader
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its "\n" (nor a "\r" before it). At
// the end of input it returns io.EOF, or the unterminated rest with
// io.ErrUnexpectedEOF. A line past max bytes gives its first max bytes and
// errLineTooLong; the reader is then unusable.
func (l *lineReader) next() ([]byte, error) {
	var line []byte
	for {
		chunk, err := l.r.ReadSlice('\n')
		line = append(line, chunk...)
		if err == nil {
			line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
		}
		if len(line) > l.max {
			return line[:l.max], errLineTooLong
		}
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(line) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return line, io.ErrUnexpectedEOF
		}
		return line, err
	}
}

// quoteLine renders a line for an error message: cut to 200 bytes (at a
// character boundary) and quoted, with its length when cut.
func quoteLine(line []byte) string {
	const keep = 200
	if len(line) <= keep {
		return fmt.Sprintf("%q", line)
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(line[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", line[:cut], len(line))
}
