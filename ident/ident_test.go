package ident

import (
	"strconv"
	"testing"
	"time"

	"github.com/finprod/finprod/internal/identref"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The reference values come from internal/identref, written apart from this
// package, or are worked out by hand in the comments.

func TestKnownVectors(t *testing.T) {
	for _, s := range []string{"NO0014437946", "US0378331005", "DE000BAY0017"} {
		assert.True(t, identref.LuhnISIN(s), s)
		assert.NoError(t, ValidateISIN(s), s)
	}
	assert.ErrorIs(t, ValidateISIN("NO0014437947"), ErrCheckDigit)

	assert.True(t, identref.IBAN("NO9386011117947"))
	assert.NoError(t, ValidateIBAN("NO9386011117947"))
	assert.Equal(t, "NO9386011117947", IBAN("86011117947"))
	assert.ErrorIs(t, ValidateIBAN("NO9486011117947"), ErrCheckDigit)
	assert.ErrorIs(t, ValidateIBAN("DK9386011117947"), ErrCountry)
	assert.NoError(t, ValidateKontonummer("86011117947"))
	assert.ErrorIs(t, ValidateKontonummer("86011117948"), ErrCheckDigit)

	// 974760673: Σ = 9·3+7·2+4·7+7·6+6·5+0·4+6·3+7·2 = 173, 173 mod 11 = 8, 11−8 = 3.
	assert.NoError(t, ValidateOrganisasjonsnummer("974760673"))
	assert.False(t, IsSyntheticOrganisasjonsnummer("974760673"))
	// 310000000: Σ = 3·3+1·2 = 11, 11 mod 11 = 0, 11 → 0. Synthetic (starts with 3).
	assert.NoError(t, ValidateOrganisasjonsnummer("310000000"))
	assert.True(t, IsSyntheticOrganisasjonsnummer("310000000"))
	// The service page's example oppgavegiver fails its check digit.
	assert.ErrorIs(t, ValidateOrganisasjonsnummer("987546231"), ErrCheckDigit)

	// 15 83 85 123 K1 K2: born 1985-03-15, Tenor month 03+80.
	// S1 = 1·3+5·7+8·6+3·1+8·8+5·9+1·4+2·5+3·2 = 218, 218 mod 11 = 9, K1 = 2.
	// S2 = 1·5+5·4+8·3+3·2+8·7+5·6+1·5+2·4+3·3+2·2 = 167, 167 mod 11 = 2, K2 = 9.
	info, err := ValidateFoedselsnummer("15838512329")
	require.NoError(t, err)
	assert.True(t, info.Syntetisk)
	assert.Equal(t, time.Date(1985, 3, 15, 0, 0, 0, 0, time.UTC), info.Foedselsdato)
	assert.True(t, IsSyntheticFoedselsnummer("15838512329"))
	assert.False(t, IsSyntheticFoedselsnummer("00000000000"))
	assert.False(t, IsSyntheticFoedselsnummer("15038512329"))
}

func TestFoedselsnummerForms(t *testing.T) {
	// Builds a number from its first nine digits with a chosen K1 remainder,
	// independent of the package's helpers.
	build := func(nine string, remainder int) string {
		s1 := identref.Weighted(nine, 3, 7, 6, 1, 8, 9, 4, 5, 2)
		k1 := ((remainder-s1)%11 + 11) % 11
		if k1 == 10 {
			return ""
		}
		ten := nine + strconv.Itoa(k1)
		k2 := identref.Mod11(identref.Weighted(ten, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
		if k2 < 0 {
			return ""
		}
		return ten + strconv.Itoa(k2)
	}
	cases := []struct {
		name, nine string
		check      func(FoedselsnummerInfo) bool
	}{
		{"ordinary", "150385123", func(i FoedselsnummerInfo) bool { return !i.Syntetisk && !i.DNummer && !i.HNummer }},
		{"D-nummer", "550385123", func(i FoedselsnummerInfo) bool { return i.DNummer && !i.Syntetisk }},
		{"H-nummer", "154385123", func(i FoedselsnummerInfo) bool { return i.HNummer && !i.Syntetisk }},
		{"Tenor synthetic D-nummer", "558385123", func(i FoedselsnummerInfo) bool { return i.DNummer && i.Syntetisk }},
		{"born 2005", "150305612", func(i FoedselsnummerInfo) bool { return i.Foedselsdato.Year() == 2005 }},
		{"born 1899", "150399600", func(i FoedselsnummerInfo) bool { return i.Foedselsdato.Year() == 1899 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tried := 0
			for rem := 0; rem <= 3; rem++ {
				s := build(c.nine, rem)
				if s == "" {
					continue
				}
				tried++
				info, err := ValidateFoedselsnummer(s)
				require.NoError(t, err, s)
				assert.True(t, c.check(info), "%s: %+v", s, info)
				assert.Equal(t, rem != 0, info.RelaxedK1, s)
			}
			require.NotZero(t, tried)
			// Remainders 4..10 are never valid.
			for rem := 4; rem <= 10; rem++ {
				if s := build(c.nine, rem); s != "" {
					_, err := ValidateFoedselsnummer(s)
					assert.ErrorIs(t, err, ErrCheckDigit, s)
				}
			}
		})
	}
}

func TestFoedselsnummerErrorsSayWhy(t *testing.T) {
	cases := map[string]error{
		"1583851232":  ErrLength,
		"1583851232a": ErrNotDigits,
		"15838512328": ErrCheckDigit, // K2 off by one
		"32838512329": ErrDate,       // 32nd of March
		"29820112345": ErrDate,       // 29 February 1901
		"15838580029": ErrIndivid,    // 800 is not issued for 1985
	}
	for s, want := range cases {
		_, err := ValidateFoedselsnummer(s)
		require.ErrorIs(t, err, want, s)
		var ie *InvalidError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, s, ie.Value)
		assert.Contains(t, err.Error(), s)
	}
	_, err := ValidateFoedselsnummer("15838512328")
	assert.Contains(t, err.Error(), "K2 is 8, expected 9")
}

// ISINCheckDigit is exported: a body of the wrong length is refused, not a panic.
func TestISINCheckDigitRefusesWrongLength(t *testing.T) {
	for _, body := range []string{"", "US037833100", "US0378331005ZZZZZZZZZZZZ", "NO00000000000"} {
		_, ok := ISINCheckDigit(body)
		assert.Equal(t, len(body) == 11, ok, body)
	}
}

// The cases the business rules were first tested with, when they called
// these validators from mock/rules.
func TestValidatorsAsTheRulesUseThem(t *testing.T) {
	for _, c := range []struct {
		s  string
		ok bool
	}{{"974760673", true}, {"310000000", true}, {"987546231", false}, {"97476067", false}, {"97476067a", false}} {
		assert.Equal(t, c.ok, ValidateOrganisasjonsnummer(c.s) == nil, c.s)
	}
	for _, c := range []struct {
		s  string
		ok bool
	}{
		{"15858012314", true},  // Tenor synthetic (month + 80)
		{"15858012315", false}, // K2 off by one
		{"00000000000", false}, // day 0
		{"31028040063", false}, // 31 February
		{"1585801231", false},
	} {
		_, err := ValidateFoedselsnummer(c.s)
		assert.Equal(t, c.ok, err == nil, c.s)
	}
}

// The check-digit functions the generators build numbers with agree with
// the reference and with the worked examples of TestKnownVectors.
func TestCheckDigits(t *testing.T) {
	k1, k2, ok := FoedselsnummerCheckDigits("158385123")
	require.True(t, ok)
	assert.Equal(t, [2]int{2, 9}, [2]int{k1, k2}, "15838512329")
	c, ok := OrganisasjonsnummerCheckDigit("97476067")
	require.True(t, ok)
	assert.Equal(t, 3, c, "974760673")
	c, ok = KontonummerCheckDigit("8601111794")
	require.True(t, ok)
	assert.Equal(t, 7, c, "86011117947")

	for _, bad := range []string{"", "15838512", "1583851234", "15838512a"} {
		_, _, ok := FoedselsnummerCheckDigits(bad)
		assert.False(t, ok, bad)
	}
	for _, bad := range []string{"", "9747606", "974760673", "9747606a"} {
		_, ok := OrganisasjonsnummerCheckDigit(bad)
		assert.False(t, ok, bad)
	}
	for _, bad := range []string{"", "860111179", "86011117947", "860111179a"} {
		_, ok := KontonummerCheckDigit(bad)
		assert.False(t, ok, bad)
	}

	// Over many bodies, a digit exists exactly when the reference finds one,
	// and it is the reference's.
	for n := range 20000 {
		eight := strconv.Itoa(20000000 + n*3571)[:8]
		want := identref.Mod11(identref.Weighted(eight, 3, 2, 7, 6, 5, 4, 3, 2))
		got, ok := OrganisasjonsnummerCheckDigit(eight)
		assert.Equal(t, want >= 0, ok, eight)
		if ok {
			assert.Equal(t, want, got, eight)
		}
		nine := eight + strconv.Itoa(n%10)
		k1, k2, ok := FoedselsnummerCheckDigits(nine)
		wantK1 := identref.Mod11(identref.Weighted(nine, 3, 7, 6, 1, 8, 9, 4, 5, 2))
		wantK2 := -1
		if wantK1 >= 0 {
			wantK2 = identref.Mod11(identref.Weighted(nine+strconv.Itoa(wantK1), 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
		}
		assert.Equal(t, wantK1 >= 0 && wantK2 >= 0, ok, nine)
		if ok {
			assert.Equal(t, [2]int{wantK1, wantK2}, [2]int{k1, k2}, nine)
		}
	}
}
