package target

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"sync"

	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock"
)

// suiteKID names the one key the local suite signs its grants with.
const suiteKID = "finprod-suite"

// grantCredentials get every local token through the local Maskinporten's
// JWT-bearer grant, the same client code a TT02 run uses. Each systembruker
// a scenario acts as is registered, on first use, as a client of its own org
// with the suite's key; tokens are then cached per scope set by
// maskinporten.Source, as for a profile.
type grantCredentials struct {
	mp   *mock.Server
	key  *rsa.PrivateKey
	pub  string
	http *http.Client

	mu   sync.Mutex
	orgs map[string]*maskinportenCredentials
}

func newGrantCredentials(srv *mock.Server, httpc *http.Client) (*grantCredentials, error) {
	// The suite signs with the mock's default client's key, which the
	// mock made for its users anyway, rather than a third 2048-bit key of
	// its own: making one was a tenth of a second of every local start.
	// A mock configured with clients of its own has no default client.
	var key *rsa.PrivateKey
	if d, ok := srv.DefaultClient(); ok {
		key = d.Key
	} else {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("suite key: %w", err)
		}
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("suite key: %w", err)
	}
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return &grantCredentials{mp: srv, key: key, pub: pub, http: httpc, orgs: map[string]*maskinportenCredentials{}}, nil
}

func (g *grantCredentials) Token(ctx context.Context, systembruker string, scopes ...string) (string, error) {
	mc, err := g.forOrg(systembruker)
	if err != nil {
		return "", err
	}
	return mc.Token(ctx, systembruker, scopes...)
}

func (g *grantCredentials) forOrg(org string) (*maskinportenCredentials, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if mc, ok := g.orgs[org]; ok {
		return mc, nil
	}
	id := "finprod-suite-" + org
	err := g.mp.RegisterClient(mock.MaskinportenClient{
		ID: id, Org: org,
		Keys:          []mock.MaskinportenKey{{KID: suiteKID, PublicKeyPEM: g.pub}},
		Scopes:        []string{contract.Scope, dialogschema.Scope},
		Systembrukere: []mock.Systembruker{{Org: org}},
	})
	if err != nil {
		return nil, fmt.Errorf("register local Maskinporten client for %s: %w", org, err)
	}
	mc := &maskinportenCredentials{
		cfg: maskinporten.Config{
			Issuer: g.mp.MaskinportenIssuer(), TokenURL: g.mp.MaskinportenTokenURL(),
			ClientID: id, KID: suiteKID, PrivateKey: g.key, Systembruker: org,
		},
		http:    g.http,
		sources: map[string]*maskinporten.Source{},
	}
	g.orgs[org] = mc
	return mc, nil
}

// ClientConfig is the Maskinporten client the local target registers in
// its mock for org, registered now if it was not yet: for a test that
// needs a token source of its own against the same client (a refresh
// margin of its own, say). Its key is the mock's default client's.
func (g *grantCredentials) ClientConfig(org string) (maskinporten.Config, error) {
	mc, err := g.forOrg(org)
	if err != nil {
		return maskinporten.Config{}, err
	}
	return mc.cfg, nil
}

// PlainToken is a token for the organisation's own client without a
// systembruker: the grant asks for none.
func (g *grantCredentials) PlainToken(ctx context.Context, org string, scopes ...string) (string, error) {
	mc, err := g.forOrg(org)
	if err != nil {
		return "", err
	}
	return mc.PlainToken(ctx, org, scopes...)
}
