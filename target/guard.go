package target

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/ident"
	"github.com/finprod/finprod/internal/jsontree"
)

// ErrNotSynthetic is returned (wrapped) for a request that would have sent
// an identity that is not synthetic to a test environment. Nothing was sent.
var ErrNotSynthetic = errors.New("refused: the request carries identities that are not synthetic, and only synthetic data may be sent to a test environment")

type vettedKey struct{}

// Vetted returns a context under which a request body that cannot be read
// as JSON (a deliberately broken leveranse) may be sent to a synthetic-only
// target, after checking the leveranse it was made from. Bodies that parse
// are checked by the guard whatever the context says.
func Vetted(ctx context.Context, l contract.Leveranse) (context.Context, error) {
	if ps := generators.CheckSynthetic(l); len(ps) > 0 {
		return ctx, notSynthetic(ps)
	}
	return context.WithValue(ctx, vettedKey{}, true), nil
}

func notSynthetic(ps []generators.Problem) error {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.String()
	}
	return fmt.Errorf("%w: %s", ErrNotSynthetic, strings.Join(msgs, "; "))
}

// guard is the last line before the network for a synthetic-only target: it
// sits in the HTTP client's transport, so no step, however it builds its
// request, can send a real identity.
type guard struct {
	next http.RoundTripper
	// vet, when set, lets bodies kept by VetLeveranse pass unparsed.
	vet *vetter
}

// Guard wraps a transport so that every request body is checked for
// identities (organisasjonsnummer, fødselsnummer) before it is sent, and
// refused with ErrNotSynthetic unless all are synthetic (generators'
// check: Tenor's month + 80 and first digit 2 or 3).
func Guard(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &guard{next: next}
}

func (g *guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return g.next.RoundTrip(withoutMark(r))
	}
	// HeaderVetted is canonical, as VetLeveranse's callers set it; a mark
	// in another spelling is no mark (and is stripped all the same).
	if k := g.vet.kept(firstValue(r.Header[HeaderVetted])); k != nil {
		same, read, err := matches(r.Body, k.body)
		_ = r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("guard: read request body: %w", err)
		}
		if same {
			// What goes out is the vetter's own copy, which nothing else can
			// change; its slot is free for the next body.
			g.vet.release(k)
			return g.next.RoundTrip(withBody(r, k.body))
		}
		return g.checked(r, read)
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("guard: read request body: %w", err)
	}
	return g.checked(r, body)
}

func firstValue(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// checked sends body when every identity in it is synthetic.
func (g *guard) checked(r *http.Request, body []byte) (*http.Response, error) {
	if err := checkBody(r.Context(), body); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, r.URL.Redacted(), err)
	}
	return g.next.RoundTrip(withBody(r, body))
}

// withBody is r without the mark, sending body.
func withBody(r *http.Request, body []byte) *http.Request {
	r2 := withoutMark(r)
	if r2 == r {
		r2 = r.WithContext(r.Context())
	}
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r2.ContentLength = int64(len(body))
	return r2
}

// withoutMark is r, or a shallow copy of it whose header has no vetting
// mark in any spelling (the request itself is not changed).
func withoutMark(r *http.Request) *http.Request {
	marked := false
	for k := range r.Header {
		if isMark(k) {
			marked = true
			break
		}
	}
	if !marked {
		return r
	}
	r2 := r.WithContext(r.Context())
	r2.Header = make(http.Header, len(r.Header))
	for k, v := range r.Header {
		if !isMark(k) {
			r2.Header[k] = v
		}
	}
	return r2
}

// isMark says whether a header key is the mark's in some spelling; most
// keys differ in length, which is quicker to see than a folded compare.
func isMark(k string) bool { return len(k) == len(HeaderVetted) && strings.EqualFold(k, HeaderVetted) }

// identityLike matches a run of digits long enough to be an
// organisasjonsnummer or a fødselsnummer.
var identityLike = regexp.MustCompile(`[0-9]{9,}`)

func checkBody(ctx context.Context, body []byte) error {
	// Every member named like an identity is checked, wherever it sits and
	// in whatever letter case, as a string or as a number, and every time
	// a key is given (a server may keep the first of two, or the last): a
	// body that does not fit the schema (a deliberate defect) is checked as
	// well as one that does. A body either reader cannot read to its end
	// (the mock's decoder and encoding/json differ, e.g. in how deep they
	// nest) counts as not JSON: a walk that stopped early checked nothing
	// after where it stopped.
	var ps []generators.Problem
	_, err := decodeJSON(body)
	if err == nil {
		err = walkTokens(body, func(sti, key, v string) {
			switch {
			case strings.EqualFold(key, "organisasjonsnummer"):
				if !ident.IsSyntheticOrganisasjonsnummer(v) {
					ps = append(ps, generators.Problem{Sti: sti, Verdi: v, Grunn: "organisasjonsnummer is not synthetic"})
				}
			case strings.EqualFold(key, "foedselsnummer"):
				if !ident.IsSyntheticFoedselsnummer(v) {
					ps = append(ps, generators.Problem{Sti: sti, Verdi: v, Grunn: "foedselsnummer is not synthetic"})
				}
			}
		})
	}
	if err != nil {
		if ctx.Value(vettedKey{}) == true || !identityLike.Match(body) {
			return nil
		}
		return fmt.Errorf("%w: the body is not JSON and was not made from a checked leveranse", ErrNotSynthetic)
	}
	if len(ps) > 0 {
		return notSynthetic(dedupe(ps))
	}
	return nil
}

// decodeJSON reads one JSON value, numbers as written (json.Number), in
// the generic form encoding/json gives, with the mock's one-pass decoder,
// so a body is JSON to the guard when it is JSON to the mock. The result's
// strings point into body, which the guard only reads.
func decodeJSON(body []byte) (any, error) {
	doc, _, err := jsontree.DecodeDupShared(body)
	return doc, err
}

// walkTokens visits every string and number member of a valid JSON body
// with its path and key, in the order written, repeated keys included
// (a decoded map would keep only one of them). It fails when it cannot
// read the body to its end.
func walkTokens(body []byte, visit func(sti, key, value string)) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// Each open object or array: its path, the key awaiting its value
	// (objects), and the next index (arrays).
	type frame struct {
		sti, key string
		object   bool
		index    int
		keyNext  bool
	}
	var stack []frame
	path := func() (string, string) {
		if len(stack) == 0 {
			return "$", ""
		}
		f := &stack[len(stack)-1]
		if f.object {
			return f.sti + contract.StiKey(f.key), f.key
		}
		sti := fmt.Sprintf("%s[%d]", f.sti, f.index)
		return sti, ""
	}
	advance := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.object {
			f.keyNext = true
		} else {
			f.index++
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF && len(stack) == 0 {
			return nil
		}
		if err != nil {
			return err
		}
		if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].keyNext {
			if k, ok := tok.(string); ok {
				stack[len(stack)-1].key, stack[len(stack)-1].keyNext = k, false
				continue
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				sti, _ := path()
				stack = append(stack, frame{sti: sti, object: t == '{', keyNext: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		case string:
			sti, key := path()
			visit(sti, key, t)
			advance()
		case json.Number:
			sti, key := path()
			visit(sti, key, t.String())
			advance()
		default: // bool, null
			advance()
		}
	}
}

func dedupe(ps []generators.Problem) []generators.Problem {
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p.Sti] {
			seen[p.Sti] = true
			out = append(out, p)
		}
	}
	return out
}
