package jsontree

import (
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Decode must agree with contract.DecodeJSON on every input: same
// value when both accept, an error when contract.DecodeJSON gives one.
func TestDecodeJSONAgreesWithContract(t *testing.T) {
	inputs := []string{
		string(contract.Eksempel()),
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `-12.5e+3`, `1E2`, `"x"`,
		`{"a":1,"a":2}`, ` {"a" : [1, "two", {"b": null}] } `,
		`"\u00e6\u00f8\u00e5 \ud83d\ude00 \" \\ \/ \b\f\n\r\t"`, `"lone \ud83d surrogate"`,
		"\"\xff invalid utf8\"", `"æøå"`,
		`{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `01`, `1.`, `1e`, `-`, `tru`, `nul`, `"abc`, `{"a":1} x`,
		`{"a":1}}`, "\"ctrl\x01\"", `"\x"`, `"\u12"`, ``, ` `, `[`, `{`, `{"a":[1,2}`, `+1`, `.5`,
	}
	for _, in := range inputs {
		want, wantErr := contract.DecodeJSON([]byte(in))
		got, err := Decode([]byte(in))
		shared, _, sharedErr := DecodeDupShared([]byte(in))
		assert.Equal(t, err == nil, sharedErr == nil, "input %q", in)
		assert.Equal(t, got, shared, "input %q", in)
		if wantErr != nil {
			assert.Error(t, err, "input %q", in)
			continue
		}
		require.NoError(t, err, "input %q", in)
		assert.Equal(t, want, got, "input %q", in)
	}
}

func TestDecodeJSONDepthLimit(t *testing.T) {
	deep := make([]byte, 0, 2*(MaxDepth+2))
	for range MaxDepth + 2 {
		deep = append(deep, '[')
	}
	_, err := Decode(deep)
	assert.Error(t, err)
}

func TestDecodeDupReportsRepeatedKeys(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":1,"b":2}`: false, `{"a":1,"a":2}`: true, `[{"a":{"b":1,"b":1}}]`: true, `{"a":{"a":1}}`: false,
	} {
		_, dup, err := DecodeDup([]byte(in))
		require.NoError(t, err)
		assert.Equal(t, want, dup, in)
	}
}

// TestStrictRefusesTextThatIsNotUTF8 holds DecodeStrict to RFC 8259 §8.1
// with byte sequences written out by hand (Unicode 15, table 3-7, lists the
// well-formed ones), each with the JSONPath of its string.
func TestStrictRefusesTextThatIsNotUTF8(t *testing.T) {
	bad := []struct{ name, in, sti, reason string }{
		{"stray byte", "\"\xff\"", "$", "0xFF"},
		{"continuation byte alone", `{"a":"x` + "\x80" + `"}`, "$.a", "0x80"},
		{"overlong slash", `{"a":["x","` + "\xc0\xaf" + `"]}`, "$.a[1]", "0xC0"},
		{"overlong three bytes", `["` + "\xe0\x80\xaf" + `"]`, "$[0]", "0xE0"},
		{"UTF-8-encoded surrogate", `{"leveranse":{"kildesystem":"` + "\xed\xa0\x80" + `"}}`, "$.leveranse.kildesystem", "0xED"},
		{"beyond U+10FFFF", `["` + "\xf4\x90\x80\x80" + `"]`, "$[0]", "0xF4"},
		{"cut-off sequence", `["` + "\xe2\x82" + `"]`, "$[0]", "0xE2"},
		{"lone high surrogate escape", `{"leveranse":{"oppgave":[{"navn":"Sc\ud800ott"}]}}`, "$.leveranse.oppgave[0].navn", `\ud800`},
		{"lone low surrogate escape", `{"a":"\udc00"}`, "$.a", `\udc00`},
		{"high surrogate then a letter", `{"a":"\ud83d\u0041"}`, "$.a", `\ud83d`},
		{"key with a stray byte", `{"x":{"k` + "\xff" + `":1}}`, "$.x", "0xFF"},
		{"key that is no identifier", `{"a b":{"c":"` + "\xfe" + `"}}`, "$['a b'].c", "0xFE"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			for name, decode := range map[string]func([]byte) (any, bool, error){"copy": DecodeStrict, "shared": DecodeStrictShared} {
				_, _, err := decode([]byte(c.in))
				var e *EncodingError
				require.ErrorAs(t, err, &e, "%s: %q", name, c.in)
				assert.Equal(t, c.sti, e.Sti(), name)
				assert.Contains(t, e.Error(), c.reason, name)
			}
			_, err := Decode([]byte(c.in))
			assert.NoError(t, err, "the lenient decoding reads it, as encoding/json does")
		})
	}
	good := []string{
		`"\ud83d\ude00"`, "\"\xf0\x9f\x98\x80\"", `"æøå"`, "\"\xef\xbf\xbe\"", "\"\xf4\x8f\xbf\xbf\"", `"\u0000"`,
		string(contract.Eksempel()), `{"a b":{"c":"d"}}`,
	}
	for _, in := range good {
		want, err := Decode([]byte(in))
		require.NoError(t, err, "%q", in)
		got, _, err := DecodeStrict([]byte(in))
		require.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
}
