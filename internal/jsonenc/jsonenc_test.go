package jsonenc

import (
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
