// Package emulator is the reference emulator: the oracle served over HTTP.
// It holds no rule of its own. Each request is decoded by package wire
// (ParseRequest, then Inbound.Verify with the secret of its AccessKeyId),
// predicted, answered and learned by an oracle.Model, and rendered by
// wire.Render; the emulator adds only the server's free choices (RequestId,
// ENI ID, MAC, address), the clock and the memory of accepted nonces
// (nonce.go: compact, capped; a full memory answers Throttling). What the
// oracle never sees gets the profile's envelope too (refusal.go): headers
// over 64 KiB, and what net/http refuses before the handler.
//
// Entry points:
//   - New(Options) → *Handler: an http.Handler for a profile and a world;
//     Handler.State and Handler.Model expose what it knows, for tests and
//     leak checks; Handler.Seed reproduces its choices.
//   - NewServer(Options) → *Server: a Handler on a loopback port, started
//     in one line and closed with Server.Close, like httptest.Server.
//   - Serve(ctx, listener, handler): a hardened server for the command
//     line (eniconform serve) that stops cleanly when ctx is done.
//   - Entry: the log record of one request (Options.Log), never a secret.
//   - Faults and Options.Faults: 22 named faults, modelled on real emulator
//     bugs, that make the emulator wrong on purpose, so that selftest can
//     show the harness catches each one. They change the profile, the world
//     copy, or the decoded request or answer; the handler stays the same.
package emulator
