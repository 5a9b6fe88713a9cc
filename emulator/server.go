package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// The limits of every server that serves a Handler. A request's body is
// limited separately, by the profile's max_request_bytes (package wire).
// The Handler refuses a request line and headers over maxHeaderBytes with
// the error envelope in the request's format; net/http reads up to
// readHeaderBytes before refusing them itself (then the envelope is in the
// default format: decision header-limit).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	readHeaderBytes   = 4 * maxHeaderBytes
	shutdownGrace     = 10 * time.Second // how long Serve waits for in-flight requests
)

// Server is a Handler listening on a loopback port, in the manner of
// httptest.Server: start it with NewServer, point a client at URL (or an
// SDK at Endpoint), and Close it.
type Server struct {
	URL      string   // base URL, "http://127.0.0.1:PORT"
	Endpoint string   // "127.0.0.1:PORT", the Endpoint (Go SDK v7) or Domain (classic SDK) to configure
	Handler  *Handler // the emulator, for its State

	run *serving
}

// NewServer starts a Handler for opts on 127.0.0.1 at a free port. It
// fails when New does or when no port can be had.
func NewServer(opts Options) (*Server, error) {
	h, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	addr := ln.Addr().String()
	return &Server{URL: "http://" + addr, Endpoint: addr, Handler: h, run: serve(ln, h)}, nil
}

// Close stops accepting connections, waits until every in-flight request
// has been answered, and closes the connections. It may be called more
// than once.
func (s *Server) Close() { _ = s.run.stop(context.Background()) }

// Serve serves h on ln until ctx is done, then stops accepting, lets
// in-flight requests finish (for at most 10 s) and returns nil. It returns
// the error that stopped the server otherwise. The server bounds the time
// to read a request's headers (10 s) and the whole request (30 s), to write
// an answer (30 s), idle connections (2 min) and headers (64 KiB). What
// net/http refuses by itself (a malformed request line, 431, 505, …) gets
// the API's error envelope too (decision unreadable-http).
func Serve(ctx context.Context, ln net.Listener, h *Handler) error {
	run := serve(ln, h)
	select {
	case <-run.done:
		if errors.Is(run.err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("emulator: %w", run.err)
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := run.stop(grace); err != nil {
		return fmt.Errorf("emulator: shutting down: %w", err)
	}
	return nil
}

// serving is one http.Server at work on one listener.
type serving struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{} // closed when srv.Serve has returned
	err  error         // what srv.Serve returned, once done is closed

	mu    sync.Mutex
	fresh map[net.Conn]bool // connections that have not sent a request yet
}

// serve starts serving h on ln with the limits above, on connections
// whose plain-text refusals by net/http become error envelopes.
func serve(ln net.Listener, h *Handler) *serving {
	s := &serving{ln: ln, done: make(chan struct{}), fresh: map[net.Conn]bool{}}
	s.srv = &http.Server{Handler: marking(h), ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: readHeaderBytes, ConnState: s.track,
		ConnContext:                  withConn,
		DisableGeneralOptionsHandler: true} // "OPTIONS *" gets the error envelope too, not net/http's empty 200
	go func() {
		defer close(s.done)
		s.err = s.srv.Serve(envelopeListener{Listener: ln, h: h})
	}()
	return s
}

// track remembers which connections have not sent a request yet.
func (s *serving) track(c net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if state == http.StateNew {
		s.fresh[c] = true
	} else {
		delete(s.fresh, c)
	}
}

// stop closes the listener, closes the connections that never sent a
// request (http.Server.Shutdown would wait 5 s for them), then waits until
// every in-flight request is answered or ctx is done, and closes the rest.
func (s *serving) stop(ctx context.Context) error {
	_ = s.ln.Close()
	<-s.done // Serve has returned: no connection is accepted any more
	s.mu.Lock()
	for c := range s.fresh {
		_ = c.Close()
	}
	s.mu.Unlock()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	return err
}
