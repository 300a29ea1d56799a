package ident

import (
	"errors"
	"strconv"
	"testing"

	"github.com/finprod/finprod/internal/identref"
)

// FuzzValidators holds every validator of this package to the reference in
// internal/identref, written apart from it: the same verdict for the input
// as it is, and for the input completed with the reference's own check
// digits (so valid numbers, which random text rarely is, get their share).
// A refusal must be an *InvalidError naming the value, never a panic.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{
		"15838512329", "15838512328", "55838512326", "15438512320", "29820112345", "15038580029",
		"974760673", "310000000", "987546231", "86011117947", "NO9386011117947", "NO0014437946",
		"US0378331005", "DE000BAY0017", "", "0", "1583851232a", "NO93860111179470", "no9386011117947",
		"15830012345", "01019999999", "31129900000", "29029650000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAll(t, s)
		for _, c := range completions(s) {
			checkAll(t, c)
		}
	})
}

// completions builds from s's leading digits numbers whose check digits the
// reference computed, where such digits exist.
func completions(s string) []string {
	lead := ""
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		lead += s[i : i+1]
	}
	var out []string
	if len(lead) >= 8 {
		if c := identref.Mod11(identref.Weighted(lead, 3, 2, 7, 6, 5, 4, 3, 2)); c >= 0 {
			out = append(out, lead[:8]+strconv.Itoa(c))
		}
	}
	if len(lead) >= 10 {
		if c := identref.Mod11(identref.Weighted(lead, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)); c >= 0 {
			konto := lead[:10] + strconv.Itoa(c)
			out = append(out, konto)
			// The IBAN's check digits by brute force against the reference.
			for cd := 0; cd < 100; cd++ {
				iban := "NO" + strconv.Itoa(cd/10) + strconv.Itoa(cd%10) + konto
				if identref.IBAN(iban) {
					out = append(out, iban)
				}
			}
		}
	}
	if len(lead) >= 9 {
		nine := lead[:9]
		for k1 := 0; k1 <= 9; k1++ {
			ten := nine + strconv.Itoa(k1)
			if k2 := identref.Mod11(identref.Weighted(ten, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)); k2 >= 0 {
				out = append(out, ten+strconv.Itoa(k2))
			}
		}
	}
	if len(s) >= 11 {
		for d := byte('0'); d <= '9'; d++ {
			out = append(out, s[:11]+string(d))
		}
	}
	return out
}

func checkAll(t *testing.T, s string) {
	t.Helper()
	verdict := func(kind string, err error, want bool) {
		t.Helper()
		if (err == nil) != want {
			t.Fatalf("%s %q: ident says %v, the reference says valid=%v", kind, s, err, want)
		}
		if err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) || ie.Value != s || ie.Reason == nil {
				t.Fatalf("%s %q: refusal %v is not an *InvalidError naming the value with a reason", kind, s, err)
			}
		}
	}

	ref := identref.FoedselsnummerOf(s)
	info, err := ValidateFoedselsnummer(s)
	verdict("foedselsnummer", err, ref.Valid)
	if ref.Valid {
		got := identref.Foedselsnummer{Valid: true, Date: info.Foedselsdato, DNummer: info.DNummer,
			HNummer: info.HNummer, Syntetisk: info.Syntetisk, RelaxedK1: info.RelaxedK1}
		if got != ref {
			t.Fatalf("foedselsnummer %q: ident reads %+v, the reference %+v", s, got, ref)
		}
	}
	if got, want := IsSyntheticFoedselsnummer(s), identref.SyntheticFoedselsnummer(s); got != want {
		t.Fatalf("IsSyntheticFoedselsnummer(%q) = %v, the reference says %v", s, got, want)
	}
	verdict("organisasjonsnummer", ValidateOrganisasjonsnummer(s), identref.Organisasjonsnummer(s))
	if got, want := IsSyntheticOrganisasjonsnummer(s), identref.SyntheticOrganisasjonsnummer(s); got != want {
		t.Fatalf("IsSyntheticOrganisasjonsnummer(%q) = %v, the reference says %v", s, got, want)
	}
	verdict("kontonummer", ValidateKontonummer(s), identref.Kontonummer(s))
	verdict("IBAN", ValidateIBAN(s), identref.NorwegianIBAN(s))
	verdict("ISIN", ValidateISIN(s), identref.ISIN(s))

	// The check-digit helpers the generators use: a digit exactly when the
	// reference finds one, and the reference's.
	want := refFnrDigits(s)
	if k1, k2, ok := FoedselsnummerCheckDigits(s); ok != (want != "") || ok && strconv.Itoa(k1)+strconv.Itoa(k2) != want {
		t.Fatalf("FoedselsnummerCheckDigits(%q) = %d, %d, %v; the reference says %q", s, k1, k2, ok, want)
	}
	if c, ok := OrganisasjonsnummerCheckDigit(s); ok != (len(s) == 8 && allASCIIDigits(s) && identref.Mod11(identref.Weighted(s, 3, 2, 7, 6, 5, 4, 3, 2)) >= 0) ||
		ok && c != identref.Mod11(identref.Weighted(s, 3, 2, 7, 6, 5, 4, 3, 2)) {
		t.Fatalf("OrganisasjonsnummerCheckDigit(%q) = %d, %v disagrees with the reference", s, c, ok)
	}
	if c, ok := KontonummerCheckDigit(s); ok != (len(s) == 10 && allASCIIDigits(s) && identref.Mod11(identref.Weighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) >= 0) ||
		ok && c != identref.Mod11(identref.Weighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) {
		t.Fatalf("KontonummerCheckDigit(%q) = %d, %v disagrees with the reference", s, c, ok)
	}
	if len(s) == 11 && allASCIIDigits(s) || len(s) == 11 && isISINBody(s) {
		c, ok := ISINCheckDigit(s)
		if !ok {
			t.Fatalf("ISINCheckDigit(%q) refused an 11-character body of A–Z and 0–9", s)
		}
		if !identref.LuhnISIN(s + string(c)) {
			t.Fatalf("ISINCheckDigit(%q) = %c, which Luhn refuses", s, c)
		}
	}
}

// refFnrDigits is K1 K2 for nine digits by the reference; "" when none exist.
func refFnrDigits(nine string) string {
	if len(nine) != 9 || !allASCIIDigits(nine) {
		return ""
	}
	k1 := identref.Mod11(identref.Weighted(nine, 3, 7, 6, 1, 8, 9, 4, 5, 2))
	if k1 < 0 {
		return ""
	}
	k2 := identref.Mod11(identref.Weighted(nine+strconv.Itoa(k1), 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
	if k2 < 0 {
		return ""
	}
	return strconv.Itoa(k1) + strconv.Itoa(k2)
}

func allASCIIDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isISINBody(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
