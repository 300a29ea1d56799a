package mock

import (
	"testing"

	"github.com/finprod/finprod/internal/readerfuzz"
)

// FuzzLoadConfig: any file given to `finprod mock --config` is read or
// refused with an error naming it, never a panic; what it reads validates.
func FuzzLoadConfig(f *testing.F) {
	seeds := []string{
		"listen: 127.0.0.1:8080\napi:\n  openYears: {from: 2023, to: 2026}\n  businessRules: sync\n",
		"api:\n  faults: {latency: 20ms, latencyMin: 5ms, latencyMax: 50ms, failShare: 0.1, dropShare: 0.05, seed: 42}\n",
		"access:\n  relationships:\n    - {systembruker: \"310000000\", tilgangspakke: ansvarlig-revisor, oppgavegivere: [\"*\"]}\n",
		"maskinporten:\n  tokenTtl: 120s\n  clients:\n    - id: a\n      org: \"314417224\"\n      keys: [{kid: k, publicKeyFile: k.pem}]\n",
		"listen: 0.0.0.0:80\n", "api: {faults: {failShare: 2}}\n", "api: {openYears: {from: 2030, to: 2020}}\n",
		"dialogporten: {feedbackDelay: 1s}\n", "stateDir: out\n", "openapi: x.yaml\n", "listen: [\n",
	}
	readerfuzz.Run(f, "mock.yaml", seeds, nil, func(t *testing.T, path string) error {
		c, err := LoadConfig(path)
		if err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("LoadConfig accepted a config that does not validate: %v", err)
		}
		return nil
	})
}
