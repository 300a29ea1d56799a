package maskinporten

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/goccy/go-yaml"
)

// The default client's identities. Both are synthetic organisasjonsnumre
// (first digit 3, FACTS §5) with valid mod-11 check digits.
const (
	DefaultClientID         = "finprod-local"
	DefaultClientKID        = "finprod-local-1"
	DefaultClientOrg        = "314417224" // the vendor, the token's consumer
	DefaultSystembrukerOrg  = "315300029" // the customer that approved the systembruker
	defaultKeyFileName      = "maskinporten-client.pem"
	defaultConfigFileName   = "maskinporten-client.yaml"
	defaultSystembrukerUUID = "5b0f8a53-2c1e-4a53-9e1a-6f3c2a9d7e10"
)

// DefaultClient is the client New registers when its Config has none. Its
// fields mirror client/maskinporten.Config; the mock does not import client,
// so the caller converts.
type DefaultClient struct {
	ClientID        string
	KID             string
	Org             string
	SystembrukerOrg string
	Scopes          []string
	Issuer          string
	TokenURL        string
	// Key is the private key; KeyFile holds it as PEM when a folder was given.
	Key *rsa.PrivateKey
	// KeyFile and ConfigFile are empty unless WithDefaultClientDir was given.
	KeyFile    string
	ConfigFile string
}

// DefaultClient returns the default client, if New registered one.
func (s *Server) DefaultClient() (DefaultClient, bool) {
	if s.def == nil {
		return DefaultClient{}, false
	}
	d := *s.def
	d.Scopes = append([]string(nil), d.Scopes...)
	return d, true
}

// clientFile is the client YAML that `finprod token --config` reads: the
// same keys as client/maskinporten.Config's yaml tags.
type clientFile struct {
	Issuer       string   `yaml:"issuer"`
	TokenURL     string   `yaml:"tokenUrl"`
	ClientID     string   `yaml:"clientId"`
	KID          string   `yaml:"kid"`
	KeyFile      string   `yaml:"keyFile"`
	Systembruker string   `yaml:"systembruker"`
	Scopes       []string `yaml:"scopes"`
}

func (s *Server) addDefaultClient() error {
	key := s.defKey
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return fmt.Errorf("maskinporten: default client key: %w", err)
		}
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("maskinporten: default client key: %w", err)
	}
	scopes := []string{contract.Scope, dialogschema.Scope}
	err = s.Register(ClientConfig{
		ID: DefaultClientID, Org: DefaultClientOrg, Scopes: scopes,
		Keys: []KeyConfig{{KID: DefaultClientKID, PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))}},
		Systembrukere: []SystembrukerConfig{{Org: DefaultSystembrukerOrg, ID: defaultSystembrukerUUID,
			SystemID: DefaultClientOrg + "_finprod"}},
	})
	if err != nil {
		return err
	}
	d := &DefaultClient{ClientID: DefaultClientID, KID: DefaultClientKID, Org: DefaultClientOrg,
		SystembrukerOrg: DefaultSystembrukerOrg, Scopes: scopes, Issuer: s.IssuerURL(), TokenURL: s.TokenURL(), Key: key}
	if s.outDir != "" {
		if err := writeDefaultClient(s.outDir, d); err != nil {
			return err
		}
	}
	s.def = d
	return nil
}

func writeDefaultClient(dir string, d *DefaultClient) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("maskinporten: default client folder: %w", err)
	}
	keyPath := filepath.Join(dir, defaultKeyFileName)
	der, err := x509.MarshalPKCS8PrivateKey(d.Key)
	if err != nil {
		return fmt.Errorf("maskinporten: default client key: %w", err)
	}
	// Remove first: WriteFile keeps the mode of an existing file, and an
	// earlier, looser one must not survive.
	_ = os.Remove(keyPath)
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return fmt.Errorf("maskinporten: write default client key: %w", err)
	}
	y, err := yaml.Marshal(clientFile{Issuer: d.Issuer, TokenURL: d.TokenURL, ClientID: d.ClientID, KID: d.KID,
		KeyFile: defaultKeyFileName, Systembruker: d.SystembrukerOrg, Scopes: d.Scopes})
	if err != nil {
		return fmt.Errorf("maskinporten: default client file: %w", err)
	}
	head := "# finprod local Maskinporten: default test client (synthetic orgs; the key is valid only for this mock run).\n" +
		"# Use: finprod token --config " + filepath.Join(dir, defaultConfigFileName) + "\n"
	cfgPath := filepath.Join(dir, defaultConfigFileName)
	if err := os.WriteFile(cfgPath, append([]byte(head), y...), 0o644); err != nil {
		return fmt.Errorf("maskinporten: write default client file: %w", err)
	}
	d.KeyFile, d.ConfigFile = keyPath, cfgPath
	return nil
}
