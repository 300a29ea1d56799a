package exchange

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
)

// A token as Maskinporten would give it (header, claims, signature); the
// test only needs its shape.
const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzY29wZSI6InNrYXR0ZWV0YXRlbiJ9.c2lnbmF0dXJlLWJ5dGVz"

func TestTextRemovesTokensKeysAndPasswords(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"access_token":"abc.def","expires_in":120}`, `{"access_token":"[redacted]","expires_in":120}`},
		{`{"client_secret": "hunter2"}`, `{"client_secret": "[redacted]"}`},
		{`{"Password":"p\"w"}`, `{"Password":"[redacted]"}`},
		{"grant_type=urn%3Aietf&assertion=abc.def.ghi&x=1", "grant_type=urn%3Aietf&assertion=[redacted]&x=1"},
		{"token " + jwt + " expired", "token [redacted] JWT expired"},
		// Half a JWT, as a cut body may end.
		{"Bearer eyJhbGciOiJSUzI1Ni", "Bearer [redacted] JWT"},
		{"key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\nrest", "key:\n[redacted] PEM\nrest"},
		// A body cut inside a secret's value.
		{`{"expires_in":120,"access_token":"abc.de`, `{"expires_in":120,"access_token":"[redacted]`},
		{`{"kode":"GLD_004","melding":"Feil i forbindelse med autentisering"}`, `{"kode":"GLD_004","melding":"Feil i forbindelse med autentisering"}`},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Text(c.in), c.in)
	}
}

func TestHeaderKeepsSchemeAndIdempotencyKey(t *testing.T) {
	got := Header(map[string][]string{
		"Authorization":  {"Bearer " + jwt},
		"Idempotencykey": {"0b8f2a4e-6c1d-4f7a-9e3b-2d5c8a1f0e6b"},
		"X-Api-Token":    {"s3cret"},
		"Cookie":         {"session=abc"},
		"Content-Type":   {"application/json"},
	})
	assert.Equal(t, []string{"Bearer [redacted]"}, got["Authorization"])
	assert.Equal(t, []string{"0b8f2a4e-6c1d-4f7a-9e3b-2d5c8a1f0e6b"}, got["Idempotencykey"])
	assert.Equal(t, []string{"[redacted]"}, got["X-Api-Token"])
	assert.Equal(t, []string{"[redacted]"}, got["Cookie"])
	assert.Equal(t, []string{"application/json"}, got["Content-Type"])
}

func TestURLDropsUserinfoAndSecretQueryValues(t *testing.T) {
	assert.Equal(t, "https://api.example/v1/2025?access_token=[redacted]&year=2025",
		URL("https://user:pa55@api.example/v1/2025?access_token=abc&year=2025"))
	assert.Equal(t, "http://127.0.0.1:8080/v1/2025", URL("http://127.0.0.1:8080/v1/2025"))
}

func TestRecorderKeepsRedactedCutExchangesAndLeavesTheCallerAlone(t *testing.T) {
	big := strings.Repeat("ø", MaxBody) // two bytes a rune: the cut must land between runes
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if len(b) > 100 {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			_, _ = io.WriteString(w, `{"kode":"GLD_006","melding":"Feil i request","korrelasjonsid":"k","feilspesifisering":[{"kode":"GLD_1022","sti":"$.leveranse"}]}`)
			return
		}
		_, _ = io.WriteString(w, `{"access_token":"`+jwt+`","echo":`+string(b)+`}`)
	}))
	defer srv.Close()

	rec := &Recorder{}
	c := rec.Client(srv.Client())
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/token", strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+jwt)
	resp, err := c.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	// The caller still gets the whole, unredacted answer.
	assert.Contains(t, string(body), jwt)

	resp, err = c.Post(srv.URL+"/v1/2025", "application/json", strings.NewReader(big))
	require.NoError(t, err)
	_ = resp.Body.Close()

	xs := rec.Take()
	require.Len(t, xs, 2)
	assert.Empty(t, rec.Take(), "Take forgets what it returned")

	first := xs[0]
	assert.Equal(t, Format, first.Format)
	assert.Equal(t, http.MethodPost, first.Method)
	assert.Equal(t, 200, first.Status)
	assert.Equal(t, []string{"Bearer [redacted]"}, first.RequestHeader["Authorization"])
	assert.Equal(t, `{"a":1}`, first.RequestBody)
	assert.NotContains(t, first.ResponseBody, "eyJhbGci")
	assert.Contains(t, first.ResponseBody, `"access_token":"[redacted]"`)

	second := xs[1]
	assert.Equal(t, http.StatusRequestEntityTooLarge, second.Status)
	assert.Equal(t, int64(len(big)), second.RequestBytes)
	assert.LessOrEqual(t, len(second.RequestBody), MaxBody+len("…"))
	assert.True(t, strings.HasSuffix(second.RequestBody, "…"))
	assert.True(t, json.Valid(must(json.Marshal(second.RequestBody))))
	assert.NotContains(t, second.RequestBody, "\uFFFD", "cut inside a rune")
	assert.Equal(t, []string{"GLD_006", "GLD_1022"}, second.Koder)
	assert.Equal(t, []string{"$.leveranse"}, second.Stier)
}

func TestRecorderIsSafeForConcurrentSteps(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rec := &Recorder{}
	c := rec.Client(nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := c.Get(srv.URL)
			if err == nil {
				_ = resp.Body.Close()
			}
		})
	}
	wg.Wait()
	assert.Len(t, rec.Take(), 8)
}

func TestRecorderKeepsTransportErrors(t *testing.T) {
	rec := &Recorder{}
	c := rec.Client(nil)
	// A port nothing listens on: bind one, close it.
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	_, err := c.Get(addr + "/v1/2025")
	require.Error(t, err)
	xs := rec.Take()
	require.Len(t, xs, 1)
	assert.Zero(t, xs[0].Status)
	assert.NotEmpty(t, xs[0].Error)
}

func TestFindingsOfAFeedbackDocument(t *testing.T) {
	koder, stier := Findings([]byte(`{"forsendelseId":"f","dialogId":"d","status":"avvist","funn":[
		{"kode":"SUM_AVVIKER","sti":"$.leveranse.oppgaveoppsummering.sumFormuesverdi"},
		{"kode":"SUM_AVVIKER","sti":"$.leveranse.oppgaveoppsummering.sumGevinst"}]}`))
	assert.Equal(t, []string{"SUM_AVVIKER"}, koder)
	assert.Equal(t, []string{"$.leveranse.oppgaveoppsummering.sumFormuesverdi", "$.leveranse.oppgaveoppsummering.sumGevinst"}, stier)
	koder, stier = Findings([]byte(`{"dialogId":"d","forsendelseId":"f"}`))
	assert.Empty(t, koder)
	assert.Empty(t, stier)
}

func TestDecodeRedactsAgain(t *testing.T) {
	xs, err := Decode([]byte(`[{"format":"finprod.exchange/v1","method":"GET","url":"http://u:p@h/x","requestHeader":{"Authorization":["Bearer abc"]},"responseBody":"` + jwt + `"}]`))
	require.NoError(t, err)
	require.Len(t, xs, 1)
	assert.Equal(t, "http://h/x", xs[0].URL)
	assert.Equal(t, []string{"Bearer [redacted]"}, xs[0].RequestHeader["Authorization"])
	assert.Equal(t, "[redacted] JWT", xs[0].ResponseBody)
	_, err = Decode([]byte(`{`))
	assert.Error(t, err)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// allPatterns is Text without its look-ahead: every pattern over every
// text. Text must give what it gives, for any text.
func allPatterns(s string) string {
	s = pemRe.ReplaceAllString(s, Redacted+" PEM")
	s = jwtRe.ReplaceAllString(s, Redacted+" JWT")
	s = jsonSecretRe.ReplaceAllString(s, `$1"`+Redacted+`"`)
	s = jsonSecretCutRe.ReplaceAllString(s, `$1"`+Redacted)
	return formSecretRe.ReplaceAllString(s, "${1}"+Redacted)
}

func TestTextLooksAheadWithoutMissingASecret(t *testing.T) {
	pieces := []string{
		`"`, `":`, `": "`, `" : "`, `=`, `&`, ` `, `\"`, "\n", "x", "æøå", `{"kode":"GLD_004"}`,
		"token", "TOKEN", "access_token", "Id_Token", "to\u212Aen", "\u017Fecret", "client_secret", "Secret", "password", "PassWd",
		"private_key", "privatekey", "PRIVATE", "assertion", "client_assertion", "pin", "PIN", "shipping", "beloepINOK", "idempotencyKey", "_key", "Key",
		"eyJ", "eyJhbGciOiJSUzI1Ni", jwt, "-----BEGIN PRIVATE KEY-----", "MIIEvQ", "-----END PRIVATE KEY-----", "-----BEGIN x",
	}
	rng := rand.New(rand.NewPCG(7, 8))
	redacted := 0
	for range 20_000 {
		s := testkit.Pieces(rng, pieces, 12)
		want := allPatterns(s)
		if want != s {
			redacted++
		}
		if !assert.Equal(t, want, Text(s), "%q", s) {
			return
		}
	}
	assert.Greater(t, redacted, 5000, "the corpus must hold secrets")
}

// containsFolded folds letters as Go's (?i) does; every rune the patterns
// take for one of the words' letters must fold to it.
func TestContainsFoldedFoldsAsTheCaseInsensitivePatterns(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if utf8.ValidRune(r) {
			all.WriteRune(r)
		}
	}
	found := 0
	for _, m := range regexp.MustCompile(`(?i)[a-z]`).FindAllString(all.String(), -1) {
		for _, letter := range "abcdefghijklmnopqrstuvwxyz" {
			if regexp.MustCompile(`(?i)^` + string(letter) + `$`).MatchString(m) {
				found++
				assert.True(t, containsFolded(m, string(letter)), "%q folds to %q", m, letter)
			}
		}
	}
	assert.Equal(t, 54, found, "a to z, A to Z, the Kelvin sign and long s")
}
