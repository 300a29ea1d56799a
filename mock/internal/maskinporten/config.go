package maskinporten

import (
	"path/filepath"
	"time"

	"github.com/finprod/finprod/internal/yamlfile"
)

// Config registers the clients the local Maskinporten knows. It is read from
// YAML (the mock's configuration) or sent as JSON to the admin handler.
type Config struct {
	// TokenTTL is the lifetime of issued access tokens (default 120 s, as
	// the real Maskinporten's).
	TokenTTL time.Duration  `yaml:"tokenTtl,omitempty" json:"tokenTtl,omitempty"`
	Clients  []ClientConfig `yaml:"clients,omitempty" json:"clients,omitempty"`
}

// ClientConfig is one Maskinporten client (an "integrasjon" in Digdir's
// self-service): who it is, how it proves it, what it may ask for.
type ClientConfig struct {
	ID string `yaml:"id" json:"id"`
	// Org is the organisasjonsnummer of the client's owner (the token's consumer).
	Org          string       `yaml:"org" json:"org"`
	Keys         []KeyConfig  `yaml:"keys,omitempty" json:"keys,omitempty"`
	Certificates []CertConfig `yaml:"certificates,omitempty" json:"certificates,omitempty"`
	Scopes       []string     `yaml:"scopes" json:"scopes"`
	// Systembrukere are the systembrukere customers have approved for this
	// client's system; a grant may name only these orgs.
	Systembrukere []SystembrukerConfig `yaml:"systembrukere,omitempty" json:"systembrukere,omitempty"`
}

// KeyConfig is a public key registered on a client, found by the assertion's
// kid. Give exactly one of PublicKeyFile (PEM public key, or a certificate
// whose key is used), PublicKeyPEM, or JWK.
type KeyConfig struct {
	KID           string         `yaml:"kid" json:"kid"`
	PublicKeyFile string         `yaml:"publicKeyFile,omitempty" json:"publicKeyFile,omitempty"`
	PublicKeyPEM  string         `yaml:"publicKeyPem,omitempty" json:"publicKeyPem,omitempty"`
	JWK           map[string]any `yaml:"jwk,omitempty" json:"jwk,omitempty"`
}

// CertConfig ties business certificates (x5c) to a client. A leaf
// certificate is pinned by its SHA-256 fingerprint; a CA certificate trusts
// every leaf it issued whose subject names the client's org (serialNumber or
// organizationIdentifier "NTRNO-<orgnr>"), as a virksomhetssertifikat does.
// Give File or PEM.
type CertConfig struct {
	File string `yaml:"file,omitempty" json:"file,omitempty"`
	PEM  string `yaml:"pem,omitempty" json:"pem,omitempty"`
}

// SystembrukerConfig is a systembruker: the customer org that approved the
// client's system. ID (a UUID) and SystemID are generated when empty.
type SystembrukerConfig struct {
	Org      string `yaml:"org" json:"org"`
	ID       string `yaml:"id,omitempty" json:"id,omitempty"`
	SystemID string `yaml:"systemId,omitempty" json:"systemId,omitempty"`
}

// LoadConfig reads a YAML Config; relative file paths in it are taken
// relative to the file's folder, so a config can travel with its keys.
func LoadConfig(path string) (Config, error) {
	var c Config
	if err := yamlfile.Read(path, "maskinporten config", &c); err != nil {
		return Config{}, err
	}
	c.ResolvePaths(filepath.Dir(path))
	return c, nil
}

// ResolvePaths takes the key and certificate files named in the config
// relative to dir, the folder of the file the config came from.
func (c *Config) ResolvePaths(dir string) {
	for i := range c.Clients {
		for j := range c.Clients[i].Keys {
			yamlfile.Relative(dir, &c.Clients[i].Keys[j].PublicKeyFile)
		}
		for j := range c.Clients[i].Certificates {
			yamlfile.Relative(dir, &c.Clients[i].Certificates[j].File)
		}
	}
}
