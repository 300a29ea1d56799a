// Package client is what finprod's clients of a target share: a token
// source, the User-Agent, the default timeout. One package per service
// holds the rest: client/maskinporten (the JWT-bearer grant),
// client/api (the reporting API) and client/dialogporten (Dialogporten's
// GraphQL API). They know the contract and nothing of the mock; local runs
// and TT02 runs share every line.
package client

import (
	"context"
	"time"
)

// TokenSource gives a bearer token for the next request. Implementations
// cache and refresh as they see fit and must be safe for concurrent use.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// TokenFunc is a function that is a TokenSource.
type TokenFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f TokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// StaticToken is a TokenSource that always gives the same token (or none,
// when empty: requests then carry no Authorization header).
type StaticToken string

// Token returns the token.
func (s StaticToken) Token(context.Context) (string, error) { return string(s), nil }

// UserAgent identifies finprod in requests to a target.
const UserAgent = "finprod (contract and load test harness)"

// DefaultTimeout bounds each HTTP exchange of a client given no
// http.Client of its own, so an endpoint that never answers cannot hang a run.
const DefaultTimeout = 30 * time.Second
