package drivers_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/sdkdriver"
)

// With the SDKs' debug output on (DEBUG=sdk for the classic SDK, tea and
// dara for v7, which print request dumps with fmt.Println), a Go driver's
// stdout still holds only the hello and the answers; the dumps go to
// stderr. The driver is run directly, since sdkdriver.Start withholds
// DEBUG.
func TestSDKDebugOffStdout(t *testing.T) {
	for _, name := range []string{"gov7", "goclassic"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := newBench(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name))
			cmd.Env = append(os.Environ(), "DEBUG=sdk,tea,dara", sdkdriver.EnvEndpoint+"="+strings.TrimPrefix(b.srv.URL, "http://"),
				sdkdriver.EnvProtocol+"=http", sdkdriver.EnvAccessKeyID+"="+key, sdkdriver.EnvAccessKeySecret+"="+secret,
				sdkdriver.EnvRegionID+"="+region)
			cmd.Stdin = strings.NewReader(`{"id":1,"action":"DescribeNetworkInterfaces","params":{"RegionId":"` + region + `"}}` + "\n")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, stderr.String())
			}
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			_, helloErr := sdkdriver.ParseHello([]byte(lines[0]))
			a, answerErr := sdkdriver.ParseAnswer([]byte(lines[len(lines)-1]))
			if len(lines) != 2 || helloErr != nil || answerErr != nil || a.OK == nil {
				t.Errorf("stdout is not a hello and one answer (%v, %v):\n%s", helloErr, answerErr, stdout.String())
			}
			if !strings.Contains(stderr.String(), "x-acs-action: DescribeNetworkInterfaces") {
				t.Errorf("the SDK printed no request dump on stderr: DEBUG had no effect, the test shows nothing:\n%s", stderr.String())
			}
		})
	}
}
