package jsonenc

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendStringIsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", "Ærlig ønske på ål", `with "quotes" and \ backslash`, "a<b>&c",
		"tab\there\nnewline", "line\u2028separator", "bad \xff utf-8", "emoji 🦆",
	} {
		want, err := json.Marshal(s)
		assert.NoError(t, err)
		assert.Equal(t, string(want), string(AppendString([]byte("x"), s))[1:], "%q", s)
	}
}

// TestAppendStringEveryByte holds every byte, alone and among plain and
// non-ASCII text, to encoding/json.
func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd",
			"ø" + string([]byte{byte(c)}), string([]byte{byte(c)}) + "\u2029"} {
			want, err := json.Marshal(s)
			assert.NoError(t, err)
			assert.Equal(t, string(want), string(AppendString(nil, s)), "%q", s)
		}
	}
}

// TestAppendStringEveryByteInAWord holds AppendString to encoding/json where
// it reads eight bytes at a time: every byte at every place of a long
// plain string, and every pair of adjacent bytes (a borrow from one byte
// into the next is where a word test could go wrong) at a word's edge and
// inside one.
func TestAppendStringEveryByteInAWord(t *testing.T) {
	t.Parallel()
	plain := []byte("Fjordkyst Invest AS, 0123456789")
	check := func(s []byte) {
		want, err := json.Marshal(string(s))
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, string(s)); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
	for c := range 256 {
		for at := range plain {
			s := bytes.Clone(plain)
			s[at] = byte(c)
			check(s)
		}
	}
	for _, at := range []int{3, 7, 15} {
		for c1 := range 256 {
			for c2 := range 256 {
				s := bytes.Clone(plain[:24])
				s[at], s[at+1] = byte(c1), byte(c2)
				check(s)
			}
		}
	}
}

func BenchmarkAppendString(b *testing.B) {
	words := []string{"Fjordkyst Invest AS", "12345678903", "beloepINOK", "Ærlig ønske", "2025-01-31", "NO9386011117947"}
	var buf []byte
	for b.Loop() {
		buf = buf[:0]
		for _, w := range words {
			buf = AppendString(buf, w)
		}
	}
}
