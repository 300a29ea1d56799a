package maskinporten

import (
	"testing"

	"github.com/finprod/finprod/internal/readerfuzz"
)

// FuzzLoadConfig: any file given as a client config (`finprod token
// --config`) is read or refused with an error naming it, never a panic;
// what it reads is validated and its endpoints resolved without a panic.
// Key files are not read: a fuzzed path could name any file on the machine.
func FuzzLoadConfig(f *testing.F) {
	seeds := []string{
		"clientId: x\nkid: k\nkeyFile: key.pem\nsystembruker: \"310000000\"\n",
		"environment: prod\nissuer: https://x/\ndiscover: true\nclientId: a\n", "environment: nope\n",
		"assertionTtl: 500s\n", "refreshMargin: -1s\n", "scopes: [a, b]\n", "scopes: a\n", "clientId: [1]\n",
		"issuer: https://x\n", "clockSkew: 1y\n", "systembruker: 310000000\n",
	}
	readerfuzz.Run(f, "client.yaml", seeds, nil, func(t *testing.T, path string) error {
		c, err := LoadConfig(path)
		if err != nil {
			return err
		}
		_ = c.validate()
		_, _, _ = c.endpoints()
		_ = c.scopes()
		return nil
	})
}
