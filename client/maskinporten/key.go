package maskinporten

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"software.sslmate.com/src/go-pkcs12"
)

// assertionKey is what signs an assertion: the private key, and either the
// kid of a registered key or the business certificate chain (leaf first).
type assertionKey struct {
	key   *rsa.PrivateKey
	kid   string
	chain []*x509.Certificate
}

// loadAssertionKey reads the key material the config names. Errors name the
// file and what is wrong with it, never its content.
func loadAssertionKey(c Config, getenv func(string) string) (assertionKey, error) {
	certMode := c.CertFile != "" || c.P12File != ""
	if certMode && c.KID != "" {
		return assertionKey{}, errors.New("kid is for a registered key; with a business certificate the x5c chain identifies the client (drop --kid, or drop --cert/--p12)")
	}
	if c.CertFile != "" && c.P12File != "" {
		return assertionKey{}, errors.New("give either a PEM certificate (--cert) or a PKCS#12 file (--p12), not both")
	}
	if c.KeyFile != "" && c.P12File != "" {
		return assertionKey{}, errors.New("give either a key file (--key) or a PKCS#12 file (--p12), not both: a PKCS#12 file holds its own key")
	}
	if c.P12File == "" && (c.PasswordEnv != "" || c.PasswordFile != "") {
		// A password that is given and then not used would hide a
		// mistake: the user meant another file, or a PKCS#12 file.
		return assertionKey{}, errors.New("a password (--password-env, --password-file) is only for a PKCS#12 file (--p12); PEM keys and certificates are read unencrypted: drop the password, or give the PKCS#12 file")
	}
	switch {
	case c.P12File != "":
		return loadPKCS12(c, getenv)
	case c.CertFile != "":
		return loadCertPEM(c)
	case c.PrivateKey != nil:
		if c.KeyFile != "" {
			return assertionKey{}, errors.New("give a key file or an in-memory key, not both")
		}
		if c.KID == "" {
			return assertionKey{}, errors.New("no kid: a registered key is named by its kid (--kid)")
		}
		return assertionKey{key: c.PrivateKey, kid: c.KID}, nil
	case c.KeyFile != "":
		key, kid, err := readPrivateKeyFile(c.KeyFile)
		if err != nil {
			return assertionKey{}, err
		}
		if c.KID != "" {
			kid = c.KID
		}
		if kid == "" {
			return assertionKey{}, fmt.Errorf("no kid for the key in %s: give the key id registered on client %s (--kid)", c.KeyFile, c.ClientID)
		}
		return assertionKey{key: key, kid: kid}, nil
	default:
		return assertionKey{}, errors.New("no key: give a registered key (--key with --kid) or a business certificate (--cert, or --p12)")
	}
}

func password(c Config, getenv func(string) string) (string, error) {
	switch {
	case c.PasswordEnv != "" && c.PasswordFile != "":
		return "", errors.New("give the password by environment variable or by file, not both")
	case c.PasswordEnv != "":
		v := getenv(c.PasswordEnv)
		if v == "" {
			return "", fmt.Errorf("environment variable %s (the key's password) is empty or unset", c.PasswordEnv)
		}
		return v, nil
	case c.PasswordFile != "":
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("read password file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return "", nil
}

func loadPKCS12(c Config, getenv func(string) string) (assertionKey, error) {
	data, err := os.ReadFile(c.P12File)
	if err != nil {
		return assertionKey{}, fmt.Errorf("read PKCS#12 file: %w", err)
	}
	pw, err := password(c, getenv)
	if err != nil {
		return assertionKey{}, err
	}
	priv, leaf, cas, err := pkcs12.DecodeChain(data, pw)
	if err != nil {
		// The library's message says "decryption password incorrect" and
		// the like; it never echoes the password.
		return assertionKey{}, fmt.Errorf("PKCS#12 file %s: %w (check the password in %s)", c.P12File, err, passwordSource(c))
	}
	key, ok := priv.(*rsa.PrivateKey)
	if !ok {
		return assertionKey{}, fmt.Errorf("PKCS#12 file %s holds a %T key; Maskinporten assertions are signed RS256 with RSA", c.P12File, priv)
	}
	return assertionKey{key: key, chain: append([]*x509.Certificate{leaf}, cas...)}, nil
}

func passwordSource(c Config) string {
	switch {
	case c.PasswordEnv != "":
		return "$" + c.PasswordEnv
	case c.PasswordFile != "":
		return c.PasswordFile
	}
	return "--password-env or --password-file (none was given)"
}

func loadCertPEM(c Config) (assertionKey, error) {
	data, err := os.ReadFile(c.CertFile)
	if err != nil {
		return assertionKey{}, fmt.Errorf("read certificate file: %w", err)
	}
	var chain []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			crt, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return assertionKey{}, fmt.Errorf("certificate file %s: %w", c.CertFile, err)
			}
			chain = append(chain, crt)
		}
	}
	if len(chain) == 0 {
		return assertionKey{}, fmt.Errorf("certificate file %s holds no PEM CERTIFICATE", c.CertFile)
	}
	keyFile := c.KeyFile
	if keyFile == "" {
		keyFile = c.CertFile // cert and key in one PEM
	}
	key, _, err := readPrivateKeyFile(keyFile)
	if err != nil {
		return assertionKey{}, err
	}
	if !key.PublicKey.Equal(chain[0].PublicKey) {
		return assertionKey{}, fmt.Errorf("the key in %s does not belong to the first certificate in %s (the leaf must come first)", keyFile, c.CertFile)
	}
	return assertionKey{key: key, chain: chain}, nil
}

// readPrivateKeyFile reads an RSA private key from PEM (PKCS#1 or PKCS#8)
// or from a JWK, whose kid it returns.
func readPrivateKeyFile(path string) (*rsa.PrivateKey, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("read key file: %w", err)
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		return readJWK(path, trimmed)
	}
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, "", fmt.Errorf("key file %s holds no PEM private key (RSA PRIVATE KEY or PRIVATE KEY) and is not a JWK", path)
		}
		if _, encrypted := block.Headers["DEK-Info"]; encrypted || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, "", fmt.Errorf("key file %s is encrypted, which finprod does not read: decrypt it (openssl pkey) or use a PKCS#12 file with --password-env/--password-file", path)
		}
		der := block.Bytes
		switch block.Type {
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(der)
			if err != nil {
				return nil, "", fmt.Errorf("key file %s: %w", path, err)
			}
			return k, "", nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(der)
			if err != nil {
				return nil, "", fmt.Errorf("key file %s: %w", path, err)
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, "", fmt.Errorf("key file %s holds a %T key; Maskinporten assertions are signed RS256 with RSA", path, k)
			}
			return rk, "", nil
		}
	}
}

func readJWK(path string, data []byte) (*rsa.PrivateKey, string, error) {
	key, err := jwk.ParseKey(data)
	if err != nil {
		return nil, "", fmt.Errorf("key file %s is not a readable JWK: %w", path, err)
	}
	var rk rsa.PrivateKey
	if err := jwk.Export(key, &rk); err != nil {
		return nil, "", fmt.Errorf("key file %s: a JWK with an RSA private key is needed (the public JWK is what you register): %w", path, err)
	}
	kid, _ := key.KeyID()
	return &rk, kid, nil
}
