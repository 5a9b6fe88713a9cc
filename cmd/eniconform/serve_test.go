package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
)

// goTool returns the go command, or skips the test.
func goTool(t *testing.T) string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	t.Skip("no go command to build the binary with")
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// The built binary serves, a Go SDK v7 call from this process succeeds
// (the call of the banner), the request is logged, and SIGTERM stops it
// cleanly with exit status 0.
func TestServeBinaryWithGoSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "eniconform")
	build := exec.Command(goTool(t), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(stdout); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	addr := strings.TrimPrefix(await(t, lines, "listening on http://"), "listening on http://")

	client, err := ecs.NewClient(&openapi.Config{AccessKeyId: tea.String("test"), AccessKeySecret: tea.String("test"),
		Endpoint: tea.String(addr), Protocol: tea.String("http"), RegionId: tea.String("cn-hangzhou"), ReadTimeout: tea.Int(5000)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.CreateNetworkInterface(&ecs.CreateNetworkInterfaceRequest{RegionId: tea.String("cn-hangzhou"),
		VSwitchId: tea.String("vsw-bp1main-h"), SecurityGroupId: tea.String("sg-bp1main")})
	if err != nil || !strings.HasPrefix(tea.StringValue(out.Body.NetworkInterfaceId), "eni-") {
		t.Fatalf("CreateNetworkInterface through the binary: %v", err)
	}
	logged := await(t, lines, " CreateNetworkInterface ")
	if !strings.Contains(logged, " 200 - JSON ") || !strings.Contains(logged, "AccessKeyId=test ") {
		t.Errorf("log line %q", logged)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	await(t, lines, "eniconform serve: stopped")
	kill := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
	defer kill.Stop()
	for range lines { // until EOF: the process has exited, Wait may close the pipe
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v (stderr %q)", err, stderr.String())
	}
}

// await returns the first line containing want, failing after 10 s.
func await(t *testing.T, lines <-chan string, want string) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before %q", want)
			}
			if strings.Contains(line, want) {
				return line
			}
		case <-deadline:
			t.Fatalf("no %q within 10 s", want)
		}
	}
}
