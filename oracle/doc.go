// Package oracle is the pure reference model of CreateNetworkInterface and
// its neighbours: given a state (a World plus what happened since) and a
// Request, it predicts the exact outcome, checks an Observation against the
// prediction, and returns the next state.
//
// Entry points:
//   - NewModel(profile): the model for one spec profile (a struct of pure
//     functions, in the style of porcupine's Model).
//   - NewState(world): the initial state; State is a value, never mutated.
//   - Model.Predict(state, request) → Prediction: success with predicates on
//     server-chosen values, or the error rule (strict winner) and every
//     violated rule (lenient set).
//   - Model.Check(state, prediction, observation) → []Divergence.
//   - Model.Next(state, request, prediction, observation) → State.
//
// No clock, no randomness, no I/O: time arrives in Request.Now, server-chosen
// values arrive in the Observation. Every rule's code, status, rank and
// constraint comes from package spec; this package maps each rule's Check
// name to the code that evaluates it (checks.go).
package oracle
