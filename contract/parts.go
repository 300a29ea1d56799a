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
// submission schema with the list taken out, as the bounded validation
// takes out every long array (ValidateEnvelope). Put together as Combine
// does, they give the violations ValidateInnsending gives for the whole
// document; Parts exists only for a schema where the bounded validation
// could take the list out (see partsOf).
type Parts struct {
	innsending *jsonschema.Schema
	oppgave    *jsonschema.Schema // leveranse.oppgave's items
}

// oppgavePath is where the list is, as the bounded validation spells places.
var oppgavePath = []string{"leveranse", "oppgave"}

// Parts returns the schema cut at leveranse.oppgave, or nil when the
// submission schema cannot be cut there faithfully (an official document
// with combinators around the oppgave list, say); callers then validate
// whole documents.
func (c *Contract) Parts() *Parts { return c.parts }

// partsOf cuts the submission schema where the bounded validation would
// take the list out: through plain objects to a plain array (bounded.go).
func partsOf(innsending *jsonschema.Schema) *Parts {
	if innsending == nil || !plainObject(innsending) {
		return nil
	}
	lev := innsending.Properties[oppgavePath[0]]
	if lev == nil || !plainObject(lev) {
		return nil
	}
	list := lev.Properties[oppgavePath[1]]
	if list == nil {
		return nil
	}
	items := plainArray(list)
	if items == nil {
		return nil
	}
	return &Parts{innsending: innsending, oppgave: items}
}

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
	return PartViolations{Schema: partViolations(p.innsending, doc, oppgavePath)}
}

// partViolations is one part's bounded validation. It keeps one violation
// more than Combine shows, so that Combine knows when there were more.
func partViolations(s *jsonschema.Schema, doc any, open []string) []Violation {
	b := &bounded{root: doc, limit: MaxViolations + 1, open: open}
	b.validate(s, doc, nil)
	return b.out
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
	return PartViolations{Schema: at(partViolations(p.oppgave, oppgave, nil))}
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
