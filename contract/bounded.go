package contract

import (
	"slices"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// MaxViolations is the most violations ValidateInnsending lists; when there
// are more, a last one says so (ASSUMPTION A-FEILSPES). The bound is also
// what keeps validation in bounded time and memory: the validator builds
// every error it finds before it returns, and a 6 MB body of a few million
// wrong array items made it build three million (15 s, 3.8 GB).
const MaxViolations = 100

// splitLen is the length from which an array is validated item by item,
// so that validation can stop once MaxViolations are found.
const splitLen = 32

// bounded validates a document in pieces: each long array that the schema
// reaches through plain properties and items alone is taken out, its own
// keywords (minItems, maxItems) checked here, and its items validated one
// by one, recursively, until MaxViolations are found. What is left of the
// document is validated whole. For such arrays this finds exactly the
// violations of one validation of the whole document; a schema with
// combinators (allOf, oneOf, $ref, …) around an array keeps it whole.
type bounded struct {
	root  any // the whole document: paths and given values are read from it
	limit int // how many violations are collected before the rest are left out
	// open is the place of an array whose items the caller validates
	// itself (Parts: leveranse.oppgave, whose elements stream past): it is
	// taken out whatever its length, and only its own keywords checked.
	open []string
	out  []Violation
	more bool // violations beyond limit were left out
}

// split is a long array taken out of the document for its own validation.
type split struct {
	loc    []string
	schema *jsonschema.Schema // the array's
	items  *jsonschema.Schema // its items'
	list   []any
}

func boundedViolations(s *jsonschema.Schema, doc any) []Violation {
	if s == nil {
		return nil
	}
	b := &bounded{root: doc, limit: MaxViolations}
	b.validate(s, doc, nil)
	sortInDocumentOrder(b.out)
	if len(b.out) > MaxViolations {
		b.out, b.more = b.out[:MaxViolations], true
	}
	if b.more {
		b.out = append(b.out, Violation{Sti: "$", Melding: "flere brudd på skjemaet er ikke vist (høyst " + strconv.Itoa(MaxViolations) + ")"})
	}
	return b.out
}

func (b *bounded) full() bool {
	if len(b.out) >= b.limit {
		b.more = true
		return true
	}
	return false
}

// validate checks node, found at loc in the document, against s.
func (b *bounded) validate(s *jsonschema.Schema, node any, loc []string) {
	if b.full() {
		return
	}
	var splits []split
	buf := make([]string, len(loc), len(loc)+16) // prune's path buffer, deep enough for a leveranse
	copy(buf, loc)
	pruned, _ := b.prune(s, node, buf, &splits)
	for _, v := range violationsAt(s, b.root, pruned, loc) {
		if !slices.ContainsFunc(splits, func(sp split) bool { return v.Sti == jsonPath(b.root, sp.loc) }) {
			b.out = append(b.out, v) // an array taken out answers for itself below
		}
	}
	for _, sp := range splits {
		sti := jsonPath(b.root, sp.loc)
		if m := sp.schema.MinItems; m != nil && len(sp.list) < *m {
			b.out = append(b.out, Violation{Sti: sti, Melding: (&kind.MinItems{Got: len(sp.list), Want: *m}).LocalizedString(printer()), AngittVerdi: valueText(sp.list)})
		}
		if m := sp.schema.MaxItems; m != nil && len(sp.list) > *m {
			b.out = append(b.out, Violation{Sti: sti, Melding: (&kind.MaxItems{Got: len(sp.list), Want: *m}).LocalizedString(printer()), AngittVerdi: valueText(sp.list)})
		}
		if b.isOpen(sp.loc) {
			continue
		}
		for i, item := range sp.list {
			if b.full() {
				return
			}
			b.validate(sp.items, item, append(slices.Clip(sp.loc), strconv.Itoa(i)))
		}
	}
}

// prune returns node with every long array that s reaches through plain
// properties and items replaced by an empty one, copying only what it
// changes, and lists what it took out in splits. loc is the caller's
// buffer: it is appended to and never kept (a split keeps a copy), so a
// document without long arrays costs no allocation for its paths.
func (b *bounded) prune(s *jsonschema.Schema, node any, loc []string, splits *[]split) (any, bool) {
	switch n := node.(type) {
	case map[string]any:
		if !plainObject(s) {
			return node, false
		}
		var out map[string]any
		for k, v := range n {
			ps := s.Properties[k]
			if ps == nil {
				continue
			}
			nv, changed := b.prune(ps, v, append(loc, k), splits)
			if !changed {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(n))
				for k2, v2 := range n {
					out[k2] = v2
				}
			}
			out[k] = nv
		}
		if out == nil {
			return node, false
		}
		return out, true
	case []any:
		items := plainArray(s)
		if items == nil {
			return node, false
		}
		if len(n) > splitLen || b.isOpen(loc) {
			*splits = append(*splits, split{loc: slices.Clone(loc), schema: s, items: items, list: n})
			return []any{}, true
		}
		var out []any
		for i, v := range n {
			nv, changed := b.prune(items, v, append(loc, strconv.Itoa(i)), splits)
			if !changed {
				continue
			}
			if out == nil {
				out = slices.Clone(n)
			}
			out[i] = nv
		}
		if out == nil {
			return node, false
		}
		return out, true
	}
	return node, false
}

func (b *bounded) isOpen(loc []string) bool { return b.open != nil && slices.Equal(loc, b.open) }

// plain reports whether a schema applies no subschema to the whole value
// (combinators, references, conditionals, extensions): its properties or
// items then see each part alone.
func plain(s *jsonschema.Schema) bool {
	return s.Bool == nil && s.Ref == nil && s.RecursiveRef == nil && s.DynamicRef == nil &&
		s.Not == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 &&
		s.If == nil && s.Then == nil && s.Else == nil && len(s.Extensions) == 0 &&
		s.Enum == nil && s.Const == nil
}

// plainObject: properties are checked each on its own value.
func plainObject(s *jsonschema.Schema) bool {
	return plain(s) && s.UnevaluatedProperties == nil && len(s.PatternProperties) == 0 &&
		len(s.DependentSchemas) == 0 && len(s.Dependencies) == 0
}

// plainArray returns the items' schema when an array's items are checked
// each on its own and the array itself only for its type and length.
func plainArray(s *jsonschema.Schema) *jsonschema.Schema {
	if !plain(s) || s.PrefixItems != nil || s.Contains != nil || s.UniqueItems || s.UnevaluatedItems != nil ||
		s.AdditionalItems != nil || s.Types != nil && !slices.Contains(s.Types.ToStrings(), "array") {
		return nil
	}
	if s.Items2020 != nil {
		return s.Items2020
	}
	items, _ := s.Items.(*jsonschema.Schema)
	return items
}
