package generators

import (
	"math/rand/v2"

	"github.com/brianvoe/gofakeit/v7"
)

// Streams keep the PRNGs of different kinds of item apart, so that oppgave 7
// and leveranse 7 of the same seed do not draw the same numbers.
const (
	streamOppgave   uint64 = 0x6f70706761766531 // "oppgave1"
	streamLeveranse uint64 = 0x6c65766572616e31 // "leveran1"
	streamDefault   uint64 = 0x64656661756c7431 // "default1"
)

// splitmix64 is the SplitMix64 finaliser: a bijective, well-mixed hash of a
// 64-bit word, used to turn (seed, stream, index) into independent PCG seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// draw is one item's private randomness: a PCG seeded from (seed, stream,
// index), and gofakeit's Faker over the same source when an item needs it.
// PCG's output is fixed by the Go specification of math/rand/v2, so the same
// triple gives the same numbers on any machine and Go version.
type draw struct {
	*rand.Rand
	src *rand.PCG
}

// drawState holds a draw's generator and source in one allocation: every
// oppgave makes a draw, and a load run makes thousands a second.
type drawState struct {
	src rand.PCG
	r   rand.Rand
}

func newDraw(seed, stream, index uint64) draw {
	hi := splitmix64(seed ^ splitmix64(stream))
	lo := splitmix64(hi ^ splitmix64(index+stream))
	st := new(drawState)
	st.src.Seed(hi, lo)
	st.r = *rand.New(&st.src)
	return draw{Rand: &st.r, src: &st.src}
}

// fake is a Faker drawing from d's source, as the same numbers: it only
// wraps the source, so making one draws nothing. Unlocked: each draw
// belongs to one goroutine.
func (d draw) fake() *gofakeit.Faker { return gofakeit.NewFaker(d.src, false) }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
