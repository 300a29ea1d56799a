// Package jsontree decodes JSON into the generic form the schema validator
// wants (map[string]any, []any, string, json.Number, bool, nil), in one pass
// and without reflection. The reporting API and the business rules share it.
package jsontree

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/finprod/finprod/contract"
)

// Decode parses a body into the generic form the schema validator wants
// (map[string]any, []any, string, json.Number, bool, nil), exactly as
// contract.DecodeJSON does, in one pass and without reflection: on the
// submission hot path, encoding/json's generic decoding cost as much as the
// schema validation itself. Invalid UTF-8 is replaced by U+FFFD, duplicate
// keys keep the last value, as encoding/json does.
//
// The body is copied once into a string and every string and number in the
// result is a substring of it, so strings cost no allocation of their own;
// whoever keeps one beyond the request should clone it (strings.Clone) so
// as not to pin the whole body.
func Decode(b []byte) (any, error) {
	v, _, err := DecodeDup(b)
	return v, err
}

// DecodeDup is Decode that also tells whether some object had a key twice
// (the last value is kept): callers that must match encoding/json's typed
// decoding, which merges repeated objects, can then step aside.
func DecodeDup(b []byte) (v any, dup bool, err error) {
	return decode(b, string(b))
}

// DecodeDupShared is DecodeDup without the copy of b: the result's strings
// and numbers point into b itself, so b must never be modified afterwards
// (the API's request bodies are read into a fresh buffer and only ever
// read, hashed, stored and served).
func DecodeDupShared(b []byte) (v any, dup bool, err error) {
	if len(b) == 0 {
		return decode(b, "")
	}
	return decode(b, unsafe.String(&b[0], len(b)))
}

// DecodeStrict is DecodeDup for JSON exchanged between systems, which
// must be UTF-8 (RFC 8259 §8.1): a string with invalid UTF-8 (a stray
// byte, an overlong or a surrogate encoding) or a lone surrogate escape
// such as \ud800 is an *EncodingError naming its place, instead of being
// read as U+FFFD.
func DecodeStrict(b []byte) (v any, dup bool, err error) {
	return decodeWith(b, string(b), true)
}

// DecodeStrictShared is DecodeStrict without the copy of b, with the
// promise DecodeDupShared asks for: b is never modified afterwards.
func DecodeStrictShared(b []byte) (v any, dup bool, err error) {
	if len(b) == 0 {
		return decodeWith(b, "", true)
	}
	return decodeWith(b, unsafe.String(&b[0], len(b)), true)
}

func decode(b []byte, s string) (v any, dup bool, err error) {
	return decodeWith(b, s, false)
}

func decodeWith(b []byte, s string, strict bool) (v any, dup bool, err error) {
	d := decoder{b: b, s: s, strict: strict}
	d.space()
	v, err = d.value(0)
	if err != nil {
		return nil, false, err
	}
	d.space()
	if d.i != len(d.b) {
		return nil, false, d.errorf("unexpected %q after the JSON value", d.b[d.i])
	}
	return v, d.dup, nil
}

// MaxDepth bounds nesting, as encoding/json does, so a hostile body cannot
// exhaust the stack.
const MaxDepth = 10000

type decoder struct {
	b      []byte
	s      string // b as a string: strings without escapes are its substrings
	i      int
	dup    bool // some object had a key twice
	strict bool // text that is not UTF-8 is an *EncodingError
}

// EncodingError is text that is not UTF-8 in a strict decoding. Sti is the
// JSONPath of the string (of the object, for a key), written as the
// contract's violations write theirs (contract.StiKey).
type EncodingError struct {
	// Offset is the byte offset of the offending byte or escape.
	Offset int
	// Reason says what is wrong, e.g. "byte 0xFF is not UTF-8".
	Reason string
	// Prefix is the string's text before the offending part, shortened.
	Prefix string
	// path is built while the recursion unwinds, innermost first, so a
	// valid document pays nothing for it.
	path []any // string keys and int indexes
}

func (e *EncodingError) Error() string {
	return fmt.Sprintf("%s: offset %d: %s (JSON must be UTF-8, RFC 8259 §8.1)", e.Sti(), e.Offset, e.Reason)
}

// Sti renders the path as JSONPath, e.g. $.leveranse.oppgave[0].navn.
func (e *EncodingError) Sti() string {
	var b strings.Builder
	b.WriteString("$")
	for i := len(e.path) - 1; i >= 0; i-- {
		switch p := e.path[i].(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(p) + "]")
		case string:
			b.WriteString(contract.StiKey(p))
		}
	}
	return b.String()
}

// within adds a path segment to an encoding error passing through.
func within(err error, seg any) error {
	if e, ok := err.(*EncodingError); ok {
		e.path = append(e.path, seg)
	}
	return err
}

func (d *decoder) encodingError(at int, prefix []byte, format string, a ...any) error {
	p := []rune(string(prefix))
	if len(p) > 40 {
		p = append([]rune("…"), p[len(p)-40:]...)
	}
	return &EncodingError{Offset: at, Reason: fmt.Sprintf(format, a...), Prefix: string(p)}
}

func (d *decoder) errorf(format string, a ...any) error {
	return fmt.Errorf("offset %d: %s", d.i, fmt.Sprintf(format, a...))
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

var errEOF = errors.New("unexpected end of JSON input")

func (d *decoder) value(depth int) (any, error) {
	if d.i >= len(d.b) {
		return nil, errEOF
	}
	if depth > MaxDepth {
		return nil, d.errorf("nesting deeper than %d", MaxDepth)
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.errorf("invalid character %q looking for the beginning of a value", c)
	}
}

func (d *decoder) literal(lit string) error {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return d.errorf("invalid literal, want %s", lit)
	}
	d.i += len(lit)
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	d.i++ // {
	m := make(map[string]any, 8)
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return m, nil
	}
	for {
		d.space()
		if d.i >= len(d.b) {
			return nil, errEOF
		}
		if d.b[d.i] != '"' {
			return nil, d.errorf("invalid character %q looking for the beginning of an object key", d.b[d.i])
		}
		k, err := d.text()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.b) {
			return nil, errEOF
		}
		if d.b[d.i] != ':' {
			return nil, d.errorf("invalid character %q after object key", d.b[d.i])
		}
		d.i++
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, within(err, k)
		}
		n := len(m)
		m[k] = v
		if len(m) == n {
			d.dup = true
		}
		done, err := d.after('}', "object value")
		if err != nil {
			return nil, err
		}
		if done {
			return m, nil
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.i++ // [
	a := make([]any, 0, 4)
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return a, nil
	}
	for {
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, within(err, len(a))
		}
		a = append(a, v)
		done, err := d.after(']', "array element")
		if err != nil {
			return nil, err
		}
		if done {
			return a, nil
		}
	}
}

// after reads what follows a member of an object or an element of an array:
// a comma to go on, or the closing bracket to end (done).
func (d *decoder) after(closing byte, what string) (done bool, err error) {
	d.space()
	if d.i >= len(d.b) {
		return false, errEOF
	}
	switch d.b[d.i] {
	case ',':
		d.i++
		return false, nil
	case closing:
		d.i++
		return true, nil
	}
	return false, d.errorf("invalid character %q after %s", d.b[d.i], what)
}

func (d *decoder) number() (any, error) {
	start := d.i
	if d.b[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.b) && d.b[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		return nil, d.errorf("invalid number")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, d.errorf("invalid number: no digits after the decimal point")
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.errorf("invalid number: no digits in the exponent")
		}
	}
	return json.Number(d.s[start:d.i]), nil
}

// str reads a string value.
func (d *decoder) str() (any, error) {
	s, err := d.text()
	if err != nil {
		return nil, err
	}
	return s, nil
}

// text reads a string; the common case without escapes or non-ASCII is a
// substring of d.s, without allocation. Object keys are read with it
// directly: a key never goes through an interface, which would allocate.
func (d *decoder) text() (string, error) {
	d.i++ // "
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.s[start:d.i]
			d.i++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return d.slowStr(start)
		case c < 0x20:
			return "", d.errorf("invalid control character in string")
		}
		d.i++
	}
	return "", errEOF
}

func (d *decoder) slowStr(start int) (string, error) {
	out := make([]byte, d.i-start, d.i-start+16)
	copy(out, d.b[start:d.i])
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c < 0x20:
			return "", d.errorf("invalid control character in string")
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return "", errEOF
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				at := d.i - 2
				r, ok := d.hex4()
				if !ok {
					return "", d.errorf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					save := d.i
					if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
						d.i += 2
						if lo, ok := d.hex4(); ok {
							r2 = utf16.DecodeRune(r, lo)
						}
					}
					if r2 == utf8.RuneError {
						if d.strict {
							return "", d.encodingError(at, out, "\\u%04x is a lone surrogate, which no UTF-8 text can hold", r)
						}
						d.i = save
						r = utf8.RuneError
					} else {
						r = r2
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", d.errorf("invalid escape \\%c", e)
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				if d.strict {
					return "", d.encodingError(d.i, out, "byte 0x%02X is not UTF-8 here (a stray, overlong or surrogate encoding)", d.b[d.i])
				}
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, d.b[d.i:d.i+size]...)
			}
			d.i += size
		}
	}
	return "", errEOF
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}
