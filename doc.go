// Package pinggu holds the vocabulary of pinggu (评估), the third-party
// evaluation system: units of the registry, users and their roles, the
// permission rules, the audit chain and the error type that every layer
// shares. It imports the standard library only; storage, the web and the
// command line live below it in internal/ and depend on it, never the
// other way round.
package pinggu
