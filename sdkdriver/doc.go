// Package sdkdriver runs SDK drivers: subprocesses that put one client
// library of the Alibaba Cloud ECS API between eniconform and an endpoint
// and speak the driver protocol of docs/driver-protocol.md (JSON lines:
// calls on the driver's stdin, a hello and answers on its stdout, its log
// on stderr). It is the ground floor of `eniconform sdk`, which judges
// what an SDK sends and what it surfaces.
//
// Running a driver (eniconform's side):
//   - Start(ctx, Config) → *Driver: the command line split like a shell
//     would (SplitCommand), the endpoint and credentials in the environment
//     (Env), the hello read and checked (Hello, Capabilities).
//   - Driver.Call(ctx, Call) → Answer: one call at a time, each answered by
//     exactly one of OK, Error (an *APIError), Unsupported or Failure, with
//     the wall time it took, by a deadline derived from the call's options.
//   - Driver.Close: stdin closed, the exit awaited, the process group
//     killed. Driver.Stderr: the driver's log (the last 64 KiB, secret
//     redacted) for reports.
//   - Every breach of the protocol by a driver (not JSON, a wrong id, two
//     answers, a line past MaxLine, no hello, an early exit, a hang) is an
//     *Error naming the call, the line and the tail of stderr; the driver is
//     then killed. Nothing a driver writes makes this package panic or
//     wait past a deadline.
//
// Writing a driver in Go (the driver's side, used by drivers/gov7,
// drivers/goclassic and drivers/buggy): Main (a driver's whole main
// function: EnvFromOS, then Serve, the read-call/write-answer loop),
// ParseCall, Answer.MarshalJSON, FailureKind, RedactText (a failure's
// text without signatures), ModuleVersion (the SDK's version for the
// hello) and Invoke (an SDK method called by reflection, its panic an
// error).
//
// ParseAnswer and ParseHello are the strict decoders both sides share
// (FuzzParseAnswer fuzzes the first); Flatten turns a call's typed params
// into the wire parameters a correct SDK sends, for judging what the
// gateway decoded.
package sdkdriver
