package maskinporten

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/yamlfile"

	"github.com/finprod/finprod/contract"
)

// Maskinporten environments by name (FACTS §3). The issuer is also the
// grant's aud, with the trailing slash.
const (
	TestIssuer = "https://test.maskinporten.no/"
	ProdIssuer = "https://maskinporten.no/"
)

// Limits and defaults of the assertion.
const (
	// MaxAssertionTTL is Maskinporten's limit on exp − iat.
	MaxAssertionTTL = mptoken.MaxAssertionLifetime
	// DefaultAssertionTTL leaves room for a slow network within the limit.
	DefaultAssertionTTL = 60 * time.Second
)

// Config is one Maskinporten client with its systembruker. A YAML
// client profile fills it (LoadConfig); the local mock writes its
// default client in the same format.
//
// The client proves itself in one of two ways: a registered key (KeyFile or
// PrivateKey, with KID; the assertion's header carries kid), or a business
// certificate (CertFile with the key in KeyFile or in the same PEM, or
// P12File; the header carries the x5c chain). Passwords come from the
// environment variable PasswordEnv or the file PasswordFile, never from the
// configuration itself.
type Config struct {
	// Environment is "test" or "prod"; Issuer and TokenURL override it.
	Environment string `yaml:"environment,omitempty"`
	Issuer      string `yaml:"issuer,omitempty"`
	TokenURL    string `yaml:"tokenUrl,omitempty"`
	// Discover reads the token endpoint from the issuer's discovery document
	// instead of assuming <issuer>token.
	Discover bool `yaml:"discover,omitempty"`

	ClientID string   `yaml:"clientId"`
	Scopes   []string `yaml:"scopes,omitempty"`
	// Systembruker is the organisasjonsnummer of the customer whose
	// systembruker the token acts as; empty asks for a plain token.
	Systembruker string `yaml:"systembruker,omitempty"`

	KID          string `yaml:"kid,omitempty"`
	KeyFile      string `yaml:"keyFile,omitempty"`
	CertFile     string `yaml:"certFile,omitempty"`
	P12File      string `yaml:"p12File,omitempty"`
	PasswordEnv  string `yaml:"passwordEnv,omitempty"`
	PasswordFile string `yaml:"passwordFile,omitempty"`
	// PrivateKey is a key already in memory (tests, the local mock's default
	// client); it takes the place of KeyFile.
	PrivateKey *rsa.PrivateKey `yaml:"-"`

	// AssertionTTL is exp − iat of the assertion (default 60 s, at most 120 s).
	AssertionTTL time.Duration `yaml:"assertionTtl,omitempty"`
	// ClockSkew is added to this machine's clock for iat and exp, for a
	// machine whose clock is known to be off (e.g. -30s when it runs 30 s fast).
	ClockSkew time.Duration `yaml:"clockSkew,omitempty"`
	// RefreshMargin is how long before expiry a cached token is replaced
	// (default 10% of its lifetime, at least 10 s, at most half of it).
	RefreshMargin time.Duration `yaml:"refreshMargin,omitempty"`
}

// LoadConfig reads a client YAML. Relative file paths in it are
// taken relative to the file's folder, so a profile travels with its key.
func LoadConfig(path string) (Config, error) {
	var c Config
	if err := yamlfile.Read(path, "Maskinporten client config", &c); err != nil {
		return Config{}, err
	}
	c.ResolvePaths(filepath.Dir(path))
	return c, nil
}

// ResolvePaths takes the key, certificate and password files relative to
// dir, the folder of the file the config came from.
func (c *Config) ResolvePaths(dir string) {
	yamlfile.Relative(dir, &c.KeyFile, &c.CertFile, &c.P12File, &c.PasswordFile)
}

// endpoints resolves the issuer and token URL from the environment name and
// the overrides.
func (c Config) endpoints() (issuer, tokenURL string, err error) {
	switch strings.ToLower(c.Environment) {
	case "", "test", "tt02":
		issuer = TestIssuer
	case "prod", "production":
		issuer = ProdIssuer
	default:
		return "", "", fmt.Errorf("unknown Maskinporten environment %q: use test or prod, or give the issuer", c.Environment)
	}
	if c.Issuer != "" {
		issuer = c.Issuer
	}
	if !strings.HasSuffix(issuer, "/") {
		// Maskinporten compares aud with its issuer exactly, slash included.
		return "", "", fmt.Errorf("issuer %q must end with '/' (Maskinporten's issuer, and so the aud, has the trailing slash)", issuer)
	}
	tokenURL = c.TokenURL
	if tokenURL == "" && !c.Discover {
		tokenURL = issuer + "token"
	}
	return issuer, tokenURL, nil
}

func (c Config) validate() error {
	if c.ClientID == "" {
		return errors.New("no Maskinporten client id: set clientId in the client file (--config) or give --client-id")
	}
	if c.Systembruker != "" && !contract.IsOrgnrShape(c.Systembruker) {
		return fmt.Errorf("systembruker %q is not a 9-digit organisasjonsnummer", c.Systembruker)
	}
	if c.AssertionTTL < 0 || c.AssertionTTL > MaxAssertionTTL {
		return fmt.Errorf("assertion lifetime %s: Maskinporten allows at most %s between iat and exp", c.AssertionTTL, MaxAssertionTTL)
	}
	if c.RefreshMargin < 0 {
		return fmt.Errorf("refresh margin %s must not be negative", c.RefreshMargin)
	}
	return nil
}

func (c Config) scopes() []string {
	if len(c.Scopes) == 0 {
		return []string{contract.Scope}
	}
	return c.Scopes
}
