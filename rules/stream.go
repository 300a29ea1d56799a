package rules

import (
	"encoding/json"
)

// Stream applies Check's rules to a leveranse read piece by piece, so that
// an offline check of a large file never holds a whole leveranse: each
// element of leveranse.oppgave goes to Oppgave in document order, and the
// rest of the document to Finish. The rules are the very ones Check applies
// (both go through the same tally); for a document without repeated keys,
// without keys that differ from the schema's names only by letter case
// (which encoding/json would match), and whose oppgavegiver and
// oppgaveoppsummering have the schema's types, the findings are Check's, in
// Check's order. A schema-valid document is always such a document.
//
// The zero value is ready for use.
type Stream struct {
	t tally
	// err is the first oppgave encoding/json could not read; Check would
	// then not have read the body at all.
	err error
}

// Oppgave adds the next element of leveranse.oppgave: raw is its JSON,
// tree is jsontree's reading of raw, and dup says whether that reading met
// a repeated key. An element whose reading encoding/json could differ from
// is read again with encoding/json, as Check would read the whole body.
func (s *Stream) Oppgave(raw []byte, tree any, dup bool) {
	if !dup {
		if ov, ok := oppgaveFromTree(tree); ok {
			s.t.add(ov)
			return
		}
	}
	var o typedOppgave
	if err := json.Unmarshal(raw, &o); err != nil {
		if s.err == nil {
			s.err = err
		}
		s.t.n++
		return
	}
	s.t.add(o.view())
}

// Reset forgets every oppgave added: the document named leveranse.oppgave
// once more, and the last array is the one that counts.
func (s *Stream) Reset() { *s = Stream{} }

// Finish returns the findings. doc is the document as jsontree reads it;
// only leveranse.oppgavegiver and leveranse.oppgaveoppsummering are read
// from it, so its oppgave array may be left out. Values of another type
// than the schema's are read as far as they go (the schema reports them).
func (s *Stream) Finish(doc any) []Finding {
	if s.err != nil {
		return []Finding{{Kode: KodeUgyldigJSON, Melding: "Leveransen kan ikke leses: " + s.err.Error(), Sti: "$"}}
	}
	root, _ := doc.(map[string]any)
	lev, _ := root["leveranse"].(map[string]any)
	org, opps, ok := headFromTree(lev)
	if !ok {
		og, _ := lev["oppgavegiver"].(map[string]any)
		org, _ = og["organisasjonsnummer"].(string)
		opps, _ = lev["oppgaveoppsummering"].(map[string]any)
	}
	return s.t.finish(org, opps)
}
