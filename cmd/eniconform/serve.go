package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/world"
)

// serveCommand runs the reference emulator until SIGINT or SIGTERM.
func serveCommand(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return serve(ctx, args, stdout, stderr)
}

// serve runs the emulator until ctx is done. It prints the address, the
// credentials and a first call, then one log line per request (unless
// --quiet), all on stdout; problems go to stderr.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on (port 0: any free port)")
	file := fs.String("world", "", "world manifest `file` (default: the embedded default world, see eniconform world)")
	seed := fs.Uint64("seed", 0, "seed of the server's choices (RequestId, ENI ID, MAC, address); 0: random, printed")
	skew := fs.Duration("clock-skew", 0, "accept timestamps this far from the clock (default: the profile's 15m), for frozen vectors")
	quiet := fs.Bool("quiet", false, "do not log one line per request")
	profile := profileFlag(fs)
	var faults []string
	fs.Func("fault", "plant the faults `NAME[,NAME]` (see eniconform selftest -h): the emulator departs from the spec on purpose", func(v string) error {
		names, err := emulator.ParseFaults(v)
		faults = append(faults, names...)
		return err
	})
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eniconform serve [flags]\n\nRuns the reference emulator, the oracle served over HTTP, until SIGINT or SIGTERM.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	w, err := loadWorld(*file)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform serve: %v\n", err)
		return 2
	}
	prof, err := profileNamed(*profile)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform serve: %v\n", err)
		return 2
	}
	var out sync.Mutex // the log lines come from many requests at once
	opts := emulator.Options{Profile: prof, World: w, Seed: *seed, ClockSkew: *skew, Faults: faults}
	if !*quiet {
		opts.Log = func(e emulator.Entry) {
			out.Lock()
			defer out.Unlock()
			fmt.Fprintln(stdout, e.String())
		}
	}
	if opts.ClockSkew < 0 {
		fmt.Fprintf(stderr, "eniconform serve: --clock-skew must not be negative, not %s\n", opts.ClockSkew)
		return 2
	}
	h, err := emulator.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform serve: %v\n", err)
		return 2
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		fmt.Fprintf(stderr, "eniconform serve: --addr must be host:port, not %q\n", *addr)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform serve: --addr %s: %v\n", *addr, err)
		return 1
	}
	out.Lock()
	banner(stdout, ln.Addr().String(), h, w, *file)
	out.Unlock()
	if err := emulator.Serve(ctx, ln, h); err != nil {
		fmt.Fprintf(stderr, "eniconform serve: %v\n", err)
		return 1
	}
	out.Lock()
	fmt.Fprintln(stdout, "eniconform serve: stopped")
	out.Unlock()
	return 0
}

// loadWorld reads the world manifest file, or returns the default world
// when file is "". Errors name the file and the line.
func loadWorld(file string) (*oracle.World, error) {
	if file == "" {
		return world.Default(), nil
	}
	return world.Load(file)
}

// banner prints where the emulator listens, the credentials to use and a
// first call. For the default world it prints the key test/test, the
// well-known public test key; for a world from file only AccessKeyIds,
// never a secret.
func banner(w io.Writer, addr string, h *emulator.Handler, wld *oracle.World, file string) {
	p := h.Profile()
	name := "default"
	if file != "" {
		name = file
	}
	fmt.Fprintf(w, "eniconform serve: reference emulator of %s %s (profile %s, world %s, seed %d)\n",
		p.Subject, p.Version, p.Name, name, h.Seed())
	if f := h.Faults(); len(f) > 0 {
		fmt.Fprintf(w, "PLANTED FAULTS: %s (this emulator is wrong on purpose)\n", strings.Join(f, ", "))
	}
	fmt.Fprintf(w, "listening on http://%s\n", addr)
	secret := "test"
	if file == "" {
		fmt.Fprintln(w, "credentials: AccessKeyId=test AccessKeySecret=test (the default world's public test key; \"eniconform world\" shows the others)")
	} else {
		var ids []string
		for _, a := range wld.Accounts {
			ids = append(ids, a.AccessKeyID)
		}
		fmt.Fprintf(w, "credentials: AccessKeyIds %s, with the secrets of %s\n", strings.Join(ids, ", "), file)
		secret = "<its secret in " + file + ">"
	}
	if c, ok := firstCall(wld); ok {
		fmt.Fprintf(w, firstCallText, c.key, secret, addr, c.region, c.region, c.vswitch, c.group)
	}
	fmt.Fprintln(w, "Ctrl-C (SIGINT) or SIGTERM stops the server; in-flight requests finish first.")
}

// firstCallText is a first call with the Go SDK v7, the official SDK that
// signs with ACS3 by default. The emulator's tests make the same call.
const firstCallText = `first call, with the Go SDK v7 (github.com/alibabacloud-go/ecs-20140526/v7/client as ecs,
github.com/alibabacloud-go/darabonba-openapi/v2/client as openapi, github.com/alibabacloud-go/tea/tea):
	client, err := ecs.NewClient(&openapi.Config{AccessKeyId: tea.String(%q), AccessKeySecret: tea.String(%q),
		Endpoint: tea.String(%q), Protocol: tea.String("http"), RegionId: tea.String(%q)})
	out, err := client.CreateNetworkInterface(&ecs.CreateNetworkInterfaceRequest{RegionId: tea.String(%q),
		VSwitchId: tea.String(%q), SecurityGroupId: tea.String(%q)})
`

// call names what a first CreateNetworkInterface needs.
type call struct{ key, region, vswitch, group string }

// firstCall finds a usable key of a main account with a vSwitch and a
// security group of one of its VPCs, in manifest order.
func firstCall(w *oracle.World) (call, bool) {
	for _, a := range w.Accounts {
		if a.Type != "main" || a.Expired || a.Disabled {
			continue
		}
		for _, v := range w.VPCs {
			if v.Owner != a.UID {
				continue
			}
			sw, sg := "", ""
			for _, s := range w.VSwitches {
				if s.VPC == v.ID && sw == "" {
					sw = s.ID
				}
			}
			for _, g := range w.SecurityGroups {
				if g.VPC == v.ID && sg == "" {
					sg = g.ID
				}
			}
			if sw != "" && sg != "" {
				return call{a.AccessKeyID, v.Region, sw, sg}, true
			}
		}
	}
	return call{}, false
}
