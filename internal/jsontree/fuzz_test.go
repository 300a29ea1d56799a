package jsontree

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/go-json-experiment/json/jsontext"
)

// FuzzDecode holds the decoder to encoding/json, the reference: a document
// is accepted exactly when json.Valid accepts it, it decodes to the value
// encoding/json's Decoder with UseNumber gives, the repeated-key flag is
// what a walk over encoding/json's tokens finds, the shared variant agrees,
// and the input is never written to.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		string(contract.Eksempel()),
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `-12.5e+3`, `1E2`, `"x"`, `{"a":1,"a":2}`,
		`{"a":{"b":1,"b":[1,{"c":2,"c":3}]}}`, `{"\u0061":1,"a":2}`,
		`"\u00e6\u00f8\u00e5 \ud83d\ude00 \" \\ \/ \b\f\n\r\t"`, `"lone \ud83d surrogate"`, `"\ud800\ud800"`,
		`"\udc00"`, `"\ud83d\u0041"`, "\"\xff invalid utf8\"", "\"\xed\xa0\x80\"", `"æøå"`,
		`{"a":1,}`, `[1,]`, `{"a"}`, `01`, `1.`, `1e`, `-`, `tru`, `"abc`, `{"a":1} x`, "\"ctrl\x01\"",
		`"\x"`, `"\u12"`, ``, ` `, `[`, "\t[1 ,\r\n2]\n", `1e400`, `123456789012345678901234567890`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		orig := bytes.Clone(b)
		got, dup, err := DecodeDup(b)
		shared, sharedDup, sharedErr := DecodeDupShared(b)
		if !bytes.Equal(b, orig) {
			t.Fatalf("the decoder wrote to its input %q", orig)
		}
		valid := json.Valid(b)
		if (err == nil) != valid {
			t.Fatalf("input %q: jsontree says %v, json.Valid says %v", b, err, valid)
		}
		if (sharedErr == nil) != valid || !reflect.DeepEqual(got, shared) || dup != sharedDup {
			t.Fatalf("input %q: DecodeDupShared (%v, %v, %v) differs from DecodeDup (%v, %v, %v)", b, shared, sharedDup, sharedErr, got, dup, err)
		}
		if !valid {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("input %q: json.Valid accepts it, its Decoder says %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("input %q:\n jsontree      %#v\n encoding/json %#v", b, got, want)
		}
		if wantDup := repeatsKey(t, b); dup != wantDup {
			t.Fatalf("input %q: jsontree says repeated key %v, encoding/json's tokens say %v", b, dup, wantDup)
		}
	})
}

// FuzzDecodeStrict holds the strict decoder to go-json-experiment's
// jsontext, whose reader refuses invalid UTF-8 and lone surrogate escapes
// (RFC 8259 §8.1): a document is accepted exactly when jsontext accepts it
// (repeated names allowed, as encoding/json allows them), to the value the
// lenient decoder gives; a document encoding/json accepts and jsontext
// refuses is refused as an *EncodingError, not as bad syntax.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{
		string(contract.Eksempel()), `{"a":"æøå","b":["\u00e6","\ud83d\ude00"]}`, `"\ud800"`, `"\udc00x"`, `"\ud83d\u0041"`,
		"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "{\"\xff\":1}", `{"a":1,"a":2}`, `[1,`, `"\ud800\ud800"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, dup, err := DecodeStrict(b)
		shared, sharedDup, sharedErr := DecodeStrictShared(b)
		want := jsontext.Value(b).IsValid(jsontext.AllowDuplicateNames(true))
		if (err == nil) != want {
			t.Fatalf("input %q: DecodeStrict says %v, jsontext says valid=%v", b, err, want)
		}
		if (sharedErr == nil) != want || !reflect.DeepEqual(got, shared) || dup != sharedDup {
			t.Fatalf("input %q: DecodeStrictShared (%v, %v) differs from DecodeStrict (%v, %v)", b, shared, sharedErr, got, err)
		}
		if err != nil {
			var enc *EncodingError
			if json.Valid(b) && !errors.As(err, &enc) {
				t.Fatalf("input %q: well-formed JSON with bad text refused as %T %v, not an *EncodingError", b, err, err)
			}
			return
		}
		lenient, lenientDup, _ := DecodeDup(b)
		if !reflect.DeepEqual(got, lenient) || dup != lenientDup {
			t.Fatalf("input %q: strict %#v, lenient %#v", b, got, lenient)
		}
	})
}

// repeatsKey walks encoding/json's tokens and reports whether some object
// has a key twice.
func repeatsKey(t *testing.T, b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		keys      map[string]bool
		expectKey bool
	}
	var stack []*frame
	found := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return found
		}
		if err != nil {
			t.Fatalf("input %q: token walk: %v", b, err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				found = true
			}
			top.keys[k] = true
			top.expectKey = false
			continue
		}
		if top != nil && top.keys != nil {
			top.expectKey = true // this token is a member's value (or starts one)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, expectKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}
