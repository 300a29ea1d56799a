package generators

import (
	"encoding/json"
	"strconv"

	"github.com/finprod/finprod/contract"
)

// The body is written piece by piece (header, oppgaver, summary) so that a
// leveranse of a million oppgaver can stream without being held in memory.
// Pieces are encoded with encoding/json and joined in the struct's field
// order, which makes a defect-free body byte-identical to
// json.Marshal(contract.Innsending{...}); a test holds this.

func appendJSON(buf []byte, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings, ints and structs of them reach here, which
		// encoding/json cannot fail on; a failure is a programming error.
		panic("generators: encoding " + err.Error())
	}
	return append(buf, b...)
}

func appendHeader(buf []byte, l *contract.Leveranse, f encodeFlags) []byte {
	buf = append(buf, `{"leveranse":{`...)
	if !f.omitKildesystem {
		buf = append(buf, `"kildesystem":`...)
		buf = appendJSON(buf, l.Kildesystem)
		buf = append(buf, ',')
	}
	buf = append(buf, `"oppgavegiver":`...)
	buf = appendJSON(buf, l.Oppgavegiver)
	buf = append(buf, `,"inntektsaar":`...)
	buf = strconv.AppendInt(buf, int64(l.Inntektsaar), 10)
	buf = append(buf, `,"oppgavegiversLeveranseReferanse":`...)
	buf = appendJSON(buf, l.OppgavegiversLeveranseReferanse)
	buf = append(buf, `,"leveransetype":`...)
	buf = appendJSON(buf, l.Leveransetype)
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
			buf = appendJSON(buf, v)
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
	return encodeLeveranse(nil, l, ds), nil
}
