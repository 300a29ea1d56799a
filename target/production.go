package target

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrProduction is returned (wrapped) for a target that names a production
// host. finprod sends generated test data and load; production must never
// get either, so such a target is refused before anything is sent,
// whether the host came from a profile, an environment variable or a flag.
var ErrProduction = errors.New("refused: production host")

// productionHost says why host is a production host of Skatteetaten,
// Maskinporten or Altinn, or "" when it is not one.
func productionHost(host string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case h == "skatteetaten.no" || strings.HasSuffix(h, ".skatteetaten.no"):
		// Test APIs live under skatteetaten-test.no.
		return "Skatteetaten's production APIs are under skatteetaten.no; the test environment is under skatteetaten-test.no"
	case h == "maskinporten.no" || h == "www.maskinporten.no":
		return "this is Maskinporten's production issuer; the test environment is test.maskinporten.no"
	case h == "altinn.no" || strings.HasSuffix(h, ".altinn.no"):
		for _, test := range []string{"tt02", "at21", "at22", "at23", "at24", "yt01"} {
			if strings.Contains("."+h, "."+test+".") {
				return ""
			}
		}
		return "this is Altinn's production platform; the test environment is platform.tt02.altinn.no"
	}
	return ""
}

// checkNotProduction refuses a URL on a production host; key names where
// it came from (a profile key or an environment variable).
func checkNotProduction(key, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil // Validate names URLs that do not parse
	}
	if why := productionHost(u.Hostname()); why != "" {
		return fmt.Errorf("%w: %s %s is a production host (%s). finprod only talks to test environments and the local mock", ErrProduction, key, u.Host, why)
	}
	return nil
}

// CheckNotProduction refuses a profile whose API, Dialogporten or
// Maskinporten is in production. The key names in the message say where to
// fix it, in the profile or in the environment variable that overrode it.
func (p Profile) CheckNotProduction() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkNotProduction("api ("+EnvAPI+")", p.API))
	add(checkNotProduction("dialogporten ("+EnvDialogporten+")", p.Dialogporten))
	m := p.Maskinporten
	switch strings.ToLower(m.Environment) {
	case "prod", "production":
		if m.Issuer == "" {
			add(fmt.Errorf("%w: maskinporten.environment %q is Maskinporten's production (https://maskinporten.no/); use test", ErrProduction, m.Environment))
		}
	}
	add(checkNotProduction("maskinporten.issuer ("+EnvMaskinportenIssuer+")", m.Issuer))
	add(checkNotProduction("maskinporten.tokenUrl", m.TokenURL))
	return errors.Join(errs...)
}
