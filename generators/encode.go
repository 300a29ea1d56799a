package generators

import (
	"strconv"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsonenc"
)

// The body is written piece by piece (header, oppgaver, summary) so that a
// leveranse of a million oppgaver can stream without being held in memory.
// Each piece is written as encoding/json would write it (field order,
// omitempty, escaping) without reflection, which makes a defect-free body
// byte-identical to json.Marshal(contract.Innsending{...}); tests compare
// the two on generated and on awkward hand-made leveranser.

func appendHeader(buf []byte, l *contract.Leveranse, f encodeFlags) []byte {
	buf = append(buf, `{"leveranse":{`...)
	if !f.omitKildesystem {
		buf = append(buf, `"kildesystem":`...)
		buf = jsonenc.AppendString(buf, l.Kildesystem)
		buf = append(buf, ',')
	}
	g := &l.Oppgavegiver
	buf = append(buf, `"oppgavegiver":{"organisasjonsnummer":`...)
	buf = jsonenc.AppendString(buf, g.Organisasjonsnummer)
	if k := g.Kontaktinformasjon; k != nil {
		buf = append(buf, `,"kontaktinformasjon":{"navn":`...)
		buf = jsonenc.AppendString(buf, k.Navn)
		buf = appendOpt(buf, "telefonnummer", k.Telefonnummer)
		buf = appendOpt(buf, "varselEpostadresse", k.VarselEpostadresse)
		buf = appendOpt(buf, "varselSmsMobilnummer", k.VarselSmsMobilnummer)
		buf = append(buf, '}')
	}
	buf = append(buf, `},"inntektsaar":`...)
	buf = strconv.AppendInt(buf, int64(l.Inntektsaar), 10)
	buf = append(buf, `,"oppgavegiversLeveranseReferanse":`...)
	buf = jsonenc.AppendString(buf, l.OppgavegiversLeveranseReferanse)
	buf = append(buf, `,"leveransetype":`...)
	buf = jsonenc.AppendString(buf, l.Leveransetype)
	return append(buf, `,"oppgave":[`...)
}

func appendTail(buf []byte, s contract.Oppgaveoppsummering, f encodeFlags) []byte {
	buf = append(buf, `],"oppgaveoppsummering":`...)
	if f.truncate {
		return buf
	}
	buf = append(buf, `{"antallOppgaver":`...)
	buf = strconv.AppendInt(buf, int64(s.AntallOppgaver), 10)
	field := func(name, v string, asNumber bool) {
		buf = append(buf, `,"`...)
		buf = append(buf, name...)
		buf = append(buf, `":`...)
		if asNumber {
			buf = append(buf, v...)
		} else {
			buf = jsonenc.AppendString(buf, v)
		}
	}
	field("sumFormuesverdi", s.SumFormuesverdi, f.beloepAsNumber)
	field("sumSkattepliktigUtbytte", s.SumSkattepliktigUtbytte, false)
	field("sumRenteinntekt", s.SumRenteinntekt, false)
	field("sumAnnenInntektEllerUtbetaling", s.SumAnnenInntektEllerUtbetaling, false)
	field("sumGevinst", s.SumGevinst, false)
	field("sumTap", s.SumTap, false)
	field("sumAnvendtSkjerming", s.SumAnvendtSkjerming, false)
	field("sumUtdeltUtbytte", s.SumUtdeltUtbytte, false)
	field("sumSalgsvederlag", s.SumSalgsvederlag, false)
	return append(buf, "}}}"...)
}

// Sizes for a body's first buffer, from generated leveranser (header and
// summary about 660 bytes, an oppgave 770 on average and at most about
// 1 500): one allocation for nearly every body instead of a dozen while it
// grows.
const (
	sizeHeaderAndTail = 1 << 10
	sizePerOppgave    = 1 << 10
)

// encodeLeveranse appends the body of l with the defects built in.
func encodeLeveranse(buf []byte, l contract.Leveranse, ds []defect) []byte {
	f := flagsOf(ds)
	applyHeader(&l, ds)
	buf = appendHeader(buf, &l, f)
	for j, o := range l.Oppgave {
		if j > 0 {
			buf = append(buf, ',')
		} else {
			o = applyFirst(o, ds)
		}
		buf = appendOppgave(buf, &o)
	}
	s := l.Oppgaveoppsummering
	applySummary(&s, ds)
	return appendTail(buf, s, f)
}

// Marshal encodes a leveranse (generated or not) as a request body with the
// named defects built in; see Defects. The leveranse itself is not changed.
func Marshal(l contract.Leveranse, defects ...string) ([]byte, error) {
	ds, err := lookupDefects(defects)
	if err != nil {
		return nil, err
	}
	return encodeLeveranse(make([]byte, 0, sizeHeaderAndTail+sizePerOppgave*len(l.Oppgave)), l, ds), nil
}
