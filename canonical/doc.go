// Package canonical is the hub's shared model of cases, people and the
// messages that carry them. Every adapter decodes agency bytes into these
// types and encodes them back out; routes, policies and the journal speak
// nothing else.
//
// JSON field names are the wire names of the canonical form: schemas in
// the schemas package validate them and route conditions refer to them.
package canonical
