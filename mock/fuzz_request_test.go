package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/google/uuid"
)

// FuzzRequest sends whatever the fuzzer makes of a request (method, path,
// header lines, body; optionally the same request twice) over a real
// connection to the mock's own handlers, behind net/http's own request
// parsing, and holds the answers to what a client may rely on whatever it
// sends:
//
//   - no handler panics, and every request whose body arrived gets an answer;
//   - never a 5xx: with no faults set, every refusal is the client's mistake;
//   - an API refusal is the API's error body (the contract's Feil schema)
//     with the Korrelasjonsid header of the body;
//   - an accepted submission's receipt names a stored forsendelse, and the
//     store holds exactly the forsendelser receipts were given for: nothing
//     refused is stored;
//   - a repeated submission that was accepted is answered byte for byte as
//     the first time.
//
// Tokens are spliced in for the placeholders @TOKEN@ (the example's
// oppgavegiver), @TOKEN_OTHER@ (an org without access to it),
// @TOKEN_NOSCOPE@, @TOKEN_EXPIRED@ and @TOKEN_DP@ (with Dialogporten's
// scope), so the fuzzer gets past
// authentication; Content-Length is set unless the header lines set it or
// Transfer-Encoding.
func FuzzRequest(f *testing.F) {
	example := contract.Eksempel()
	key := "0190a8e2-7b3c-7d4e-8f5a-6b7c8d9e0f1a"
	submitHeaders := "Authorization: Bearer @TOKEN@\nContent-Type: application/json\nAccept: application/json\nidempotencyKey: " + key
	for _, s := range []struct {
		method, path, headers string
		body                  []byte
		twice                 bool
	}{
		{"POST", "/v1/2024", submitHeaders, example, true},
		{"POST", "/v1/2024", submitHeaders, example, false},
		{"POST", "/v1/2024", strings.Replace(submitHeaders, "@TOKEN@", "@TOKEN_OTHER@", 1), example, false},
		{"POST", "/v1/2024", strings.Replace(submitHeaders, "@TOKEN@", "@TOKEN_NOSCOPE@", 1), example, false},
		{"POST", "/v1/2024", strings.Replace(submitHeaders, "@TOKEN@", "@TOKEN_EXPIRED@", 1), example, false},
		{"POST", "/v1/2024", strings.Replace(submitHeaders, "application/json\nAccept", "text/plain\nAccept", 1), example, false},
		{"POST", "/v1/2024", submitHeaders, []byte(`{"leveranse":{}}`), false},
		{"POST", "/v1/2024", submitHeaders, []byte(`{"a":`), false},
		{"POST", "/v1/20x4", submitHeaders, example, false},
		{"POST", "/v1/1999", submitHeaders, example, false},
		{"POST", "/v1/2024", "Authorization: Bearer @TOKEN@\nContent-Type: application/json\nTransfer-Encoding: chunked\nidempotencyKey: " + key, []byte("5\r\n{\"a\":\r\n0\r\n\r\n"), false},
		{"GET", "/v1/2024", submitHeaders, nil, false},
		{"GET", "/v1/2024/987546231/forsendelse/" + key + "/dokument/" + key, "Authorization: Bearer @TOKEN@\nAccept: application/json", nil, false},
		{"HEAD", "/v1/2024/987546231/forsendelse/x/dokument/y", "Authorization: Bearer @TOKEN@", nil, false},
		{"DELETE", "/v1/2024/987546231/forsendelse/" + key + "/dokument/" + key, "", nil, false},
		{"GET", "/nowhere", "", nil, false},
		{"GET", "/v1/%zz", "", nil, false},
		{"POST", "/dialogporten/graphql", "Authorization: Bearer @TOKEN_DP@\nContent-Type: application/json",
			[]byte(`{"query":"query { searchDialogs(input: {party: [\"urn:altinn:organization:identifier-no:987546231\"]}) { items { id } } }"}`), false},
		{"POST", "/maskinporten/token", "Content-Type: application/x-www-form-urlencoded", []byte("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c"), false},
		{"GET", "/maskinporten/.well-known/oauth-authorization-server", "", nil, false},
		{"GET", "/admin/forsendelser?oppgavegiver=987546231&referanse=x", "", nil, false},
		{"POST", "/admin/token", "Content-Type: application/json", []byte(`{"systembruker":"987546231","ttl":"1m"}`), false},
		{"GET", "/admin/faults", "", nil, false},
	} {
		f.Add(s.method, s.path, s.headers, s.body, s.twice)
	}

	h := newRequestHarness(f)
	f.Fuzz(func(t *testing.T, method, path, headers string, body []byte, twice bool) {
		h.run(t, method, path, headers, body, twice)
	})
}

// requestHarness is one mock, served behind a handler that records every
// answer, for the whole fuzzing run; each input starts from an empty store.
type requestHarness struct {
	s      *Server
	addr   string
	tokens map[string]string

	mu      sync.Mutex
	answers []answered
}

// answered is what the mock's handlers did with one request.
type answered struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
	bodyErr      error // reading the request body failed (it was cut short)
	panicked     string
}

func newRequestHarness(f *testing.F) *requestHarness {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Config{API: APIConfig{OpenYears: YearRange{From: 2020, To: 2030}}})
	if err != nil {
		f.Fatal(err)
	}
	h := &requestHarness{s: s, tokens: map[string]string{}}
	mint := func(name, org string, ttl time.Duration, scopes ...string) {
		tok, err := s.MintTokenTTL(org, ttl, scopes...)
		if err != nil {
			f.Fatal(err)
		}
		h.tokens[name] = tok
	}
	// Long-lived, so that a fuzzing run of any length keeps getting past
	// authentication.
	mint("@TOKEN@", "987546231", 1000*time.Hour)
	mint("@TOKEN_OTHER@", "974760673", 1000*time.Hour)
	mint("@TOKEN_NOSCOPE@", "987546231", 1000*time.Hour, "other:scope")
	mint("@TOKEN_EXPIRED@", "987546231", -time.Minute)
	mint("@TOKEN_DP@", "987546231", 1000*time.Hour, contract.Scope, dialogschema.Scope)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	h.addr = ln.Addr().String()
	// The mock's own server settings, with the recording handler.
	srv := &http.Server{Handler: h.record(s.srv.Handler), ReadHeaderTimeout: s.srv.ReadHeaderTimeout, ReadTimeout: s.srv.ReadTimeout,
		WriteTimeout: s.srv.WriteTimeout, IdleTimeout: s.srv.IdleTimeout, MaxHeaderBytes: s.srv.MaxHeaderBytes}
	go func() { _ = srv.Serve(ln) }()
	f.Cleanup(func() {
		_ = srv.Close()
		cancel()
		_ = s.Close()
	})
	return h
}

// record wraps the mock's handler: it notes each answer's status, headers
// and body, whether the request body could be read, and any panic.
func (h *requestHarness) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answered{method: r.Method, path: r.URL.Path}
		body := &errReader{r: r.Body}
		r.Body = body
		rec := &answerRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				a.panicked = fmt.Sprintf("%v\n%s", p, debug.Stack())
			}
			a.status, a.header, a.body, a.bodyErr = rec.status, rec.Header().Clone(), rec.body.Bytes(), body.err
			h.mu.Lock()
			h.answers = append(h.answers, a)
			h.mu.Unlock()
		}()
		next.ServeHTTP(rec, r)
	})
}

type errReader struct {
	r   io.ReadCloser
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}

func (e *errReader) Close() error { return e.r.Close() }

type answerRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	a.body.Write(b)
	return a.ResponseWriter.Write(b)
}

func (a *answerRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }

func (h *requestHarness) run(t *testing.T, method, path, headers string, body []byte, twice bool) {
	h.s.Reset()
	h.mu.Lock()
	h.answers = nil
	h.mu.Unlock()

	raw := h.compose(method, path, headers, body)
	if twice {
		raw = append(raw, raw...)
	}
	// Failures show the request as the fuzzer made it, with the
	// placeholders, never the tokens spliced in for them.
	shown := fmt.Sprintf("%s %s, headers %q, body %q, twice %v", method, path, headers, body, twice)
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := conn.Write(raw); err != nil && !errors.Is(err, net.ErrClosed) {
		// The server may hang up on a request it refuses before reading it all.
		t.Logf("write: %v", err)
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	if _, err := io.Copy(io.Discard, bufio.NewReader(conn)); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("no end to the answers within 20 s; the request was %s", shown)
		}
	}
	// The handler's deferred record runs before the connection closes.
	h.mu.Lock()
	answers := append([]answered(nil), h.answers...)
	h.mu.Unlock()

	stored := map[string]bool{}
	var firstReceipt *answered
	for i := range answers {
		a := &answers[i]
		where := fmt.Sprintf("%s %q (request %s)", a.method, a.path, shown)
		if a.panicked != "" {
			t.Fatalf("%s: the handler panicked: %s", where, a.panicked)
		}
		if a.status == 0 {
			if a.bodyErr == nil {
				t.Fatalf("%s: no answer, although the body was read whole", where)
			}
			continue
		}
		if a.status >= 500 {
			t.Fatalf("%s: answered %d, a server error for what the client sent:\n%s", where, a.status, a.body)
		}
		if isAPIPath(a.path) && a.status >= 400 {
			checkFeil(t, where, a)
		}
		if isAPIPath(a.path) && a.method == http.MethodPost && a.status == http.StatusOK {
			var k contract.Kvittering
			if err := json.Unmarshal(a.body, &k); err != nil || k.ForsendelseID == "" {
				t.Fatalf("%s: a 200 that is not a receipt: %s", where, a.body)
			}
			if _, ok := h.s.Forsendelse(k.ForsendelseID); !ok {
				t.Fatalf("%s: receipt for forsendelse %s, which the store does not hold", where, k.ForsendelseID)
			}
			stored[k.ForsendelseID] = true
			if firstReceipt == nil {
				firstReceipt = a
			} else if twice && (!bytes.Equal(a.body, firstReceipt.body) ||
				a.header.Get(contract.HeaderKorrelasjonsid) != firstReceipt.header.Get(contract.HeaderKorrelasjonsid)) {
				t.Fatalf("%s: the replay's answer differs from the first:\n%s\n%s", where, firstReceipt.body, a.body)
			}
		}
		if strings.HasPrefix(a.path, AdminPrefix) && a.method != http.MethodGet && a.method != http.MethodHead {
			// An admin request may reset the store or change faults and
			// access: the store is not held to the receipts, and the mock
			// is put back for the next input.
			stored = nil
			defer h.restore(t)
		}
	}
	if stored != nil && h.s.Count() != len(stored) {
		t.Fatalf("the store holds %d forsendelser, receipts were given for %d (request %s)", h.s.Count(), len(stored), shown)
	}
}

func (h *requestHarness) restore(t *testing.T) {
	if err := h.s.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	if err := h.s.SetAccess(AccessConfig{Relationships: h.s.cfg.Access.Relationships}); err != nil {
		t.Fatal(err)
	}
}

// compose writes the request as a client would put it on the wire.
func (h *requestHarness) compose(method, path, headers string, body []byte) []byte {
	for name, tok := range h.tokens {
		headers = strings.ReplaceAll(headers, name, tok)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, h.addr)
	framed := false
	for _, line := range strings.Split(headers, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		if n := strings.ToLower(strings.TrimSpace(name)); n == "content-length" || n == "transfer-encoding" {
			framed = true
		}
		b.WriteString(line + "\r\n")
	}
	if !framed {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// isAPIPath: everything but the other services' mounts answers in the API's
// error format.
func isAPIPath(p string) bool {
	for _, other := range []string{AdminPrefix, MaskinportenPrefix, DialogportenPrefix} {
		if strings.HasPrefix(p, other) {
			return false
		}
	}
	return true
}

func checkFeil(t *testing.T, where string, a *answered) {
	t.Helper()
	if a.status == http.StatusMovedPermanently || a.status == http.StatusPermanentRedirect {
		return // net/http's mux cleaning a path: not the API's answer
	}
	doc, err := contract.DecodeJSON(a.body)
	if err != nil {
		t.Fatalf("%s: %d with a body that is not JSON: %q", where, a.status, a.body)
	}
	if vs := contract.Default().ValidateFeil(doc); len(vs) > 0 {
		t.Fatalf("%s: %d with a body that is not the API's error format (%v): %s", where, a.status, vs, a.body)
	}
	var feil contract.Feil
	if err := json.Unmarshal(a.body, &feil); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if _, err := uuid.Parse(feil.Korrelasjonsid); err != nil || a.header.Get(contract.HeaderKorrelasjonsid) != feil.Korrelasjonsid {
		t.Fatalf("%s: korrelasjonsid %q in the body, %q in the header", where, feil.Korrelasjonsid, a.header.Get(contract.HeaderKorrelasjonsid))
	}
}
