package sdkdriver

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// protocolDoc is the protocol's document, relative to this package.
const protocolDoc = "../docs/driver-protocol.md"

// The examples of docs/driver-protocol.md are valid protocol lines, and the
// limits it states are the package's.
func TestProtocolDocument(t *testing.T) {
	raw, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(doc, -1)
	if len(blocks) != 3 {
		t.Fatalf("%d JSON examples in %s, want the hello, the call and the answers", len(blocks), protocolDoc)
	}
	if _, err := ParseHello([]byte(oneLine(blocks[0][1]))); err != nil {
		t.Errorf("the hello example: %v", err)
	}
	if _, err := ParseCall([]byte(oneLine(blocks[1][1]))); err != nil {
		t.Errorf("the call example: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(blocks[2][1]), "\n") {
		if _, err := ParseAnswer([]byte(line)); err != nil {
			t.Errorf("the answer example %s: %v", line, err)
		}
	}
	for _, says := range []string{
		fmt.Sprintf("within %d s of its start", int(DefaultHelloTimeout/time.Second)),
		fmt.Sprintf("`timeout` is %d s", int(DefaultAttemptTimeout/time.Second)),
		fmt.Sprintf("+ %d s`", int(DefaultGrace/time.Second)),
		fmt.Sprintf("within %d s;", int(DefaultExitTimeout/time.Second)),
		fmt.Sprintf("last %d KiB", StderrKeep>>10), fmt.Sprintf("%d MiB", MaxLine>>20),
		fmt.Sprintf("| 1 – %d |", MaxAttempts), fmt.Sprintf("`%d`, this document's version", Protocol),
	} {
		if !strings.Contains(doc, says) {
			t.Errorf("%s does not say %q", protocolDoc, says)
		}
	}
}

// oneLine joins an example shown on several lines.
func oneLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "")
}
