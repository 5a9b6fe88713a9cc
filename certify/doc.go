// Package certify judges an SDK of the Alibaba Cloud ECS API through its
// driver (docs/driver-protocol.md): `eniconform sdk`. It starts the
// reference emulator on 127.0.0.1 behind a Bench, a recording and
// scripting http.Handler that decodes every request as the gateway does,
// starts the driver with package sdkdriver, and judges three aspects, each
// a set of verdict rows of its own (certification.json, with the source of
// each; they are not rules of the server profile):
//
//   - encoding: stressed values (StressValues and draws from the same
//     classes: Unicode with astral and combining characters, spaces, '*',
//     '~', '+', '%', '&', '=', long and empty values, lists, lists of
//     structs, structs) sent in every mode the driver can express arrive
//     exactly as sdkdriver.Flatten says, under a verifying signature;
//     an empty value must arrive as X= (its own row);
//   - surfacing: on success the fields the server sent, on an error (every
//     error rule of the profile that one request provokes, drawn by
//     generators.Env.ForRule, in JSON and XML) its code, HTTP status,
//     message and RequestId, each judged apart;
//   - transport: scripted 500, 503, Throttling, a reset and a slow answer:
//     attempts against the SDK's documented policy and the attempts
//     option, no second request for a create without a ClientToken, the
//     timeout, the reset; what the SDK did is kept as Facts.
//
// Entry points: Run(ctx, Config) → *Report (a harness.Summary, rendered by
// harness.WriteMatrix and harness.WriteJUnit like a conformance run's;
// Report.WriteReports); NewBench for tests and fuzzing; Certification for
// the rows. A defect is reported once per signature (row, kind, class)
// with one example, shrunk for encoding defects.
package certify
