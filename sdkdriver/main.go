package sdkdriver

import (
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
)

// Main is the main function of a driver written in Go: it keeps the real
// stdout for the protocol and points os.Stdout at os.Stderr (an SDK's
// debug output, printed with fmt.Println, would break the protocol), reads
// the Env (EnvFromOS), makes the call handler for it with handler, and
// serves calls on stdin and the real stdout (Serve) until stdin ends, then
// returns. When the environment lacks a variable or the protocol breaks,
// it prints why on stderr after name and exits with status 2. Call it
// first in main, before anything can print.
func Main(name string, hello Hello, handler func(Env) func(Call) Answer) {
	protocol := os.Stdout
	os.Stdout = os.Stderr
	env, err := EnvFromOS()
	if err == nil {
		err = Serve(os.Stdin, protocol, hello, handler(env))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
}

// ModuleVersion returns the version of the module path (a driver's SDK)
// built into the running binary, or "unknown".
func ModuleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "unknown"
}

// Invoke calls method (an SDK's API method, found by reflection) with args
// and returns its first result and its last, which must be of type error.
// A panic in the SDK comes back as an error, "the SDK panicked: …", so
// that a driver answers it as a failure instead of dying.
func Invoke(method reflect.Value, args ...reflect.Value) (out reflect.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the SDK panicked: %v", p)
		}
	}()
	res := method.Call(args)
	err, _ = res[len(res)-1].Interface().(error)
	return res[0], err
}
