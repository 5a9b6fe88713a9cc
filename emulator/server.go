package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// The limits of every server that serves a Handler. A request's body is
// limited separately, by the profile's max_request_bytes (package wire).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	shutdownGrace     = 10 * time.Second // how long Serve waits for in-flight requests
)

// newHTTPServer returns an http.Server for h with the limits above.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
}

// Server is a Handler listening on a loopback port, in the manner of
// httptest.Server: start it with NewServer, point a client at URL (or an
// SDK at Endpoint), and Close it.
type Server struct {
	URL      string   // base URL, "http://127.0.0.1:PORT"
	Endpoint string   // "127.0.0.1:PORT", the Endpoint (Go SDK v7) or Domain (classic SDK) to configure
	Handler  *Handler // the emulator, for its State

	srv  *http.Server
	done chan struct{} // closed when the serving goroutine returns
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
	s := &Server{URL: "http://" + ln.Addr().String(), Endpoint: ln.Addr().String(), Handler: h,
		srv: newHTTPServer(h), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // always ErrServerClosed after Close
	}()
	return s, nil
}

// Close stops accepting connections, waits until every in-flight request
// has been answered, and closes idle connections. It may be called more
// than once.
func (s *Server) Close() {
	_ = s.srv.Shutdown(context.Background())
	<-s.done
}

// Serve serves h on ln until ctx is done, then stops accepting, lets
// in-flight requests finish (for at most 10 s) and returns nil. It returns
// the error that stopped the server otherwise. The server bounds the time
// to read a request's headers (10 s) and the whole request (30 s), to write
// an answer (30 s), idle connections (2 min) and headers (64 KiB).
func Serve(ctx context.Context, ln net.Listener, h *Handler) error {
	srv := newHTTPServer(h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("emulator: %w", err)
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(grace)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("emulator: %w", err)
	}
	if err != nil {
		return fmt.Errorf("emulator: shutting down: %w", err)
	}
	return nil
}
