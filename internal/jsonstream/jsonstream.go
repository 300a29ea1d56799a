// Package jsonstream reads JSON values one after another from a stream:
// one document, NDJSON, or documents written one after the other. It keeps
// count of bytes and lines, lets a caller walk the top of a document token
// by token, and hands out the rest value by value as raw bytes, so that a
// large document never has to be held whole. It finds where a value ends
// by its brackets and strings alone; whoever decodes the bytes (jsontree)
// checks the rest of the syntax.
package jsonstream

import (
	"fmt"
	"io"

	"github.com/finprod/finprod/internal/jsontree"
)

// SyntaxError is input that cannot be JSON, found while walking or while
// finding the end of a value.
type SyntaxError struct {
	// Offset and Line (1-based) are where it was found.
	Offset int64
	Line   int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Reader reads JSON values from a stream. It is not safe for concurrent use.
type Reader struct {
	r   io.Reader
	buf []byte
	pos int
	end int
	err error // the stream's error once it has one; io.EOF at its end

	off       int64 // stream offset of buf[pos]
	line      int   // line of buf[pos], 1-based
	lineStart int64 // offset where that line starts

	// The document being walked: how deep the walk is (Expect, More,
	// Empty), where the document started, and whether at a line's start.
	depth          int
	docLine        int
	docAtLineStart bool
}

const bufSize = 1 << 20

// NewReader reads from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, buf: make([]byte, bufSize), line: 1}
}

// Offset is the number of bytes consumed so far.
func (r *Reader) Offset() int64 { return r.off }

// Line is the line (1-based) of the next byte.
func (r *Reader) Line() int { return r.line }

// AtLineStart reports whether the next byte is the first of its line.
func (r *Reader) AtLineStart() bool { return r.off == r.lineStart }

// fill reads more of the stream once the buffer is used up; false at the
// end of the stream or on its error (r.err).
func (r *Reader) fill() bool {
	if r.pos < r.end {
		return true
	}
	if r.err != nil {
		return false
	}
	r.pos, r.end = 0, 0
	for r.end == 0 && r.err == nil {
		n, err := r.r.Read(r.buf)
		r.end = n
		if err != nil {
			r.err = err
		}
	}
	return r.end > 0
}

// readErr is the stream's error, nil at a clean end.
func (r *Reader) readErr() error {
	if r.err == io.EOF {
		return nil
	}
	return r.err
}

// advance consumes one byte c.
func (r *Reader) advance(c byte) {
	r.pos++
	r.off++
	if c == '\n' {
		r.line++
		r.lineStart = r.off
	}
}

func (r *Reader) syntax(format string, a ...any) error {
	return &SyntaxError{Offset: r.off, Line: r.line, Msg: fmt.Sprintf(format, a...)}
}

// Peek skips whitespace and returns the next byte without consuming it.
// At the end of the stream it returns io.EOF; a read error is returned as
// it is.
func (r *Reader) Peek() (byte, error) {
	for r.fill() {
		c := r.buf[r.pos]
		switch c {
		case ' ', '\t', '\r', '\n':
			r.advance(c)
			continue
		}
		return c, nil
	}
	if err := r.readErr(); err != nil {
		return 0, err
	}
	return 0, io.EOF
}

// Expect skips whitespace and consumes c, or says what stood there instead.
func (r *Reader) Expect(c byte, what string) error {
	got, err := r.Peek()
	if err != nil {
		return r.eofAsSyntax(err, "the document ends where "+what+" was expected")
	}
	if got != c {
		return r.syntax("invalid character %q where %s was expected", got, what)
	}
	if c == '{' || c == '[' {
		if err := r.open(); err != nil {
			return err
		}
	}
	r.advance(got)
	return nil
}

// open notes that the walk enters an object or array at the next byte; in
// NDJSON one that starts a line inside a document begins the next
// document, and this one was cut short.
func (r *Reader) open() error {
	if r.depth == 0 {
		r.docLine, r.docAtLineStart = r.line, r.AtLineStart()
	} else if r.docAtLineStart && r.AtLineStart() {
		return r.syntax("the value that starts on line %d is cut short: line %d begins a new one", r.docLine, r.line)
	}
	r.depth++
	return nil
}

// More reads what follows a member or element: true after a comma (another
// follows), false after the closing bracket.
func (r *Reader) More(closing byte) (bool, error) {
	c, err := r.Peek()
	if err != nil {
		return false, r.eofAsSyntax(err, "the document ends inside an object or array")
	}
	switch c {
	case ',':
		r.advance(c)
		return true, nil
	case closing:
		r.advance(c)
		r.depth--
		return false, nil
	}
	return false, r.syntax("invalid character %q after a value (want ',' or %q)", c, closing)
}

// Empty consumes the closing bracket if it comes next: an empty object or
// array, just opened.
func (r *Reader) Empty(closing byte) (bool, error) {
	c, err := r.Peek()
	if err != nil {
		return false, r.eofAsSyntax(err, "the document ends inside an object or array")
	}
	if c == closing {
		r.advance(c)
		r.depth--
		return true, nil
	}
	return false, nil
}

func (r *Reader) eofAsSyntax(err error, msg string) error {
	if err == io.EOF {
		return r.syntax("%s", msg)
	}
	return err
}

// Key reads an object key and the colon after it. dst is a scratch buffer
// for the key's raw bytes; the decoded key is returned.
func (r *Reader) Key(dst []byte) (string, []byte, error) {
	c, err := r.Peek()
	if err != nil {
		return "", dst, r.eofAsSyntax(err, "the document ends where an object key was expected")
	}
	if c != '"' {
		return "", dst, r.syntax("invalid character %q where an object key was expected", c)
	}
	raw, err := r.Value(dst[:0])
	if err != nil {
		return "", raw, err
	}
	key, err := unquote(raw)
	if err != nil {
		return "", raw, r.syntax("object key %s: %v", raw, err)
	}
	return key, raw, r.Expect(':', "':' after an object key")
}

// unquote decodes a JSON string, as jsontree decodes the whole document.
func unquote(raw []byte) (string, error) {
	plain := true
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' || c < 0x20 || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(raw[1 : len(raw)-1]), nil
	}
	v, err := jsontree.Decode(raw)
	if err != nil {
		return "", err
	}
	s, _ := v.(string)
	return s, nil
}

// Value appends the raw bytes of the next JSON value to dst and returns
// them. A string must end on its own line (JSON allows no raw line break
// in one), and an object or array that started at the beginning of a line
// ends where the next line begins with '{' or '[': in NDJSON a value cut
// short (a crashed writer) then costs one document, not the next ones too.
func (r *Reader) Value(dst []byte) ([]byte, error) {
	c, err := r.Peek()
	if err != nil {
		return dst, r.eofAsSyntax(err, "the document ends where a value was expected")
	}
	switch c {
	case '"':
		return r.str(dst)
	case '{', '[':
		if err := r.open(); err != nil {
			return dst, err
		}
		defer func() { r.depth-- }()
		return r.container(dst)
	}
	return r.scalar(dst)
}

func (r *Reader) str(dst []byte) ([]byte, error) {
	dst = append(dst, '"')
	r.advance('"')
	for r.fill() {
		chunk := r.buf[r.pos:r.end]
		for i := 0; i < len(chunk); i++ {
			c := chunk[i]
			switch {
			case c == '"':
				dst = append(dst, chunk[:i+1]...)
				r.pos += i + 1
				r.off += int64(i + 1)
				return dst, nil
			case c == '\\':
				if i+1 < len(chunk) {
					i++ // the escaped byte, whatever it is
					continue
				}
				// The escape continues in the next chunk.
				dst = append(dst, chunk...)
				r.pos += len(chunk)
				r.off += int64(len(chunk))
				if !r.fill() {
					return dst, r.eofAsSyntax(r.eof(), "the document ends inside a string")
				}
				dst = append(dst, r.buf[r.pos])
				r.advance(r.buf[r.pos])
				chunk = nil
			case c < 0x20:
				dst = append(dst, chunk[:i]...)
				r.pos += i
				r.off += int64(i)
				return dst, r.syntax("a string runs into a control character (a line break?); JSON strings end on their line")
			}
		}
		dst = append(dst, chunk...)
		r.pos += len(chunk)
		r.off += int64(len(chunk))
	}
	return dst, r.eofAsSyntax(r.eof(), "the document ends inside a string")
}

func (r *Reader) eof() error {
	if err := r.readErr(); err != nil {
		return err
	}
	return io.EOF
}

func (r *Reader) container(dst []byte) ([]byte, error) {
	depth := 0
	for r.fill() {
		chunk := r.buf[r.pos:r.end]
		base := r.off
		i := 0
	scan:
		for ; i < len(chunk); i++ {
			switch chunk[i] {
			case '"':
				break scan
			case '\n':
				r.line++
				r.lineStart = base + int64(i) + 1
			case '{', '[':
				if depth > 0 && r.docAtLineStart && base+int64(i) == r.lineStart {
					r.take(&dst, chunk[:i])
					return dst, r.syntax("the value that starts on line %d is cut short: line %d begins a new one", r.docLine, r.line)
				}
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					r.take(&dst, chunk[:i+1])
					return dst, nil
				}
			}
		}
		r.take(&dst, chunk[:i])
		if i < len(chunk) { // a string starts here
			var err error
			if dst, err = r.str(dst); err != nil {
				return dst, err
			}
		}
	}
	return dst, r.eofAsSyntax(r.eof(), fmt.Sprintf("the document ends inside the value that starts on line %d", r.docLine))
}

// take appends b, the next bytes of the buffer whose line breaks are
// already counted, to dst and consumes them.
func (r *Reader) take(dst *[]byte, b []byte) {
	*dst = append(*dst, b...)
	r.pos += len(b)
	r.off += int64(len(b))
}

func (r *Reader) scalar(dst []byte) ([]byte, error) {
	for r.fill() {
		c := r.buf[r.pos]
		switch c {
		case ' ', '\t', '\r', '\n', ',', ']', '}', ':', '{', '[', '"':
			return dst, nil
		}
		dst = append(dst, c)
		r.advance(c)
	}
	return dst, r.readErr()
}

// Resync skips to the next line that begins with '{' or '[', after a
// syntax error, so the documents after a broken one are still read. It
// returns io.EOF when none is left.
func (r *Reader) Resync() error {
	r.depth = 0
	for r.fill() {
		c := r.buf[r.pos]
		if (c == '{' || c == '[') && r.AtLineStart() {
			return nil
		}
		r.advance(c)
	}
	return r.eof()
}
