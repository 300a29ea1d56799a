package exchange

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/finprod/finprod/contract"
)

// Recorder is an http.RoundTripper that keeps a redacted copy of every
// exchange that passes through it. It is safe for concurrent use (a step
// may send several requests at once).
type Recorder struct {
	// Next sends the requests; http.DefaultTransport when nil.
	Next http.RoundTripper
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	mu   sync.Mutex
	kept []Exchange
}

// Client returns an http.Client that records through r and otherwise
// behaves as base (timeout, redirects, cookies).
func (r *Recorder) Client(base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	if r.Next == nil {
		r.Next = c.Transport
	}
	c.Transport = r
	return c
}

// Take returns the exchanges recorded since the last Take and forgets them.
func (r *Recorder) Take() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.kept
	r.kept = nil
	return out
}

func (r *Recorder) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// RoundTrip sends the request and records it with its answer. Bodies are
// read whole, redacted, then cut to MaxBody; the request and response the
// caller sees are unchanged.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	next := r.Next
	if next == nil {
		next = http.DefaultTransport
	}
	x := Exchange{Format: Format, Method: req.Method, URL: req.URL.String(), RequestHeader: req.Header.Clone(), Started: r.now().UTC()}
	if req.Body != nil && req.Body != http.NoBody {
		body, err := requestBody(req)
		if err != nil {
			return nil, err
		}
		x.RequestBytes = int64(len(body))
		x.RequestBody = keep(body)
	}
	resp, err := next.RoundTrip(req)
	x.DurationMS = float64(r.now().Sub(x.Started).Microseconds()) / 1000
	if err != nil {
		x.Error = err.Error()
		r.keep(x)
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	x.Status = resp.StatusCode
	x.ResponseHeader = resp.Header.Clone()
	x.ResponseBytes = int64(len(body))
	x.Koder, x.Stier = Findings(body)
	x.ResponseBody = keep(body)
	if rerr != nil {
		x.Error = "reading the answer: " + rerr.Error()
	}
	r.keep(x)
	return resp, nil
}

func (r *Recorder) keep(x Exchange) {
	x = x.Redacted()
	r.mu.Lock()
	r.kept = append(r.kept, x)
	r.mu.Unlock()
}

// requestBody reads the body without taking it from the request: from
// GetBody when the request has it, else by reading and putting it back.
func requestBody(req *http.Request) ([]byte, error) {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// keep is the part of a body that is kept: its first MaxBody bytes, cut
// on a rune boundary (the JSON that carries it stays valid UTF-8), then
// redacted. Only the kept part is scanned, so a 10 MB leveranse costs no
// more than a small one; Text also takes out a secret the cut left half.
func keep(body []byte) string {
	if len(body) <= MaxBody {
		return Text(string(body))
	}
	n := MaxBody
	for n > 0 && !utf8RuneStart(body[n]) {
		n--
	}
	return Text(string(body[:n])) + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Findings returns the GLD codes and JSONPaths an answer carries: the kode
// and feilspesifisering of an error body, or the funn of a feedback
// document (contract.Tilbakemelding). Other bodies carry none.
func Findings(body []byte) (koder, stier []string) {
	if f, err := contract.ParseFeil(body); err == nil {
		for _, k := range f.Koder() {
			koder = append(koder, string(k))
		}
		for _, sp := range f.Feilspesifisering {
			if sp.Sti != "" {
				stier = append(stier, sp.Sti)
			}
		}
		return koder, stier
	}
	var t contract.Tilbakemelding
	if json.Unmarshal(body, &t) == nil && t.Status != "" && t.ForsendelseID != "" {
		for _, f := range t.Funn {
			if f.Kode != "" && !slices.Contains(koder, f.Kode) {
				koder = append(koder, f.Kode)
			}
			if f.Sti != "" {
				stier = append(stier, f.Sti)
			}
		}
	}
	return koder, stier
}
