// Package spec holds the operation's rules as data: one embedded JSON file
// per API profile (profiles/*.json) with every parameter and constraint, every
// error rule (code, HTTP status, precedence rank, provenance, alternatives),
// the common gateway parameters and the decisions taken where the documents
// are silent.
//
// Entry points:
//   - Default, Get and Names: the embedded profiles, loaded and validated once.
//   - Load: a profile from bytes; Profile.Overlay and Profile.Edit derive a
//     changed copy (user overlays, planted faults).
//   - Profile.Rule, Profile.RulesByRank, Profile.Status: rules and the one
//     code → HTTP status table.
//   - Profile.Action and Action.Param: parameter tables; Constraints.Check
//     evaluates a value against its constraints.
//
// The package imports only the standard library. Rules are evaluated by
// package oracle, which maps each rule's Check name to code.
package spec
