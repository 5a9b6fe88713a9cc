package sdkdriver

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
)

// StderrKeep is how much of a driver's stderr a Driver keeps: the last
// 64 KiB.
const StderrKeep = 64 << 10

// tail keeps the last bytes written to it (between max and 2 max, shown
// from a line start); it is safe for concurrent use. The secret is
// redacted from what it shows, and no cut it makes goes through the
// secret, so that no piece of it is left to show.
type tail struct {
	mu      sync.Mutex
	buf     []byte
	dropped int64 // bytes no longer kept
	max     int
	secret  string
}

// Write keeps p's last bytes; it never fails.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		cut := cutOutside(t.buf, len(t.buf)-t.max, t.secret)
		t.dropped += int64(cut)
		t.buf = append(t.buf[:0], t.buf[cut:]...)
	}
	return len(p), nil
}

// String returns the last max bytes kept, from the first line that starts
// in them, the secret replaced by "<redacted>", after a first line saying
// how much was dropped, if anything.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, dropped := t.buf, t.dropped
	if over := len(b) - t.max; over > 0 {
		cut := cutOutside(b, over, t.secret)
		b, dropped = b[cut:], dropped+int64(cut)
	}
	if dropped > 0 {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b, dropped = b[i+1:], dropped+int64(i+1)
		}
	}
	s := redactSecret(string(b), t.secret)
	if dropped > 0 {
		s = "[" + strconv.FormatInt(dropped, 10) + " earlier bytes dropped]\n" + s
	}
	return s
}

// cutOutside returns where to cut b (dropping b[:cut]) at or after at so
// that no occurrence of secret is cut in two: at, or the end of the
// occurrences that straddle it.
func cutOutside(b []byte, at int, secret string) int {
	if secret == "" {
		return at
	}
	for {
		lo := max(at-len(secret)+1, 0)
		i := bytes.Index(b[lo:min(at+len(secret)-1, len(b))], []byte(secret))
		if i < 0 {
			return at
		}
		at = lo + i + len(secret)
	}
}

// last returns the last n lines of String, for error messages.
func (t *tail) last(n int) string {
	lines := strings.Split(strings.TrimRight(t.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
