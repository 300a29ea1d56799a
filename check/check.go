// Package check applies what the reporting API checks, and what its
// feedback reports, to a user's own files, offline: the body size, JSON,
// the schema (GLD_010, with the sti of every violation), the income year
// (GLD_1027, GLD_1052), and the business rules of package rules (counts,
// sums, check digits). It reads one document, NDJSON, or documents written
// one after another, and streams: each element of leveranse.oppgave is
// read, validated and counted on its own (contract.Parts, rules.Stream),
// so memory stays bounded by the largest oppgave, not by the leveranse or
// the file.
package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsonstream"
	"github.com/finprod/finprod/internal/jsontree"
	"github.com/finprod/finprod/rules"
)

// DefaultMaxFindings is how many findings of one document are kept by
// default; the rest are counted.
const DefaultMaxFindings = 1000

// Options shape a check.
type Options struct {
	// Contract validates; contract.Default() when nil.
	Contract *contract.Contract
	// OpenYears may be reported (GLD_1027 otherwise); the zero value is
	// ASSUMPTION A-AAR resolved against Now.
	OpenYears contract.YearRange
	// Inntektsaar is the income year of the path the documents will be sent
	// to; 0 means each document's own (as `finprod submit` sends them).
	Inntektsaar int
	// MaxBody is the largest body the API takes; 0 means contract.MaxBody,
	// negative means no limit.
	MaxBody int64
	// MaxFindings of one document are kept, the rest counted (Omitted); 0
	// means DefaultMaxFindings.
	MaxFindings int
	// Progress, when set, hears the number of bytes read now and then.
	Progress func(bytes int64)
	// Now is the clock for the default OpenYears; time.Now when nil.
	Now func() time.Time
	// Workers decode and validate oppgaver in parallel; GOMAXPROCS when 0.
	// The verdicts do not depend on it.
	Workers int
}

// Finding is one thing the service would refuse or report, as it names it.
type Finding struct {
	// Kode is the GLD code (the specific one where there is one, e.g.
	// GLD_1052) or, for the feedback's business rules, the rule's code
	// (rules.KodeSum, ...).
	Kode string `json:"kode"`
	// Sti is the JSONPath of the value, or the request part ("inntektsaar"
	// for the path's year, "body" for its size).
	Sti string `json:"sti,omitempty"`
	// AngittVerdi is the value given, as text.
	AngittVerdi string `json:"angittVerdi,omitempty"`
	Melding     string `json:"melding"`
	// Status is the HTTP status the API answers with; 0 for a finding the
	// feedback reports after the API has accepted the leveranse.
	Status int `json:"status,omitempty"`
}

// Document is the verdict on one document of the input.
type Document struct {
	// Index counts documents from 1; Line is where the document starts.
	Index int `json:"document"`
	Line  int `json:"line"`
	// Bytes is the document's size, as a request body; for a document that
	// is not JSON, the bytes up to the next document.
	Bytes    int64 `json:"bytes"`
	Oppgaver int   `json:"oppgaver"`
	// Findings in the order the service would give them; Omitted more
	// beyond Options.MaxFindings.
	Findings []Finding `json:"findings"`
	Omitted  int       `json:"omitted,omitempty"`
	// NotJSON: the document could not be read as JSON (GLD_008).
	NotJSON bool `json:"notJson,omitempty"`
}

// OK reports whether the service would accept the document and its
// feedback report nothing.
func (d Document) OK() bool { return len(d.Findings) == 0 && d.Omitted == 0 }

// Input errors: a reader of finprod's exit codes tells them from findings.
var (
	// ErrEmpty: the input holds no document at all.
	ErrEmpty = errors.New("holds no JSON document (it is empty)")
	// ErrNotJSON: no document of the input could be read as JSON.
	ErrNotJSON = errors.New("is not JSON")
)

// Read checks every document of r and hands each verdict to each, in
// order. Its error is the input's (a read error, ErrEmpty, ErrNotJSON with
// the reason) or each's; ctx stops it between oppgaver.
func Read(ctx context.Context, r io.Reader, o Options, each func(Document) error) error {
	c := newChecker(ctx, r, o)
	defer c.stop()
	var firstSyntax error
	seenJSON := false
	for idx := 1; ; idx++ {
		if _, err := c.r.Peek(); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		d, err := c.document(idx)
		var se *jsonstream.SyntaxError
		switch {
		case errors.As(err, &se):
			if firstSyntax == nil {
				firstSyntax = se
			}
			d.NotJSON = true
			d.Findings = []Finding{{Kode: string(contract.GLD008), Sti: "$", Status: 400,
				Melding: "Request body er ikke gyldig JSON: " + se.Error()}}
			if err := c.r.Resync(); err != nil && err != io.EOF {
				return fmt.Errorf("read: %w", err)
			}
			d.Bytes = c.r.Offset() - c.start
		case err != nil:
			return err
		default:
			seenJSON = true
		}
		if !seenJSON {
			// A file none of whose documents is JSON is not a file of
			// leveranser: that is for the caller, not a finding. Hold the
			// verdicts until one document reads.
			c.held = append(c.held, d)
			continue
		}
		for _, h := range c.held {
			if err := each(h); err != nil {
				return err
			}
		}
		c.held = nil
		if err := each(d); err != nil {
			return err
		}
		c.progress(true)
	}
	if !seenJSON {
		if firstSyntax != nil {
			return fmt.Errorf("%w: %v", ErrNotJSON, firstSyntax)
		}
		return ErrEmpty
	}
	return nil
}

type checker struct {
	ctx   context.Context
	r     *jsonstream.Reader
	o     Options
	ct    *contract.Contract
	parts *contract.Parts
	open  contract.YearRange
	held  []Document

	buf      []byte
	start    int64 // offset of the current document
	lastTick int64

	// The current document's oppgave list, while it streams.
	d    *Document
	seen bool // leveranse.oppgave is streaming or was streamed
	ol   contract.OppgaveList
	rs   rules.Stream
	// oppgaveParts are the oppgaver's violations, at most MaxFindings of
	// them kept (oppgaveKept); oppgaveOmt counts the rest.
	oppgaveParts []contract.PartViolations
	oppgaveKept  int
	oppgaveOmt   int
	// enc is the first string of the document that is not UTF-8.
	enc *Finding

	workers int
	jobs    chan *batch
	free    chan *batch
}

func newChecker(ctx context.Context, r io.Reader, o Options) *checker {
	if o.Contract == nil {
		o.Contract = contract.Default()
	}
	if o.MaxBody == 0 {
		o.MaxBody = contract.MaxBody
	}
	if o.MaxFindings <= 0 {
		o.MaxFindings = DefaultMaxFindings
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return &checker{ctx: ctx, r: jsonstream.NewReader(r), o: o, ct: o.Contract, parts: o.Contract.Parts(),
		open: o.OpenYears.Resolve(o.Now().Year()), workers: o.Workers}
}

func (c *checker) progress(force bool) {
	if c.o.Progress == nil {
		return
	}
	if off := c.r.Offset(); force || off-c.lastTick >= 1<<20 {
		c.lastTick = off
		c.o.Progress(off)
	}
}

// document reads and judges one document.
func (c *checker) document(idx int) (Document, error) {
	d := Document{Index: idx, Line: c.r.Line()}
	c.start = c.r.Offset()
	c.d = &d
	c.enc = nil
	c.resetOppgaver()
	first, _ := c.r.Peek()

	var (
		doc any
		raw []byte // the whole body, when it was read whole
		dup bool
		err error
	)
	if first == '{' && c.parts != nil {
		doc, err = c.root()
	} else {
		raw, err = c.r.Value(c.buf[:0])
		c.buf = raw
		if err == nil {
			doc, dup, err = c.decode(raw, "$", c.start)
		}
	}
	if err != nil {
		return d, err
	}
	d.Bytes = c.r.Offset() - c.start

	if c.o.MaxBody > 0 && d.Bytes > c.o.MaxBody {
		c.add(Finding{Kode: string(contract.GLD1022), Sti: "body", Status: 413, AngittVerdi: strconv.FormatInt(d.Bytes, 10),
			Melding: fmt.Sprintf("Request body er større enn maksimalt tillatt (%d bytes)", c.o.MaxBody)})
	}
	seen := c.seen
	lev := leveranseOf(doc)
	if seen {
		lev["oppgave"] = c.ol.Value()
		d.Oppgaver = c.ol.Len()
	} else if list, ok := lev["oppgave"].([]any); ok {
		d.Oppgaver = len(list)
	}

	// The path's year is checked before the body (A-ORDER); without
	// Inntektsaar the path is the body's own year, as `finprod submit`
	// sends it.
	year, yearText := inntektsaar(lev)
	pathYear, pathText := c.o.Inntektsaar, strconv.Itoa(c.o.Inntektsaar)
	if pathYear == 0 && yearText == strconv.Itoa(year) && year >= 1000 && year <= 9999 {
		pathYear, pathText = year, yearText
	}
	if pathYear != 0 && !c.open.Contains(pathYear) {
		c.add(c.closedYear(pathText))
		return d, nil
	}
	if c.enc != nil { // JSON, but not UTF-8 (A-UTF8): the first such string
		c.add(*c.enc)
		return d, nil
	}

	// The schema, as the API lists its violations (numbers no type holds
	// first, in document order, at most contract.MaxViolations).
	var vs []contract.Violation
	if c.parts != nil {
		vs = contract.Combine(append(c.oppgaveParts, c.parts.ValidateEnvelope(doc)), c.oppgaveOmt)
	} else {
		vs = c.ct.ValidateInnsending(doc)
	}
	if len(vs) > 0 {
		for _, v := range vs {
			c.add(schemaFinding(v))
		}
		return d, nil
	}
	if c.o.Inntektsaar != 0 && yearText != "" && year != c.o.Inntektsaar {
		c.add(Finding{Kode: string(contract.GLD1052), Sti: "$.leveranse.inntektsaar", AngittVerdi: yearText, Status: 400,
			Melding: fmt.Sprintf("Inntektsåret i leveransen (%s) er ikke inntektsåret i path (%d)", yearText, c.o.Inntektsaar)})
		return d, nil
	}

	var funn []rules.Finding
	switch {
	case seen:
		funn = c.rs.Finish(doc)
	case dup:
		funn = rules.Check(raw)
	default:
		var ok bool
		if funn, ok = rules.CheckParsed(doc); !ok {
			if raw == nil { // walked, not read whole: the same members again
				if raw, err = json.Marshal(doc); err != nil {
					return d, fmt.Errorf("document %d: %w", idx, err)
				}
			}
			funn = rules.Check(raw) // as the mock does
		}
	}
	for _, f := range funn {
		c.add(Finding{Kode: f.Kode, Sti: f.Sti, AngittVerdi: f.AngittVerdi, Melding: f.Melding})
	}
	return d, nil
}

func (c *checker) closedYear(year string) Finding {
	return Finding{Kode: string(contract.GLD1027), Sti: "inntektsaar", AngittVerdi: year, Status: 400,
		Melding: "Det er ikke tillatt å levere på inntektsår " + year + " (åpne år: " + c.open.String() + ")"}
}

func schemaFinding(v contract.Violation) Finding {
	return Finding{Kode: string(contract.GLD010), Sti: v.Sti, AngittVerdi: v.AngittVerdi, Melding: v.Melding, Status: 400}
}

// add keeps a finding of the current document, or counts it past the limit.
func (c *checker) add(f Finding) {
	if len(c.d.Findings) >= c.o.MaxFindings {
		c.d.Omitted++
		return
	}
	c.d.Findings = append(c.d.Findings, f)
}

func (c *checker) resetOppgaver() {
	c.seen = false
	c.ol = contract.OppgaveList{}
	c.rs.Reset()
	c.oppgaveParts, c.oppgaveKept, c.oppgaveOmt = nil, 0, 0
}

// decodeError places jsontree's error in the input.
func (c *checker) decodeError(err error) error {
	return &jsonstream.SyntaxError{Offset: c.r.Offset(), Line: c.r.Line(), Msg: err.Error()}
}

// decode reads a value strictly, as the API does: text that is not UTF-8
// is noted (the first in the document is its finding) and the value read
// on with U+FFFD in its place, so the document can be walked to its end.
// sti is the value's place in the document, at its offset in the input.
func (c *checker) decode(raw []byte, sti string, at int64) (any, bool, error) {
	v, dup, err := jsontree.DecodeStrict(raw)
	var enc *jsontree.EncodingError
	if errors.As(err, &enc) {
		c.noteEncoding(utf8Finding(enc, sti, at-c.start))
		v, dup, err = jsontree.DecodeDup(raw)
	}
	if err != nil {
		return nil, false, c.decodeError(err)
	}
	return v, dup, nil
}

func (c *checker) noteEncoding(f Finding) {
	if c.enc == nil {
		c.enc = &f
	}
}

// utf8Finding is the API's answer to text that is not UTF-8 in a value at
// sti, which starts at offset at of the body.
func utf8Finding(enc *jsontree.EncodingError, sti string, at int64) Finding {
	return Finding{Kode: string(contract.GLD008), Status: 400, Sti: sti + strings.TrimPrefix(enc.Sti(), "$"),
		AngittVerdi: enc.Prefix + "\uFFFD",
		Melding:     fmt.Sprintf("Request body er ikke gyldig UTF-8 (RFC 8259 §8.1) ved byte %d: %s", at+int64(enc.Offset), enc.Reason)}
}

// root walks a document that is an object: leveranse is walked into, every
// other member decoded whole.
func (c *checker) root() (any, error) {
	return c.object("$", func(key string, m map[string]any) (bool, error) {
		if key != "leveranse" {
			return false, nil
		}
		c.resetOppgaver() // a repeated leveranse: the last one counts
		if next, _ := c.r.Peek(); next != '{' {
			return false, nil
		}
		lev, err := c.leveranse()
		m[key] = lev
		return true, err
	})
}

// leveranse walks the leveranse object, streaming its oppgave array.
func (c *checker) leveranse() (any, error) {
	return c.object("$.leveranse", func(key string, m map[string]any) (bool, error) {
		if key != "oppgave" {
			return false, nil
		}
		c.resetOppgaver() // a repeated oppgave: the last one counts
		if next, _ := c.r.Peek(); next != '[' {
			return false, nil
		}
		m[key] = nil // filled in when the document is complete
		c.seen = true
		return true, c.oppgaver()
	})
}

// object walks the object at sti. member handles a member's value itself
// and says so, or leaves it to be decoded whole.
func (c *checker) object(sti string, member func(key string, m map[string]any) (bool, error)) (any, error) {
	if err := c.r.Expect('{', "an object"); err != nil {
		return nil, err
	}
	m := map[string]any{}
	if empty, err := c.r.Empty('}'); err != nil || empty {
		return m, err
	}
	for {
		at := c.r.Offset()
		key, kb, err := c.r.Key(c.buf[:0])
		c.buf = kb
		if err != nil {
			return nil, err
		}
		if _, _, err := c.decode(kb, sti, at); err != nil { // a key that is not UTF-8 is the object's

			return nil, err
		}
		handled, err := member(key, m)
		if err != nil {
			return nil, err
		}
		if !handled {
			v, err := c.value(sti + contract.StiKey(key))
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		more, err := c.r.More('}')
		if err != nil {
			return nil, err
		}
		if !more {
			return m, nil
		}
	}
}

// value reads and decodes the next value, at sti, whole.
func (c *checker) value(sti string) (any, error) {
	if _, err := c.r.Peek(); err != nil && err != io.EOF {
		return nil, err
	}
	at := c.r.Offset()
	raw, err := c.r.Value(c.buf[:0])
	c.buf = raw
	if err != nil {
		return nil, err
	}
	v, _, err := c.decode(raw, sti, at)
	return v, err
}

// oppgaver streams the elements of leveranse.oppgave. This goroutine
// finds where each element ends and hands them out in batches; workers
// decode and validate them against the oppgave schema; one consumer takes
// the batches back in order and hands each element to the business rules
// and the envelope's list, so the findings keep the document's order.
func (c *checker) oppgaver() error {
	if err := c.r.Expect('[', "an array"); err != nil {
		return err
	}
	if empty, err := c.r.Empty(']'); err != nil || empty {
		return err
	}
	c.startWorkers()
	pending := make(chan *batch, 2*c.workers)
	consumed := make(chan error, 1)
	go func() { consumed <- c.consume(pending) }()
	err := c.produce(pending)
	close(pending)
	if cerr := <-consumed; err == nil {
		err = cerr
	}
	return err
}

// batchSize trades hand-over cost against memory held in flight.
const batchSize = 128

// batch is a run of consecutive elements of leveranse.oppgave.
type batch struct {
	first int // index of the first element in the array
	raw   []byte
	ends  []int // end of each element in raw
	lines []int // line each element starts on

	offs []int64 // offset each element starts at in the input

	trees []any
	dups  []bool
	vs    []contract.PartViolations
	encs  []*jsontree.EncodingError // text that is not UTF-8, per element
	err   error                     // the first element jsontree could not read
	errAt int
	done  chan struct{}
}

func (b *batch) elem(k int) []byte {
	start := 0
	if k > 0 {
		start = b.ends[k-1]
	}
	return b.raw[start:b.ends[k]]
}

// produce reads the elements into batches for the workers, in order.
func (c *checker) produce(pending chan<- *batch) error {
	b := c.newBatch(0)
	send := func() {
		c.jobs <- b
		pending <- b
	}
	for i := 0; ; i++ {
		if len(b.ends) == batchSize {
			if err := c.ctx.Err(); err != nil {
				return err
			}
			c.progress(false)
			send()
			b = c.newBatch(i)
		}
		if _, err := c.r.Peek(); err != nil && err != io.EOF {
			return err
		}
		b.lines, b.offs = append(b.lines, c.r.Line()), append(b.offs, c.r.Offset())
		raw, err := c.r.Value(b.raw)
		b.raw = raw
		if err != nil {
			return err
		}
		b.ends = append(b.ends, len(raw))
		more, err := c.r.More(']')
		if err != nil {
			return err
		}
		if !more {
			send()
			return nil
		}
	}
}

func (c *checker) newBatch(first int) *batch {
	var b *batch
	select {
	case b = <-c.free:
		b.raw, b.ends, b.lines, b.offs = b.raw[:0], b.ends[:0], b.lines[:0], b.offs[:0]
		b.trees, b.dups, b.vs, b.encs = b.trees[:0], b.dups[:0], b.vs[:0], b.encs[:0]
		b.err = nil
	default:
		b = &batch{}
	}
	b.first, b.done = first, make(chan struct{})
	return b
}

// work decodes and validates a batch.
func (c *checker) work(b *batch) {
	defer close(b.done)
	for k := range b.ends {
		// Strictly, as the API reads (A-UTF8); text that is not UTF-8 is
		// noted and the element read on, so the rest can be walked.
		tree, dup, err := jsontree.DecodeStrict(b.elem(k))
		var enc *jsontree.EncodingError
		if errors.As(err, &enc) {
			tree, dup, err = jsontree.DecodeDup(b.elem(k))
		}
		if err != nil {
			b.err, b.errAt = err, k
			return
		}
		b.trees = append(b.trees, tree)
		b.dups = append(b.dups, dup)
		b.encs = append(b.encs, enc)
		b.vs = append(b.vs, c.parts.ValidateOppgave(b.first+k, tree))
	}
}

// consume takes the batches back in order. After an error it only drains.
func (c *checker) consume(pending <-chan *batch) error {
	var failed error
	for b := range pending {
		<-b.done
		if failed == nil {
			for k, tree := range b.trees {
				if enc := b.encs[k]; enc != nil {
					c.noteEncoding(utf8Finding(enc, "$.leveranse.oppgave["+strconv.Itoa(b.first+k)+"]", b.offs[k]-c.start))
				}
				if pv := b.vs[k]; len(pv.Numbers)+len(pv.Schema) > 0 {
					if n := len(pv.Numbers) + len(pv.Schema); c.oppgaveKept < c.o.MaxFindings {
						c.oppgaveParts = append(c.oppgaveParts, pv)
						c.oppgaveKept += n
					} else {
						c.oppgaveOmt += n
					}
				}
				c.rs.Oppgave(b.elem(k), tree, b.dups[k])
				c.ol.Add(tree)
			}
			if b.err != nil {
				failed = &jsonstream.SyntaxError{Line: b.lines[b.errAt], Msg: fmt.Sprintf("oppgave[%d]: %v", b.first+b.errAt, b.err)}
			}
		}
		select {
		case c.free <- b:
		default:
		}
	}
	return failed
}

// startWorkers starts the workers on first use; Read stops them.
func (c *checker) startWorkers() {
	if c.jobs != nil {
		return
	}
	c.jobs = make(chan *batch, c.workers)
	c.free = make(chan *batch, 4*c.workers)
	for range c.workers {
		go func() {
			for b := range c.jobs {
				c.work(b)
			}
		}()
	}
}

func (c *checker) stop() {
	if c.jobs != nil {
		close(c.jobs)
	}
}

// leveranseOf is the document's leveranse object, or an empty one.
func leveranseOf(doc any) map[string]any {
	root, _ := doc.(map[string]any)
	if lev, ok := root["leveranse"].(map[string]any); ok {
		return lev
	}
	return map[string]any{}
}

// inntektsaar reads the body's year as the API does: a number or a string.
func inntektsaar(lev map[string]any) (int, string) {
	switch y := lev["inntektsaar"].(type) {
	case json.Number:
		n, _ := strconv.Atoi(y.String())
		return n, y.String()
	case string:
		n, _ := strconv.Atoi(y)
		return n, y
	}
	return 0, ""
}
