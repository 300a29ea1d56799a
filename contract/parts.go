package contract

import (
	"maps"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Parts is the submission schema cut at leveranse.oppgave, so that a
// document can be validated one oppgave at a time and never held whole:
// every element against the oppgave schema (ValidateOppgave), and the rest
// of the document, with a placeholder for each element, against the
// submission schema with the items left open (ValidateEnvelope). Put
// together as Combine does, they give exactly the violations
// ValidateInnsending gives for the whole document; Parts exists only for a
// schema where that holds (see cut).
type Parts struct {
	envelope *jsonschema.Schema
	oppgave  *jsonschema.Schema
}

// Parts returns the schema cut at leveranse.oppgave, or nil when the
// submission schema cannot be cut there faithfully (an official document
// with combinators around the oppgave list, say); callers then validate
// whole documents.
func (c *Contract) Parts() *Parts { return c.parts }

// PartViolations are one part's violations: of numbers no numeric type
// holds (ASSUMPTION A-HELTALL), or else of the schema.
type PartViolations struct {
	Numbers []Violation
	Schema  []Violation
}

// ValidateEnvelope validates a document whose leveranse.oppgave array holds
// a placeholder (nil, or an OppgaveList's Value) per element; the elements
// themselves are checked by ValidateOppgave.
func (p *Parts) ValidateEnvelope(doc any) PartViolations {
	// The kept elements of an OppgaveList are ValidateOppgave's to judge.
	bare := doc
	if root, ok := doc.(map[string]any); ok {
		if lev, ok := root["leveranse"].(map[string]any); ok {
			if _, ok := lev["oppgave"].([]any); ok {
				l := maps.Clone(lev)
				l["oppgave"] = []any{}
				r := maps.Clone(root)
				r["leveranse"] = l
				bare = r
			}
		}
	}
	if ns := numberViolations(bare); len(ns) > 0 {
		return PartViolations{Numbers: ns}
	}
	return PartViolations{Schema: violationsAt(p.envelope, doc, doc, nil)}
}

// ValidateOppgave validates element i of leveranse.oppgave; each violation's
// sti is its place in the whole document.
func (p *Parts) ValidateOppgave(i int, oppgave any) PartViolations {
	prefix := "$.leveranse.oppgave[" + strconv.Itoa(i) + "]"
	at := func(vs []Violation) []Violation {
		for k := range vs {
			vs[k].Sti = prefix + strings.TrimPrefix(vs[k].Sti, "$")
		}
		return vs
	}
	if ns := numberViolations(oppgave); len(ns) > 0 {
		return PartViolations{Numbers: at(ns)}
	}
	return PartViolations{Schema: at(violationsAt(p.oppgave, oppgave, oppgave, nil))}
}

// Combine puts the parts' violations together as ValidateInnsending gives
// them for the whole document: the numbers no type holds if there are any
// (the schema is then not consulted), else the schema's violations; in
// document order, and at most MaxViolations of them, with one more saying so.
// omitted counts violations a caller dropped on the way (to bound its own
// memory), which also make the list one that says more were left out.
func Combine(parts []PartViolations, omitted int) []Violation {
	var numbers, schema []Violation
	for _, p := range parts {
		numbers = append(numbers, p.Numbers...)
		schema = append(schema, p.Schema...)
	}
	out, marker := schema, "flere brudd på skjemaet er ikke vist (høyst "+strconv.Itoa(MaxViolations)+")"
	if len(numbers) > 0 {
		out, marker = numbers, "flere tall som ingen talltype rommer er ikke vist (høyst "+strconv.Itoa(MaxViolations)+")"
	}
	sortInDocumentOrder(out)
	if len(out) > MaxViolations || omitted > 0 {
		out = append(out[:min(len(out), MaxViolations):min(len(out), MaxViolations)], Violation{Sti: "$", Melding: marker})
	}
	return out
}

// Keywords a schema on the way from the submission to leveranse.oppgave may
// carry for the cut to be faithful: none of them looks at a member's value
// other than through properties, and none at the list's elements other than
// through items. Anything else (allOf, if, patternProperties, enum,
// unevaluatedProperties, uniqueItems, maxItems, ...) keeps the schema whole.
var (
	objectKeywords = keywordSet("type", "required", "properties", "additionalProperties", "minProperties", "maxProperties",
		"propertyNames", "dependentRequired")
	arrayKeywords = keywordSet("type", "items", "minItems")
	// Annotations change no verdict.
	annotations = keywordSet("description", "title", "$comment", "example", "examples", "default", "deprecated",
		"readOnly", "writeOnly", "nullable", "format", "externalDocs", "xml", "discriminator")
)

func keywordSet(ks ...string) map[string]bool {
	m := make(map[string]bool, len(ks))
	for _, k := range ks {
		m[k] = true
	}
	return m
}

func only(schema map[string]any, allowed map[string]bool) bool {
	for k := range schema {
		if !allowed[k] && !annotations[k] && !strings.HasPrefix(k, "x-") {
			return false
		}
	}
	return true
}

// cut builds the two halves from the submission schema, its component
// references written out. ok is false when the schema still refers
// elsewhere or its path to leveranse.oppgave carries a keyword the halves
// could not reproduce.
func cut(root map[string]any, schema any) (envelope, item any, ok bool) {
	schema = inlineSchemaRefs(root, schema, nil)
	if hasRef(schema) {
		return nil, nil, false
	}
	innsending, _ := schema.(map[string]any)
	lev := property(innsending, "leveranse")
	opp := property(lev, "oppgave")
	if innsending == nil || lev == nil || opp == nil ||
		!only(innsending, objectKeywords) || !only(lev, objectKeywords) || !only(opp, arrayKeywords) {
		return nil, nil, false
	}
	item, ok = opp["items"]
	if !ok {
		return nil, nil, false
	}
	envelope = inlineSchemaRefs(root, schema, nil) // a copy to change
	property(property(envelope.(map[string]any), "leveranse"), "oppgave")["items"] = true
	return envelope, item, true
}

func property(schema map[string]any, name string) map[string]any {
	props, _ := schema["properties"].(map[string]any)
	p, _ := props[name].(map[string]any)
	return p
}

func hasRef(node any) bool {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if k == "$ref" || k == "$dynamicRef" || hasRef(v) {
				return true
			}
		}
	case []any:
		for _, v := range n {
			if hasRef(v) {
				return true
			}
		}
	}
	return false
}

// compileParts compiles the halves, or returns nil when the schema cannot
// be cut.
func compileParts(c *jsonschema.Compiler, root map[string]any, schema any) *Parts {
	envelope, item, ok := cut(root, schema)
	if !ok {
		return nil
	}
	const envURL, itemURL = "mem:///innsending-envelope.json", "mem:///oppgave.json"
	if c.AddResource(envURL, envelope) != nil || c.AddResource(itemURL, item) != nil {
		return nil
	}
	env, err := c.Compile(envURL)
	if err != nil {
		return nil
	}
	opp, err := c.Compile(itemURL)
	if err != nil {
		return nil
	}
	return &Parts{envelope: env, oppgave: opp}
}

// OppgaveList stands in for leveranse.oppgave in the envelope while its
// elements stream past: it counts them and keeps the first few, as far as
// the echoed value (AngittVerdi) of a violation at the list, the leveranse
// or the document can reach; the rest are placeholders. The zero value is
// an empty list.
type OppgaveList struct {
	n     int
	head  []any
	runes int
}

// Add counts the next element, keeping it while the kept ones are shorter
// than an echoed value.
func (l *OppgaveList) Add(oppgave any) {
	l.n++
	if l.runes >= maxValueText || len(l.head) != l.n-1 {
		return
	}
	l.head = append(l.head, oppgave)
	l.runes += len([]rune(valueText(oppgave))) + 1
}

// Len is the number of elements added.
func (l *OppgaveList) Len() int { return l.n }

// Value is the list to put in the envelope: the kept elements, then nil
// for each of the others.
func (l *OppgaveList) Value() []any {
	out := make([]any, l.n)
	copy(out, l.head)
	return out
}
