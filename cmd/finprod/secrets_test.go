package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/submit"
)

// secretOrg is the synthetic organisation whose client and systembruker the
// secrets run as (check digit: 3·3+1·2+5·7+3·6+2·2 = 68, 68 mod 11 = 2, 11 − 2 = 9).
const secretOrg = "315300029"

// knownSecrets are the secrets a user hands finprod: a private key (as a
// PEM file and in a PKCS#12 file), the PKCS#12 file's password, and a
// token. needles are every form in which they could leak.
type knownSecrets struct {
	key      *rsa.PrivateKey
	keyFile  string
	leafPEM  string
	p12File  string
	password string
	wrongPW  string
	needles  map[string]string // text that must appear nowhere → what it is
}

func newKnownSecrets(t *testing.T, dir string) *knownSecrets {
	t.Helper()
	key := testkit.Key(t, "secrets: the user's key")
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	s := &knownSecrets{key: key, keyFile: filepath.Join(dir, "secret-key.pem"),
		password: "Hemmelig-P12-passord-" + uuid.NewString()[:8], wrongPW: "Feil-passord-" + uuid.NewString()[:8],
		needles: map[string]string{}}
	require.NoError(t, os.WriteFile(s.keyFile, keyPEM, 0o600))

	// Every line of the PEM body, the DER in one piece, and the private
	// parts as a JWK would carry them.
	for _, line := range strings.Split(string(keyPEM), "\n") {
		if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
			s.needles[line] = "a line of the private key's PEM"
		}
	}
	s.needles[base64.StdEncoding.EncodeToString(der)[100:200]] = "the private key's DER in base64"
	b64 := func(i *big.Int) string { return base64.RawURLEncoding.EncodeToString(i.Bytes()) }
	s.needles[b64(key.D)[:60]] = "the private exponent d (JWK)"
	s.needles[b64(key.Primes[0])[:60]] = "the prime p (JWK)"
	s.needles[b64(key.Primes[1])[:60]] = "the prime q (JWK)"
	s.needles[s.password] = "the PKCS#12 password"
	s.needles[s.wrongPW] = "a wrong PKCS#12 password"

	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "finprod secrets test", SerialNumber: secretOrg},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(certDER)
	require.NoError(t, err)
	s.leafPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER}))
	p12, err := pkcs12.Modern.Encode(key, leaf, nil, s.password)
	require.NoError(t, err)
	s.p12File = filepath.Join(dir, "secret.p12")
	require.NoError(t, os.WriteFile(s.p12File, p12, 0o600))
	return s
}

// addToken makes a token a needle, whole and by its signature.
func (s *knownSecrets) addToken(what, tok string) {
	s.needles[tok] = what
	if parts := strings.Split(tok, "."); len(parts) == 3 {
		s.needles[parts[2]] = what + " (its signature)"
	}
}

// anyJWT is a token of any issuer: no output may carry one, known or not.
var anyJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)

// scanned counts what the scan read, for the closing figures.
type scanned struct {
	mu                     sync.Mutex
	outputs, decoded, hits int
	bytes                  int64
}

// base64Runs are the pieces of data that may be base64 (Cucumber JSON
// embeds attachments so), to be decoded and scanned too, once: every run of
// at least 40 characters of the base64 alphabet, with up to two '=' after
// it, what the regular expression [A-Za-z0-9+/]{40,}={0,2} finds (a test
// holds the two to each other). Found by hand, since the expression, which
// has no literal to look for first, was most of the scan's time under the
// race detector.
func base64Runs(data []byte) [][]byte {
	isB64 := func(c byte) bool {
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
	}
	var runs [][]byte
	for i := 0; i < len(data); {
		if !isB64(data[i]) {
			i++
			continue
		}
		j := i
		for j < len(data) && isB64(data[j]) {
			j++
		}
		if j-i < 40 {
			i = j
			continue
		}
		for k := 0; k < 2 && j < len(data) && data[j] == '='; k++ {
			j++
		}
		runs = append(runs, data[i:j])
		i = j
	}
	return runs
}

// scan looks for every needle, any JWT and any private key block in one
// output, and in what base64 inside it decodes to; keyFileOK allows a PEM
// private key (the mock's own default client key, which `finprod mock`
// writes for its user on purpose).
func (s *knownSecrets) scan(t *testing.T, sc *scanned, where string, data []byte, keyFileOK bool) {
	t.Helper()
	sc.mu.Lock()
	sc.outputs++
	sc.mu.Unlock()
	s.scanOnce(t, sc, where, data, keyFileOK)
	for _, m := range base64Runs(data) {
		if b, err := base64.StdEncoding.DecodeString(string(m)); err == nil {
			sc.mu.Lock()
			sc.decoded++
			sc.mu.Unlock()
			s.scanOnce(t, sc, where+" (base64 inside)", b, keyFileOK)
		}
	}
}

func (s *knownSecrets) scanOnce(t *testing.T, sc *scanned, where string, data []byte, keyFileOK bool) {
	t.Helper()
	sc.mu.Lock()
	sc.bytes += int64(len(data))
	sc.mu.Unlock()
	hit := func(what string) {
		t.Errorf("%s leaks %s", where, what)
		sc.mu.Lock()
		sc.hits++
		sc.mu.Unlock()
	}
	for needle, what := range s.needles {
		if bytes.Contains(data, []byte(needle)) {
			hit(what)
		}
	}
	if m := anyJWT.Find(data); m != nil {
		hit(fmt.Sprintf("a token (%.12s…)", m))
	}
	if !keyFileOK && bytes.Contains(data, []byte("PRIVATE KEY")) {
		hit("a PEM private key block")
	}
}

// scanTree scans every file under dir.
func (s *knownSecrets) scanTree(t *testing.T, sc *scanned, dir string) int {
	t.Helper()
	n := 0
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		rel, _ := filepath.Rel(dir, p)
		isMockKey := strings.HasPrefix(rel, filepath.Join("out", "mock")) && strings.HasSuffix(p, ".pem")
		s.scan(t, sc, "file "+rel, b, isMockKey)
		return nil
	}))
	return n
}

// TestSecretsStaySecret runs the commands with a known private key, key
// password and token, in success and in failure, and scans everything they
// write: stdout, stderr, the request log, and every file under their
// output folders (JUnit, Cucumber JSON with its exchanges, reports and
// their history, downloaded documents, generated files, load runs'
// results.bin, latency.hdr and summary.json, passing, failing, merged and
// of a capacity search; submit's receipts and feedback documents, passing
// and failing). Zero hits. Every command that sends to a target
// must be among the runs. (`finprod run`, which takes no secrets of the
// user's, is scanned for any token or key by TestRunSubmitsAndReplaysExample.)
func TestSecretsStaySecret(t *testing.T) {
	// It sets the environment and the working directory: a process of its own.
	if !testkit.OwnProcess(t) {
		return
	}
	in, base := t.TempDir(), t.TempDir() // what the user gives; where finprod writes
	sec := newKnownSecrets(t, in)
	pwEnv, wrongEnv := "FINPROD_TEST_P12_PASSWORD", "FINPROD_TEST_WRONG_PASSWORD"
	t.Setenv(pwEnv, sec.password)
	t.Setenv(wrongEnv, sec.wrongPW)
	for _, env := range []string{EnvProfile, "FINPROD_TOKEN", "FINPROD_API_TOKEN"} {
		t.Setenv(env, "")
	}
	t.Chdir(base)

	pub, err := x509.MarshalPKIXPublicKey(&sec.key.PublicKey)
	require.NoError(t, err)
	srv, err := mock.Start(cliContext(t), mock.Config{Maskinporten: mock.MaskinportenConfig{Clients: []mock.MaskinportenClient{{
		ID: "finprod-secrets", Org: secretOrg,
		Keys:          []mock.MaskinportenKey{{KID: "k1", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))}},
		Certificates:  []mock.MaskinportenCertificate{{PEM: sec.leafPEM}},
		Scopes:        []string{contract.Scope, dialogschema.Scope},
		Systembrukere: []mock.Systembruker{{Org: secretOrg}},
	}}}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	// Another issuer: a key of its own, so its tokens are another's indeed.
	other, err := mock.Start(t.Context(), mock.Config{SigningKey: testkit.Key(t, "secrets: another issuer's key"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })

	apiToken, err := srv.MintToken(secretOrg)
	require.NoError(t, err)
	dpToken, err := srv.MintToken(secretOrg, dialogschema.Scope)
	require.NoError(t, err)
	foreign, err := other.MintToken(secretOrg, dialogschema.Scope)
	require.NoError(t, err)
	sec.addToken("the API token", apiToken)
	sec.addToken("the Dialogporten token", dpToken)
	sec.addToken("a token of another issuer", foreign)

	// A forsendelse to follow, with the known token.
	body := submitFor(t, srv, apiToken)

	write := func(name, content string) string {
		p := filepath.Join(in, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	client := write("client.yaml", fmt.Sprintf("issuer: %s\nclientId: finprod-secrets\nkid: k1\nkeyFile: %s\nsystembruker: %q\n",
		srv.MaskinportenIssuer(), sec.keyFile, secretOrg))
	year := time.Now().Year() - 1
	profile := func(name, creds, oppgavegiver string) string {
		return write(name, fmt.Sprintf("name: lokal\napi: %s\ndialogporten: %s/dialogporten/graphql\nmaskinporten:\n  issuer: %s\n  clientId: finprod-secrets\n%s  systembruker: %q\noppgavegiver: %q\ninntektsaar: %d\n",
			srv.URL(), srv.URL(), srv.MaskinportenIssuer(), creds, secretOrg, oppgavegiver, year))
	}
	keyCreds := fmt.Sprintf("  kid: k1\n  keyFile: %s\n", sec.keyFile)
	p12Creds := fmt.Sprintf("  p12File: %s\n  passwordEnv: %s\n", sec.p12File, pwEnv)
	tokenFile := write("token", dpToken)
	foreignFile := write("foreign-token", foreign)
	docFile := write("leveranse.json", string(body))
	gql := srv.URL() + "/dialogporten/graphql"
	kvittering := srv.Forsendelser(mock.ForsendelseFilter{})[0]
	tags := "@auth,@feilformat,@dialogporten && ~@A-PATH && ~@A-SYNTETISK"
	// A user's own leveranser for finprod submit: two the secrets'
	// organisation may report; and one for an oppgavegiver it has no access
	// to beside one whose feedback is avvist (its feedback document saved).
	leveranser := func(seed uint64, oppgavegiver string, defects ...string) []byte {
		g, err := generators.New(generators.Config{Seed: seed, Oppgaver: 2, Oppgavegiver: oppgavegiver, Inntektsaar: year, Defects: defects})
		require.NoError(t, err)
		return append(g.Body(0), '\n')
	}
	ownFile := write("egne.ndjson", string(leveranser(6, secretOrg))+string(leveranser(7, secretOrg)))
	failFile := write("feil.ndjson", string(leveranser(8, "310000000"))+string(leveranser(9, secretOrg, "feil-sum")))

	type run struct {
		name string
		args []string
		env  map[string]string
		ok   bool // the run succeeds; otherwise it fails on purpose
	}
	runs := []run{
		{"token with a key", []string{"token", "--config", client}, nil, true},
		{"token with a PKCS#12 file", []string{"token", "--config", client, "--key", "", "--kid", "", "--p12", sec.p12File, "--password-env", pwEnv}, nil, true},
		{"token, wrong PKCS#12 password", []string{"token", "--config", client, "--key", "", "--kid", "", "--p12", sec.p12File, "--password-env", wrongEnv}, nil, false},
		{"token refused (unknown key id)", []string{"token", "--config", client, "--kid", "ukjent"}, nil, false},
		{"test through a profile with the key", []string{"test", "--target", "tt02", "--profile", profile("p-key.yaml", keyCreds, secretOrg), "--tags", tags, "--out", "out/test-key"}, nil, true},
		{"test through a profile with PKCS#12", []string{"test", "--target", "tt02", "--profile", profile("p-p12.yaml", p12Creds, secretOrg), "--tags", "@auth", "--out", "out/test-p12"}, nil, true},
		{"test failing (no access to the oppgavegiver)", []string{"test", "--target", "tt02", "--profile", profile("p-fail.yaml", keyCreds, "310000000"), "--tags", "@auth,@innsending && ~@storrelse", "--out", "out/test-fail"}, nil, false},
		{"test with the password wrong", []string{"test", "--target", "tt02", "--profile", profile("p-wrong.yaml", strings.Replace(p12Creds, pwEnv, wrongEnv, 1), secretOrg), "--out", "out/test-wrong"}, nil, false},
		{"fetch with the token", []string{"fetch", "--dialogporten", gql, "--dialog", kvittering.DialogID, "--out", "out/fetch"}, map[string]string{"FINPROD_TOKEN": dpToken, "FINPROD_API_TOKEN": apiToken}, true},
		{"fetch with a token file", []string{"fetch", "--dialogporten", gql, "--forsendelse", kvittering.ForsendelseID, "--party", secretOrg, "--token-file", tokenFile, "--list"}, nil, true},
		{"fetch with a foreign token", []string{"fetch", "--dialogporten", gql, "--dialog", kvittering.DialogID, "--token-file", foreignFile}, nil, false},
		{"check-schema live with the token", []string{"dialogporten", "check-schema", "--schema", gql}, map[string]string{"FINPROD_TOKEN": dpToken}, true},
		{"report of the passing run", []string{"report", "--out", "out/test-key"}, nil, true},
		{"report of the failing run", []string{"report", "--out", "out/test-fail", "--history", "out/history.db"}, nil, true},
		{"drift between them", []string{"report", "drift", "out/test-key", "out/test-fail", "--format", "json"}, nil, true},
		{"load through a profile with the key", profileLoad(profile("l-key.yaml", keyCreds, secretOrg), "out/load-key", "--slo", "success>=99%", "--progress", "lines"), nil, true},
		{"load through a profile with PKCS#12", profileLoad(profile("l-p12.yaml", p12Creds, secretOrg), "out/load-p12", "--progress", "lines"), nil, true},
		{"load failing (no access to the oppgavegiver)", profileLoad(profile("l-fail.yaml", keyCreds, "310000000"), "out/load-fail", "--slo", "success>=99%"), nil, false},
		{"load with the password wrong", profileLoad(profile("l-wrong.yaml", strings.Replace(p12Creds, pwEnv, wrongEnv, 1), secretOrg), "out/load-wrong"), nil, false},
		{"load shard 0 of 2", profileLoad(profile("l-shard.yaml", keyCreds, secretOrg), "out/shard-0", "--shard", "0/2", "--seed", "3"), nil, true},
		{"load shard 1 of 2", profileLoad(profile("l-shard.yaml", keyCreds, secretOrg), "out/shard-1", "--shard", "1/2", "--seed", "3"), nil, true},
		{"load merge of the shards", []string{"load", "merge", "--out", "out/merged", "out/shard-0", "out/shard-1"}, nil, true},
		{"load capacity through a profile with the key", []string{"load", "capacity", "--target", profile("c-key.yaml", keyCreds, secretOrg), "--start", "50", "--max-rate", "100",
			"--stage", "200ms", "--slo", "p99<5s,success>=99%", "--progress", "lines", "--out", "out/capacity"}, nil, true},
		{"submit through a profile with the key, to its feedback", []string{"submit", "--target", profile("s-key.yaml", keyCreds, secretOrg), "--wait-feedback", "--out", "out/submit-key", ownFile}, nil, true},
		{"submit through a profile with PKCS#12, to its feedback", []string{"submit", "--target", profile("s-p12.yaml", p12Creds, secretOrg), "--wait-feedback", "--out", "out/submit-p12", ownFile}, nil, true},
		{"submit failing (no access to one oppgavegiver, the other's feedback avvist)", []string{"submit", "--target", profile("s-fail.yaml", keyCreds, secretOrg), "--wait-feedback", "--out", "out/submit-fail", failFile}, nil, false},
		{"submit with the password wrong", []string{"submit", "--target", profile("s-wrong.yaml", strings.Replace(p12Creds, pwEnv, wrongEnv, 1), secretOrg), "--out", "out/submit-wrong", ownFile}, nil, false},
		{"generate", []string{"generate", "--oppgaver", "3", "--out", "out/generate/lev.json"}, nil, true},
		{"contract validate", []string{"contract", "validate", docFile}, nil, true},
	}
	for _, c := range commands(newRootCmd()) {
		if !sendsToTarget(c) {
			continue
		}
		path := strings.Fields(c.CommandPath())[1:]
		assert.True(t, slices.ContainsFunc(runs, func(r run) bool { return len(r.args) >= len(path) && slices.Equal(r.args[:len(path)], path) }),
			"%s sends to a target with the user's credentials: run it here", c.CommandPath())
	}
	var sc scanned
	ctx := cliContext(t)
	check := func(t *testing.T, r run, res cliResult) {
		require.Nil(t, res.panicked, "finprod %s panicked", strings.Join(r.args, " "))
		if r.ok {
			require.Equal(t, exitOK, res.code, "finprod %s\n%s", strings.Join(r.args, " "), res.out)
		} else {
			require.NotEqual(t, exitOK, res.code, "finprod %s must fail\n%s", strings.Join(r.args, " "), res.out)
		}
		sec.scan(t, &sc, "the output of finprod "+r.args[0], []byte(res.out), false)
	}
	// The runs with environment variables of their own go first, one by
	// one, as t.Setenv wants. The others then go side by side, a few at a
	// time, in three waves: the test runs (their scenarios count the
	// forsendelser in Dialogporten, which other runs' submissions for the
	// same organisation would swell) with the rest that submits nothing,
	// then the load and submit runs, then the runs that read what other
	// runs wrote. Each run's output is checked in a subtest of its own, in
	// the list's order.
	for _, r := range runs {
		if r.env != nil {
			t.Run(r.name, func(t *testing.T) {
				for k, v := range r.env {
					t.Setenv(k, v)
				}
				check(t, r, runCLIIn(ctx, r.args...))
			})
		}
	}
	wave := func(r run) int {
		switch {
		case r.args[0] == "report" || slices.Equal(r.args[:2], []string{"load", "merge"}):
			return 2
		case r.args[0] == "load" || r.args[0] == "submit":
			return 1
		}
		return 0
	}
	results := make([]cliResult, len(runs))
	for w := range 3 {
		var wg sync.WaitGroup
		slots := make(chan struct{}, 3)
		for i, r := range runs {
			if r.env == nil && wave(r) == w {
				wg.Go(func() {
					slots <- struct{}{}
					defer func() { <-slots }()
					results[i] = runCLIIn(ctx, r.args...)
				})
			}
		}
		wg.Wait()
	}
	for i, r := range runs {
		if r.env == nil {
			t.Run(r.name, func(t *testing.T) { check(t, r, results[i]) })
		}
	}
	t.Run("mock and its request log", func(t *testing.T) {
		out := runMockWhile(t, []string{"mock", "--listen", "127.0.0.1:0", "--state-dir", "out/mock"}, func(url string) {
			tok := adminToken(t, url)
			sec.addToken("the served mock's token", tok)
			for _, bearer := range []string{tok, foreign, apiToken} {
				req, err := http.NewRequest(http.MethodPost, url+"/v1/2024", bytes.NewReader(contract.Eksempel()))
				require.NoError(t, err)
				req.Header.Set("Authorization", "Bearer "+bearer)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("idempotencyKey", uuid.NewString())
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				_ = resp.Body.Close()
			}
		})
		require.Contains(t, out, "status=401", "the log has the refused request")
		sec.scan(t, &sc, "the output and log of finprod mock", []byte(out), false)
	})
	// The load runs' outputs are among the files scanned: a passing run's,
	// a failing run's (it keeps the bodies of the answers that failed),
	// the merge's and the capacity search's.
	for _, d := range []string{"out/load-key", "out/load-fail", "out/merged", "out/capacity"} {
		for _, f := range []string{loadfile.ResultsFile, loadfile.LatencyFile, loadfile.SummaryFile} {
			assert.FileExists(t, filepath.Join(base, d, "load", f))
		}
	}
	// The submit runs' receipts and feedback documents are among them: a
	// passing run's, and a failing one's (the API's refusal and an avvist
	// feedback, both kept).
	for _, d := range []string{"out/submit-key", "out/submit-p12", "out/submit-fail"} {
		assert.FileExists(t, filepath.Join(base, d, "submit", submit.ReceiptsFile))
		feedback, err := filepath.Glob(filepath.Join(base, d, "submit", "feedback", "*", "*"))
		require.NoError(t, err)
		assert.NotEmpty(t, feedback, "%s has its feedback documents", d)
	}
	receipts, err := os.ReadFile(filepath.Join(base, "out/submit-fail/submit", submit.ReceiptsFile))
	require.NoError(t, err)
	assert.Contains(t, string(receipts), `"status":"rejected"`)
	assert.Contains(t, string(receipts), `"feedback":"`+contract.TilbakemeldingAvvist+`"`)
	files := sec.scanTree(t, &sc, base)
	assert.Positive(t, files)
	t.Logf("%d outputs (%d files, %d base64 pieces inside them decoded), %d bytes scanned for %d secret forms, any token and any private key: %d hits",
		sc.outputs, files, sc.decoded, sc.bytes, len(sec.needles), sc.hits)
	assert.Zero(t, sc.hits)
}

// profileLoad is a short finprod load through a profile: five leveranser,
// at a rate above a test environment's ceiling (raised, as a user may) so
// that the run takes a twentieth of a second, not half of one.
func profileLoad(profile, out string, extra ...string) []string {
	return append([]string{"load", "--target", profile, "--rate", "100", "--max-rate", "100", "--count", "5", "--progress", "none", "--out", out}, extra...)
}

// submitFor sends one synthetic leveranse for the secrets' organisation.
func submitFor(t *testing.T, srv *mock.Server, tok string) []byte {
	t.Helper()
	g, err := generators.New(generators.Config{Seed: 5, Oppgaver: 2, Oppgavegiver: secretOrg, Inntektsaar: time.Now().Year() - 1})
	require.NoError(t, err)
	body := g.Body(0)
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/v1/%d", srv.URL(), time.Now().Year()-1), bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("idempotencyKey", uuid.NewString())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return body
}

// adminToken mints a token through the served mock's admin endpoint.
func adminToken(t *testing.T, url string) string {
	t.Helper()
	return adminTokenFor(t, url, secretOrg)
}

// adminTokenFor mints a token for a systembruker of org.
func adminTokenFor(t *testing.T, url, org string) string {
	t.Helper()
	resp, err := http.Post(url+"/admin/token", "application/json", strings.NewReader(`{"systembruker":"`+org+`"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tr))
	require.NotEmpty(t, tr.AccessToken)
	return tr.AccessToken
}

var servingRE = regexp.MustCompile(`serving on (http://127\.0\.0\.1:\d+)`)

// runMockWhile runs `finprod mock` in-process, calls use with its URL once
// it serves, stops it as Ctrl-C would, and returns all it printed.
func runMockWhile(t *testing.T, args []string, use func(url string)) string {
	t.Helper()
	ctx, cancel := context.WithCancel(cliContext(t))
	defer cancel()
	var out testkit.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	var url string
	for url == "" {
		if m := servingRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("finprod mock stopped before serving: %v\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "finprod mock did not start: %s", out.String())
	}
	use(url)
	cancel()
	require.NoError(t, <-done)
	return out.String()
}

// base64Runs finds what the regular expression it stands for finds.
func TestBase64RunsIsTheRegularExpression(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`)
	pieces := []string{"=", "==", "===", " ", "\"", ".", "-", "_", "æ", "QUJD", "eyJhbGciOiJSUzI1NiJ9", strings.Repeat("A", 39), strings.Repeat("z/+9", 10)}
	rng := mrand.New(mrand.NewPCG(11, 12))
	found := 0
	for range 5000 {
		data := []byte(testkit.Pieces(rng, pieces, 10))
		want := re.FindAll(data, -1)
		found += len(want)
		if !assert.Equal(t, want, base64Runs(data), "%q", data) {
			return
		}
	}
	assert.Greater(t, found, 1000, "the corpus must hold runs")
}
