package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/eniconform/eniconform/spec"
)

// profileFlag registers --profile on fs: the spec profile to serve, draw
// from or test, the current one by default (what clients send today).
func profileFlag(fs *flag.FlagSet) *string {
	return fs.String("profile", spec.DefaultProfile, "spec `profile`: "+strings.Join(spec.Names(), ", "))
}

// profileNamed returns the embedded profile called name; the error names
// the flag and the profiles there are.
func profileNamed(name string) (*spec.Profile, error) {
	p, err := spec.Get(name)
	if err != nil {
		return nil, fmt.Errorf("--profile: %w", err)
	}
	return p, nil
}
