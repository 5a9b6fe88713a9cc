package certify_test

import (
	"path/filepath"
	"testing"

	// The SDK the gov7 driver is built on: imported so that go test
	// compiles it with the other packages that use it, and the build in
	// TestMain only links (as in the drivers' tests).
	_ "github.com/alibabacloud-go/ecs-20140526/v7/client"

	"github.com/eniconform/eniconform/internal/testbin"
)

// bin is where TestMain built the drivers, once per test binary.
var bin string

// TestMain builds the drivers the tests use into bin.
func TestMain(m *testing.M) { testbin.Run(m, &bin, "../drivers/gov7", "../drivers/buggy") }

// driver returns the command line of a built driver.
func driver(name string, args ...string) string {
	cmd := "'" + filepath.Join(bin, name) + "'"
	for _, a := range args {
		cmd += " " + a
	}
	return cmd
}
