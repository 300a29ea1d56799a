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
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !plain(c) {
			return appendSlow(b, s, i)
		}
	}
	return appendQuoted(b, s)
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
