package mock

import (
	"context"
	"crypto/rsa"
)

// keysKey carries the keys of WithKeys in a context.
type keysKey struct{}

type givenKeys struct{ signing, defaultClient *rsa.PrivateKey }

// WithKeys returns a context under which Start gives every mock whose
// Config names no keys of its own these: signing signs its access tokens,
// defaultClient is its default client's key. A program that starts many
// mocks through code it does not own, such as the tests of finprod's
// commands, each of which starts its own, makes its keys once this way:
// two fresh 2048-bit keys were most of the time of such a start. A nil key
// is generated as before.
func WithKeys(ctx context.Context, signing, defaultClient *rsa.PrivateKey) context.Context {
	return context.WithValue(ctx, keysKey{}, givenKeys{signing: signing, defaultClient: defaultClient})
}

// withKeysOf fills in the keys ctx carries where cfg names none.
func (cfg Config) withKeysOf(ctx context.Context) Config {
	k, _ := ctx.Value(keysKey{}).(givenKeys)
	if cfg.SigningKey == nil {
		cfg.SigningKey = k.signing
	}
	if cfg.DefaultClientKey == nil {
		cfg.DefaultClientKey = k.defaultClient
	}
	return cfg
}
