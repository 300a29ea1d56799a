// Package rules checks the business rules of a leveranse that its JSON schema
// cannot express: that the oppgaveoppsummering adds up, and that identifiers
// carry valid check digits (by package ident). Where the findings go (a
// synchronous 400 or the feedback document in Dialogporten) is the caller's
// choice (ASSUMPTION A-ASYNC).
//
// It is the one implementation of these rules: the local mock reports them,
// and an offline check of a user's files applies the very same ones.
package rules

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/ident"
	"github.com/finprod/finprod/internal/jsontree"
)

// Codes of findings. They are finprod's own (ASSUMPTION A-TILBAKEMELDING):
// Skatteetaten has not published the codes of its feedback.
const (
	KodeUgyldigJSON         = "UGYLDIG_JSON"
	KodeAntallOppgaver      = "ANTALL_OPPGAVER_AVVIKER"
	KodeSum                 = "SUM_AVVIKER"
	KodeFoedselsnummer      = "UGYLDIG_FOEDSELSNUMMER"
	KodeOrganisasjonsnummer = "UGYLDIG_ORGANISASJONSNUMMER"
)

// Finding is one broken business rule, as the feedback document lists it.
type Finding = contract.Funn

// Checker checks a submission body and returns its findings; none means the
// body passes.
type Checker func(body []byte) []Finding

// leveranse is the part of the body the rules read. Amounts stay strings so
// that any number of digits adds up exactly.
type leveranse struct {
	Leveranse struct {
		Oppgavegiver struct {
			Organisasjonsnummer string `json:"organisasjonsnummer"`
		} `json:"oppgavegiver"`
		Oppgave             []typedOppgave             `json:"oppgave"`
		Oppgaveoppsummering map[string]json.RawMessage `json:"oppgaveoppsummering"`
	} `json:"leveranse"`
}

// typedOppgave is one element of leveranse.oppgave as the rules read it.
type typedOppgave struct {
	Oppgaveeier struct {
		Person *struct {
			Foedselsnummer string `json:"foedselsnummer"`
		} `json:"person"`
		Organisasjon *struct {
			Organisasjonsnummer string `json:"organisasjonsnummer"`
		} `json:"organisasjon"`
	} `json:"oppgaveeier"`
	Konto struct {
		Finansprodukt []map[string]json.RawMessage `json:"finansprodukt"`
	} `json:"konto"`
}

// sums maps each field of oppgaveoppsummering to where its parts sit in a
// finansprodukt: an object's beloepINOK, or a plain string.
var sums = [...]struct{ sum, field, sub string }{
	{"sumFormuesverdi", "formuesverdi", "beloepINOK"},
	{"sumSkattepliktigUtbytte", "skattepliktigUtbytte", "beloepINOK"},
	{"sumUtdeltUtbytte", "utdeltUtbytte", "beloepINOK"},
	{"sumRenteinntekt", "renteinntekt", "beloepINOK"},
	{"sumAnnenInntektEllerUtbetaling", "annenInntektEllerUtbetaling", "beloepINOK"},
	{"sumSalgsvederlag", "salgsvederlag", "beloepINOK"},
	{"sumGevinst", "gevinstEllerTap", "skattepliktigGevinst"},
	{"sumTap", "gevinstEllerTap", "fradragsberettigetTap"},
	{"sumAnvendtSkjerming", "anvendtSkjerming", ""},
}

const oppsummering = "$.leveranse.oppgaveoppsummering"

// Check is the default Checker: counts, sums and check digits.
//
// The body is read with jsontree into a generic document when its shape
// leaves no room for encoding/json's typed decoding to read it differently
// (see fromTree); otherwise, and for every body that is not valid JSON, with
// encoding/json as the rules were written. Both give the same view, and
// the rules run on that.
func Check(body []byte) []Finding {
	if doc, dup, err := jsontree.DecodeDup(body); err == nil && !dup {
		if v, ok := fromTree(doc); ok {
			return v.check()
		}
	}
	return checkTyped(body)
}

// CheckParsed is Check for a body already read by jsontree.DecodeDup with
// no repeated key: ok is false when Check would read it otherwise, and the
// caller must then call Check with the body.
func CheckParsed(doc any) (findings []Finding, ok bool) {
	v, ok := fromTree(doc)
	if !ok {
		return nil, false
	}
	return v.check(), true
}

// checkTyped is Check through encoding/json alone.
func checkTyped(body []byte) []Finding {
	var l leveranse
	if err := json.Unmarshal(body, &l); err != nil {
		return []Finding{{Kode: KodeUgyldigJSON, Melding: "Leveransen kan ikke leses: " + err.Error(), Sti: "$"}}
	}
	return fromTyped(l).check()
}

// view is what the rules read. Amounts and counts are generic JSON values
// (string, json.Number, …) as jsontree gives them.
type view struct {
	organisasjonsnummer string
	oppgave             []oppgaveView
	oppsummering        map[string]any
}

type oppgaveView struct {
	person, organisasjon *string // the identifier, nil when absent or null
	finansprodukt        []map[string]any
}

// fromTyped turns encoding/json's reading into the view; the raw values it
// kept are valid JSON, so jsontree reads them the way encoding/json would.
func fromTyped(l leveranse) view {
	lev := l.Leveranse
	v := view{organisasjonsnummer: lev.Oppgavegiver.Organisasjonsnummer, oppsummering: rawMap(lev.Oppgaveoppsummering)}
	for _, o := range lev.Oppgave {
		v.oppgave = append(v.oppgave, o.view())
	}
	return v
}

func (o typedOppgave) view() oppgaveView {
	var ov oppgaveView
	if p := o.Oppgaveeier.Person; p != nil {
		ov.person = &p.Foedselsnummer
	}
	if g := o.Oppgaveeier.Organisasjon; g != nil {
		ov.organisasjon = &g.Organisasjonsnummer
	}
	for _, fp := range o.Konto.Finansprodukt {
		ov.finansprodukt = append(ov.finansprodukt, rawMap(fp))
	}
	return ov
}

func rawMap(m map[string]json.RawMessage) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, raw := range m {
		out[k], _ = jsontree.Decode(raw)
	}
	return out
}

// fromTree reads the view from a generic document, but only where
// encoding/json's typed decoding of the same body would certainly give the
// same: every value the rules' structs hold has the JSON type of its field
// (or is null), and no key differs from a field name only by case or
// non-ASCII letters (encoding/json matches names case-insensitively). With
// anything else it returns false.
func fromTree(doc any) (view, bool) {
	var v view
	root, ok := object(doc, "leveranse")
	if !ok {
		return v, false
	}
	lev, ok := object(root["leveranse"], "oppgavegiver", "oppgave", "oppgaveoppsummering")
	if !ok {
		return v, false
	}
	if v.organisasjonsnummer, v.oppsummering, ok = headFromTree(lev); !ok {
		return v, false
	}
	var list []any
	switch l := lev["oppgave"].(type) {
	case nil:
	case []any:
		list = l
	default:
		return v, false
	}
	for _, item := range list {
		ov, ok := oppgaveFromTree(item)
		if !ok {
			return v, false
		}
		v.oppgave = append(v.oppgave, ov)
	}
	return v, true
}

// headFromTree reads what the rules need from the leveranse object besides
// its oppgaver, as fromTree does.
func headFromTree(lev map[string]any) (organisasjonsnummer string, oppsummering map[string]any, ok bool) {
	og, ok := object(lev["oppgavegiver"], "organisasjonsnummer")
	if !ok {
		return "", nil, false
	}
	if organisasjonsnummer, ok = str(og["organisasjonsnummer"]); !ok {
		return "", nil, false
	}
	switch s := lev["oppgaveoppsummering"].(type) {
	case nil:
	case map[string]any:
		oppsummering = s
	default:
		return "", nil, false
	}
	return organisasjonsnummer, oppsummering, true
}

// oppgaveFromTree reads one element of leveranse.oppgave as fromTree does.
func oppgaveFromTree(item any) (oppgaveView, bool) {
	var ov oppgaveView
	o, ok := object(item, "oppgaveeier", "konto")
	if !ok {
		return ov, false
	}
	eier, ok := object(o["oppgaveeier"], "person", "organisasjon")
	if !ok {
		return ov, false
	}
	if ov.person, ok = identifier(eier["person"], "foedselsnummer"); !ok {
		return ov, false
	}
	if ov.organisasjon, ok = identifier(eier["organisasjon"], "organisasjonsnummer"); !ok {
		return ov, false
	}
	konto, ok := object(o["konto"], "finansprodukt")
	if !ok {
		return ov, false
	}
	switch fps := konto["finansprodukt"].(type) {
	case nil:
	case []any:
		for _, fp := range fps {
			switch m := fp.(type) {
			case nil:
				ov.finansprodukt = append(ov.finansprodukt, nil)
			case map[string]any:
				ov.finansprodukt = append(ov.finansprodukt, m)
			default:
				return ov, false
			}
		}
	default:
		return ov, false
	}
	return ov, true
}

// object accepts an object (or null, which encoding/json leaves as the zero
// struct) whose keys are either exactly one of fields or unrelated to all
// of them.
func object(x any, fields ...string) (map[string]any, bool) {
	switch m := x.(type) {
	case nil:
		return nil, true
	case map[string]any:
	keys:
		for k := range m {
			for _, f := range fields {
				if k == f {
					continue keys
				}
			}
			if !isASCII(k) {
				return nil, false
			}
			for _, f := range fields {
				if strings.EqualFold(k, f) {
					return nil, false
				}
			}
		}
		return m, true
	}
	return nil, false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// str accepts a string field's value: a string, or null (left empty).
func str(x any) (string, bool) {
	switch s := x.(type) {
	case nil:
		return "", true
	case string:
		return s, true
	}
	return "", false
}

// identifier reads a *struct{ field string } field: nil for null or absent.
func identifier(x any, field string) (*string, bool) {
	if x == nil {
		return nil, true
	}
	m, ok := object(x, field)
	if !ok {
		return nil, false
	}
	s, ok := str(m[field])
	if !ok {
		return nil, false
	}
	return &s, true
}

func (lev view) check() []Finding {
	var t tally
	for _, o := range lev.oppgave {
		t.add(o)
	}
	return t.finish(lev.organisasjonsnummer, lev.oppsummering)
}

// tally applies the rules one oppgave at a time: the identifiers' check
// digits at once, the sums and the count kept for the end, where they are
// held against the oppgaveoppsummering. Check and Stream both go through it.
type tally struct {
	n      int
	funn   []Finding
	totals [len(sums)]num
}

func (t *tally) add(o oppgaveView) {
	i := t.n
	t.n++
	base := func() string { return "$.leveranse.oppgave[" + strconv.Itoa(i) + "].oppgaveeier" }
	if p := o.person; p != nil {
		if _, err := ident.ValidateFoedselsnummer(*p); err != nil {
			t.funn = append(t.funn, Finding{Kode: KodeFoedselsnummer, Melding: "Fødselsnummeret har ugyldig dato eller kontrollsiffer.",
				Sti: base() + ".person.foedselsnummer", AngittVerdi: *p})
		}
	}
	if g := o.organisasjon; g != nil && ident.ValidateOrganisasjonsnummer(*g) != nil {
		t.funn = append(t.funn, Finding{Kode: KodeOrganisasjonsnummer, Melding: "Organisasjonsnummeret har ugyldig kontrollsiffer.",
			Sti: base() + ".organisasjon.organisasjonsnummer", AngittVerdi: *g})
	}
	for k, s := range sums {
		for _, fp := range o.finansprodukt {
			if v, ok := part(fp, s.field, s.sub); ok {
				t.totals[k] = t.totals[k].add(v)
			}
		}
	}
}

func (t *tally) finish(organisasjonsnummer string, opps map[string]any) []Finding {
	var out []Finding
	if ident.ValidateOrganisasjonsnummer(organisasjonsnummer) != nil {
		out = append(out, Finding{Kode: KodeOrganisasjonsnummer, Melding: "Organisasjonsnummeret har ugyldig kontrollsiffer.",
			Sti: "$.leveranse.oppgavegiver.organisasjonsnummer", AngittVerdi: organisasjonsnummer})
	}
	out = append(out, t.funn...)

	if raw, ok := opps["antallOppgaver"]; ok {
		if n, ok := number(raw); ok && !hasValue(n, t.n) {
			out = append(out, Finding{Kode: KodeAntallOppgaver,
				Melding: fmt.Sprintf("antallOppgaver er %s, men leveransen har %d oppgaver.", n, t.n),
				Sti:     oppsummering + ".antallOppgaver", AngittVerdi: n.String()})
		}
	}

	for k, s := range sums {
		raw, ok := opps[s.sum]
		if !ok {
			continue
		}
		stated, ok := amount(raw)
		if !ok {
			continue // not a number: the schema reports that
		}
		if total := t.totals[k]; stated.Cmp(total) != 0 {
			out = append(out, Finding{Kode: KodeSum,
				Melding: fmt.Sprintf("%s er %s, men summen av oppgavene er %s.", s.sum, stated, total),
				Sti:     oppsummering + "." + s.sum, AngittVerdi: stated.String()})
		}
	}
	return out
}

// hasValue reports whether a number literal's value is n: 1, 1.0 and 1e0
// alike, as the schema's integers are read by value (ASSUMPTION A-HELTALL).
func hasValue(lit json.Number, n int) bool {
	if string(lit) == strconv.Itoa(n) {
		return true
	}
	if contract.TallUtenType(string(lit)) != "" {
		return false // and reading it exactly would cost without bound
	}
	r, ok := new(big.Rat).SetString(string(lit))
	return ok && r.IsInt() && r.Num().IsInt64() && r.Num().Int64() == int64(n)
}

// number reads a value as encoding/json reads it into a json.Number: a
// number, a string holding a valid number literal, or null (empty).
func number(x any) (json.Number, bool) {
	switch n := x.(type) {
	case nil:
		return "", true
	case json.Number:
		return n, true
	case string:
		var out json.Number
		if json.Unmarshal([]byte(strconv.Quote(n)), &out) != nil {
			return "", false
		}
		return out, true
	}
	return "", false
}

func part(fp map[string]any, field, sub string) (num, bool) {
	x, ok := fp[field]
	if !ok {
		return num{}, false
	}
	if sub == "" {
		return amount(x)
	}
	obj, ok := x.(map[string]any)
	if !ok {
		return num{}, false
	}
	y, ok := obj[sub]
	if !ok {
		return num{}, false
	}
	return amount(y)
}

// amount reads an amount as big.Int.SetString(s, 10) would: s is the text
// of a string, or a number's literal.
func amount(x any) (num, bool) {
	var s string
	switch v := x.(type) {
	case string:
		s = v
	case json.Number:
		s = string(v)
	default:
		return num{}, false
	}
	if i, ok := smallDecimal(s); ok {
		return num{i: i}, true
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return num{}, false
	}
	return num{b: b}, true
}

// smallDecimal parses [+-]?[0-9]{1,18}, which big.Int.SetString(s, 10)
// reads to the same value and which fits an int64.
func smallDecimal(s string) (int64, bool) {
	neg, d := false, s
	if len(d) > 0 && (d[0] == '+' || d[0] == '-') {
		neg, d = d[0] == '-', d[1:]
	}
	if len(d) == 0 || len(d) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// num is an exact integer: i while it fits an int64, else b.
type num struct {
	i int64
	b *big.Int
}

func (n num) big() *big.Int {
	if n.b != nil {
		return n.b
	}
	return big.NewInt(n.i)
}

func (n num) add(m num) num {
	if n.b == nil && m.b == nil {
		if s, ok := addInt64(n.i, m.i); ok {
			return num{i: s}
		}
	}
	return num{b: new(big.Int).Add(n.big(), m.big())}
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

func (n num) Cmp(m num) int {
	if n.b == nil && m.b == nil {
		switch {
		case n.i < m.i:
			return -1
		case n.i > m.i:
			return 1
		}
		return 0
	}
	return n.big().Cmp(m.big())
}

// String is big.Int's decimal form.
func (n num) String() string {
	if n.b != nil {
		return n.b.String()
	}
	return strconv.FormatInt(n.i, 10)
}
