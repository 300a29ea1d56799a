package contract

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Feil is Skatteetaten's common error body, extended with the service's
// feilspesifisering (ASSUMPTION A-FEILSPES: the JSON names of that part are
// not public; finprod writes "feilspesifisering" and reads several spellings).
type Feil struct {
	Kode              Kode                `json:"kode"`
	Melding           string              `json:"melding"`
	Korrelasjonsid    string              `json:"korrelasjonsid"`
	Feilspesifisering []Feilspesifisering `json:"feilspesifisering,omitempty"`
}

// Feilspesifisering makes an error precise: a specification code, a message,
// the JSONPath (sti) of the offending value and the value given.
type Feilspesifisering struct {
	Kode        Kode   `json:"kode,omitempty"`
	Melding     string `json:"melding,omitempty"`
	Sti         string `json:"sti,omitempty"`
	AngittVerdi string `json:"angittVerdi,omitempty"`
}

// Error makes a Feil usable as a Go error, e.g. when a client returns it.
func (f *Feil) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", f.Kode, f.Melding)
	for _, s := range f.Feilspesifisering {
		b.WriteString("; ")
		if s.Kode != "" {
			b.WriteString(string(s.Kode) + " ")
		}
		b.WriteString(s.Melding)
		if s.Sti != "" {
			fmt.Fprintf(&b, " at %s", s.Sti)
		}
		if s.AngittVerdi != "" {
			fmt.Fprintf(&b, " (given %q)", s.AngittVerdi)
		}
	}
	if f.Korrelasjonsid != "" {
		fmt.Fprintf(&b, " [korrelasjonsid %s]", f.Korrelasjonsid)
	}
	return b.String()
}

// Koder returns the main code followed by every specification code, so a
// check for "GLD_1052" finds it wherever the API put it.
func (f *Feil) Koder() []Kode {
	out := []Kode{f.Kode}
	for _, s := range f.Feilspesifisering {
		if s.Kode != "" {
			out = append(out, s.Kode)
		}
	}
	return out
}

// Has reports whether the error carries the code, as main or specification code.
func (f *Feil) Has(k Kode) bool {
	for _, c := range f.Koder() {
		if c == k {
			return true
		}
	}
	return false
}

// NewFeil builds the error body for a code of the catalogue. A specification
// code is carried under its general code (ASSUMPTION A-HOVEDKODE). The status
// to answer with is returned beside it.
//
// At most MaxViolations details are listed; then one more says how many
// were left out, so an answer stays small whatever the request.
func NewFeil(k Kode, korrelasjonsid string, detaljer ...Feilspesifisering) (int, Feil) {
	if n := len(detaljer); n > MaxViolations+1 {
		detaljer = append(detaljer[:MaxViolations:MaxViolations], Feilspesifisering{
			Melding: fmt.Sprintf("%d feilspesifiseringer til er ikke vist (høyst %d)", n-MaxViolations, MaxViolations), Sti: "$",
		})
	}
	e, ok := Lookup(k)
	if !ok {
		e = Entry{Kode: k, Status: 500, Omraade: "Ukjent feil"}
	}
	f := Feil{Kode: k, Melding: e.Omraade, Korrelasjonsid: korrelasjonsid}
	if e.Specific() {
		hoved, _ := Lookup(e.Hovedkode)
		f.Kode = e.Hovedkode
		f.Melding = hoved.Omraade
		spec := Feilspesifisering{Kode: k, Melding: e.Omraade}
		if len(detaljer) == 0 {
			f.Feilspesifisering = []Feilspesifisering{spec}
		}
		for _, d := range detaljer {
			if d.Kode == "" {
				d.Kode = k
			}
			if d.Melding == "" {
				d.Melding = e.Omraade
			}
			f.Feilspesifisering = append(f.Feilspesifisering, d)
		}
	} else {
		f.Feilspesifisering = detaljer
	}
	return e.Status, f
}

// ParseFeil reads an error body leniently: besides finprod's own names it
// accepts spellings an official document may use for the specification part,
// so a TT02 run reports the codes it got rather than failing to parse.
func ParseFeil(body []byte) (*Feil, error) {
	var head struct {
		Kode           Kode   `json:"kode"`
		Melding        string `json:"melding"`
		Korrelasjonsid string `json:"korrelasjonsid"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, fmt.Errorf("error body is not a JSON object: %w", err)
	}
	if head.Kode == "" {
		return nil, fmt.Errorf("error body has no kode")
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, fmt.Errorf("error body is not a JSON object: %w", err)
	}
	f := &Feil{Kode: head.Kode, Melding: head.Melding, Korrelasjonsid: head.Korrelasjonsid}
	for _, name := range []string{"feilspesifisering", "feilspesifiseringer", "detaljer", "details"} {
		v, ok := all[name]
		if !ok {
			continue
		}
		var list []map[string]any
		if err := json.Unmarshal(v, &list); err != nil {
			var one map[string]any
			if json.Unmarshal(v, &one) != nil {
				continue
			}
			list = []map[string]any{one}
		}
		for _, m := range list {
			f.Feilspesifisering = append(f.Feilspesifisering, Feilspesifisering{
				Kode:        Kode(firstString(m, "kode", "feilspesifiseringskode", "code")),
				Melding:     firstString(m, "melding", "message"),
				Sti:         firstString(m, "sti", "path"),
				AngittVerdi: firstString(m, "angittVerdi", "angitt_verdi", "verdi", "value"),
			})
		}
	}
	if k, ok := all["feilspesifiseringskode"]; ok {
		var s string
		if json.Unmarshal(k, &s) == nil && s != "" {
			f.Feilspesifisering = append(f.Feilspesifisering, Feilspesifisering{Kode: Kode(s)})
		}
	}
	return f, nil
}

func firstString(m map[string]any, names ...string) string {
	for _, n := range names {
		if v, ok := m[n]; ok {
			switch t := v.(type) {
			case string:
				return t
			case nil:
			default:
				return fmt.Sprint(t)
			}
		}
	}
	return ""
}
