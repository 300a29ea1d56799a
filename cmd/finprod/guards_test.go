package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Organisations for the guards: 974760673 is Brønnøysundregistrene's own
// (a real organisation, first digit 9), 987546231 the service page's example
// oppgavegiver; 315300029 and 310000000 are synthetic (first digit 3).
const (
	realOrg      = "974760673"
	exampleOrgnr = "987546231"
	synthOrg     = "315300029"
	synthOrg2    = "310000000"
)

// guardRow is one way a user may hand a command something it must refuse
// before it sends anything: an identity that is not synthetic for a test
// environment (and, with issue 10's policy, a production host).
type guardRow struct {
	name    string
	profile map[string]string // profile keys changed from a synthetic profile; "" drops a key
	env     map[string]string
	want    []string // what the refusal names
}

// guardRows are the rows per command that sends to a target.
var guardRows = map[string][]guardRow{
	"finprod test": {
		{"real systembruker in the profile", map[string]string{"systembruker": realOrg}, nil, []string{"maskinporten.systembruker", realOrg, "not a synthetic organisation"}},
		{"real oppgavegiver in the profile", map[string]string{"oppgavegiver": exampleOrgnr}, nil, []string{"oppgavegiver", exampleOrgnr, "not a synthetic organisation"}},
		{"real systembruker, and no oppgavegiver: it reports for itself", map[string]string{"systembruker": realOrg, "oppgavegiver": ""}, nil, []string{realOrg, "not a synthetic organisation"}},
		{"real systembruker from the environment", nil, map[string]string{"FINPROD_SYSTEMBRUKER": realOrg}, []string{"maskinporten.systembruker", realOrg}},
		{"real oppgavegiver from the environment", nil, map[string]string{"FINPROD_OPPGAVEGIVER": exampleOrgnr}, []string{"oppgavegiver", exampleOrgnr}},
		{"real oppgavegiver from the environment over a synthetic one", map[string]string{"oppgavegiver": synthOrg2}, map[string]string{"FINPROD_OPPGAVEGIVER": realOrg}, []string{"oppgavegiver", realOrg}},
		{"real oppgavegiver through FINPROD_PROFILE", map[string]string{"oppgavegiver": realOrg, "via": "env"}, nil, []string{"oppgavegiver", realOrg}},
	},
}

// TestGuards: every command that sends to a target refuses, with exit 2 and
// before anything leaves the machine, each way of handing it what only a
// test environment with synthetic data may get. The profile's URLs point at
// a loopback server that counts every request: it must see none.
func TestGuards(t *testing.T) {
	var seen atomic.Int32
	ear := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		http.Error(w, "nothing may be sent here", http.StatusTeapot)
	}))
	t.Cleanup(ear.Close)
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	writeTestKey(t, key)
	for _, env := range []string{EnvProfile, "FINPROD_SYSTEMBRUKER", "FINPROD_OPPGAVEGIVER", "FINPROD_API_URL"} {
		t.Setenv(env, "")
	}

	profile := func(name string, change map[string]string) string {
		v := map[string]string{"api": ear.URL, "dialogporten": ear.URL + "/dialogporten/graphql", "issuer": ear.URL + "/maskinporten/",
			"systembruker": synthOrg, "oppgavegiver": synthOrg}
		for k, c := range change {
			v[k] = c
		}
		var b strings.Builder
		fmt.Fprintf(&b, "api: %s\ndialogporten: %s\nmaskinporten:\n  issuer: %s\n  clientId: c\n  kid: k\n  keyFile: %s\n", v["api"], v["dialogporten"], v["issuer"], key)
		if v["systembruker"] != "" {
			fmt.Fprintf(&b, "  systembruker: %q\n", v["systembruker"])
		}
		if v["oppgavegiver"] != "" {
			fmt.Fprintf(&b, "oppgavegiver: %q\n", v["oppgavegiver"])
		}
		p := filepath.Join(dir, name+".yaml")
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o600))
		return p
	}

	// The synthetic profile itself gets through the guards (it then finds
	// nothing that answers like Maskinporten): the rows refuse what they
	// change, not the profile.
	out, code := runNoPanic(t, "test", "--target", "tt02", "--profile", profile("synthetic", nil), "--out", dir)
	require.Equal(t, exitUnreachable, code, out)
	seen.Store(0)

	cases := 0
	for _, c := range commands(newRootCmd()) {
		path := c.CommandPath()
		if sendsToTarget(c) {
			assert.NotEmpty(t, guardRows[path], "%s sends to a target: add its rows to guardRows", path)
		}
		for _, r := range guardRows[path] {
			t.Run(path+"/"+r.name, func(t *testing.T) {
				cases++
				for k, v := range r.env {
					t.Setenv(k, v)
				}
				change := map[string]string{}
				for k, v := range r.profile {
					change[k] = v
				}
				p := profile(strings.ReplaceAll(r.name, " ", "-"), change)
				a := append(strings.Fields(path)[1:], "--target", "tt02", "--profile", p, "--out", dir)
				if r.profile["via"] == "env" {
					t.Setenv(EnvProfile, p)
					a = append(strings.Fields(path)[1:], "--target", "tt02", "--out", dir)
				}
				out, code := runNoPanic(t, a...)
				assert.Equal(t, exitUsage, code, out)
				for _, w := range r.want {
					assert.Contains(t, out, w)
				}
				assert.Zero(t, seen.Load(), "nothing may be sent before the refusal")
				seen.Store(0)
			})
		}
	}
	t.Logf("%d guarded ways of handing a command what it must refuse", cases)
}

// sendsToTarget: a command that can be pointed at a test environment.
func sendsToTarget(c *cobra.Command) bool {
	return c.Flags().Lookup("profile") != nil || c.Flags().Lookup("target") != nil
}
