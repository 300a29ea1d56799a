package testkit_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/ident"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/rules"
)

func TestKeysAreMadeOncePerName(t *testing.T) {
	a := testkit.Key(t, "a")
	assert.Same(t, a, testkit.Key(t, "a"), "a name gives the same key again")
	b := testkit.Key(t, "b")
	assert.False(t, a.Equal(b), "two names give two keys")
	assert.Equal(t, 2048, a.N.BitLen())
	require.NoError(t, a.Validate())
}

func TestPEMEncodingsReadBack(t *testing.T) {
	k := testkit.Key(t, "a")
	blk, _ := pem.Decode(testkit.PrivateKeyPEM(t, k))
	require.NotNil(t, blk)
	assert.Equal(t, "PRIVATE KEY", blk.Type)
	priv, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	require.NoError(t, err)
	assert.True(t, k.Equal(priv))

	blk, _ = pem.Decode([]byte(testkit.PublicKeyPEM(t, &k.PublicKey)))
	require.NotNil(t, blk)
	assert.Equal(t, "PUBLIC KEY", blk.Type)
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	require.NoError(t, err)
	assert.True(t, k.PublicKey.Equal(pub))
}

func TestCertificateChainVerifies(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	caKey, leafKey := testkit.Key(t, "ca"), testkit.Key(t, "leaf")
	ca := testkit.Certificate(t, caKey, pkix.Name{CommonName: "Root"}, true, now.Add(-time.Hour), now.Add(time.Hour), nil, nil)
	leaf := testkit.Certificate(t, leafKey, pkix.Name{CommonName: "Leaf", SerialNumber: "310000000"}, false, now.Add(-time.Hour), now.Add(time.Hour), ca, caKey)
	assert.True(t, ca.IsCA)
	assert.False(t, leaf.IsCA)
	assert.True(t, leafKey.PublicKey.Equal(leaf.PublicKey))

	roots := x509.NewCertPool()
	roots.AddCert(ca)
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	assert.NoError(t, err)
	_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now.Add(2 * time.Hour), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	assert.Error(t, err, "the validity ends at notAfter")

	blk, _ := pem.Decode(testkit.CertPEM(leaf))
	require.NotNil(t, blk)
	assert.Equal(t, "CERTIFICATE", blk.Type)
	assert.Equal(t, leaf.Raw, blk.Bytes)
}

func TestClock(t *testing.T) {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c := testkit.NewClock(start)
	assert.Equal(t, start, c.Now())
	c.Add(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), c.Now())
}

func TestConsistentBodyKeepsEveryRule(t *testing.T) {
	body := testkit.ConsistentBody("310000000", 2025)
	assert.Empty(t, rules.Check(body), "no business rule finds anything")

	var doc struct {
		Leveranse struct {
			Oppgavegiver struct {
				Organisasjonsnummer string `json:"organisasjonsnummer"`
			} `json:"oppgavegiver"`
			Inntektsaar int `json:"inntektsaar"`
			Oppgave     []struct {
				Oppgaveeier struct {
					Person struct {
						Foedselsnummer string `json:"foedselsnummer"`
					} `json:"person"`
				} `json:"oppgaveeier"`
			} `json:"oppgave"`
		} `json:"leveranse"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	assert.Equal(t, "310000000", doc.Leveranse.Oppgavegiver.Organisasjonsnummer)
	assert.Equal(t, 2025, doc.Leveranse.Inntektsaar)
	require.Len(t, doc.Leveranse.Oppgave, 1)
	fnr := doc.Leveranse.Oppgave[0].Oppgaveeier.Person.Foedselsnummer
	assert.True(t, ident.IsSyntheticFoedselsnummer(fnr), fnr)
}

type fixedCredentials string

func (f fixedCredentials) Token(_ context.Context, systembruker string, _ ...string) (string, error) {
	return string(f) + "-" + systembruker, nil
}

func TestStaleFirstGivesTheStaleTokenOnce(t *testing.T) {
	c := &testkit.StaleFirst{Credentials: fixedCredentials("fresh"), Stale: "expired"}
	var got []string
	for range 3 {
		tok, err := c.Token(context.Background(), "310000001")
		require.NoError(t, err)
		got = append(got, tok)
	}
	assert.Equal(t, []string{"expired", "fresh-310000001", "fresh-310000001"}, got)
}
