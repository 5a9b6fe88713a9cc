// Package spec holds the operation's rules as data: one embedded JSON file
// per API profile (profiles/*.json) with every parameter and constraint, every
// error rule (code, HTTP status, precedence rank, provenance, alternatives),
// the common gateway parameters and the decisions taken where the documents
// are silent.
//
// A profile file may name a base and state only what it changes (see
// compose.go): the current profile (CurrentProfile, the commands' default)
// is composed on the 2018 document (BaseProfile).
//
// Entry points:
//   - Get, Must and Names: the embedded profiles, composed, loaded and
//     validated once; Default: the base profile, for library code handed
//     none.
//   - Load: a profile from bytes; Profile.Overlay and Profile.Edit derive a
//     changed copy (user overlays, planted faults).
//   - Profile.Rule, Profile.RulesByRank, Profile.Status: rules and the one
//     code → HTTP status table.
//   - Profile.Action and Action.Param: parameter tables (list items such as
//     Tag.3.Key resolve to their Tag.N.Key entry); Constraints.Check
//     evaluates a value against its constraints.
//
// The package imports only the standard library. Rules are evaluated by
// package oracle, which maps each rule's Check name to code.
package spec
