package api

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/finprod/finprod/contract"
)

// CheckBusinessRules checks what the schema cannot: that the oppgaveoppsummering
// adds up and that identifiers carry valid check digits (FACTS §6). It returns
// one feilspesifisering per broken rule, nil if none. The API runs it only in
// sync mode (ASSUMPTION A-ASYNC); the Dialogporten feedback runs it otherwise.
func CheckBusinessRules(l contract.Leveranse) []contract.Feilspesifisering {
	var out []contract.Feilspesifisering
	add := func(sti, given, format string, a ...any) {
		out = append(out, contract.Feilspesifisering{Melding: fmt.Sprintf(format, a...), Sti: sti, AngittVerdi: given})
	}
	const lev = "$.leveranse"
	if !ValidOrganisasjonsnummer(l.Oppgavegiver.Organisasjonsnummer) {
		add(lev+".oppgavegiver.organisasjonsnummer", l.Oppgavegiver.Organisasjonsnummer, "organisasjonsnummer har feil kontrollsiffer")
	}
	sums := newSums()
	for i, o := range l.Oppgave {
		at := fmt.Sprintf("%s.oppgave[%d]", lev, i)
		if p := o.Oppgaveeier.Person; p != nil && !ValidFoedselsnummer(p.Foedselsnummer) {
			add(at+".oppgaveeier.person.foedselsnummer", p.Foedselsnummer, "fødselsnummer har feil kontrollsiffer")
		}
		if org := o.Oppgaveeier.Organisasjon; org != nil && !ValidOrganisasjonsnummer(org.Organisasjonsnummer) {
			add(at+".oppgaveeier.organisasjon.organisasjonsnummer", org.Organisasjonsnummer, "organisasjonsnummer har feil kontrollsiffer")
		}
		for _, p := range o.Konto.Finansprodukt {
			sums.addProduct(p)
		}
	}
	s := l.Oppgaveoppsummering
	if s.AntallOppgaver != len(l.Oppgave) {
		add(lev+".oppgaveoppsummering.antallOppgaver", strconv.Itoa(s.AntallOppgaver),
			"antallOppgaver er %d, men leveransen har %d oppgaver", s.AntallOppgaver, len(l.Oppgave))
	}
	for _, c := range []struct {
		name, given string
		want        *big.Int
	}{
		{"sumFormuesverdi", s.SumFormuesverdi, sums.formuesverdi},
		{"sumSkattepliktigUtbytte", s.SumSkattepliktigUtbytte, sums.skattepliktigUtbytte},
		{"sumRenteinntekt", s.SumRenteinntekt, sums.renteinntekt},
		{"sumAnnenInntektEllerUtbetaling", s.SumAnnenInntektEllerUtbetaling, sums.annenInntekt},
		{"sumGevinst", s.SumGevinst, sums.gevinst},
		{"sumTap", s.SumTap, sums.tap},
		{"sumAnvendtSkjerming", s.SumAnvendtSkjerming, sums.anvendtSkjerming},
		{"sumUtdeltUtbytte", s.SumUtdeltUtbytte, sums.utdeltUtbytte},
		{"sumSalgsvederlag", s.SumSalgsvederlag, sums.salgsvederlag},
	} {
		got, ok := new(big.Int).SetString(c.given, 10)
		if !ok || got.Cmp(c.want) != 0 {
			add(lev+".oppgaveoppsummering."+c.name, c.given, "%s er %s, men summen av oppgavene er %s", c.name, c.given, c.want)
		}
	}
	return out
}

// sums are big integers: eighteen-digit amounts may overflow int64 when added.
type sums struct {
	formuesverdi, skattepliktigUtbytte, renteinntekt, annenInntekt, gevinst, tap,
	anvendtSkjerming, utdeltUtbytte, salgsvederlag *big.Int
}

func newSums() *sums {
	return &sums{new(big.Int), new(big.Int), new(big.Int), new(big.Int), new(big.Int),
		new(big.Int), new(big.Int), new(big.Int), new(big.Int)}
}

func (s *sums) addProduct(p contract.Finansprodukt) {
	addAmount(s.formuesverdi, p.Formuesverdi)
	addAmount(s.skattepliktigUtbytte, p.SkattepliktigUtbytte)
	addAmount(s.renteinntekt, p.Renteinntekt)
	addAmount(s.annenInntekt, p.AnnenInntektEllerUtbetaling)
	addAmount(s.utdeltUtbytte, p.UtdeltUtbytte)
	addAmount(s.salgsvederlag, p.Salgsvederlag)
	if g := p.GevinstEllerTap; g != nil {
		addDigits(s.gevinst, g.SkattepliktigGevinst)
		addDigits(s.tap, g.FradragsberettigetTap)
	}
	addDigits(s.anvendtSkjerming, p.AnvendtSkjerming)
}

func addAmount(sum *big.Int, v *contract.Beloepsverdi) {
	if v != nil {
		addDigits(sum, v.BeloepINOK)
	}
}

// addDigits ignores what is not a number: the schema has already reported it.
func addDigits(sum *big.Int, s string) {
	if s == "" {
		return
	}
	if n, ok := new(big.Int).SetString(s, 10); ok {
		sum.Add(sum, n)
	}
}

// mod11 returns the check digit for digits under weights, or -1 when the
// remainder makes the number impossible (a check digit of 10).
func mod11(digits string, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	k := 11 - sum%11
	switch k {
	case 11:
		return 0
	case 10:
		return -1
	}
	return k
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidOrganisasjonsnummer checks the mod-11 check digit of a 9-digit number.
func ValidOrganisasjonsnummer(s string) bool {
	if !allDigits(s, 9) {
		return false
	}
	k := mod11(s, []int{3, 2, 7, 6, 5, 4, 3, 2})
	return k >= 0 && k == int(s[8]-'0')
}

// ValidFoedselsnummer checks an 11-digit fødselsnummer, D-nummer, H-nummer or
// Tenor synthetic number: a possible day and month, and both check digits.
// K1 may also take the relaxed form allowed from 2032, (S1 + K1) mod 11 in
// {0,1,2,3}, of which the classic form (remainder 0) is one case.
func ValidFoedselsnummer(s string) bool {
	if !allDigits(s, 11) {
		return false
	}
	day := int(s[0]-'0')*10 + int(s[1]-'0')
	month := int(s[2]-'0')*10 + int(s[3]-'0')
	if day > 40 {
		day -= 40 // D-nummer
	}
	switch {
	case month > 80:
		month -= 80 // Tenor synthetic
	case month > 40:
		month -= 40 // H-nummer
	}
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return false
	}
	s1 := 0
	for i, w := range []int{3, 7, 6, 1, 8, 9, 4, 5, 2} {
		s1 += int(s[i]-'0') * w
	}
	if (s1+int(s[9]-'0'))%11 > 3 {
		return false
	}
	k2 := mod11(s, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	return k2 >= 0 && k2 == int(s[10]-'0')
}
