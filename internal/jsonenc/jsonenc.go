// Package jsonenc writes JSON strings without reflection, for the encoders
// on hot paths (generated leveranser, Dialogporten's feedback documents)
// that must produce exactly what encoding/json would.
package jsonenc

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// AppendString quotes s as encoding/json does. Strings that need no
// escaping are copied; anything else goes through encoding/json itself, so
// the escaping rules live in one place.
func AppendString(b []byte, s string) []byte {
	i := 0
	// Eight bytes at a time while all are plain ASCII: most of a generated
	// leveranse's strings are names, numbers and codes.
	for ; i+8 <= len(s); i += 8 {
		e := s[i : i+8]
		w := uint64(e[0]) | uint64(e[1])<<8 | uint64(e[2])<<16 | uint64(e[3])<<24 |
			uint64(e[4])<<32 | uint64(e[5])<<40 | uint64(e[6])<<48 | uint64(e[7])<<56
		if notPlain8(w) {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !plain(c) {
			return appendSlow(b, s, i)
		}
	}
	return appendQuoted(b, s)
}

// notPlain8 says whether any of the eight bytes of w is one plain refuses:
// non-ASCII, a control character, or one of " \\ < > &. A byte has its high
// bit set in w itself (non-ASCII), in w − 0x20 each (below 0x20), or in
// (w ^ c) − 1 each (equal to c); a borrow between bytes starts only at a
// byte that is flagged anyway, so the answer is exact.
func notPlain8(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return (w|(w-0x20*ones)|
		((w^'"'*ones)-ones)|((w^'\\'*ones)-ones)|
		((w^'<'*ones)-ones)|((w^'>'*ones)-ones)|((w^'&'*ones)-ones))&highs != 0
}

// plain says whether encoding/json writes the ASCII byte c as it is: not a
// control character, a quote, a backslash, or one of its HTML escapes
// (<, >, &). One bit per byte, so the common case is one test.
func plain(c byte) bool {
	const below64 = ^uint64(0) &^ (1<<0x20 - 1) &^ (1<<'"' | 1<<'&' | 1<<'<' | 1<<'>')
	const from64 = ^uint64(0) &^ (1 << ('\\' - 64))
	if c < 64 {
		return below64>>c&1 != 0
	}
	return from64>>(c-64)&1 != 0
}

// appendSlow finishes AppendString from the first byte that is not plain
// ASCII: valid UTF-8 without escapes is still copied as it is (but for the
// line and paragraph separators, which encoding/json escapes).
func appendSlow(b []byte, s string, i int) []byte {
	for ; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && !plain(c) {
			return appendMarshalled(b, s)
		}
	}
	if !utf8.ValidString(s) || strings.Contains(s, "\u2028") || strings.Contains(s, "\u2029") {
		return appendMarshalled(b, s)
	}
	return appendQuoted(b, s)
}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshalled(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
