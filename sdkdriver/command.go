package sdkdriver

import (
	"errors"
	"fmt"
	"strings"
)

// SplitCommand splits a command line into words the way a POSIX shell
// would, without expanding anything: blanks (space, tab, newline) separate
// words; '…' quotes literally; "…" quotes, with \" \\ \$ \` and
// backslash-newline as the only escapes; outside quotes a backslash escapes
// the next character, and a backslash-newline is removed (a line
// continuation). `go run ./drivers/gov7`, `go run \<newline>
// ./drivers/gov7` and `sh -c 'echo "a b"'` are three words. It fails on
// an unterminated quote or a trailing backslash, and when there is no word
// at all. There are no variables, globs, pipes or redirections: use sh -c
// for those.
func SplitCommand(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
			continue
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("command %q: unterminated ' quote at byte %d", line, i)
			}
			w.WriteString(line[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			n, err := doubleQuoted(line, i, &w)
			if err != nil {
				return nil, err
			}
			i = n
		case c == '\\' && i+1 < len(line) && line[i+1] == '\n':
			i++ // a line continuation: gone, word or no word
			continue
		case c == '\\':
			if i+1 == len(line) {
				return nil, fmt.Errorf("command %q: trailing backslash", line)
			}
			w.WriteByte(line[i+1])
			i++
		default:
			w.WriteByte(c)
		}
		inWord = true
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 {
		return nil, errors.New("the driver command is empty")
	}
	return words, nil
}

// doubleQuoted writes the contents of the "…" quote opening at line[start]
// to w and returns the index of its closing quote.
func doubleQuoted(line string, start int, w *strings.Builder) (int, error) {
	for i := start + 1; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			return i, nil
		case c == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`\n", line[i+1]) >= 0:
			if line[i+1] != '\n' {
				w.WriteByte(line[i+1])
			}
			i++
		default:
			w.WriteByte(c)
		}
	}
	return 0, fmt.Errorf("command %q: unterminated \" quote at byte %d", line, start)
}
