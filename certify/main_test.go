package certify_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	// The SDK the gov7 driver is built on: imported so that go test
	// compiles it with the other packages that use it, and the build in
	// TestMain only links (as in the drivers' tests).
	_ "github.com/alibabacloud-go/ecs-20140526/v7/client"
)

// bin is where TestMain built the drivers, once per test binary.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "eniconform-certify-")
	if err == nil {
		bin = dir
		err = build(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "building the drivers:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles the drivers the tests use into dir.
func build(dir string) error {
	var out bytes.Buffer
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "../drivers/gov7", "../drivers/buggy")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v\n%s", err, out.String())
	}
	return nil
}

// driver returns the command line of a built driver.
func driver(name string, args ...string) string {
	cmd := "'" + filepath.Join(bin, name) + "'"
	for _, a := range args {
		cmd += " " + a
	}
	return cmd
}
