package generators

import (
	"strconv"

	"github.com/finprod/finprod/contract"
)

// Indexes into sums, in the field order of contract.Oppgaveoppsummering.
const (
	iFormuesverdi = iota
	iSkattepliktigUtbytte
	iRenteinntekt
	iAnnenInntekt
	iGevinst
	iTap
	iAnvendtSkjerming
	iUtdeltUtbytte
	iSalgsvederlag
	nSums
)

// sums holds the nine oppgaveoppsummering sums in whole kroner. Generated
// amounts stay below maxBeloep per field and product, and an oppgave has at
// most maxProdukter products, so an oppgave adds less than 10^9 per field and
// int64 (≈9.2·10^18) holds the sums of a billion oppgaver; 10^6 oppgaver stay
// below 10^15, well within the schema's 18 digits.
type sums [nSums]int64

func (s *sums) add(o sums) {
	for i := range s {
		s[i] += o[i]
	}
}

const (
	maxBeloep    = 100_000_000
	maxProdukter = MaxFinansprodukter
)

// MaxFinansprodukter is the most finansprodukter Config.MaxFinansprodukter
// may ask for per konto.
const MaxFinansprodukter = 10

// produktvekt gives each finansprodukttype its share of generated products,
// roughly as a broker's book would look.
var produktvekt = []struct {
	typ  string
	vekt int
}{
	{"aksjer", 34}, {"egenkapitalbevis", 5}, {"aksjefond", 25}, {"rentefond", 10},
	{"kombinasjonsfond", 5}, {"obligasjoner", 5}, {"sertifikater", 2}, {"derivater", 3},
	{"bankinnskudd", 9}, {"annet", 2},
}

// valutakurs is NOK per 100 units of each currency: rough, fixed rates, so
// the NOK amount is a deterministic function of the foreign amount.
func valutakurs(valuta string) int64 {
	switch valuta {
	case "USD":
		return 1100
	case "EUR":
		return 1170
	case "SEK":
		return 100
	case "DKK":
		return 157
	case "GBP":
		return 1380
	case "PLN":
		return 270
	case "CHF":
		return 1250
	}
	return 100
}

func velgProdukttype(d draw) string {
	n := d.IntN(100)
	for _, p := range produktvekt {
		if n < p.vekt {
			return p.typ
		}
		n -= p.vekt
	}
	return "annet"
}

// beloep draws a whole-krone amount with a spread of magnitudes (tens to
// tens of millions), below maxBeloep.
func beloep(d draw) int64 {
	mag := int64(100)
	for k := d.IntN(6); k > 0; k-- {
		mag *= 10
	}
	return 1 + d.Int64N(mag)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// newFinansprodukt draws one product of type typ and adds its amounts to s.
func newFinansprodukt(d draw, typ string, s *sums) contract.Finansprodukt {
	p := contract.Finansprodukt{Finansprodukttype: typ}
	utenlandsk := d.IntN(4) == 0
	var l land
	if utenlandsk {
		l = pick(d.Rand, utland())
	}
	// verdi is an amount of about nok kroner, and the kroner it holds
	// (a foreign amount's are rounded to what its currency gives).
	verdi := func(nok int64) (*contract.Beloepsverdi, int64) {
		if !utenlandsk {
			return &contract.Beloepsverdi{BeloepINOK: itoa(nok)}, nok
		}
		valuta := nok * 100 / valutakurs(l.valuta)
		nok = valuta * valutakurs(l.valuta) / 100
		return &contract.Beloepsverdi{BeloepINOK: itoa(nok), BeloepIValuta: itoa(valuta), Valutakode: l.valuta}, nok
	}
	isin := func() string {
		if utenlandsk {
			return NewISIN(d.Rand, l.kode)
		}
		return NewISIN(d.Rand, "NO")
	}
	verdipapir, fond := true, false
	switch typ {
	case "aksjer":
		// A listed company: a company name, always ASA (the suffix is still
		// drawn, so the numbers after it stay where they were).
		_ = d.IntN(6)
		p.Finansproduktnavn = selskapsnavn(d.Rand, "ASA")
		p.Antall = itoa(1 + d.Int64N(50_000))
	case "egenkapitalbevis":
		utenlandsk = false
		p.Finansproduktnavn = pick(d.Rand, companyWords().stem) + " Sparebank"
		p.Antall = itoa(1 + d.Int64N(20_000))
	case "aksjefond", "rentefond", "kombinasjonsfond":
		fond = true
		p.Finansproduktnavn = NewFondsnavn(d.Rand, typ)
		p.Antall = itoa(d.Int64N(100_000)) + "." + strconv.Itoa(1000+d.IntN(9000))
	case "obligasjoner", "sertifikater":
		p.Finansproduktnavn = pick(d.Rand, companyWords().stem) + " " + pick(d.Rand, companyWords().trade) + " FRN " + strconv.Itoa(2026+d.IntN(10))
		p.Antall = itoa(1 + d.Int64N(100))
	case "derivater":
		p.Finansproduktnavn = pick(d.Rand, companyWords().stem) + " " + pick(d.Rand, []string{"Opsjon", "Termin", "Warrant"})
		p.Antall = itoa(1 + d.Int64N(1000))
	case "bankinnskudd":
		verdipapir, utenlandsk = false, false
		p.Finansproduktnavn = pick(d.Rand, []string{"Sparekonto", "Høyrentekonto", "Brukskonto", "BSU"})
	default:
		verdipapir = false
		p.Finansproduktnavn = pick(d.Rand, []string{"Strukturert produkt", "Aksjesparekonto", "Kryptoeiendel"})
	}
	if verdipapir {
		p.ISIN = isin()
	}

	var formue int64
	p.Formuesverdi, formue = verdi(beloep(d))
	s[iFormuesverdi] += formue

	switch {
	case (typ == "aksjer" || typ == "egenkapitalbevis" || typ == "aksjefond") && d.IntN(10) < 4:
		var utdelt int64
		p.UtdeltUtbytte, utdelt = verdi(beloep(d))
		skjerming := int64(0)
		if !utenlandsk && d.IntN(2) == 0 {
			skjerming = d.Int64N(utdelt + 1)
			p.AnvendtSkjerming = itoa(skjerming)
		}
		p.SkattepliktigUtbytte = &contract.Beloepsverdi{BeloepINOK: itoa(utdelt - skjerming)}
		s[iUtdeltUtbytte] += utdelt
		s[iSkattepliktigUtbytte] += utdelt - skjerming
		s[iAnvendtSkjerming] += skjerming
	case typ == "rentefond" || typ == "obligasjoner" || typ == "sertifikater" || typ == "bankinnskudd":
		if d.IntN(10) < 8 {
			var rente int64
			p.Renteinntekt, rente = verdi(1 + beloep(d)/20)
			s[iRenteinntekt] += rente
		}
	case typ == "derivater" || typ == "annet" || fond && d.IntN(10) == 0:
		if d.IntN(2) == 0 {
			var annen int64
			p.AnnenInntektEllerUtbetaling, annen = verdi(beloep(d) / 10)
			s[iAnnenInntekt] += annen
		}
	}
	if typ != "bankinnskudd" && d.IntN(5) == 0 {
		var salg int64
		p.Salgsvederlag, salg = verdi(beloep(d))
		s[iSalgsvederlag] += salg
		if d.IntN(2) == 0 {
			g := d.Int64N(salg/2 + 1)
			p.GevinstEllerTap = &contract.GevinstEllerTap{SkattepliktigGevinst: itoa(g)}
			s[iGevinst] += g
		} else {
			t := d.Int64N(salg + 1)
			p.GevinstEllerTap = &contract.GevinstEllerTap{FradragsberettigetTap: itoa(t)}
			s[iTap] += t
		}
	}
	return p
}
