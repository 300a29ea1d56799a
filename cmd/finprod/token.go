package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/spf13/cobra"
)

func newTokenCmd() *cobra.Command {
	var (
		configFile string
		flags      maskinporten.Config
		printToken bool
	)
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Get a Maskinporten token with your client and systembruker, and show what it says",
		Long: `Get a Maskinporten token with the JWT-bearer grant, as every call to the API does, and
print its decoded claims: client, consumer, scope, systembruker and expiry. Use it to check a
TT02 set-up in one command, or against the local Maskinporten of 'finprod mock'.

The token itself is printed only with --print-token: then it alone goes to stdout, on one line,
and the claims to stderr, so FINPROD_TOKEN=$(finprod token ... --print-token) or > token works.
Passwords for PKCS#12 files are read from an environment variable (--password-env) or a file
(--password-file), never from the command line.

Examples:
  finprod token --config out/mock/maskinporten-client.yaml
  finprod token --config out/mock/maskinporten-client.yaml --scope digdir:dialogporten --print-token > out/dp-token
  finprod token --env test --client-id CLIENT --key key.pem --kid KID --systembruker 310000000
  finprod token --env test --client-id CLIENT --p12 virksomhet.p12 --password-env P12_PASSWORD --systembruker 310000000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := tokenConfig(cmd, configFile, flags)
			if err != nil {
				return err
			}
			src, err := maskinporten.New(cfg)
			if err != nil {
				return usageErr("%v", err)
			}
			tok, err := src.Token(cmd.Context())
			if err != nil {
				return unreachableErr("%w", err)
			}
			out := cmd.OutOrStdout()
			if printToken {
				// stdout is for the token alone, so it can go to a file.
				out = cmd.ErrOrStderr()
			}
			fmt.Fprintf(out, "Maskinporten token for client %s from %s\n", cfg.ClientID, src.TokenURL())
			info, err := maskinporten.DecodeToken(tok)
			if err != nil {
				fmt.Fprintf(out, "  (%v)\n", err)
			} else if err := printTokenInfo(out, info, time.Now()); err != nil {
				return err
			}
			if printToken {
				fmt.Fprintln(cmd.OutOrStdout(), tok)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&configFile, "config", "", "client YAML (as written by 'finprod mock' for its default client); flags override it")
	f.StringVar(&flags.Environment, "env", "test", "Maskinporten environment: test or prod")
	f.StringVar(&flags.ClientID, "client-id", "", "Maskinporten client id (integration)")
	f.StringVar(&flags.KeyFile, "key", "", "private key registered on the client: PEM (PKCS#1/PKCS#8) or JWK; with --cert, the certificate's key")
	f.StringVar(&flags.KID, "kid", "", "key id of the registered key (read from a JWK key file when not given)")
	f.StringVar(&flags.CertFile, "cert", "", "business certificate chain, PEM, leaf first (sent as x5c)")
	f.StringVar(&flags.P12File, "p12", "", "business certificate and key, PKCS#12 (sent as x5c)")
	f.StringVar(&flags.PasswordEnv, "password-env", "", "environment variable holding the PKCS#12 password")
	f.StringVar(&flags.PasswordFile, "password-file", "", "file holding the PKCS#12 password")
	f.StringVar(&flags.Systembruker, "systembruker", "", "organisasjonsnummer of the systembruker's organisation")
	f.StringArrayVar(&flags.Scopes, "scope", []string{contract.Scope}, "scope to ask for (repeatable)")
	f.StringVar(&flags.Issuer, "issuer", "", "issuer URL with trailing slash (overrides --env; the grant's aud)")
	f.StringVar(&flags.TokenURL, "token-url", "", "token endpoint (default <issuer>token)")
	f.BoolVar(&flags.Discover, "discover", false, "read the token endpoint from the issuer's discovery document")
	f.BoolVar(&printToken, "print-token", false, "print the access token itself, alone on stdout (the claims go to stderr); it is a credential: handle with care")
	return cmd
}

// tokenConfig merges the client YAML with the flags the user set.
func tokenConfig(cmd *cobra.Command, configFile string, flags maskinporten.Config) (maskinporten.Config, error) {
	var cfg maskinporten.Config
	if configFile != "" {
		var err error
		if cfg, err = maskinporten.LoadConfig(configFile); err != nil {
			return cfg, usageErr("%v", err)
		}
	}
	set := cmd.Flags().Changed
	if configFile == "" || set("env") {
		// A named environment replaces the file's URLs unless those are
		// given as flags too.
		cfg.Environment, cfg.Issuer, cfg.TokenURL = flags.Environment, "", ""
	}
	for name, apply := range map[string]func(){
		"client-id":     func() { cfg.ClientID = flags.ClientID },
		"key":           func() { cfg.KeyFile = flags.KeyFile },
		"kid":           func() { cfg.KID = flags.KID },
		"cert":          func() { cfg.CertFile = flags.CertFile },
		"p12":           func() { cfg.P12File = flags.P12File },
		"password-env":  func() { cfg.PasswordEnv = flags.PasswordEnv },
		"password-file": func() { cfg.PasswordFile = flags.PasswordFile },
		"systembruker":  func() { cfg.Systembruker = flags.Systembruker },
		"scope":         func() { cfg.Scopes = flags.Scopes },
		"issuer":        func() { cfg.Issuer = flags.Issuer },
		"token-url":     func() { cfg.TokenURL = flags.TokenURL },
		"discover":      func() { cfg.Discover = flags.Discover },
	} {
		if set(name) {
			apply()
		}
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = flags.Scopes
	}
	// The client checks the rest (client id, key material) when it is made.
	return cfg, nil
}

func printTokenInfo(w io.Writer, info maskinporten.TokenInfo, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	row("header", fmt.Sprintf("alg %s, kid %s", info.Algorithm, orNone(info.KeyID)))
	row("iss", info.Issuer)
	row("client_id", info.ClientID)
	row("consumer", orNone(info.Consumer.ID))
	row("scope", info.Scope)
	sb := "(none: not a systembruker token)"
	if d, ok := mptoken.Systemuser(info.AuthorizationDetails); ok {
		sb = fmt.Sprintf("%s (systemuser_id %s, system_id %s)", d.SystemuserOrg.ID, orNone(strings.Join(d.SystemuserID, ",")), orNone(d.SystemID))
	}
	row("systembruker", sb)
	if !info.IssuedAt.IsZero() {
		row("issued", info.IssuedAt.Local().Format("2006-01-02 15:04:05 MST"))
	}
	if info.Expiry.IsZero() {
		row("expires", "(no exp claim)")
	} else {
		left := info.Expiry.Sub(now).Truncate(time.Second)
		note := fmt.Sprintf("%d s left", int(left.Seconds()))
		if left <= 0 {
			note = "expired"
		}
		row("expires", fmt.Sprintf("%s (%s)", info.Expiry.Local().Format("2006-01-02 15:04:05 MST"), note))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write token claims: %w", err)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
