package jsonenc

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAppendString holds AppendString to encoding/json, the reference: the
// same bytes as json.Marshal for any string, valid UTF-8 or not, appended
// after whatever the buffer held.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{
		"", "plain", "Ærlig ønske på ål", `with "quotes" and \ backslash`, "a<b>&c", "tab\there\nnewline",
		"line\u2028separator\u2029", "bad \xff utf-8", "emoji 🦆", "\x00\x1f\x7f", "\xed\xa0\x80", "\ufffd", "\xc3",
	} {
		f.Add([]byte("prefix,"), s)
	}
	f.Fuzz(func(t *testing.T, prefix []byte, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("json.Marshal(%q): %v", s, err)
		}
		got := AppendString(bytes.Clone(prefix), s)
		if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
			t.Fatalf("AppendString(%q, %q) = %q, want the prefix and %q", prefix, s, got, want)
		}
	})
}
