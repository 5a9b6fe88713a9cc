//go:build !linux

package sdkdriver

import "os"

// awaitExit cannot wait for an exit without reaping here; it returns false
// at once, and wait reaps first.
func awaitExit(*os.Process) bool { return false }
