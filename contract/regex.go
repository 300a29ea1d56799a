package contract

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileRegexp is the schemas' regular-expression engine: Go's regexp (as
// the library uses by default), except that a pattern anchored at both ends
// and built only from characters, classes, concatenation, alternation and
// repetition (such as ^[0-9]{9}$ or ^(0|[1-9][0-9]{0,17})$) is matched by a
// position automaton of at most 64 positions: one pass over the string with
// a bit set, no allocation. It accepts exactly the strings regexp accepts
// (tested against it), and it answers only "does it match", which is all a
// JSON Schema pattern asks.
func compileRegexp(pattern string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if a := newPosAutomaton(pattern); a != nil {
		return a, nil
	}
	return re, nil
}

// posAutomaton is a Glushkov automaton: one state per character position
// of the pattern.
type posAutomaton struct {
	src      string
	classes  []runeClass
	first    uint64
	last     uint64
	follow   []uint64
	nullable bool
}

type runeClass struct {
	ascii  [2]uint64 // runes below 128
	ranges []rune    // pairs lo, hi for runes from 128
}

func (c *runeClass) has(r rune) bool {
	if r < 128 {
		return c.ascii[r>>6]&(1<<(uint(r)&63)) != 0
	}
	for i := 0; i+1 < len(c.ranges); i += 2 {
		if r < c.ranges[i] {
			return false
		}
		if r <= c.ranges[i+1] {
			return true
		}
	}
	return false
}

func newRuneClass(pairs []rune) (runeClass, bool) {
	var c runeClass
	for i := 0; i+1 < len(pairs); i += 2 {
		lo, hi := pairs[i], pairs[i+1]
		if lo > hi {
			return c, false
		}
		for r := lo; r <= hi && r < 128; r++ {
			c.ascii[r>>6] |= 1 << (uint(r) & 63)
		}
		if hi >= 128 {
			c.ranges = append(c.ranges, max(lo, 128), hi)
		}
	}
	return c, true
}

// glushkov is the result for a subexpression: its first and last
// positions and whether it matches the empty string.
type glushkov struct {
	first, last uint64
	nullable    bool
}

func newPosAutomaton(pattern string) *posAutomaton {
	re, err := syntax.Parse(pattern, syntax.Perl) // as regexp.Compile parses
	if err != nil {
		return nil
	}
	re = re.Simplify() // x{n,m} becomes concatenations and ?s
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil
	}
	body := &syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1 : len(re.Sub)-1]}
	a := &posAutomaton{src: pattern}
	g, ok := a.build(body)
	if !ok {
		return nil
	}
	a.first, a.last, a.nullable = g.first, g.last, g.nullable
	return a
}

func (a *posAutomaton) build(re *syntax.Regexp) (glushkov, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return glushkov{nullable: true}, true
	case syntax.OpCapture:
		return a.build(re.Sub[0])
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return glushkov{}, false
		}
		seq := &syntax.Regexp{Op: syntax.OpConcat}
		for _, r := range re.Rune {
			seq.Sub = append(seq.Sub, &syntax.Regexp{Op: syntax.OpCharClass, Rune: []rune{r, r}})
		}
		return a.build(seq)
	case syntax.OpCharClass:
		return a.position(re.Rune)
	case syntax.OpAnyCharNotNL:
		return a.position([]rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune})
	case syntax.OpAnyChar:
		return a.position([]rune{0, utf8.MaxRune})
	case syntax.OpConcat:
		g := glushkov{nullable: true}
		for _, sub := range re.Sub {
			h, ok := a.build(sub)
			if !ok {
				return g, false
			}
			a.link(g.last, h.first)
			if g.nullable {
				g.first |= h.first
			}
			if h.nullable {
				g.last |= h.last
			} else {
				g.last = h.last
			}
			g.nullable = g.nullable && h.nullable
		}
		return g, true
	case syntax.OpAlternate:
		var g glushkov
		for _, sub := range re.Sub {
			h, ok := a.build(sub)
			if !ok {
				return g, false
			}
			g.first |= h.first
			g.last |= h.last
			g.nullable = g.nullable || h.nullable
		}
		return g, true
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		g, ok := a.build(re.Sub[0])
		if !ok {
			return g, false
		}
		if re.Op != syntax.OpQuest {
			a.link(g.last, g.first)
		}
		if re.Op != syntax.OpPlus {
			g.nullable = true
		}
		return g, true
	}
	return glushkov{}, false // anchors inside, word boundaries, …: regexp matches it
}

func (a *posAutomaton) position(pairs []rune) (glushkov, bool) {
	if len(a.classes) == 64 {
		return glushkov{}, false
	}
	c, ok := newRuneClass(pairs)
	if !ok {
		return glushkov{}, false
	}
	p := uint64(1) << len(a.classes)
	a.classes = append(a.classes, c)
	a.follow = append(a.follow, 0)
	return glushkov{first: p, last: p}, true
}

// link lets every position of from be followed by every position of to.
func (a *posAutomaton) link(from, to uint64) {
	for from != 0 {
		i := bits.TrailingZeros64(from)
		from &^= 1 << i
		a.follow[i] |= to
	}
}

// MatchString reports whether the whole of s matches (the pattern is
// anchored at both ends). Invalid UTF-8 reads as U+FFFD, as in regexp.
func (a *posAutomaton) MatchString(s string) bool {
	if s == "" {
		return a.nullable
	}
	var cur uint64
	next := a.first
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		cur = 0
		for cand := next; cand != 0; {
			p := bits.TrailingZeros64(cand)
			cand &^= 1 << p
			if a.classes[p].has(r) {
				cur |= 1 << p
			}
		}
		if cur == 0 {
			return false
		}
		next = 0
		for c := cur; c != 0; {
			p := bits.TrailingZeros64(c)
			c &^= 1 << p
			next |= a.follow[p]
		}
	}
	return cur&a.last != 0
}

// String is the pattern as written, as regexp gives it.
func (a *posAutomaton) String() string { return a.src }
