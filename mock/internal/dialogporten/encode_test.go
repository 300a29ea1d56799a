package dialogporten

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/require"
)

func TestMarshalTilbakemeldingIsMarshalIndent(t *testing.T) {
	t.Parallel()
	texts := []string{
		"", "x", "0193d1c2-7a7e-7c3b-9b1e-3f2a4d5e6f70", "Fødselsnummeret har ugyldig dato eller kontrollsiffer.",
		`quote " and \ backslash`, "<tag> & amp", "tab\there", "nl\n", "\x00\x1f", "bad \xff utf8", "\u2028\u2029",
		"emoji 😀", "$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer", "æøå ÆØÅ", "\x7f del", "/slash",
	}
	pick := func(r *rand.Rand) string { return texts[r.IntN(len(texts))] }
	r := rand.New(rand.NewPCG(5, 6))
	cases := []contract.Tilbakemelding{
		{Funn: nil}, {Funn: []contract.Funn{}}, {Inntektsaar: -1, AntallOppgaver: 1 << 40},
	}
	for range 2000 {
		tb := contract.Tilbakemelding{
			ForsendelseID: pick(r), DialogID: pick(r), Inntektsaar: r.IntN(10000), Oppgavegiver: pick(r),
			AntallOppgaver: r.IntN(100), Status: pick(r), Funn: []contract.Funn{},
		}
		for range r.IntN(4) {
			tb.Funn = append(tb.Funn, contract.Funn{Kode: pick(r), Melding: pick(r), Sti: pick(r), AngittVerdi: pick(r)})
		}
		cases = append(cases, tb)
	}
	for _, tb := range cases {
		want, err := json.MarshalIndent(tb, "", "  ")
		require.NoError(t, err)
		require.Equal(t, string(want), string(marshalTilbakemelding(tb)))
	}
}

func BenchmarkMarshalTilbakemelding(b *testing.B) {
	tb := contract.Tilbakemelding{ForsendelseID: "0193d1c2-7a7e-7c3b-9b1e-3f2a4d5e6f70", DialogID: "0193d1c2-7a7e-7c3b-9b1e-3f2a4d5e6f71",
		Inntektsaar: 2024, Oppgavegiver: "987546231", AntallOppgaver: 1, Status: contract.TilbakemeldingAvvist}
	for range 3 {
		tb.Funn = append(tb.Funn, contract.Funn{Kode: "SUM_AVVIKER", Melding: "sumSalgsvederlag er 40, men summen av oppgavene er 110.",
			Sti: "$.leveranse.oppgaveoppsummering.sumSalgsvederlag", AngittVerdi: "40"})
	}
	b.ReportAllocs()
	for b.Loop() {
		marshalTilbakemelding(tb)
	}
}
