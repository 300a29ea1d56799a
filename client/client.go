// Package client talks to a target: Maskinporten for tokens, the reporting
// API for submissions and documents, Dialogporten for dialogs. It knows the
// contract and nothing of the mock; local runs and TT02 runs share every line.
package client

import "context"

// TokenSource gives a bearer token for the next request. Implementations
// cache and refresh as they see fit and must be safe for concurrent use.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// StaticToken is a TokenSource that always gives the same token (or none,
// when empty: requests then carry no Authorization header).
type StaticToken string

// Token returns the token.
func (s StaticToken) Token(context.Context) (string, error) { return string(s), nil }

// UserAgent identifies finprod in requests to a target.
const UserAgent = "finprod (contract and load test harness)"
