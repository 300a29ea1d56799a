// Package ident holds the rules of Norwegian identifiers as finprod knows
// them (FACTS §5, §6): fødselsnummer and D-, H- and Tenor numbers with the
// century rules of the individnummer, organisasjonsnummer, kontonummer, IBAN
// and ISIN check digits, and Tenor's synthetic ranges.
//
// It is the one implementation of these rules: the generators compute their
// check digits with it, the business rules judge a leveranse with it, and a
// target's guard refuses non-synthetic identities with it. It imports
// nothing of finprod's, so every room may use it.
package ident
