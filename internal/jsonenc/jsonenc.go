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
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshalled(b, s)
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if !ascii && (!utf8.ValidString(s) || strings.Contains(s, "\u2028") || strings.Contains(s, "\u2029")) {
		return appendMarshalled(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshalled(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
