// Package submit delivers a user's own leveranser to a target without ever
// duplicating one: each gets an idempotency key of its own, written to the
// receipts (OUT/submit/receipts.ndjson) before the request leaves and kept
// for good, retries go through client/retry with that same key and body,
// and a resumed delivery skips what the receipts show accepted and sends
// the rest again with the keys they recorded. With WaitFeedback each
// accepted forsendelse is followed into Dialogporten, with the clients
// `finprod fetch` uses, for the feedback.
package submit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/finprod/finprod/check"
	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsonstream"
	"github.com/finprod/finprod/target"
)

// Options shape a delivery.
type Options struct {
	// Inputs are files ("-" for Stdin), as check.Inputs expands them.
	Inputs []string
	Stdin  io.Reader
	// Dir is where receipts.ndjson (and the feedback documents) go.
	Dir string
	// Resume goes on with the receipts in Dir; Fresh moves them aside and
	// starts anew. With neither, receipts in Dir are an error.
	Resume, Fresh bool
	// Inntektsaar is the path's year; 0 sends each leveranse to its own.
	Inntektsaar int
	// Concurrency is how many leveranser are in flight at once.
	Concurrency int
	// Retry is the retry policy (client/retry), shared with finprod load.
	Retry retry.Policy
	// WaitFeedback follows each accepted forsendelse into Dialogporten,
	// for at most FeedbackTimeout (the target's when 0).
	WaitFeedback    bool
	FeedbackTimeout time.Duration
	// Report hears every receipt as it is written, and every leveranse
	// skipped, with why (skipped is then not empty; r is the receipt that
	// shows it accepted, or where it is). Calls come one at a time.
	Report func(r Receipt, skipped string)
	Now    func() time.Time
}

// Summary counts what a delivery did.
type Summary struct {
	Leveranser int
	// Accepted in this run; Skipped were accepted before (the receipts
	// say so); Duplicates are the same bytes as one earlier in the input.
	Accepted, Skipped, Duplicates int
	Rejected, Failed, Refused     int
	// NotSynthetic of the Refused carried identities that are not.
	NotSynthetic int
	// Feedback: godkjent, avvist, and none within the timeout.
	Godkjent, Avvist, NoFeedback int
	// Retries the transport made in all; Torn receipt lines skipped.
	Retries uint64
	Torn    int
	// Receipts is the file; Moved the earlier one Fresh kept.
	Receipts, Moved string
}

// OK reports whether everything was accepted (and found godkjent).
func (s Summary) OK() bool {
	return s.Rejected == 0 && s.Failed == 0 && s.Refused == 0 && s.Avvist == 0 && s.NoFeedback == 0
}

// item is one leveranse read from the input.
type item struct {
	file     string
	document int
	line     int
	body     []byte
	notJSON  error
}

// Deliver sends every leveranse of the inputs to tg. Its error is one the
// delivery could not go on after (receipts that cannot be written, an
// input that cannot be read, ctx ended); what the API answered is in the
// Summary and the receipts.
func Deliver(ctx context.Context, tg *target.Target, o Options) (Summary, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	if o.FeedbackTimeout <= 0 {
		o.FeedbackTimeout = tg.FeedbackTimeout
	}
	if o.Report == nil {
		o.Report = func(Receipt, string) {}
	}
	j, moved, err := openJournal(o.Dir, o.Resume, o.Fresh, o.Now())
	if err != nil {
		return Summary{}, err
	}
	defer j.close()
	sum := Summary{Receipts: j.path, Moved: moved, Torn: j.torn}

	rt := retry.New(tg.HTTP.Transport, o.Retry, retry.WithObserver(func(ev retry.Event) {
		if n, ok := ev.Request.Context().Value(attemptsKey{}).(*atomic.Int32); ok {
			n.Add(1)
		}
	}))
	// No overall timeout: each attempt has its own (Retry.AttemptTimeout),
	// and a retried submission must not be cut off between attempts.
	httpc := &http.Client{Transport: rt}
	d := &delivery{o: o, tg: tg, j: j, http: httpc, sum: &sum}

	items := make(chan item)
	readErr := make(chan error, 1)
	go func() {
		defer close(items)
		readErr <- readInputs(ctx, o, items)
	}()
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				if err := d.one(ctx, it); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	sum.Retries = rt.Stats().Retries
	if err := <-readErr; err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return sum, firstErr
}

// readInputs reads the inputs document by document, as finprod check does.
func readInputs(ctx context.Context, o Options, out chan<- item) error {
	for _, name := range o.Inputs {
		var in io.Reader
		display := name
		if name == check.Stdin {
			in, display = o.Stdin, "stdin"
		} else {
			f, err := os.Open(name)
			if err != nil {
				return fmt.Errorf("%s cannot be read: %w", name, err)
			}
			defer f.Close()
			in = f
			if abs, err := filepath.Abs(name); err == nil {
				display = abs
			}
		}
		r := jsonstream.NewReader(in)
		for doc := 1; ; doc++ {
			if _, err := r.Peek(); err == io.EOF {
				if doc == 1 {
					// As finprod check: an input without a leveranse is a
					// mistake, never a delivery of none.
					return fmt.Errorf("%s %w", display, check.ErrEmpty)
				}
				break
			} else if err != nil {
				return fmt.Errorf("%s cannot be read: %w", name, err)
			}
			it := item{file: display, document: doc, line: r.Line()}
			body, err := r.Value(nil)
			var se *jsonstream.SyntaxError
			switch {
			case errors.As(err, &se):
				it.notJSON = se
				if err := r.Resync(); err != nil && err != io.EOF {
					return fmt.Errorf("%s cannot be read: %w", name, err)
				}
			case err != nil:
				return fmt.Errorf("%s cannot be read: %w", name, err)
			}
			it.body = body
			select {
			case out <- it:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// delivery is the state the workers share.
type delivery struct {
	o    Options
	tg   *target.Target
	j    *journal
	http *http.Client

	mu  sync.Mutex
	sum *Summary

	reportMu sync.Mutex
}

func (d *delivery) report(r Receipt, skipped string) {
	d.reportMu.Lock()
	defer d.reportMu.Unlock()
	d.o.Report(r, skipped)
}

func (d *delivery) count(f func(s *Summary)) {
	d.mu.Lock()
	f(d.sum)
	d.mu.Unlock()
}

// one delivers one leveranse and writes its receipts. Its error stops the
// delivery: receipts that cannot be written.
func (d *delivery) one(ctx context.Context, it item) error {
	sha := sha256.Sum256(it.body)
	r := Receipt{File: it.file, Document: it.document, Line: it.line, SHA256: hex.EncodeToString(sha[:]), Target: d.tg.Name}
	d.count(func(s *Summary) { s.Leveranser++ })
	if it.notJSON != nil {
		r.Status, r.Kode = StatusRefused, string(contract.GLD008)
		r.Melding = "not sent: not JSON (" + it.notJSON.Error() + "); see finprod check"
		d.count(func(s *Summary) { s.Refused++ })
		return d.write(r)
	}
	// The reader finds where a document ends by its brackets alone; what
	// is not JSON inside them (or a bare word) is refused here, as the
	// API would refuse it, and is never sent.
	if err := json.Unmarshal(it.body, new(json.RawMessage)); err != nil {
		line := it.line
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 && se.Offset <= int64(len(it.body)) {
			line += bytes.Count(it.body[:se.Offset-1], []byte("\n"))
		}
		r.Status, r.Kode = StatusRefused, string(contract.GLD008)
		r.Melding = fmt.Sprintf("not sent: not JSON (line %d: %v); see finprod check", line, err)
		d.count(func(s *Summary) { s.Refused++ })
		return d.write(r)
	}
	h := readHead(it.body)
	r.Oppgavegiver, r.Referanse = h.oppgavegiver, h.referanse
	year := d.o.Inntektsaar
	if year == 0 {
		year = h.inntektsaar
	}
	if year < 1000 || year > 9999 {
		r.Status = StatusRefused
		r.Melding = fmt.Sprintf("not sent: the leveranse has no four-digit inntektsaar to send it to (%q); give --inntektsaar", h.yearText)
		d.count(func(s *Summary) { s.Refused++ })
		return d.write(r)
	}
	r.Inntektsaar = year
	if sb := d.tg.Systembruker(h.oppgavegiver); !nineDigits(sb) {
		// Only on --target local, where an oppgavegiver reports for
		// itself: a profile's systembruker is checked when it is opened.
		r.Status = StatusRefused
		r.Melding = fmt.Sprintf("not sent: the leveranse names no oppgavegiver to report for (leveranse.oppgavegiver.organisasjonsnummer %q), and on target %s the oppgavegiver reports for itself; see finprod check", h.oppgavegiver, d.tg.Name)
		d.count(func(s *Summary) { s.Refused++ })
		return d.write(r)
	}

	key, accepted, takenAt := d.j.claim(r.SHA256, newKey(), fmt.Sprintf("%s document %d", it.file, it.document))
	switch {
	case takenAt != "":
		d.count(func(s *Summary) { s.Duplicates++ })
		d.report(r, "the same leveranse as "+takenAt+", byte for byte")
		return nil
	case accepted != nil:
		d.count(func(s *Summary) { s.Skipped++ })
		d.report(*accepted, "accepted before, at "+accepted.Time.Local().Format(time.DateTime))
		return nil
	}
	r.Key = key
	r.Status = StatusSending
	if err := d.write(r); err != nil {
		return err
	}

	var attempts atomic.Int32
	tokens := d.tokens(h.oppgavegiver, contract.Scope)
	// Each retry asks the token source again: a token can expire during a
	// long backoff.
	actx := retry.ContextWithTokens(context.WithValue(ctx, attemptsKey{}, &attempts), tokens)
	c := &api.Client{BaseURL: d.tg.APIURL, HTTP: d.http, Tokens: tokens}
	res, err := c.Submit(actx, year, key, it.body)
	r.Attempts = int(attempts.Load())
	switch {
	case err != nil && ctx.Err() != nil:
		// Interrupted: the "sending" receipt stands, and a resume sends
		// again with the same key.
		return nil
	case errors.Is(err, target.ErrNotSynthetic):
		// The guard's own words, without the URL that the client, the
		// transport and the guard each put before them.
		msg := err.Error()
		if i := strings.Index(msg, target.ErrNotSynthetic.Error()); i >= 0 {
			msg = msg[i:]
		}
		r.Status, r.Melding = StatusRefused, "not sent: "+msg
		d.count(func(s *Summary) { s.Refused++; s.NotSynthetic++ })
		return d.write(r)
	case err != nil:
		r.Status, r.Melding = StatusFailed, err.Error()
		d.count(func(s *Summary) { s.Failed++ })
		return d.write(r)
	}
	r.HTTPStatus = res.Status
	switch {
	case res.Status == http.StatusOK && res.Kvittering != nil:
		r.Status, r.DialogID, r.ForsendelseID = StatusAccepted, res.Kvittering.DialogID, res.Kvittering.ForsendelseID
		d.count(func(s *Summary) { s.Accepted++ })
	case res.Status >= 500 || res.Status == http.StatusTooManyRequests:
		r.Status = StatusFailed
		d.count(func(s *Summary) { s.Failed++ })
	default:
		r.Status = StatusRejected
		d.count(func(s *Summary) { s.Rejected++ })
	}
	if res.Feil != nil {
		r.Kode, r.Melding = string(res.Feil.Kode), res.Feil.Error()
	} else if r.Status != StatusAccepted {
		r.Melding = fmt.Sprintf("HTTP %d: %.200s", res.Status, res.Body)
	}
	if err := d.write(r); err != nil {
		return err
	}
	if r.Status == StatusAccepted && d.o.WaitFeedback {
		return d.feedback(ctx, r)
	}
	return nil
}

func (d *delivery) write(r Receipt) error {
	r.Time = d.o.Now().UTC()
	if err := d.j.append(r); err != nil {
		return err
	}
	d.report(r, "")
	return nil
}

// tokens gives the target's tokens for whoever reports for oppgavegiver.
func (d *delivery) tokens(oppgavegiver string, scopes ...string) client.TokenFunc {
	sb := d.tg.Systembruker(oppgavegiver)
	return func(ctx context.Context) (string, error) { return d.tg.Credentials.Token(ctx, sb, scopes...) }
}

// attemptsKey carries a request's attempt counter to the retry observer.
type attemptsKey struct{}

// newKey is a fresh idempotencyKey: a UUIDv7, time-ordered like the API's
// own ids, so receipts sort by it too.
func newKey() string {
	if u, err := uuid.NewV7(); err == nil {
		return u.String()
	}
	return uuid.NewString()
}

// nineDigits: the form of an organisasjonsnummer, which is all a
// systembruker needs to ask for a token; its check digit is the API's to
// judge.
func nineDigits(s string) bool {
	if len(s) != 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
