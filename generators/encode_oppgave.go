package generators

import (
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsonenc"
)

// appendOppgave writes an oppgave exactly as json.Marshal would (same field
// order, omitempty, escaping) without reflection: encoding/json's reflection
// was half the cost of generating an oppgave. A test compares the two on
// generated and on awkward hand-made oppgaver.
func appendOppgave(buf []byte, o *contract.Oppgave) []byte {
	e := &o.Oppgaveeier
	buf = append(buf, `{"oppgaveeier":{`...)
	first := true
	key := func(name string) {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, '"')
		buf = append(buf, name...)
		buf = append(buf, `":`...)
	}
	if p := e.Person; p != nil {
		key("person")
		buf = append(buf, `{"foedselsnummer":`...)
		buf = jsonenc.AppendString(buf, p.Foedselsnummer)
		buf = appendOpt(buf, "fornavn", p.Fornavn)
		buf = appendOpt(buf, "etternavn", p.Etternavn)
		buf = appendOpt(buf, "foedselsdato", p.Foedselsdato)
		buf = append(buf, '}')
	}
	if g := e.Organisasjon; g != nil {
		key("organisasjon")
		buf = append(buf, `{"organisasjonsnummer":`...)
		buf = jsonenc.AppendString(buf, g.Organisasjonsnummer)
		buf = appendOpt(buf, "navn", g.Navn)
		buf = append(buf, '}')
	}
	if e.AlternativIdentifikator != "" {
		key("alternativIdentifikator")
		buf = jsonenc.AppendString(buf, e.AlternativIdentifikator)
	}
	if i := e.InternasjonalIdentifikator; i != nil {
		key("internasjonalIdentifikator")
		buf = append(buf, `{"identifikator":`...)
		buf = jsonenc.AppendString(buf, i.Identifikator)
		buf = append(buf, `,"identifikatortype":`...)
		buf = jsonenc.AppendString(buf, i.Identifikatortype)
		buf = append(buf, `,"utstedtAvLand":`...)
		buf = jsonenc.AppendString(buf, i.UtstedtAvLand)
		buf = append(buf, '}')
	}
	if a := e.Adresse; a != nil {
		key("adresse")
		buf = append(buf, `{"landkode":`...)
		buf = jsonenc.AppendString(buf, a.Landkode)
		if s := a.AdresseStrukturert; s != nil {
			buf = append(buf, `,"adresseStrukturert":{`...)
			n := len(buf)
			buf = appendOpt(buf, "adresselinje", s.Adresselinje)
			buf = appendOpt(buf, "postnummer", s.Postnummer)
			buf = appendOpt(buf, "byEllerStedsnavn", s.ByEllerStedsnavn)
			if len(buf) > n {
				// appendOpt always writes a leading comma; the object's first
				// member must not have one.
				buf = append(buf[:n], buf[n+1:]...)
			}
			buf = append(buf, '}')
		}
		if len(a.AdresseUstrukturert) > 0 {
			buf = append(buf, `,"adresseUstrukturert":[`...)
			for j, l := range a.AdresseUstrukturert {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = jsonenc.AppendString(buf, l)
			}
			buf = append(buf, ']')
		}
		buf = append(buf, '}')
	}
	k := &o.Konto
	buf = append(buf, `},"konto":{"kontonummer":`...)
	buf = jsonenc.AppendString(buf, k.Kontonummer)
	buf = append(buf, `,"kontonummertype":`...)
	buf = jsonenc.AppendString(buf, k.Kontonummertype)
	buf = append(buf, `,"finansprodukt":`...)
	if k.Finansprodukt == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for j := range k.Finansprodukt {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = appendProdukt(buf, &k.Finansprodukt[j])
		}
		buf = append(buf, ']')
	}
	return append(buf, "}}"...)
}

func appendProdukt(buf []byte, p *contract.Finansprodukt) []byte {
	buf = append(buf, `{"finansprodukttype":`...)
	buf = jsonenc.AppendString(buf, p.Finansprodukttype)
	buf = appendOpt(buf, "finansproduktnavn", p.Finansproduktnavn)
	buf = appendOpt(buf, "isin", p.ISIN)
	buf = appendOpt(buf, "antall", p.Antall)
	buf = appendVerdi(buf, "formuesverdi", p.Formuesverdi)
	buf = appendVerdi(buf, "skattepliktigUtbytte", p.SkattepliktigUtbytte)
	buf = appendVerdi(buf, "utdeltUtbytte", p.UtdeltUtbytte)
	buf = appendVerdi(buf, "renteinntekt", p.Renteinntekt)
	buf = appendVerdi(buf, "annenInntektEllerUtbetaling", p.AnnenInntektEllerUtbetaling)
	buf = appendVerdi(buf, "salgsvederlag", p.Salgsvederlag)
	if g := p.GevinstEllerTap; g != nil {
		buf = append(buf, `,"gevinstEllerTap":{`...)
		n := len(buf)
		buf = appendOpt(buf, "skattepliktigGevinst", g.SkattepliktigGevinst)
		buf = appendOpt(buf, "fradragsberettigetTap", g.FradragsberettigetTap)
		if len(buf) > n {
			buf = append(buf[:n], buf[n+1:]...)
		}
		buf = append(buf, '}')
	}
	buf = appendOpt(buf, "anvendtSkjerming", p.AnvendtSkjerming)
	return append(buf, '}')
}

func appendVerdi(buf []byte, name string, v *contract.Beloepsverdi) []byte {
	if v == nil {
		return buf
	}
	buf = append(buf, `,"`...)
	buf = append(buf, name...)
	buf = append(buf, `":{"beloepINOK":`...)
	buf = jsonenc.AppendString(buf, v.BeloepINOK)
	buf = appendOpt(buf, "beloepIValuta", v.BeloepIValuta)
	buf = appendOpt(buf, "valutakode", v.Valutakode)
	return append(buf, '}')
}

// appendOpt writes ,"name":"v" unless v is empty (omitempty).
func appendOpt(buf []byte, name, v string) []byte {
	if v == "" {
		return buf
	}
	buf = append(buf, `,"`...)
	buf = append(buf, name...)
	buf = append(buf, `":`...)
	return jsonenc.AppendString(buf, v)
}
