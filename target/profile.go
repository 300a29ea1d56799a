package target

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"

	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/yamlfile"
)

// Profile describes a non-local target such as TT02. It is read from YAML
// (LoadProfile) and then from environment variables (Profile.FromEnv), which
// win. Secrets never sit in the profile itself: the key, certificate or
// PKCS#12 file is named by path, and a PKCS#12 password by the name of an
// environment variable or a file.
type Profile struct {
	// Name labels the target in reports, e.g. "tt02".
	Name string `yaml:"name"`
	// API is the reporting API's base URL, without /v1.
	API string `yaml:"api"`
	// Dialogporten is the GraphQL endpoint of Dialogporten.
	Dialogporten string `yaml:"dialogporten"`
	// Maskinporten is the client and its systembruker, in the same format
	// as `finprod token --config`.
	Maskinporten maskinporten.Config `yaml:"maskinporten"`
	// Oppgavegiver is the synthetic organisation the systembruker reports
	// for; default the systembruker's own organisation.
	Oppgavegiver string `yaml:"oppgavegiver,omitempty"`
	// Inntektsaar is an income year the target accepts leveranser for.
	Inntektsaar int `yaml:"inntektsaar,omitempty"`
	// LukketInntektsaar is an income year the target refuses (GLD_1027).
	LukketInntektsaar int `yaml:"lukketInntektsaar,omitempty"`
}

// Profile defaults: the year the service page's example reports, and one
// long closed.
const (
	DefaultInntektsaar       = 2025
	DefaultLukketInntektsaar = 2015
)

// Environment variables that override a profile, for CI secrets stores.
const (
	EnvAPI                = "FINPROD_API_URL"
	EnvDialogporten       = "FINPROD_DIALOGPORTEN_URL"
	EnvMaskinportenIssuer = "FINPROD_MASKINPORTEN_ISSUER"
	EnvClientID           = "FINPROD_CLIENT_ID"
	EnvKID                = "FINPROD_KID"
	EnvKeyFile            = "FINPROD_KEY_FILE"
	EnvCertFile           = "FINPROD_CERT_FILE"
	EnvP12File            = "FINPROD_P12_FILE"
	EnvPasswordEnv        = "FINPROD_P12_PASSWORD_ENV"
	EnvSystembruker       = "FINPROD_SYSTEMBRUKER"
	EnvOppgavegiver       = "FINPROD_OPPGAVEGIVER"
	EnvInntektsaar        = "FINPROD_INNTEKTSAAR"
)

// LoadProfile reads a profile YAML. Unknown keys are errors, so a typo in a
// key name is not silently ignored. Relative file paths are taken relative
// to the profile's folder, so a profile travels with its key.
func LoadProfile(path string) (Profile, error) {
	var p Profile
	if err := yamlfile.Read(path, "profile", &p); err != nil {
		return Profile{}, err
	}
	p.Maskinporten.ResolvePaths(filepath.Dir(path))
	return p, nil
}

// FromEnv returns the profile with every set variable of the Env* list
// applied; getenv is os.Getenv outside tests.
func (p Profile) FromEnv(getenv func(string) string) (Profile, error) {
	set := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set(&p.API, EnvAPI)
	set(&p.Dialogporten, EnvDialogporten)
	set(&p.Maskinporten.Issuer, EnvMaskinportenIssuer)
	set(&p.Maskinporten.ClientID, EnvClientID)
	set(&p.Maskinporten.KID, EnvKID)
	set(&p.Maskinporten.KeyFile, EnvKeyFile)
	set(&p.Maskinporten.CertFile, EnvCertFile)
	set(&p.Maskinporten.P12File, EnvP12File)
	set(&p.Maskinporten.PasswordEnv, EnvPasswordEnv)
	set(&p.Maskinporten.Systembruker, EnvSystembruker)
	set(&p.Oppgavegiver, EnvOppgavegiver)
	if v := getenv(EnvInntektsaar); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			return Profile{}, fmt.Errorf("%s=%q is not a year", EnvInntektsaar, v)
		}
		p.Inntektsaar = y
	}
	return p, nil
}

// withDefaults fills what a profile may leave out.
func (p Profile) withDefaults() Profile {
	if p.Name == "" {
		p.Name = "tt02"
	}
	if p.Oppgavegiver == "" {
		p.Oppgavegiver = p.Maskinporten.Systembruker
	}
	if p.Inntektsaar == 0 {
		p.Inntektsaar = DefaultInntektsaar
	}
	if p.LukketInntektsaar == 0 {
		p.LukketInntektsaar = DefaultLukketInntektsaar
	}
	return p
}

// Validate reports every problem in one error, each naming the key or
// variable to fix.
func (p Profile) Validate() error {
	p = p.withDefaults()
	var errs []error
	checkURL := func(key, env, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is not set (profile key %s or %s)", key, key, env))
			return
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q is not an http(s) URL", key, v))
		}
	}
	checkURL("api", EnvAPI, p.API)
	checkURL("dialogporten", EnvDialogporten, p.Dialogporten)
	m := p.Maskinporten
	if m.ClientID == "" {
		errs = append(errs, fmt.Errorf("maskinporten.clientId is not set (or %s)", EnvClientID))
	}
	if m.KeyFile == "" && m.CertFile == "" && m.P12File == "" {
		errs = append(errs, fmt.Errorf("no credential: set maskinporten.keyFile with kid, certFile or p12File (or %s, %s, %s)",
			EnvKeyFile, EnvCertFile, EnvP12File))
	}
	if !contract.IsOrgnrShape(m.Systembruker) {
		errs = append(errs, fmt.Errorf("maskinporten.systembruker %q is not a 9-digit organisasjonsnummer (or %s)", m.Systembruker, EnvSystembruker))
	}
	if !contract.IsOrgnrShape(p.Oppgavegiver) {
		errs = append(errs, fmt.Errorf("oppgavegiver %q is not a 9-digit organisasjonsnummer (or %s)", p.Oppgavegiver, EnvOppgavegiver))
	}
	if p.Inntektsaar < 1000 || p.Inntektsaar > 9999 {
		errs = append(errs, fmt.Errorf("inntektsaar %d is not a four-digit year", p.Inntektsaar))
	}
	if p.LukketInntektsaar == p.Inntektsaar {
		errs = append(errs, errors.New("lukketInntektsaar must differ from inntektsaar"))
	}
	return errors.Join(errs...)
}
