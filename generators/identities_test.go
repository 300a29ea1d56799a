package generators

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/ident"
	"github.com/finprod/finprod/internal/identref"
	"github.com/stretchr/testify/assert"
)

// The generated identifiers are checked twice: by internal/identref, written
// apart from the code that made them, and by package ident, which the mock's
// rules and the targets' guard judge them with.

// refFnr checks a Tenor synthetic fødselsnummer (or D-nummer when dnr) and
// returns the birth date it encodes. It reports with an error, not through
// testing.T: the property tests call it a hundred thousand times, and
// testify's bookkeeping per call was most of their time.
func refFnr(s string, dnr bool) (time.Time, error) {
	if len(s) != 11 {
		return time.Time{}, fmt.Errorf("%s: %d characters, expected 11", s, len(s))
	}
	k1 := identref.Mod11(identref.Weighted(s, 3, 7, 6, 1, 8, 9, 4, 5, 2))
	k2 := identref.Mod11(identref.Weighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
	if strconv.Itoa(k1) != s[9:10] {
		return time.Time{}, fmt.Errorf("%s: K1 is %s, expected %d", s, s[9:10], k1)
	}
	if strconv.Itoa(k2) != s[10:11] {
		return time.Time{}, fmt.Errorf("%s: K2 is %s, expected %d", s, s[10:11], k2)
	}
	day, _ := strconv.Atoi(s[0:2])
	month, _ := strconv.Atoi(s[2:4])
	yy, _ := strconv.Atoi(s[4:6])
	ind, _ := strconv.Atoi(s[6:9])
	if dnr {
		if day <= 40 {
			return time.Time{}, fmt.Errorf("%s: a D-nummer's day is over 40", s)
		}
		day -= 40
	}
	if month < 81 || month > 92 {
		return time.Time{}, fmt.Errorf("%s: month+80 expected", s)
	}
	month -= 80
	var year int
	switch {
	case ind < 500:
		year = 1900 + yy
	case ind >= 900 && yy >= 40:
		year = 1900 + yy
	case ind >= 500 && yy < 40:
		year = 2000 + yy
	case ind < 750 && yy >= 54:
		year = 1800 + yy
	default:
		return time.Time{}, fmt.Errorf("%s: individnummer %d does not fit year %d", s, ind, yy)
	}
	born := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if born.Day() != day {
		return time.Time{}, fmt.Errorf("%s: no such date", s)
	}
	return born, nil
}

const draws = 100_000

// The property tests check each draw with plain comparisons and stop at the
// first that fails, with a message naming the draw: a testify call per
// property and draw cost more than the properties themselves.

func TestPropertyFoedselsnummer(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range draws {
		s, born := NewFoedselsnummer(r, FoedselsnummerOptions{})
		ref, err := refFnr(s, false)
		if err != nil {
			t.Fatal(err)
		}
		if born != ref {
			t.Fatalf("%s: generated for %v, encodes %v", s, born, ref)
		}
		info, err := ident.ValidateFoedselsnummer(s)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Syntetisk || info.DNummer || info.RelaxedK1 {
			t.Fatalf("%s: %+v, expected a synthetic fødselsnummer with the ordinary K1", s, info)
		}
		if !ident.IsSyntheticFoedselsnummer(s) {
			t.Fatalf("%s is not synthetic", s)
		}
	}
}

func TestPropertyDNummer(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range draws {
		s, born := NewFoedselsnummer(r, FoedselsnummerOptions{DNummer: true})
		ref, err := refFnr(s, true)
		if err != nil {
			t.Fatal(err)
		}
		if born != ref {
			t.Fatalf("%s: generated for %v, encodes %v", s, born, ref)
		}
		info, err := ident.ValidateFoedselsnummer(s)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Syntetisk || !info.DNummer {
			t.Fatalf("%s: %+v, expected a synthetic D-nummer", s, info)
		}
	}
}

func TestPropertyOrganisasjonsnummer(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for range draws {
		s := NewOrganisasjonsnummer(r)
		if len(s) != 9 {
			t.Fatalf("%s: %d digits, expected 9", s, len(s))
		}
		if s[0] != '2' && s[0] != '3' {
			t.Fatalf("%s: a synthetic organisasjonsnummer starts with 2 or 3", s)
		}
		if want := strconv.Itoa(identref.Mod11(identref.Weighted(s, 3, 2, 7, 6, 5, 4, 3, 2))); s[8:] != want {
			t.Fatalf("%s: check digit %s, expected %s", s, s[8:], want)
		}
		if err := ident.ValidateOrganisasjonsnummer(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPropertyKontonummerOgIBAN(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	for range draws {
		k := NewKontonummer(r)
		if len(k) != 11 {
			t.Fatalf("%s: %d digits, expected 11", k, len(k))
		}
		if want := strconv.Itoa(identref.Mod11(identref.Weighted(k, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))); k[10:] != want {
			t.Fatalf("%s: check digit %s, expected %s", k, k[10:], want)
		}
		if err := ident.ValidateKontonummer(k); err != nil {
			t.Fatal(err)
		}
		iban := ident.IBAN(k)
		if iban[:2] != "NO" || iban[4:] != k {
			t.Fatalf("IBAN of %s is %s, expected NO, two check digits and the kontonummer", k, iban)
		}
		if !identref.IBAN(iban) {
			t.Fatalf("%s: the reference rejects its check digits", iban)
		}
		if err := ident.ValidateIBAN(iban); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPropertyISIN(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	countries := []string{"NO", "US", "SE", "DE", "GB"}
	for i := range draws {
		country := countries[i%len(countries)]
		s := NewISIN(r, country)
		if len(s) != 12 {
			t.Fatalf("%s: %d characters, expected 12", s, len(s))
		}
		if s[:2] != country {
			t.Fatalf("%s: expected country %s", s, country)
		}
		if !identref.LuhnISIN(s) {
			t.Fatalf("%s: the reference rejects its check digit", s)
		}
		if err := ident.ValidateISIN(s); err != nil {
			t.Fatal(err)
		}
	}
}

// Every finansprodukttype of the contract is drawn, and nothing else.
func TestProduktvektCoversTheContract(t *testing.T) {
	t.Parallel()
	var typer []string
	for _, p := range produktvekt {
		typer = append(typer, p.typ)
	}
	assert.ElementsMatch(t, contract.Finansprodukttyper(), typer)
}
