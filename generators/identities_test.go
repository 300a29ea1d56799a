package generators

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/ident"
	"github.com/finprod/finprod/internal/identref"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The generated identifiers are checked twice: by internal/identref, written
// apart from the code that made them, and by package ident, which the mock's
// rules and the targets' guard judge them with.

// refFnr checks a Tenor synthetic fødselsnummer (or D-nummer when dnr).
func refFnr(t *testing.T, s string, dnr bool) time.Time {
	t.Helper()
	require.Len(t, s, 11)
	k1 := identref.Mod11(identref.Weighted(s, 3, 7, 6, 1, 8, 9, 4, 5, 2))
	k2 := identref.Mod11(identref.Weighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
	require.Equal(t, strconv.Itoa(k1), s[9:10], "K1 of %s", s)
	require.Equal(t, strconv.Itoa(k2), s[10:11], "K2 of %s", s)
	day, _ := strconv.Atoi(s[0:2])
	month, _ := strconv.Atoi(s[2:4])
	yy, _ := strconv.Atoi(s[4:6])
	ind, _ := strconv.Atoi(s[6:9])
	if dnr {
		require.Greater(t, day, 40, s)
		day -= 40
	}
	require.True(t, month >= 81 && month <= 92, "month+80 in %s", s)
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
		t.Fatalf("%s: individnummer %d does not fit year %d", s, ind, yy)
	}
	born := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	require.Equal(t, day, born.Day(), "date of %s", s)
	return born
}

const draws = 100_000

func TestPropertyFoedselsnummer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range draws {
		s, born := NewFoedselsnummer(r, FoedselsnummerOptions{})
		require.Equal(t, born, refFnr(t, s, false))
		info, err := ident.ValidateFoedselsnummer(s)
		require.NoError(t, err)
		require.True(t, info.Syntetisk && !info.DNummer && !info.RelaxedK1)
		require.True(t, ident.IsSyntheticFoedselsnummer(s))
	}
}

func TestPropertyDNummer(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range draws {
		s, born := NewFoedselsnummer(r, FoedselsnummerOptions{DNummer: true})
		require.Equal(t, born, refFnr(t, s, true))
		info, err := ident.ValidateFoedselsnummer(s)
		require.NoError(t, err)
		require.True(t, info.Syntetisk && info.DNummer)
	}
}

func TestPropertyOrganisasjonsnummer(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range draws {
		s := NewOrganisasjonsnummer(r)
		require.Len(t, s, 9)
		require.Contains(t, "23", s[:1])
		require.Equal(t, strconv.Itoa(identref.Mod11(identref.Weighted(s, 3, 2, 7, 6, 5, 4, 3, 2))), s[8:], s)
		require.NoError(t, ident.ValidateOrganisasjonsnummer(s))
	}
}

func TestPropertyKontonummerOgIBAN(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range draws {
		k := NewKontonummer(r)
		require.Len(t, k, 11)
		require.Equal(t, strconv.Itoa(identref.Mod11(identref.Weighted(k, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))), k[10:], k)
		require.NoError(t, ident.ValidateKontonummer(k))
		iban := ident.IBAN(k)
		require.Equal(t, "NO", iban[:2])
		require.Equal(t, k, iban[4:])
		require.True(t, identref.IBAN(iban), iban)
		require.NoError(t, ident.ValidateIBAN(iban))
	}
}

func TestPropertyISIN(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	countries := []string{"NO", "US", "SE", "DE", "GB"}
	for i := range draws {
		s := NewISIN(r, countries[i%len(countries)])
		require.Len(t, s, 12)
		require.Equal(t, countries[i%len(countries)], s[:2])
		require.True(t, identref.LuhnISIN(s), s)
		require.NoError(t, ident.ValidateISIN(s))
	}
}

// Every finansprodukttype of the contract is drawn, and nothing else.
func TestProduktvektCoversTheContract(t *testing.T) {
	var typer []string
	for _, p := range produktvekt {
		typer = append(typer, p.typ)
	}
	assert.ElementsMatch(t, contract.Finansprodukttyper(), typer)
}
