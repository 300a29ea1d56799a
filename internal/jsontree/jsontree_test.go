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
