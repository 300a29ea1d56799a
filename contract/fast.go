package contract

import (
	"encoding/json"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// fastChecker answers one question about a compiled schema without
// allocating: is this document certainly valid? It interprets the same
// compiled *jsonschema.Schema graph the library validates with, for any
// loaded document, but only when every schema reachable from the root uses
// keywords it implements (draft 2020-12 assertions without unevaluated*,
// $dynamicRef, contains, propertyNames, content* or extensions); otherwise
// it is not built and the library validates alone.
//
// It is one-sided by construction: ValidateInnsending returns nil at once
// only when the checker says valid; for anything else the library validates
// again and its verdict and error details are what the caller sees. So a
// defect here can cost time but can only change a result if the checker
// accepts a document that the library rejects — which the differential
// tests in fast_test.go look for.
//
// Why: the library builds a scope, an unevaluated-properties record and an
// error-path slice for every value and subschema it visits, even for a valid
// document; on the mock's submission path that was half of the CPU time and
// most of the garbage.
type fastChecker struct{ root *jsonschema.Schema }

// newFastChecker returns nil when the schema uses anything it does not
// implement, or can loop at one instance location (a $ref cycle that does
// not descend into the document, which the library reports as an error).
func newFastChecker(root *jsonschema.Schema) *fastChecker {
	if root == nil {
		return nil
	}
	// Every schema reachable from the root must be supported.
	seen := map[*jsonschema.Schema]bool{}
	todo := []*jsonschema.Schema{root}
	for len(todo) > 0 {
		s := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if s == nil || seen[s] {
			continue
		}
		seen[s] = true
		if !supported(s) {
			return nil
		}
		todo = append(todo, sameInstance(s)...)
		for _, c := range s.Properties {
			todo = append(todo, c)
		}
		for _, c := range s.PatternProperties {
			todo = append(todo, c)
		}
		if c, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
			todo = append(todo, c)
		}
		todo = append(todo, s.PrefixItems...)
		todo = append(todo, s.Items2020)
	}
	// No cycle through subschemas applied to the same value: the checker
	// would not terminate there.
	const (
		grey  = 1
		black = 2
	)
	color := map[*jsonschema.Schema]int{}
	var acyclic func(s *jsonschema.Schema) bool
	acyclic = func(s *jsonschema.Schema) bool {
		switch color[s] {
		case grey:
			return false
		case black:
			return true
		}
		color[s] = grey
		for _, c := range sameInstance(s) {
			if c != nil && !acyclic(c) {
				return false
			}
		}
		color[s] = black
		return true
	}
	for s := range seen {
		if !acyclic(s) {
			return nil
		}
	}
	return &fastChecker{root: root}
}

// sameInstance lists the subschemas a schema applies to the value itself.
func sameInstance(s *jsonschema.Schema) []*jsonschema.Schema {
	out := []*jsonschema.Schema{s.Ref, s.Not, s.If, s.Then, s.Else}
	out = append(out, s.AllOf...)
	out = append(out, s.AnyOf...)
	out = append(out, s.OneOf...)
	for _, c := range s.DependentSchemas {
		out = append(out, c)
	}
	return out
}

func supported(s *jsonschema.Schema) bool {
	if s.Bool != nil {
		return true
	}
	if s.DraftVersion < 2020 {
		return false
	}
	if s.RecursiveRef != nil || s.DynamicRef != nil ||
		(s.Format != nil && (s.Format.Name == "regex" || s.Format.Validate == nil)) ||
		s.PropertyNames != nil || s.Dependencies != nil || s.UnevaluatedProperties != nil ||
		s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		s.Items != nil || s.AdditionalItems != nil || s.UnevaluatedItems != nil ||
		s.ContentEncoding != nil || s.ContentMediaType != nil || s.ContentSchema != nil ||
		len(s.Extensions) > 0 {
		return false
	}
	switch s.AdditionalProperties.(type) {
	case nil, bool, *jsonschema.Schema:
	default:
		return false
	}
	return true
}

// fastRun is one check. unsure is set wherever the checker cannot decide
// exactly as the library would (number shapes it does not parse, Go types
// the decoder does not produce, multipleOf); the whole answer is then
// thrown away, so every answer that is used, including those under not,
// oneOf and if, is exact.
type fastRun struct{ unsure bool }

// valid reports whether v is valid against the root schema, and whether
// that answer is exact; when it is not, the library must decide.
func (f *fastChecker) valid(v any) (valid, exact bool) {
	var r fastRun
	ok := r.valid(f.root, v)
	return ok, !r.unsure
}

func (r *fastRun) valid(s *jsonschema.Schema, v any) bool {
	if s.Bool != nil {
		return *s.Bool
	}
	switch v.(type) {
	case nil, bool, string, json.Number, map[string]any, []any:
	default:
		r.unsure = true // Go types the decoder does not produce
		return false
	}
	if s.Types != nil && !s.Types.IsEmpty() && !r.typeOK(*s.Types, v) {
		return false
	}
	if s.Const != nil && !r.equal(v, *s.Const) {
		return false
	}
	if s.Enum != nil {
		found := false
		for _, e := range s.Enum.Values {
			if r.equal(v, e) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if s.Format != nil && s.Format.Validate(v) != nil {
		return false
	}
	if s.Ref != nil && !r.valid(s.Ref, v) {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		if !r.objValid(s, v) {
			return false
		}
	case []any:
		if !r.arrValid(s, v) {
			return false
		}
	case string:
		if !r.strValid(s, v) {
			return false
		}
	case json.Number:
		if !r.numValid(s, v) {
			return false
		}
	}
	if s.Not != nil && r.valid(s.Not, v) {
		return false
	}
	for _, c := range s.AllOf {
		if !r.valid(c, v) {
			return false
		}
	}
	if len(s.AnyOf) > 0 {
		any := false
		for _, c := range s.AnyOf {
			if r.valid(c, v) {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	if len(s.OneOf) > 0 {
		n := 0
		for _, c := range s.OneOf {
			if r.valid(c, v) {
				if n++; n > 1 {
					return false
				}
			}
		}
		if n != 1 {
			return false
		}
	}
	if s.If != nil {
		if r.valid(s.If, v) {
			if s.Then != nil && !r.valid(s.Then, v) {
				return false
			}
		} else if s.Else != nil && !r.valid(s.Else, v) {
			return false
		}
	}
	return true
}

// typeOK mirrors the library's type keyword through the public Types API.
func (r *fastRun) typeOK(t jsonschema.Types, v any) bool {
	var want string
	switch v := v.(type) {
	case nil:
		want = "null"
	case bool:
		want = "boolean"
	case string:
		want = "string"
	case []any:
		want = "array"
	case map[string]any:
		want = "object"
	case json.Number:
		if typesHas(t, "number") {
			return true
		}
		return typesHas(t, "integer") && r.isInteger(v)
	}
	return typesHas(t, want)
}

// typesHas asks a Types value whether it holds one type name without
// allocating: adding the name to a copy changes nothing if it is there.
func typesHas(t jsonschema.Types, name string) bool {
	u := t
	u.Add(name)
	return u == t
}

func (r *fastRun) objValid(s *jsonschema.Schema, obj map[string]any) bool {
	if s.MinProperties != nil && len(obj) < *s.MinProperties {
		return false
	}
	if s.MaxProperties != nil && len(obj) > *s.MaxProperties {
		return false
	}
	for _, r := range s.Required {
		if _, ok := obj[r]; !ok {
			return false
		}
	}
	for name, val := range obj {
		evaluated := false
		if c, ok := s.Properties[name]; ok {
			evaluated = true
			if !r.valid(c, val) {
				return false
			}
		}
		for re, c := range s.PatternProperties {
			if re.MatchString(name) {
				evaluated = true
				if !r.valid(c, val) {
					return false
				}
			}
		}
		if !evaluated {
			switch a := s.AdditionalProperties.(type) {
			case bool:
				if !a {
					return false
				}
			case *jsonschema.Schema:
				if !r.valid(a, val) {
					return false
				}
			}
		}
	}
	for name, c := range s.DependentSchemas {
		if _, ok := obj[name]; ok && !r.valid(c, obj) {
			return false
		}
	}
	for name, req := range s.DependentRequired {
		if _, ok := obj[name]; ok {
			for _, r := range req {
				if _, ok := obj[r]; !ok {
					return false
				}
			}
		}
	}
	return true
}

func (r *fastRun) arrValid(s *jsonschema.Schema, arr []any) bool {
	if s.MinItems != nil && len(arr) < *s.MinItems {
		return false
	}
	if s.MaxItems != nil && len(arr) > *s.MaxItems {
		return false
	}
	if s.UniqueItems {
		for i := 1; i < len(arr); i++ {
			for j := 0; j < i; j++ {
				if r.equal(arr[i], arr[j]) {
					return false
				}
			}
		}
	}
	n := min(len(s.PrefixItems), len(arr))
	for i := 0; i < n; i++ {
		if !r.valid(s.PrefixItems[i], arr[i]) {
			return false
		}
	}
	if s.Items2020 != nil {
		for _, item := range arr[n:] {
			if !r.valid(s.Items2020, item) {
				return false
			}
		}
	}
	return true
}

func (r *fastRun) strValid(s *jsonschema.Schema, str string) bool {
	if s.MinLength != nil || s.MaxLength != nil {
		n := utf8.RuneCountInString(str)
		if s.MinLength != nil && n < *s.MinLength {
			return false
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return false
		}
	}
	return s.Pattern == nil || s.Pattern.MatchString(str)
}

func (r *fastRun) numValid(s *jsonschema.Schema, n json.Number) bool {
	if s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil && s.ExclusiveMaximum == nil && s.MultipleOf == nil {
		return true
	}
	if s.MultipleOf != nil {
		r.unsure = true // rare; the library decides
		return false
	}
	if i, ok := smallInt(n); ok {
		return cmpOK(s.Minimum, i, func(c int) bool { return c >= 0 }) &&
			cmpOK(s.Maximum, i, func(c int) bool { return c <= 0 }) &&
			cmpOK(s.ExclusiveMinimum, i, func(c int) bool { return c > 0 }) &&
			cmpOK(s.ExclusiveMaximum, i, func(c int) bool { return c < 0 })
	}
	r.unsure = true // fractions, exponents, big numbers: the library decides
	return false
}

// cmpOK compares the integer i with bound (nil: no bound) and applies want
// to the sign of i − bound.
func cmpOK(bound *big.Rat, i int64, want func(int) bool) bool {
	if bound == nil {
		return true
	}
	var r big.Rat
	if bound.IsInt() && bound.Num().IsInt64() {
		b := bound.Num().Int64()
		switch {
		case i < b:
			return want(-1)
		case i > b:
			return want(1)
		}
		return want(0)
	}
	r.SetInt64(i)
	return want(r.Cmp(bound))
}

// smallInt parses -?[0-9]{1,18}, the only number shape taken without the library.
func smallInt(n json.Number) (int64, bool) {
	s := string(n)
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}

// isInteger is the library's test (a JSON number with an integral value).
func (r *fastRun) isInteger(n json.Number) bool {
	if _, ok := smallInt(n); ok {
		return true
	}
	q, ok := new(big.Rat).SetString(string(n))
	return ok && q.IsInt()
}

// equal is the library's JSON equality (numbers by value).
func (r *fastRun) equal(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case json.Number:
		bn, ok := b.(json.Number)
		if !ok {
			return false
		}
		if a == bn {
			return true
		}
		ra, ok1 := new(big.Rat).SetString(string(a))
		rb, ok2 := new(big.Rat).SetString(string(bn))
		if !ok1 || !ok2 {
			r.unsure = true
			return false
		}
		return ra.Cmp(rb) == 0
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if !r.equal(a[i], bs[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !r.equal(av, bv) {
				return false
			}
		}
		return true
	}
	r.unsure = true // values of other Go types: the library decides
	return false
}
