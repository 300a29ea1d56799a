package generators

import (
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The checkers below are written separately from the generator's helpers on
// purpose: a shared bug cannot make both sides agree.

func refWeighted(s string, w ...int) int {
	sum := 0
	for i, x := range w {
		d, _ := strconv.Atoi(s[i : i+1])
		sum += d * x
	}
	return sum
}

func refCheck(sum int) int { // -1: no check digit exists
	c := 11 - sum%11
	if c == 11 {
		return 0
	}
	if c == 10 {
		return -1
	}
	return c
}

// refFnr checks a Tenor synthetic fødselsnummer (or D-nummer when dnr).
func refFnr(t *testing.T, s string, dnr bool) time.Time {
	t.Helper()
	require.Len(t, s, 11)
	k1 := refCheck(refWeighted(s, 3, 7, 6, 1, 8, 9, 4, 5, 2))
	k2 := refCheck(refWeighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
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

func refLuhnISIN(s string) bool {
	digits := ""
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			digits += strconv.Itoa(int(c-'A') + 10)
		} else {
			digits += string(c)
		}
	}
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func refIBAN(s string) bool {
	rearranged := s[4:] + s[:4]
	num := ""
	for _, c := range rearranged {
		if c >= 'A' && c <= 'Z' {
			num += strconv.Itoa(int(c-'A') + 10)
		} else {
			num += string(c)
		}
	}
	n, ok := new(big.Int).SetString(num, 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

const draws = 100_000

func TestPropertyFoedselsnummer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range draws {
		s, born := NewFoedselsnummer(r, FoedselsnummerOptions{})
		require.Equal(t, born, refFnr(t, s, false))
		info, err := ValidateFoedselsnummer(s)
		require.NoError(t, err)
		require.True(t, info.Syntetisk && !info.DNummer && !info.RelaxedK1)
		require.True(t, IsSyntheticFoedselsnummer(s))
	}
}

func TestPropertyDNummer(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range draws {
		s, born := NewFoedselsnummer(r, FoedselsnummerOptions{DNummer: true})
		require.Equal(t, born, refFnr(t, s, true))
		info, err := ValidateFoedselsnummer(s)
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
		require.Equal(t, strconv.Itoa(refCheck(refWeighted(s, 3, 2, 7, 6, 5, 4, 3, 2))), s[8:], s)
		require.NoError(t, ValidateOrganisasjonsnummer(s))
	}
}

func TestPropertyKontonummerOgIBAN(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range draws {
		k := NewKontonummer(r)
		require.Len(t, k, 11)
		require.Equal(t, strconv.Itoa(refCheck(refWeighted(k, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))), k[10:], k)
		require.NoError(t, ValidateKontonummer(k))
		iban := IBAN(k)
		require.Equal(t, "NO", iban[:2])
		require.Equal(t, k, iban[4:])
		require.True(t, refIBAN(iban), iban)
		require.NoError(t, ValidateIBAN(iban))
	}
}

func TestPropertyISIN(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	countries := []string{"NO", "US", "SE", "DE", "GB"}
	for i := range draws {
		s := NewISIN(r, countries[i%len(countries)])
		require.Len(t, s, 12)
		require.Equal(t, countries[i%len(countries)], s[:2])
		require.True(t, refLuhnISIN(s), s)
		require.NoError(t, ValidateISIN(s))
	}
}

func TestKnownVectors(t *testing.T) {
	for _, s := range []string{"NO0014437946", "US0378331005", "DE000BAY0017"} {
		assert.True(t, refLuhnISIN(s), s)
		assert.NoError(t, ValidateISIN(s), s)
	}
	assert.ErrorIs(t, ValidateISIN("NO0014437947"), ErrCheckDigit)

	assert.True(t, refIBAN("NO9386011117947"))
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
		s1 := refWeighted(nine, 3, 7, 6, 1, 8, 9, 4, 5, 2)
		k1 := ((remainder-s1)%11 + 11) % 11
		if k1 == 10 {
			return ""
		}
		ten := nine + strconv.Itoa(k1)
		k2 := refCheck(refWeighted(ten, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
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

// Every finansprodukttype of the contract is drawn, and nothing else.
func TestProduktvektCoversTheContract(t *testing.T) {
	var typer []string
	for _, p := range produktvekt {
		typer = append(typer, p.typ)
	}
	assert.ElementsMatch(t, contract.Finansprodukttyper(), typer)
}
