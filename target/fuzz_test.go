package target

import (
	"testing"

	"github.com/finprod/finprod/internal/readerfuzz"
)

// FuzzLoadProfile: any file given as a profile is read or refused with an
// error naming it, never a panic; what it reads validates and takes the
// environment without a panic either.
func FuzzLoadProfile(f *testing.F) {
	seeds := []string{
		"", "name: tt02\n", "api: https://x.example\nmaskinporten: {clientId: a, systembruker: \"310000000\"}\n",
		"inntektsaar: 2025\nlukketInntektsaar: x\n", "nmae: typo\n", "maskinporten:\n  keyFile: key.pem\n  assertionTtl: 90s\n",
		"- a\n- b\n", "{", "maskinporten: [1]\n", "api: &a x\ndialogporten: *a\n",
	}
	readerfuzz.Run(f, "profile.yaml", seeds, []string{"../profiles/*.yaml"}, func(t *testing.T, path string) error {
		p, err := LoadProfile(path)
		if err != nil {
			return err
		}
		_ = p.Validate()
		env := map[string]string{EnvInntektsaar: "2024", EnvAPI: "http://127.0.0.1:1"}
		_, _ = p.FromEnv(func(k string) string { return env[k] })
		return nil
	})
}
