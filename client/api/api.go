// Package api is the client of the reporting API: it submits leveranser
// (POST /v1/{inntektsaar}) and fetches documents from the URLs Dialogporten
// gives.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/contract"
)

// Client submits leveranser to the reporting API and fetches documents from it.
type Client struct {
	// BaseURL is the API's root, e.g. http://127.0.0.1:8080 or
	// https://innrapporteringfinansprodukter.api.skatteetaten-test.no.
	BaseURL string
	// HTTP is the client to use; one with DefaultTimeout when nil.
	HTTP *http.Client
	// Tokens gives the bearer token; no Authorization header when nil.
	Tokens client.TokenSource
}

// SubmitResult is the answer to one submission, whatever its status.
type SubmitResult struct {
	Status int
	// Body is the response body, byte for byte.
	Body   []byte
	Header http.Header
	// Kvittering is set on 200, Feil on an error status with a parsable body.
	Kvittering     *contract.Kvittering
	Feil           *contract.Feil
	Korrelasjonsid string
	// Latency runs from sending the request to reading the whole body.
	Latency time.Duration
}

// request is what the options shape.
type request struct {
	method string
	path   string
	header http.Header
	omit   map[string]bool
}

// SubmitOption changes how Submit builds its request, so negative tests can
// send malformed requests through the same client.
type SubmitOption func(*request)

// WithHeader sets a header, replacing the one Submit would send.
func WithHeader(name, value string) SubmitOption {
	return func(r *request) { r.header[name] = []string{value}; delete(r.omit, name) }
}

// WithoutHeader leaves a header out (Authorization, Accept, Content-Type,
// idempotencyKey, ...).
func WithoutHeader(name string) SubmitOption {
	return func(r *request) { delete(r.header, name); r.omit[name] = true }
}

// WithMethod sends another method than POST.
func WithMethod(m string) SubmitOption { return func(r *request) { r.method = m } }

// WithPath sends to another path than /v1/{inntektsaar}.
func WithPath(p string) SubmitOption { return func(r *request) { r.path = p } }

// Submit posts one leveranse to /v1/{inntektsaar}. An error means no HTTP
// answer came back (network, token source); every HTTP status, including
// GLD errors, is in the result. An empty idempotencyKey leaves the header out.
func (a *Client) Submit(ctx context.Context, inntektsaar int, idempotencyKey string, body []byte, opts ...SubmitOption) (*SubmitResult, error) {
	rq := &request{
		method: http.MethodPost,
		path:   "/v1/" + strconv.Itoa(inntektsaar),
		header: http.Header{},
		omit:   map[string]bool{},
	}
	// Set directly, not via Header.Set: the API spells it idempotencyKey and
	// a literal server may not canonicalise.
	rq.header["Accept"] = []string{"application/json"}
	rq.header["Content-Type"] = []string{"application/json"}
	if idempotencyKey != "" {
		rq.header[contract.HeaderIdempotencyKey] = []string{idempotencyKey}
	}
	for _, o := range opts {
		o(rq)
	}
	target := strings.TrimSuffix(a.BaseURL, "/") + rq.path
	req, err := http.NewRequestWithContext(ctx, rq.method, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("submit to %s: %w", redact(target), err)
	}
	if err := a.authorize(ctx, req, rq); err != nil {
		return nil, err
	}
	for k, v := range rq.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", client.UserAgent)
	start := time.Now()
	resp, err := a.client().Do(req)
	if err != nil {
		return nil, transportError(rq.method, target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, transportError(rq.method, target, err)
	}
	res := &SubmitResult{
		Status: resp.StatusCode, Body: raw, Header: resp.Header,
		Korrelasjonsid: resp.Header.Get(contract.HeaderKorrelasjonsid), Latency: time.Since(start),
	}
	if resp.StatusCode == http.StatusOK {
		var k contract.Kvittering
		if err := json.Unmarshal(raw, &k); err == nil {
			res.Kvittering = &k
		}
	} else if f, err := contract.ParseFeil(raw); err == nil {
		res.Feil = f
		if res.Korrelasjonsid == "" {
			res.Korrelasjonsid = f.Korrelasjonsid
		}
	}
	return res, nil
}

// authorize adds the bearer token unless the caller set or omitted it.
func (a *Client) authorize(ctx context.Context, req *http.Request, rq *request) error {
	if a.Tokens == nil || rq.omit["Authorization"] || rq.header.Get("Authorization") != "" {
		return nil
	}
	tok, err := a.Tokens.Token(ctx)
	if err != nil {
		return fmt.Errorf("token for %s: %w", req.URL.Redacted(), err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return nil
}

// Document is a document fetched from the API.
type Document struct {
	Body           []byte
	MediaType      string
	Korrelasjonsid string
}

// StatusError is a non-200 answer of the document endpoint. Feil is its GLD
// error body when it had one (errors.As finds it too).
type StatusError struct {
	URL    string
	Status int
	Body   []byte
	Feil   *contract.Feil
}

func (e *StatusError) Error() string {
	if e.Feil != nil {
		return fmt.Sprintf("GET %s: HTTP %d: %v", e.URL, e.Status, e.Feil)
	}
	return fmt.Sprintf("GET %s: HTTP %d: %.200s", e.URL, e.Status, e.Body)
}

func (e *StatusError) Unwrap() error {
	if e.Feil == nil {
		return nil
	}
	return e.Feil
}

// GetDocument fetches a document from the URL given in a Dialogporten
// attachment: it follows the URL as it is, never builds one. A non-200
// answer is a *StatusError, with its GLD error (*contract.Feil) when the
// body held one.
func (a *Client) GetDocument(ctx context.Context, docURL string) (*Document, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, docURL, nil)
	if err != nil {
		return nil, errors.New("the document URL does not parse as a URL")
	}
	if err := a.authorize(ctx, req, &request{header: http.Header{}, omit: map[string]bool{}}); err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", client.UserAgent)
	resp, err := a.client().Do(req)
	if err != nil {
		return nil, transportError(http.MethodGet, docURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, transportError(http.MethodGet, docURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		se := &StatusError{URL: redact(docURL), Status: resp.StatusCode, Body: raw}
		if f, perr := contract.ParseFeil(raw); perr == nil {
			se.Feil = f
		}
		return nil, se
	}
	return &Document{Body: raw, MediaType: resp.Header.Get("Content-Type"), Korrelasjonsid: resp.Header.Get(contract.HeaderKorrelasjonsid)}, nil
}

func (a *Client) client() *http.Client {
	if a.HTTP != nil {
		return a.HTTP
	}
	return &http.Client{Timeout: client.DefaultTimeout}
}

// transportError names the URL and, when a loopback target refused the
// connection, says how to start the local mock.
func transportError(method, target string, err error) error {
	msg := fmt.Sprintf("%s %s: no answer", method, redact(target))
	if errors.Is(err, syscall.ECONNREFUSED) && isLoopback(target) {
		msg += " (connection refused: is the local mock running? start it with `finprod mock`)"
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// redact hides a password in a URL, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

func isLoopback(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
