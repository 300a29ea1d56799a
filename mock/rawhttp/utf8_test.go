package rawhttp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
)

// TestTextThatIsNotUTF8IsRefusedAtTheDoor: ASSUMPTION A-UTF8. Every form of
// text that is not UTF-8 gets 400 GLD_008 at the sti of its string, and is
// not stored (so never served back with U+FFFD in its place).
func TestTextThatIsNotUTF8IsRefusedAtTheDoor(t *testing.T) {
	t.Parallel() // TestHostileInput, which measures the heap, runs alone before
	s := start(t, mock.Config{})
	tok := token(t, s, exampleOrg)
	ex := contract.Eksempel()
	cases := []struct{ name, old, new, sti string }{
		{"raw byte in fornavn", `"fornavn": "Scott"`, "\"fornavn\": \"Sc\xffott\"", "$.leveranse.oppgave[0].oppgaveeier.person.fornavn"},
		{"overlong encoding in kildesystem", `"kildesystem": "Kildesystemet v2.0.5"`, "\"kildesystem\": \"Kildesystemet \xc0\xaf v2\"", "$.leveranse.kildesystem"},
		{"encoded surrogate in finansproduktnavn", `"finansproduktnavn": "aksjeland"`, "\"finansproduktnavn\": \"aksje\xed\xbf\xbfland\"", "$.leveranse.oppgave[0].konto.finansprodukt[1].finansproduktnavn"},
		{"lone surrogate escape in navn", `"navn": "Kari Kontaktperson"`, `"navn": "Kari \ud800 Kontaktperson"`, "$.leveranse.oppgavegiver.kontaktinformasjon.navn"},
		{"lone low surrogate escape in a key", `"antall": "77"`, `"ant\udc00all": "77"`, "$.leveranse.oppgave[0].konto.finansprodukt[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := requireFeil(t, do(t, s.URL(), submission(tok, "2024", edit(t, ex, c.old, c.new))))
			assert.Equal(t, "GLD_008", f.Kode)
			assert.Equal(t, []string{c.sti}, f.stier())
		})
	}
	assert.Zero(t, s.Count(), "nothing that is not UTF-8 is stored")
}
