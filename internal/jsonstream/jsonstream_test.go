package jsonstream

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// values reads every value of the input with Value, resyncing after a
// syntax error, as a reader of NDJSON would.
func values(t *testing.T, in io.Reader) (vals []string, lines []int, errs []string) {
	t.Helper()
	r := NewReader(in)
	for {
		if _, err := r.Peek(); err == io.EOF {
			return
		} else {
			require.NoError(t, err)
		}
		line := r.Line()
		v, err := r.Value(nil)
		var se *SyntaxError
		if errors.As(err, &se) {
			errs = append(errs, se.Error())
			if r.Resync() == io.EOF {
				return
			}
			continue
		}
		require.NoError(t, err)
		vals, lines = append(vals, string(v)), append(lines, line)
	}
}

func TestValuesOfNDJSONAndPrettyDocuments(t *testing.T) {
	pretty := "{\n  \"a\": [1, 2, {\"b\": \"x}\\\"]\"}],\n  \"c\": null\n}\n"
	in := `{"a":1}` + "\n" + `{"b":"\u00e5\\"}` + "\n\n" + pretty + `[true]` + "\n" + `"s"` + "\n" + `12.5e3` + "\n"
	for name, r := range map[string]io.Reader{
		"whole":        strings.NewReader(in),
		"byte by byte": iotest.OneByteReader(strings.NewReader(in)),
	} {
		vals, lines, errs := values(t, r)
		assert.Empty(t, errs, name)
		require.Len(t, vals, 6, name)
		assert.Equal(t, []int{1, 2, 4, 8, 9, 10}, lines, name)
		assert.Equal(t, strings.TrimSpace(pretty), vals[2], name)
		for _, v := range vals {
			assert.True(t, json.Valid([]byte(v)), "%s: %s", name, v)
		}
	}
}

func TestACutLineCostsOneDocument(t *testing.T) {
	in := `{"a":1}` + "\n" + `{"leveranse":{"oppgave":[{"x":` + "\n" + `{"b":2}` + "\n" + `{"c":"no end` + "\n" + `{"d":4}` + "\n"
	vals, lines, errs := values(t, iotest.HalfReader(strings.NewReader(in)))
	assert.Equal(t, []string{`{"a":1}`, `{"b":2}`, `{"d":4}`}, vals)
	assert.Equal(t, []int{1, 3, 5}, lines)
	require.Len(t, errs, 2)
	assert.Contains(t, errs[0], "line 3: the value that starts on line 2 is cut short")
	assert.Contains(t, errs[1], "line 4: a string runs into a control character")
}

func TestTheEndInsideAValueIsASyntaxError(t *testing.T) {
	_, _, errs := values(t, strings.NewReader("{\n \"a\": [1,\n"))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "the document ends inside the value that starts on line 1")
}

func TestWalkingAnObject(t *testing.T) {
	r := NewReader(iotest.OneByteReader(strings.NewReader(` { "le\u0076eranse" : {"oppgave": [ {"i":0} , {"i":1} ] } } `)))
	require.NoError(t, r.Expect('{', "an object"))
	key, _, err := r.Key(nil)
	require.NoError(t, err)
	assert.Equal(t, "leveranse", key, "escapes in keys are decoded")
	require.NoError(t, r.Expect('{', "an object"))
	key, _, err = r.Key(nil)
	require.NoError(t, err)
	assert.Equal(t, "oppgave", key)
	require.NoError(t, r.Expect('[', "an array"))
	empty, err := r.Empty(']')
	require.NoError(t, err)
	require.False(t, empty)
	var got []string
	for {
		v, err := r.Value(nil)
		require.NoError(t, err)
		got = append(got, string(v))
		more, err := r.More(']')
		require.NoError(t, err)
		if !more {
			break
		}
	}
	assert.Equal(t, []string{`{"i":0}`, `{"i":1}`}, got)
	more, err := r.More('}')
	require.NoError(t, err)
	assert.False(t, more)
	more, err = r.More('}')
	require.NoError(t, err)
	assert.False(t, more)
	_, err = r.Peek()
	assert.Equal(t, io.EOF, err)

	r = NewReader(strings.NewReader(`{"a" 1}`))
	require.NoError(t, r.Expect('{', "an object"))
	_, _, err = r.Key(nil)
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, se.Line)
	assert.Contains(t, se.Msg, `'1'`)
}

func TestReadErrorsAreNotSyntaxErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	r := NewReader(io.MultiReader(strings.NewReader(`{"a": [1, `), iotest.ErrReader(boom)))
	_, err := r.Value(nil)
	require.ErrorIs(t, err, boom)
	var se *SyntaxError
	assert.False(t, errors.As(err, &se))
}
