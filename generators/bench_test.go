package generators

import (
	"context"
	"io"
	"testing"
)

type discardSink struct{}

func (discardSink) Begin(int64) (io.Writer, error) { return io.Discard, nil }
func (discardSink) End(int64) error                { return nil }

// BenchmarkOppgave measures one oppgave drawn and encoded, single-threaded.
func BenchmarkOppgave(b *testing.B) {
	g := mustNew(b, Config{Seed: 1})
	var buf []byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		o, _ := g.oppgave(int64(i))
		buf = appendOppgave(buf[:0], &o)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "oppgaver/s")
}

// BenchmarkStream measures the whole pipeline (workers, reordering,
// summary) writing to io.Discard.
func BenchmarkStream(b *testing.B) {
	const n = 20_000
	g := mustNew(b, Config{Seed: 1, Oppgaver: n})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Stream(context.Background(), discardSink{}, StreamOptions{MaxBodySize: -1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "oppgaver/s")
}
