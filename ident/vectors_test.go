package ident

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Fixed vectors, written out: published identifiers of public bodies and
// securities, and synthetic fødselsnumre (Tenor's month + 80, never a real
// person's) whose check digits are worked out by hand below. None is
// computed by this package or by internal/identref. Every digit that a
// weight multiplies is non-zero in some valid vector, so a wrong weight
// anywhere changes a sum and fails a vector.

func TestPublishedOrganisasjonsnumre(t *testing.T) {
	valid := map[string]string{
		"974760673": "Brønnøysundregistrene",
		"974761076": "Skatteetaten",
		"991825827": "Digitaliseringsdirektoratet",
		"971526920": "Statistisk sentralbyrå",
		"923609016": "Equinor ASA",
		"984851006": "DNB Bank ASA",
		// Synthetic (first digit 3 or 2): Σ = 3·3+1·2+1·7+1·6+1·5+1·4+1·3+1·2 = 38,
		// 38 mod 11 = 5, 11 − 5 = 6.
		"311111116": "synthetic, all digits non-zero",
		// Σ = 2·3+1·2+2·7+3·6+4·5+5·4+6·3+7·2 = 112, 112 mod 11 = 2, 11 − 2 = 9.
		"212345679": "synthetic",
		// Σ = 3·3+1·2 = 11, 11 mod 11 = 0, so 11 → 0.
		"310000000": "synthetic, check digit 11 → 0",
	}
	for s, who := range valid {
		assert.NoError(t, ValidateOrganisasjonsnummer(s), "%s (%s)", s, who)
	}
	invalid := map[string]error{
		"974760674": ErrCheckDigit, // Brønnøysundregistrene with the last digit off by one
		"311111117": ErrCheckDigit,
		"987546231": ErrCheckDigit, // the service page's example oppgavegiver
		// Σ = 1·3+1·2+1·7+1·6+1·5+1·4+1·3+1·2 = 32, 32 mod 11 = 10, 11 − 10 = 1, not 0.
		"111111110": ErrCheckDigit,
		// Σ = 1·3 = 3, 11 − 3 = 8, not 2.
		"100000002": ErrCheckDigit,
		// Σ = 2·3+3·2 = 12, 12 mod 11 = 1, 11 − 1 = 10: no check digit exists.
		"230000000":  ErrCheckDigit,
		"97476067":   ErrLength,
		"9747606731": ErrLength,
		"97476067x":  ErrNotDigits,
	}
	for s, want := range invalid {
		assert.ErrorIs(t, ValidateOrganisasjonsnummer(s), want, s)
	}
}

func TestSyntheticFoedselsnumre(t *testing.T) {
	// K1 = 11 − (S1 mod 11), S1 over the first nine digits with weights
	// 3 7 6 1 8 9 4 5 2; K2 = 11 − (S2 mod 11), S2 over the first ten with
	// 5 4 3 2 7 6 5 4 3 2.
	valid := map[string]string{
		// 15.03.1985 (month 83), individnummer 123: S1 = 218, 218 mod 11 = 9, K1 = 2;
		// S2 = 167, 167 mod 11 = 2, K2 = 9.
		"15838512329": "1985-03-15",
		// D-nummer (day 15 + 40) of the same: S1 = 230, mod 11 = 10, K1 = 1; S2 = 185, mod 11 = 9, K2 = 2.
		"55838512312": "1985-03-15",
		// 12.09.1877, individnummer 612 (500–749 with year ≥ 54): S1 = 226, mod 11 = 6, K1 = 5;
		// S2 = 196, mod 11 = 9, K2 = 2.
		"12897761252": "1877-09-12",
		// 17.08.1965, individnummer 432: S1 = 236, mod 11 = 5, K1 = 6; S2 = 195, mod 11 = 8, K2 = 3.
		"17886543263": "1965-08-17",
		// 21.07.2012, individnummer 569 (500–999 with year < 40): S1 = 162, mod 11 = 8, K1 = 3;
		// S2 = 153, mod 11 = 10, K2 = 1.
		"21871256931": "2012-07-21",
		// 08.10.1969 (month 90), individnummer 133: S1 = 264, 264 mod 11 = 0, so 11 → K1 = 0;
		// S2 = 181, mod 11 = 5, K2 = 6.
		"08906913306": "1969-10-08",
		// 14.06.1945, individnummer 912 (900–999 with year ≥ 40): S1 = 207, mod 11 = 9, K1 = 2;
		// S2 = 174, mod 11 = 9, K2 = 2.
		"14864591222": "1945-06-14",
	}
	for s, born := range valid {
		info, err := ValidateFoedselsnummer(s)
		if assert.NoError(t, err, s) {
			assert.True(t, info.Syntetisk, s)
			assert.Equal(t, born, info.Foedselsdato.Format("2006-01-02"), s)
			assert.False(t, info.RelaxedK1, "%s has an ordinary K1", s)
		}
	}
	invalid := map[string]error{
		"15838512328": ErrCheckDigit, // K2 is 8, must be 9
		"17886543273": ErrCheckDigit, // K1 is 7: (236 + 7) mod 11 = 1 passes the 2032 rule, but then K2 must be 1
		"21871256932": ErrCheckDigit, // K2 off by one
		"14864591232": ErrCheckDigit,
		"12897761253": ErrCheckDigit,
		"00000000000": ErrDate,    // the service page's example: day 0
		"15938512329": ErrDate,    // month 93 − 80 = 13
		"31828512300": ErrDate,    // 31 February
		"15838580029": ErrIndivid, // individnummer 800 is not issued for 1985
		"1583851232":  ErrLength,
		"1583851232x": ErrNotDigits,
	}
	for s, want := range invalid {
		_, err := ValidateFoedselsnummer(s)
		assert.ErrorIs(t, err, want, s)
	}
}

func TestPublishedKontonumreIBANAndISIN(t *testing.T) {
	// 1234.56.78903: Σ = 1·5+2·4+3·3+4·2+5·7+6·6+7·5+8·4+9·3+0·2 = 195, 195 mod 11 = 8, 11 − 8 = 3.
	for _, s := range []string{"12345678903", "86011117947"} {
		assert.NoError(t, ValidateKontonummer(s), s)
	}
	for _, s := range []string{"12345678904", "86011117948"} {
		assert.ErrorIs(t, ValidateKontonummer(s), ErrCheckDigit, s)
	}
	// The IBAN registry's Norwegian example.
	assert.NoError(t, ValidateIBAN("NO9386011117947"))
	assert.Equal(t, "NO9386011117947", IBAN("86011117947"))
	assert.ErrorIs(t, ValidateIBAN("NO9286011117947"), ErrCheckDigit)

	for isin, what := range map[string]string{
		"NO0014437946": "the service page's example",
		"NO0010096985": "Equinor ASA",
		"US0378331005": "Apple Inc.",
		"US5949181045": "Microsoft Corp.",
		"DE000BAY0017": "Bayer AG",
		"GB0002634946": "BAE Systems plc",
		"JP3435000009": "Sony Group Corp.",
		"AU0000XVGZA3": "Treasury Corporation of Victoria (letters inside)",
	} {
		assert.NoError(t, ValidateISIN(isin), "%s (%s)", isin, what)
	}
	for _, isin := range []string{"NO0014437947", "US0378331006", "AU0000XVGZA4", "DE000BAY0018"} {
		assert.ErrorIs(t, ValidateISIN(isin), ErrCheckDigit, isin)
	}
}
