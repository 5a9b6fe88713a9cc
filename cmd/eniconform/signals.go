package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals stop a run: Ctrl-C, kill, and the terminal closing.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signals turns the first stop signal into a stopped context (the run
// sweeps, writes its reports marked interrupted and exits 1) and the second
// into an immediate exit 1, leaving the ledger to `eniconform clean`.
type signals struct {
	ch     chan os.Signal
	ctx    context.Context
	cancel context.CancelCauseFunc
	later  string // what to run after an immediate exit
}

// catchSignals starts listening; later names the clean command for the
// message of a second signal.
func catchSignals(stderr io.Writer, later string) *signals {
	s := &signals{ch: make(chan os.Signal, 2), later: later}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	signal.Notify(s.ch, stopSignals...)
	go s.loop(stderr)
	return s
}

func (s *signals) loop(stderr io.Writer) {
	first := <-s.ch
	fmt.Fprintf(stderr, "\neniconform: %s: stopping; sweeping the run's ENIs and writing the reports (a second signal exits at once)\n", sigName(first))
	s.cancel(errors.New(sigName(first)))
	second := <-s.ch
	fmt.Fprintf(stderr, "eniconform: %s again: exiting at once: %s\n", sigName(second), s.later)
	os.Exit(1)
}

// retake makes the stop signals this listener's alone again: Ginkgo's
// RunSpecs registers its own interrupt handler, which would interrupt the
// running spec with its own report and not know SIGHUP. signal.Ignore
// drops every listener of those signals; Notify then adds this one back.
func (s *signals) retake() {
	signal.Ignore(stopSignals...)
	signal.Notify(s.ch, stopSignals...)
}

func sigName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}
