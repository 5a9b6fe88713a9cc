// Package testbin builds the main packages a test binary runs as
// subprocesses (the SDK drivers), once per test binary, for TestMain.
package testbin

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Run builds pkgs (go build paths, relative to the test's package) into a
// temporary directory, sets *dir to it, runs the tests, removes the
// directory and exits with the tests' status. A failed build exits 1 with
// the compiler's output.
func Run(m *testing.M, dir *string, pkgs ...string) {
	d, err := os.MkdirTemp("", "eniconform-testbin-")
	if err == nil {
		*dir = d
		err = build(d, pkgs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "building", pkgs, "for the tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

func build(dir string, pkgs []string) error {
	var out bytes.Buffer
	cmd := exec.Command("go", append([]string{"build", "-o", dir + string(os.PathSeparator)}, pkgs...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v\n%s", err, out.String())
	}
	return nil
}
