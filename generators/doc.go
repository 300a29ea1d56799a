// Package generators makes synthetic test data for the Innrapportering
// finansprodukter API: Tenor-style identities (fødselsnummer, D-nummer,
// organisasjonsnummer), bank accounts, IBANs, ISINs, names and addresses, and
// whole leveranser with an exact oppgaveoppsummering. It also finds the
// identities of a leveranse that are not synthetic, and builds named defects
// for negative tests. The identifier rules themselves (check digits, Tenor's
// ranges) are package ident's.
//
// Everything is deterministic: the same Config gives the same bytes on any
// machine, and oppgave i or leveranse k can be regenerated on its own,
// because each one draws from its own PRNG derived from (seed, index) and not
// from a shared stream.
package generators
