package testkit

import (
	"math/rand/v2"
	"strings"
)

// Pieces is 1 to most of pieces, drawn by rng and joined: the corpus of a
// differential test that holds a hand-written scanner to the regular
// expression it stands for.
func Pieces(rng *rand.Rand, pieces []string, most int) string {
	var b strings.Builder
	for range 1 + rng.IntN(most) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}
