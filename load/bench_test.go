package load

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/target"
)

// sink stands in for the network: it reads the body the transport would
// write and answers 200 with the bare handler's body, so a benchmark sees
// only what finprod does on the client, per request.
type sink struct{}

func (sink) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{}`)), ContentLength: 2, Request: r}, nil
}

// benchToken is as long as the mock's Maskinporten tokens (an RS256 JWT
// of 1 107 characters).
type benchToken struct{}

func (benchToken) Token(context.Context, string, ...string) (string, error) {
	return strings.Repeat("eyJhbGciOiJSUzI1NiJ9", 55) + "abcdefg", nil
}

// guardedTarget is a profile target (synthetic only, its guard in the
// transport) whose tokens come from benchToken: no network.
func guardedTarget(b *testing.B) *target.Target {
	b.Helper()
	// FINPROD_BENCH_KEY names a PEM key to use instead of a new one: making
	// an RSA key takes a random amount of work, which would blur the
	// instruction counts of a run under callgrind.
	key := os.Getenv("FINPROD_BENCH_KEY")
	if key == "" {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			b.Fatal(err)
		}
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		key = filepath.Join(b.TempDir(), "key.pem")
		if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	tg, err := target.FromProfile(target.Profile{
		Name: "bench", API: "http://127.0.0.1:1", Dialogporten: "http://127.0.0.1:1/graphql",
		Maskinporten: maskinporten.Config{Issuer: "http://127.0.0.1:1/maskinporten/", ClientID: "bench", KID: "bench",
			KeyFile: key, Systembruker: "315300029"},
	})
	if err != nil {
		b.Fatal(err)
	}
	tg.Credentials = benchToken{}
	return tg
}

// BenchmarkRequest is the client's work for one request of `finprod load`
// as Vegeta's worker does it (hit): the targeter (a fresh leveranse, key
// and token), the request, the transport chain (run context, synthetic
// guard, retries with the attempt timeout) down to a sink instead of the
// network, reading the answer, and recording the result (histograms,
// counts, the timeline, results file). Vegeta's pacing and net/http's connection are
// left out: raw Vegeta pays for those too.
func BenchmarkRequest(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run("oppgaver="+strconv.Itoa(n), func(b *testing.B) {
			ctx := context.Background()
			o := Options{Target: guardedTarget(b), Schedule: Constant{PerSecond: 1000}, Bounds: Bounds{Count: 1}, Oppgaver: n, Seed: 1, MaxRate: 1000}
			o.withDefaults()
			r, err := newRunnerOver(ctx, o, sink{})
			if err != nil {
				b.Fatal(err)
			}
			defer r.close()
			w, err := newWriter(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer w.abandon()
			var tokenErr atomic.Pointer[error]
			tr := r.targeter(ctx, &tokenErr)
			rec, tl := newRecorder(nil), newTimeline()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				request(b, tr, r.http, uint64(i), rec, tl, w)
			}
			if rec.success != rec.sent {
				b.Fatalf("%d of %d succeeded: %v", rec.success, rec.sent, rec.errs)
			}
		})
	}
}

// BenchmarkRequestFloor is the same loop as raw Vegeta's POST of one fixed
// body: no generation, no guard, no retries, no histograms; the result is
// encoded, as the vegeta CLI does. What BenchmarkRequest costs above it is
// finprod's own work.
func BenchmarkRequestFloor(b *testing.B) {
	body := []byte(strings.Repeat("x", 1563))
	tr := func(t *vegeta.Target) error {
		t.Method, t.URL, t.Body = http.MethodPost, "http://127.0.0.1:1/v1/2025", body
		t.Header = http.Header{"Content-Type": {"application/json"}}
		return nil
	}
	c := &http.Client{Transport: sink{}}
	w, err := newWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer w.abandon()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		floorRequest(b, tr, c, uint64(i), w)
	}
}

// floorRequest is one iteration of BenchmarkRequestFloor.
func floorRequest(b *testing.B, tr vegeta.Targeter, c *http.Client, seq uint64, w *writer) {
	w.add(hit(b, tr, c, seq))
}

// request is one iteration of BenchmarkRequest (callgrind's
// --toggle-collect counts the instructions under it).
func request(b *testing.B, tr vegeta.Targeter, c *http.Client, seq uint64, rec *recorder, tl *timeline, w *writer) {
	res := hit(b, tr, c, seq)
	rec.add(res, res.Timestamp, Shard{Count: 1}, false)
	tl.add(res, res.Timestamp)
	w.add(res)
}

// hit does what Vegeta's Attacker.hit does for one request.
func hit(b *testing.B, tr vegeta.Targeter, c *http.Client, seq uint64) *vegeta.Result {
	res := vegeta.Result{Seq: seq, Timestamp: time.Now()}
	var tgt vegeta.Target
	if err := tr(&tgt); err != nil {
		b.Fatal(err)
	}
	res.Method, res.URL = tgt.Method, tgt.URL
	req, err := tgt.Request()
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("X-Vegeta-Seq", strconv.FormatUint(seq, 10))
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if res.Body, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10)); err != nil {
		b.Fatal(err)
	}
	_ = resp.Body.Close()
	res.Code = uint16(resp.StatusCode)
	res.BytesIn, res.BytesOut = uint64(len(res.Body)), uint64(req.ContentLength)
	res.Headers = resp.Header
	res.Latency = time.Since(res.Timestamp)
	return &res
}
