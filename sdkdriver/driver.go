package sdkdriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// The defaults of a Config (docs/driver-protocol.md §2 and §5).
const (
	DefaultHelloTimeout   = 2 * time.Minute  // time for `go run` to compile
	DefaultAttemptTimeout = 30 * time.Second // one attempt of a call that sets no timeout_ms
	DefaultGrace          = 10 * time.Second // added to every call's deadline
	DefaultExitTimeout    = 5 * time.Second  // from stdin closed to the driver's exit
)

// ioWait bounds how long a Driver waits for the driver's output to end once
// its process group is gone.
const ioWait = 2 * time.Second

// Config says which driver to start and how long to wait for it. Zero
// durations take the defaults.
type Config struct {
	// Command is the driver's command line, split by SplitCommand.
	Command string
	// Dir is its working directory; "" is the current one.
	Dir string
	// Env is the endpoint and credentials passed in its environment.
	Env Env
	// HelloTimeout bounds the wait for the hello line.
	HelloTimeout time.Duration
	// AttemptTimeout is the time one attempt may take when a call sets no
	// timeout_ms.
	AttemptTimeout time.Duration
	// Grace is added to each call's own time budget.
	Grace time.Duration
	// ExitTimeout bounds the wait for the driver's exit on Close.
	ExitTimeout time.Duration
}

// withDefaults returns c with its zero durations set to the defaults.
func (c Config) withDefaults() Config {
	for _, d := range []struct {
		to  *time.Duration
		def time.Duration
	}{{&c.HelloTimeout, DefaultHelloTimeout}, {&c.AttemptTimeout, DefaultAttemptTimeout},
		{&c.Grace, DefaultGrace}, {&c.ExitTimeout, DefaultExitTimeout}} {
		if *d.to <= 0 {
			*d.to = d.def
		}
	}
	return c
}

// Driver is a running driver: a subprocess that speaks the driver protocol.
// Start it, make calls one at a time with Call, and Close it. Its methods
// may be called from several goroutines; calls are then made one after
// the other.
type Driver struct {
	cfg   Config
	cmd   *exec.Cmd
	stdin *os.File // our end of the driver's stdin
	hello Hello

	lines      chan received // the driver's stdout, line by line
	quit       chan struct{} // closed when the Driver stops reading
	exited     chan struct{} // closed once the process has been waited for
	waitErr    error         // what Wait returned, once exited is closed
	reapMu     sync.Mutex    // held while the group is killed, and while the leader is reaped
	reaped     bool          // the leader is reaped: its PID, the group's ID, is no longer its own
	stderr     *tail
	stderrR    *os.File      // our end of the driver's stderr
	stderrDone chan struct{} // closed when stderr has ended
	stopOnce   sync.Once
	stdout     *os.File // our end of the driver's stdout

	mu       sync.Mutex
	answered int64 // id of the last call answered
	broken   error // the breach that ended the session
	closed   bool
}

// received is one line of the driver's stdout, or how its stdout ended.
type received struct {
	line []byte
	err  error
	at   time.Time // when it was read
}

// Start starts the driver cfg describes and reads its hello. It fails with
// an *Error when the driver cannot be started, exits, writes anything but
// a valid hello, or says nothing within HelloTimeout (or before ctx is
// done); the driver is then killed. ctx bounds only the start.
func Start(ctx context.Context, cfg Config) (*Driver, error) {
	argv, err := SplitCommand(cfg.Command)
	if err != nil {
		return nil, fmt.Errorf("sdkdriver: %w", err)
	}
	if err := cfg.Env.check(); err != nil {
		return nil, fmt.Errorf("sdkdriver: %w", err)
	}
	d := &Driver{cfg: cfg.withDefaults(), lines: make(chan received), quit: make(chan struct{}),
		exited: make(chan struct{}), stderr: &tail{max: StderrKeep, secret: cfg.Env.AccessKeySecret},
		stderrDone: make(chan struct{})}
	if err := d.start(argv); err != nil {
		return nil, err
	}
	if err := d.readHello(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// start runs argv with pipes for the three streams and starts the
// goroutines that read stdout and stderr and wait for the exit.
func (d *Driver) start(argv []string) error {
	var p [6]*os.File // stdin r/w, stdout r/w, stderr r/w
	for i := 0; i < 6; i += 2 {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(p[:i]...)
			return fmt.Errorf("sdkdriver: %w", err)
		}
		p[i], p[i+1] = r, w
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = d.cfg.Dir, d.cfg.Env.environ(os.Environ())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p[0], p[3], p[5]
	ownGroup(cmd)
	err := cmd.Start()
	closeAll(p[0], p[3], p[5]) // the child's ends
	if err != nil {
		closeAll(p[1], p[2], p[4])
		return d.breach(0, "", "cannot start: "+err.Error(), nil)
	}
	d.cmd, d.stdin, d.stdout, d.stderrR = cmd, p[1], p[2], p[4]
	go d.copyStderr()
	go d.read()
	go d.wait()
	return nil
}

// closeAll closes files, ignoring errors.
func closeAll(files ...*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}

// copyStderr keeps the driver's stderr in d.stderr until it ends, or
// until kill closes our end.
func (d *Driver) copyStderr() {
	_, _ = io.Copy(d.stderr, d.stderrR)
	_ = d.stderrR.Close()
	close(d.stderrDone)
}

// read hands the driver's stdout to d.lines, line by line, until it ends
// or the Driver stops reading.
func (d *Driver) read() {
	lr := newLineReader(d.stdout, MaxLine)
	for {
		line, err := lr.next()
		select {
		case d.lines <- received{line: line, err: err, at: time.Now()}:
		case <-d.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

// wait waits for the process to exit, kills what is left of its group, so
// that no grandchild keeps the pipes open, and reaps it. The group is
// killed before the reap, while its ID is still the leader's; where the
// exit cannot be awaited without reaping (awaitExit), right after it.
func (d *Driver) wait() {
	if awaitExit(d.cmd.Process) {
		d.reapMu.Lock()
		killGroup(d.cmd.Process)
		d.waitErr, d.reaped = d.cmd.Wait(), true
		d.reapMu.Unlock()
	} else {
		err := d.cmd.Wait()
		d.reapMu.Lock()
		killGroup(d.cmd.Process)
		d.waitErr, d.reaped = err, true
		d.reapMu.Unlock()
	}
	close(d.exited)
}

// killUnreaped kills the driver's process group unless its leader has been
// reaped (wait has killed the group then, and its ID may be another's).
func (d *Driver) killUnreaped() {
	d.reapMu.Lock()
	defer d.reapMu.Unlock()
	if !d.reaped {
		killGroup(d.cmd.Process)
	}
}

// readHello reads and checks the first line.
func (d *Driver) readHello(ctx context.Context) error {
	timer := time.NewTimer(d.cfg.HelloTimeout)
	defer timer.Stop()
	select {
	case r := <-d.lines:
		if r.err != nil {
			return d.fail(0, "", d.ended(r, "before its hello line"), r.line)
		}
		h, err := ParseHello(r.line)
		if err != nil {
			return d.fail(0, "", "bad hello: "+refusal(d, r.line, ParseHello), r.line)
		}
		d.hello = h
		return nil
	case <-timer.C:
		return d.fail(0, "", fmt.Sprintf("no hello line within %v", d.cfg.HelloTimeout), nil)
	case <-ctx.Done():
		return d.fail(0, "", "start abandoned before the hello line: "+ctx.Err().Error(), nil)
	}
}

// Hello returns the driver's hello.
func (d *Driver) Hello() Hello { return d.hello }

// Command returns the driver's command line.
func (d *Driver) Command() string { return d.cfg.Command }

// Stderr returns the last StderrKeep bytes of the driver's stderr so far,
// with the AccessKeySecret redacted, for reports.
func (d *Driver) Stderr() string { return d.stderr.String() }

// budget is how long a call with options o may take before the driver is
// deemed hung: every attempt's time, the backoffs between them, and the
// grace.
func (d *Driver) budget(o Options) time.Duration {
	attempts, per := time.Duration(max(o.Attempts, 1)), d.cfg.AttemptTimeout
	if o.TimeoutMS > 0 {
		per = time.Duration(o.TimeoutMS) * time.Millisecond
	}
	return attempts*per + (attempts-1)*time.Duration(o.BackoffMS)*time.Millisecond + d.cfg.Grace
}

// Call sends c (its ID is set here: 1, 2, …) and returns the driver's
// answer, with Elapsed set. A call that breaks the protocol (see
// Call.encode) is an error and nothing is sent; the session goes on. Any
// breach by the driver (a bad or late answer, its exit, a line written
// while no call was waiting) is an *Error: the driver is killed, and
// every later Call returns the same error. So is ctx being done before
// the answer.
func (d *Driver) Call(ctx context.Context, c Call) (Answer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.broken != nil:
		return Answer{}, d.broken
	case d.closed:
		return Answer{}, errors.New("sdkdriver: Call after Close")
	}
	c.ID = d.answered + 1
	line, err := c.encode()
	if err != nil {
		return Answer{}, err
	}
	if r, ok := d.stray(); ok {
		return Answer{}, d.fail(c.ID, c.Action, d.strayWhat(r), r.line)
	}
	budget := d.budget(c.Options)
	start := time.Now()
	deadline := start.Add(budget)
	if err := d.send(line, deadline); err != nil {
		return Answer{}, d.fail(c.ID, c.Action, d.exitNote("could not take the call: "+err.Error()), nil)
	}
	timer := time.NewTimer(time.Until(deadline)) // the time send took is part of the budget
	defer timer.Stop()
	select {
	case r := <-d.lines:
		return d.answer(c, r, start)
	case <-timer.C:
		return Answer{}, d.fail(c.ID, c.Action, fmt.Sprintf("no answer within %v", budget), nil)
	case <-ctx.Done():
		return Answer{}, d.fail(c.ID, c.Action, "call abandoned: "+ctx.Err().Error(), nil)
	}
}

// send writes one call line to the driver's stdin by the deadline.
func (d *Driver) send(line []byte, deadline time.Time) error {
	_ = d.stdin.SetWriteDeadline(deadline)
	_, err := d.stdin.Write(append(line, '\n'))
	return err
}

// answer checks what the driver wrote for call c.
func (d *Driver) answer(c Call, r received, start time.Time) (Answer, error) {
	if r.err != nil {
		return Answer{}, d.fail(c.ID, c.Action, d.ended(r, "before answering"), r.line)
	}
	a, err := ParseAnswer(r.line)
	if err != nil {
		return Answer{}, d.fail(c.ID, c.Action, "bad answer: "+refusal(d, r.line, ParseAnswer), r.line)
	}
	if a.ID != c.ID {
		what := fmt.Sprintf("the answer has id %d, want %d", a.ID, c.ID)
		if a.ID < c.ID {
			what += " (a second answer to an earlier call?)"
		}
		return Answer{}, d.fail(c.ID, c.Action, what, r.line)
	}
	a.Elapsed = r.at.Sub(start)
	d.answered = c.ID
	return a, nil
}

// stray returns what the driver wrote while no call was waiting, if
// anything is ready.
func (d *Driver) stray() (received, bool) {
	select {
	case r := <-d.lines:
		return r, true
	default:
		return received{}, false
	}
}

// kill kills the driver's process group (unless its leader is reaped),
// waits for its exit (at most ExitTimeout) and for its output to end (at
// most ioWait), and stops reading: it closes our ends of the pipes, that
// of stderr too when something outside the group still holds it open.
func (d *Driver) kill() {
	d.killUnreaped()
	select {
	case <-d.exited:
	case <-time.After(d.cfg.ExitTimeout):
	}
	d.stopOnce.Do(func() {
		close(d.quit)
		closeAll(d.stdin, d.stdout)
		select {
		case <-d.stderrDone:
		case <-time.After(ioWait):
			_ = d.stderrR.Close() // copyStderr ends, and the pipe is not kept
		}
	})
}

// Close ends the session: it closes the driver's stdin and waits (at most
// ExitTimeout) for the driver to exit, then kills what is left of its
// process group. It returns an *Error when the driver wrote anything after
// its last answer, did not exit in time, or exited with a non-zero status;
// nil after a breach that Call already returned. It may be called more
// than once.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.broken != nil {
		d.closed = true
		d.kill()
		return nil
	}
	d.closed = true
	extra, ready := d.stray()
	_ = d.stdin.Close()
	select {
	case <-d.exited:
	case <-time.After(d.cfg.ExitTimeout):
		return d.fail(0, "", fmt.Sprintf("did not exit within %v of its stdin closing", d.cfg.ExitTimeout), nil)
	}
	if !ready {
		extra, ready = d.drain()
	}
	switch {
	case ready && written(extra):
		return d.fail(0, "", "wrote after its last answer: "+d.strayWhat(extra), extra.line)
	case d.waitErr != nil:
		return d.fail(0, "", "ended badly after its stdin closed: "+d.waitErr.Error(), nil)
	}
	d.kill()
	return nil
}

// drain returns what the driver's stdout gives next, waiting at most
// ioWait; false when nothing came.
func (d *Driver) drain() (received, bool) {
	timer := time.NewTimer(ioWait)
	defer timer.Stop()
	select {
	case r := <-d.lines:
		return r, true
	case <-timer.C:
		return received{}, false
	}
}
