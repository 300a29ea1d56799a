package mock

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/finprod/finprod/internal/yamlfile"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/internal/access"
	"github.com/finprod/finprod/mock/internal/api"
	"github.com/finprod/finprod/mock/internal/dialogporten"
	"github.com/finprod/finprod/mock/internal/maskinporten"
)

// DefaultListen is a loopback address with a port the system picks.
const DefaultListen = "127.0.0.1:0"

// Config is everything the composed mock needs. The zero value is a
// working mock of the documented API on a free loopback port.
type Config struct {
	// Listen is a loopback host:port; DefaultListen when empty.
	Listen string `yaml:"listen"`
	// OpenAPI names another OpenAPI document to validate against; relative
	// to the config file when loaded by LoadConfig.
	OpenAPI string `yaml:"openapi"`
	// API is the reporting API's behaviour.
	API api.Config `yaml:"api"`
	// Access says which systembruker may report for which oppgavegiver.
	Access access.Config `yaml:"access"`
	// Maskinporten registers clients, keys and systembrukere; with none, a
	// default client is created (and written to StateDir when set).
	Maskinporten maskinporten.Config `yaml:"maskinporten"`
	// Dialogporten shapes the feedback; its business-rule mode follows
	// api.businessRules so the two never disagree.
	Dialogporten dialogporten.Config `yaml:"dialogporten"`
	// Limits bound how long a client may hold a connection.
	Limits Limits `yaml:"limits"`
	// StateDir receives files the mock makes for its user: the default
	// Maskinporten client's private key and client YAML. Empty: none written.
	StateDir string `yaml:"stateDir"`
	// Store names a SQLite file that keeps the mock's state (forsendelser,
	// dialogs, documents, idempotency records and their answers) across
	// restarts, even a killed process; relative to the config file when
	// loaded by LoadConfig. Empty: the state lives in memory only.
	Store string `yaml:"store"`

	// Contract, when set, is used instead of OpenAPI or the embedded document.
	Contract *contract.Contract `yaml:"-"`
	// Logger gets one line per request; nil logs nothing.
	Logger *slog.Logger `yaml:"-"`
	// Now is the clock; time.Now when nil.
	Now func() time.Time `yaml:"-"`
	// SigningKey, when set, signs the local Maskinporten's access tokens,
	// and DefaultClientKey is the default client's key; when nil, Start
	// generates fresh 2048-bit keys (or takes those of WithKeys). Tests
	// hand in keys they made once: generating keys was most of a short
	// test's time.
	SigningKey       *rsa.PrivateKey `yaml:"-"`
	DefaultClientKey *rsa.PrivateKey `yaml:"-"`
}

// LoadConfig reads a YAML config file. Unknown fields are errors, so a typo
// does not silently fall back to a default.
func LoadConfig(path string) (Config, error) {
	var c Config
	if err := yamlfile.Read(path, "mock config", &c); err != nil {
		return Config{}, err
	}
	dir := filepath.Dir(path)
	yamlfile.Relative(dir, &c.OpenAPI, &c.Store)
	c.Maskinporten.ResolvePaths(dir)
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("mock config %s: %w", path, err)
	}
	return c, nil
}

// Validate reports every problem of the configuration in one error.
func (c Config) Validate() error {
	var errs []error
	if c.Listen != "" {
		if err := CheckLoopback(c.Listen); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.API.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("api: %w", err))
	}
	if err := c.Access.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("access: %w", err))
	}
	if err := c.Limits.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// CheckLoopback refuses listen addresses off this machine: the mock has no
// authentication on its admin endpoints and mints tokens on request.
func CheckLoopback(listen string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("listen address %q: want host:port such as 127.0.0.1:8080", listen)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen address %q is not a loopback address; the mock serves 127.0.0.1, ::1 or localhost only", listen)
}

// contractFor picks the contract: the one given, another document, or the
// embedded default.
func (c Config) contractFor() (*contract.Contract, error) {
	if c.Contract != nil {
		return c.Contract, nil
	}
	if c.OpenAPI == "" {
		return contract.Default(), nil
	}
	return LoadOpenAPI(c.OpenAPI)
}

// LoadOpenAPI reads and compiles another OpenAPI document.
func LoadOpenAPI(path string) (*contract.Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	ct, err := contract.Load(data, path)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return ct, nil
}
