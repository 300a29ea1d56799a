package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/submit"
	"github.com/finprod/finprod/target"
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
// environment, or a production host.
type guardRow struct {
	name    string
	profile map[string]string // profile keys changed from a synthetic profile; "" drops a key
	env     map[string]string
	// via is how the profile is given: "" as --profile, "env" through
	// FINPROD_PROFILE, "target" as --target FILE.
	via  string
	want []string // what the refusal names
}

// Production hosts as a user might write them. Port 1 on each, and the
// profiles' token URL is the loopback server's unless a row changes it:
// should a guard ever let one through, the first request goes to the
// loopback server (and the row fails), or to a port where no production
// service listens.
const (
	prodAPI          = "https://innrapporteringfinansprodukter.api.skatteetaten.no:1"
	prodDialogporten = "https://platform.altinn.no:1/dialogporten/graphql"
	prodMaskinporten = "https://maskinporten.no:1/"
)

// targetGuardRows are the rows of every command that opens a target: a
// profile's identities and hosts, however given.
var targetGuardRows = []guardRow{
	{"real systembruker in the profile", map[string]string{"systembruker": realOrg}, nil, "", []string{"maskinporten.systembruker", realOrg, "not a synthetic organisation"}},
	{"real oppgavegiver in the profile", map[string]string{"oppgavegiver": exampleOrgnr}, nil, "", []string{"oppgavegiver", exampleOrgnr, "not a synthetic organisation"}},
	{"real systembruker, and no oppgavegiver: it reports for itself", map[string]string{"systembruker": realOrg, "oppgavegiver": ""}, nil, "", []string{realOrg, "not a synthetic organisation"}},
	{"real systembruker from the environment", nil, map[string]string{"FINPROD_SYSTEMBRUKER": realOrg}, "", []string{"maskinporten.systembruker", realOrg}},
	{"real oppgavegiver from the environment", nil, map[string]string{"FINPROD_OPPGAVEGIVER": exampleOrgnr}, "", []string{"oppgavegiver", exampleOrgnr}},
	{"real oppgavegiver from the environment over a synthetic one", map[string]string{"oppgavegiver": synthOrg2}, map[string]string{"FINPROD_OPPGAVEGIVER": realOrg}, "", []string{"oppgavegiver", realOrg}},
	{"real oppgavegiver through FINPROD_PROFILE", map[string]string{"oppgavegiver": realOrg}, nil, "env", []string{"oppgavegiver", realOrg}},
	{"real oppgavegiver in a profile given as --target", map[string]string{"oppgavegiver": realOrg}, nil, "target", []string{"oppgavegiver", realOrg}},
	{"production API in the profile", map[string]string{"api": prodAPI}, nil, "", []string{"api", "innrapporteringfinansprodukter.api.skatteetaten.no:1 is a production host", "skatteetaten-test.no"}},
	{"production API spelt in capitals with the root's dot", map[string]string{"api": "HTTPS://INNRAPPORTERINGFINANSPRODUKTER.API.SKATTEETATEN.NO.:1"}, nil, "", []string{"api", "is a production host"}},
	{"production Dialogporten in the profile", map[string]string{"dialogporten": prodDialogporten}, nil, "", []string{"dialogporten", "platform.altinn.no:1 is a production host", "platform.tt02.altinn.no"}},
	{"production Maskinporten issuer in the profile", map[string]string{"issuer": prodMaskinporten}, nil, "", []string{"maskinporten.issuer", "maskinporten.no:1 is a production host", "test.maskinporten.no"}},
	{"production Maskinporten token URL in the profile", map[string]string{"tokenUrl": prodMaskinporten + "token"}, nil, "", []string{"maskinporten.tokenUrl", "is a production host"}},
	{"Maskinporten's production environment by name", map[string]string{"issuer": "", "environment": "prod"}, nil, "", []string{"maskinporten.environment", "production"}},
	{"production API from FINPROD_API_URL", nil, map[string]string{"FINPROD_API_URL": prodAPI}, "", []string{"FINPROD_API_URL", "is a production host"}},
	{"production Dialogporten from FINPROD_DIALOGPORTEN_URL", nil, map[string]string{"FINPROD_DIALOGPORTEN_URL": prodDialogporten}, "", []string{"FINPROD_DIALOGPORTEN_URL", "is a production host"}},
	{"production Maskinporten from FINPROD_MASKINPORTEN_ISSUER", nil, map[string]string{"FINPROD_MASKINPORTEN_ISSUER": prodMaskinporten}, "", []string{"FINPROD_MASKINPORTEN_ISSUER", "is a production host"}},
	{"production API in a profile named by FINPROD_PROFILE", map[string]string{"api": prodAPI}, nil, "env", []string{"api", "is a production host"}},
	{"production API in a profile given as --target", map[string]string{"api": prodAPI}, nil, "target", []string{"api", "is a production host"}},
	{"production Maskinporten in a profile given as --target", map[string]string{"issuer": prodMaskinporten}, nil, "target", []string{"maskinporten.issuer", "is a production host"}},
}

// guardRows are the rows per command that sends to a target.
var guardRows = map[string][]guardRow{
	"finprod test":          targetGuardRows,
	"finprod load":          targetGuardRows,
	"finprod load capacity": targetGuardRows,
	"finprod submit":        targetGuardRows,
}

// guardArgs are what a command needs besides its target to get as far as
// opening it (a load run must be bounded, and within a test environment's
// ceiling; finprod submit a leveranse to send: the service page's example,
// which, were anything sent, would not be synthetic either).
var guardArgs = map[string][]string{
	"finprod load":          {"--rate", "1", "--count", "1", "--progress", "none"},
	"finprod load capacity": {"--start", "1", "--progress", "none"},
	"finprod submit":        {filepath.Join("..", "..", "contract", "eksempel.json")},
}

// TestGuards: every command that sends to a target refuses, with exit 2 and
// before anything leaves the machine, each way of handing it what only a
// test environment with synthetic data may get. The profile's URLs point at
// a loopback server that counts every request: it must see none.
func TestGuards(t *testing.T) {
	// It sets the environment: a process of its own.
	if !testkit.OwnProcess(t) {
		return
	}
	var seen atomic.Int32
	ear := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		http.Error(w, "nothing may be sent here", http.StatusTeapot)
	}))
	t.Cleanup(ear.Close)
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	writeTestKey(t, key)
	for _, env := range []string{EnvProfile, "FINPROD_SYSTEMBRUKER", "FINPROD_OPPGAVEGIVER", "FINPROD_API_URL", "FINPROD_DIALOGPORTEN_URL", "FINPROD_MASKINPORTEN_ISSUER"} {
		t.Setenv(env, "")
	}

	profile := func(name string, change map[string]string) string {
		v := map[string]string{"api": ear.URL, "dialogporten": ear.URL + "/dialogporten/graphql", "issuer": ear.URL + "/maskinporten/",
			"tokenUrl": ear.URL + "/maskinporten/token", "systembruker": synthOrg, "oppgavegiver": synthOrg}
		for k, c := range change {
			v[k] = c
		}
		var b strings.Builder
		fmt.Fprintf(&b, "api: %s\ndialogporten: %s\nmaskinporten:\n  clientId: c\n  kid: k\n  keyFile: %s\n", v["api"], v["dialogporten"], key)
		for _, k := range []string{"issuer", "tokenUrl", "environment"} {
			if v[k] != "" {
				fmt.Fprintf(&b, "  %s: %s\n", k, v[k])
			}
		}
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

	cases := 0
	for _, c := range commands(newRootCmd()) {
		path := c.CommandPath()
		if sendsToTarget(c) {
			assert.NotEmpty(t, guardRows[path], "%s sends to a target: add its rows to guardRows", path)
		}
		if len(guardRows[path]) == 0 {
			continue
		}
		command := append(strings.Fields(path)[1:], guardArgs[path]...)
		// The synthetic profile itself gets through the guards (it then
		// finds nothing that answers like Maskinporten): the rows refuse
		// what they change, not the profile or the command line.
		out, code := runNoPanic(t, append(command, "--target", "tt02", "--profile", profile("synthetic", nil), "--out", dir)...)
		require.Equal(t, exitUnreachable, code, out)
		require.Positive(t, seen.Load(), "%s with the synthetic profile asks the loopback server for a token", path)
		seen.Store(0)
		for _, r := range guardRows[path] {
			t.Run(path+"/"+r.name, func(t *testing.T) {
				cases++
				for k, v := range r.env {
					t.Setenv(k, v)
				}
				p := profile(strings.ReplaceAll(r.name, " ", "-"), r.profile)
				a := append(slices.Clone(command), "--target", "tt02", "--profile", p, "--out", dir)
				switch r.via {
				case "env":
					t.Setenv(EnvProfile, p)
					a = append(slices.Clone(command), "--target", "tt02", "--out", dir)
				case "target":
					a = append(slices.Clone(command), "--target", p, "--out", dir)
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

	// finprod submit sends a user's own files: the profile passes, so the
	// guard that must refuse is the one in front of the API. The profile's
	// API is a loopback server that records every request before passing
	// it to a mock: what a row lets through shows there (and the synthetic
	// baseline shows that it would).
	t.Run("finprod submit/a user's file", func(t *testing.T) {
		srv, err := mock.Start(cliContext(t), mock.Config{StateDir: filepath.Join(dir, "submit-mock")})
		require.NoError(t, err)
		t.Cleanup(func() { _ = srv.Close() })
		def, ok := srv.DefaultClient()
		require.True(t, ok)
		require.Equal(t, synthOrg, def.SystembrukerOrg, "the leveranser below report for the default client's own organisation")
		mockURL, err := url.Parse(srv.URL())
		require.NoError(t, err)
		var mu sync.Mutex
		var posted [][]byte
		proxy := httputil.NewSingleHostReverseProxy(mockURL)
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			if r.Method == http.MethodPost || len(b) > 0 {
				mu.Lock()
				posted = append(posted, b)
				mu.Unlock()
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(front.Close)
		sent := func() [][]byte {
			mu.Lock()
			defer mu.Unlock()
			out := posted
			posted = nil
			return out
		}
		p := filepath.Join(dir, "submit-profile.yaml")
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprintf("api: %s\ndialogporten: %s/dialogporten/graphql\nmaskinporten:\n  issuer: %s\n  clientId: %s\n  kid: %s\n  keyFile: %s\n  systembruker: %q\noppgavegiver: %q\n",
			front.URL, srv.URL(), def.Issuer, def.ClientID, def.KID, def.KeyFile, synthOrg, synthOrg)), 0o600))

		g, err := generators.New(generators.Config{Seed: 12, Oppgaver: 2, Oppgavegiver: synthOrg, Inntektsaar: time.Now().Year() - 1})
		require.NoError(t, err)
		good := g.Body(0)
		fnr := regexp.MustCompile(`"foedselsnummer":"([0-9]{11})"`).FindSubmatch(good)
		require.NotNil(t, fnr, "the leveranse has an oppgaveeier with a fødselsnummer")
		require.True(t, bytes.Contains(good, []byte(`"organisasjonsnummer":"`+synthOrg+`"`)))
		// 01017012345 and 41017012345 are a fødselsnummer and a D-nummer of
		// the ordinary ranges (month 01), not Tenor's (month + 80).
		const realFnr, realDnr = "01017012345", "41017012345"
		with := func(old, new string) []byte {
			b := bytes.Replace(good, []byte(old), []byte(new), 1)
			require.NotEqual(t, good, b, "%s is in the leveranse", old)
			return b
		}
		ownFnr := `"foedselsnummer":"` + string(fnr[1]) + `"`
		second := g.Body(1)

		baseline := filepath.Join(dir, "synthetic.json")
		require.NoError(t, os.WriteFile(baseline, good, 0o600))
		out, code := runNoPanic(t, "submit", "--target", p, "--out", filepath.Join(dir, "submit-baseline"), baseline)
		require.Equal(t, exitOK, code, out)
		require.Len(t, sent(), 1, "the synthetic leveranse goes through the front to the mock")

		for _, r := range []struct {
			name string
			docs [][]byte // the file's documents, one per line; or one file each with via "folder"
			via  string   // "" a file, "folder" a folder of files, "stdin" standard input
			// sent are how many leveranser go out (the synthetic ones
			// beside the refused one); secret is what must appear in no
			// request and no output, and want what the refusal names.
			sent   int
			secret string
			want   []string
		}{
			{"a real oppgavegiver", [][]byte{with(`"organisasjonsnummer":"`+synthOrg+`"`, `"organisasjonsnummer":"`+realOrg+`"`)}, "", 0, "",
				[]string{"leveranse.oppgavegiver.organisasjonsnummer", realOrg, "organisasjonsnummer is not synthetic"}},
			{"the service page's example", [][]byte{contract.Eksempel()}, "", 0, "", []string{exampleOrgnr, "not synthetic"}},
			{"a real fødselsnummer of an oppgaveeier", [][]byte{with(ownFnr, `"foedselsnummer":"`+realFnr+`"`)}, "", 0, realFnr,
				[]string{"foedselsnummer", "foedselsnummer is not synthetic", "not shown"}},
			{"a real D-nummer of an oppgaveeier", [][]byte{with(ownFnr, `"foedselsnummer":"`+realDnr+`"`)}, "", 0, realDnr, []string{"foedselsnummer is not synthetic"}},
			{"a fødselsnummer written as a number", [][]byte{with(ownFnr, `"foedselsnummer":`+strings.TrimPrefix(realDnr, "4"))}, "", 0, strings.TrimPrefix(realDnr, "4"),
				[]string{"foedselsnummer is not synthetic"}},
			{"a fødselsnummer under a key in capitals", [][]byte{with(ownFnr, `"FOEDSELSNUMMER":"`+realFnr+`"`)}, "", 0, realFnr, []string{"not synthetic"}},
			{"an organisasjonsnummer where the schema has none", [][]byte{with(`"kildesystem":`, `"organisasjonsnummer":"`+realOrg+`","kildesystem":`)}, "", 0, "",
				[]string{"leveranse.organisasjonsnummer", realOrg}},
			{"a real fødselsnummer in the second leveranse of NDJSON", [][]byte{second, with(ownFnr, `"foedselsnummer":"`+realFnr+`"`)}, "", 1, realFnr,
				[]string{"#2 (line 2)", "foedselsnummer is not synthetic"}},
			{"a real oppgavegiver in a folder's second file", [][]byte{second, with(`"organisasjonsnummer":"`+synthOrg+`"`, `"organisasjonsnummer":"`+realOrg+`"`)}, "folder", 1, "",
				[]string{"2.json", realOrg}},
			{"a real fødselsnummer from standard input", [][]byte{with(ownFnr, `"foedselsnummer":"`+realFnr+`"`)}, "stdin", 0, realFnr, []string{"stdin #1", "not synthetic"}},
		} {
			t.Run(r.name, func(t *testing.T) {
				cases++
				d := t.TempDir()
				var lines []byte
				for _, doc := range r.docs {
					lines = append(append(lines, doc...), '\n')
				}
				in := filepath.Join(d, "lev.ndjson")
				switch r.via {
				case "folder":
					in = filepath.Join(d, "leveranser")
					require.NoError(t, os.Mkdir(in, 0o755))
					for i, doc := range r.docs {
						require.NoError(t, os.WriteFile(filepath.Join(in, fmt.Sprintf("%d.json", i+1)), doc, 0o600))
					}
				case "stdin":
					in = "-"
				default:
					require.NoError(t, os.WriteFile(in, lines, 0o600))
				}
				var stdout, stderr bytes.Buffer
				root := newRootCmd()
				root.SetArgs([]string{"submit", "--target", p, "--out", filepath.Join(d, "out"), "--concurrency", "1", in})
				root.SetIn(bytes.NewReader(lines))
				root.SetOut(&stdout)
				root.SetErr(&stderr)
				err := root.ExecuteContext(cliContext(t))
				require.Error(t, err)
				all := stdout.String() + stderr.String() + err.Error()
				assert.Equal(t, exitUsage, exitCodeOf(err), all)
				for _, w := range append(r.want, "not synthetic") {
					assert.Contains(t, all, w)
				}
				got := sent()
				assert.Len(t, got, r.sent, "only the synthetic leveranser reach the API")
				for _, b := range got {
					for _, real := range []string{realOrg, exampleOrgnr, realFnr, realDnr, strings.TrimPrefix(realDnr, "4")} {
						assert.NotContains(t, string(b), real, "a refused identity reached the API")
					}
				}
				if r.secret != "" {
					receipts, err := os.ReadFile(filepath.Join(d, "out", "submit", submit.ReceiptsFile))
					require.NoError(t, err)
					assert.NotContains(t, all+string(receipts), r.secret, "a fødselsnummer is named by where it sits, never shown")
				}
			})
		}
	})

	// finprod load's leveranser are generated for the profile's (checked)
	// oppgavegiver and vetted one by one; what its transport carries
	// unvetted is checked in full. The target is opened as finprod load
	// opens it, and the transport is the one its run sends through.
	t.Run("finprod load/a body it did not vet", func(t *testing.T) {
		cases++
		tg, _, err := openTarget(t.Context(), targetChoice{Target: profile("vetting", nil)})
		require.NoError(t, err)
		t.Cleanup(func() { _ = tg.Close() })
		rt := tg.Transport(http.DefaultTransport)
		g, err := generators.New(generators.Config{Seed: 9, Oppgavegiver: synthOrg, Inntektsaar: tg.Inntektsaar})
		require.NoError(t, err)
		vetted, mark, err := tg.VetLeveranse(g.Leveranse(0))
		require.NoError(t, err)
		require.Contains(t, string(vetted), synthOrg)
		send := func(body []byte, mark string) error {
			req, err := http.NewRequest(http.MethodPost, ear.URL+"/v1/2025", bytes.NewReader(body))
			require.NoError(t, err)
			if mark != "" {
				req.Header.Set(target.HeaderVetted, mark)
			}
			resp, err := rt.RoundTrip(req)
			if err == nil {
				_ = resp.Body.Close()
			}
			return err
		}
		for name, c := range map[string]struct {
			body []byte
			mark string
		}{
			"the service page's example, unmarked":              {contract.Eksempel(), ""},
			"the example under a vetted leveranse's mark":       {contract.Eksempel(), mark},
			"a vetted leveranse with a real oppgavegiver after": {bytes.ReplaceAll(vetted, []byte(synthOrg), []byte(realOrg)), mark},
			"a vetted leveranse with a forged mark, changed":    {bytes.ReplaceAll(vetted, []byte(synthOrg), []byte(realOrg)), "AAAA"},
		} {
			assert.ErrorIs(t, send(c.body, c.mark), target.ErrNotSynthetic, name)
		}
		assert.Zero(t, seen.Load(), "nothing may be sent")
		require.NoError(t, send(vetted, mark), "the vetted leveranse itself goes out")
		assert.Equal(t, int32(1), seen.Load())
		seen.Store(0)
	})
	t.Logf("%d guarded ways of handing a command what it must refuse", cases)
}

// sendsToTarget: a command that can be pointed at a test environment.
func sendsToTarget(c *cobra.Command) bool {
	return c.Flags().Lookup("profile") != nil || c.Flags().Lookup("target") != nil
}
