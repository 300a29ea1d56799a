package maskinporten

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// client is a ClientConfig made ready for verifying grants.
type client struct {
	id, org  string
	keys     map[string]*rsa.PublicKey // by kid
	pinned   map[string]bool           // leaf SHA-256 fingerprints, hex
	cas      *x509.CertPool            // nil when no CA is registered
	caNames  []string
	scopes   []string
	systemer map[string]SystembrukerConfig // by orgnr
}

func compileClient(c ClientConfig) (*client, error) {
	if c.ID == "" {
		return nil, errors.New("client without id")
	}
	if !contract.IsOrgnrShape(c.Org) {
		return nil, fmt.Errorf("client %s: org %q is not a 9-digit organisasjonsnummer", c.ID, c.Org)
	}
	if len(c.Keys) == 0 && len(c.Certificates) == 0 {
		return nil, fmt.Errorf("client %s: register at least one key or certificate", c.ID)
	}
	if len(c.Scopes) == 0 {
		return nil, fmt.Errorf("client %s: no scopes", c.ID)
	}
	cl := &client{id: c.ID, org: c.Org, keys: map[string]*rsa.PublicKey{}, pinned: map[string]bool{},
		scopes: slices.Clone(c.Scopes), systemer: map[string]SystembrukerConfig{}}
	for _, k := range c.Keys {
		pub, err := publicKeyOf(k)
		if err != nil {
			return nil, fmt.Errorf("client %s key %q: %w", c.ID, k.KID, err)
		}
		if k.KID == "" {
			return nil, fmt.Errorf("client %s: a key needs a kid", c.ID)
		}
		cl.keys[k.KID] = pub
	}
	for i, cc := range c.Certificates {
		certs, err := certificatesOf(cc)
		if err != nil {
			return nil, fmt.Errorf("client %s certificate %d: %w", c.ID, i+1, err)
		}
		for _, crt := range certs {
			if crt.IsCA {
				if cl.cas == nil {
					cl.cas = x509.NewCertPool()
				}
				cl.cas.AddCert(crt)
				cl.caNames = append(cl.caNames, crt.Subject.String())
				continue
			}
			cl.pinned[fingerprint(crt)] = true
		}
	}
	for _, s := range c.Systembrukere {
		if !contract.IsOrgnrShape(s.Org) {
			return nil, fmt.Errorf("client %s: systembruker org %q is not a 9-digit organisasjonsnummer", c.ID, s.Org)
		}
		if s.ID == "" {
			s.ID = uuid.NewString()
		}
		if s.SystemID == "" {
			// Altinn names systems "<vendor orgnr>_<name>".
			s.SystemID = c.Org + "_finprod"
		}
		cl.systemer[s.Org] = s
	}
	return cl, nil
}

func publicKeyOf(k KeyConfig) (*rsa.PublicKey, error) {
	n := 0
	for _, set := range []bool{k.PublicKeyFile != "", k.PublicKeyPEM != "", k.JWK != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("give exactly one of publicKeyFile, publicKeyPem, jwk")
	}
	if k.JWK != nil {
		b, err := json.Marshal(k.JWK)
		if err != nil {
			return nil, err
		}
		key, err := jwk.ParseKey(b)
		if err != nil {
			return nil, fmt.Errorf("jwk: %w", err)
		}
		raw, err := jwk.PublicRawKeyOf(key)
		if err != nil {
			return nil, fmt.Errorf("jwk: %w", err)
		}
		pub, ok := raw.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("jwk is %T, Maskinporten assertions are RSA", raw)
		}
		return pub, nil
	}
	data := []byte(k.PublicKeyPEM)
	if k.PublicKeyFile != "" {
		var err error
		if data, err = os.ReadFile(k.PublicKeyFile); err != nil {
			return nil, err
		}
	}
	return parsePublicKeyPEM(data)
}

func parsePublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no PEM public key, RSA public key or certificate found")
		}
		var raw any
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			raw, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			raw, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var crt *x509.Certificate
			if crt, err = x509.ParseCertificate(block.Bytes); err == nil {
				raw = crt.PublicKey
			}
		default:
			continue // private keys and others are not read here
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", strings.ToLower(block.Type), err)
		}
		pub, ok := raw.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("key is %T, Maskinporten assertions are RSA", raw)
		}
		return pub, nil
	}
}

func certificatesOf(c CertConfig) ([]*x509.Certificate, error) {
	data := []byte(c.PEM)
	if c.File != "" {
		if c.PEM != "" {
			return nil, errors.New("give file or pem, not both")
		}
		var err error
		if data, err = os.ReadFile(c.File); err != nil {
			return nil, err
		}
	}
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		crt, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, crt)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	return out, nil
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// oidOrganizationIdentifier is X.520 organizationIdentifier, where SEID 2
// virksomhetssertifikater carry "NTRNO-<orgnr>".
var oidOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}

// certOrgnr finds the organisasjonsnummer in a business certificate's subject.
func certOrgnr(c *x509.Certificate) string {
	for _, n := range c.Subject.Names {
		if n.Type.Equal(oidOrganizationIdentifier) {
			if s, ok := n.Value.(string); ok {
				return strings.TrimPrefix(s, "NTRNO-")
			}
		}
	}
	return c.Subject.SerialNumber
}

// ClientInfo is what the admin handler shows of a client: public facts only.
type ClientInfo struct {
	ID            string               `json:"id"`
	Org           string               `json:"org"`
	KIDs          []string             `json:"kids,omitempty"`
	Certificates  []string             `json:"certificates,omitempty"`
	TrustedCAs    []string             `json:"trustedCAs,omitempty"`
	Scopes        []string             `json:"scopes"`
	Systembrukere []SystembrukerConfig `json:"systembrukere,omitempty"`
}

func (c *client) info() ClientInfo {
	in := ClientInfo{ID: c.id, Org: c.org, Scopes: slices.Clone(c.scopes), TrustedCAs: slices.Clone(c.caNames)}
	for k := range c.keys {
		in.KIDs = append(in.KIDs, k)
	}
	slices.Sort(in.KIDs)
	for f := range c.pinned {
		in.Certificates = append(in.Certificates, "sha256:"+f)
	}
	slices.Sort(in.Certificates)
	for _, s := range c.systemer {
		in.Systembrukere = append(in.Systembrukere, s)
	}
	slices.SortFunc(in.Systembrukere, func(a, b SystembrukerConfig) int { return strings.Compare(a.Org, b.Org) })
	return in
}
