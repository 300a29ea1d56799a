package contract

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// sortInDocumentOrder is the one order of every list of violations the
// contract makes (the whole document's, the bounded validation's, the
// numbers', and the parts' put together), so the mock's answer and an
// offline check list them alike.
func sortInDocumentOrder(vs []Violation) {
	slices.SortStableFunc(vs, inDocumentOrder)
}

// inDocumentOrder compares two violations so that a list reads top to
// bottom through the document: their paths part by part, array elements by
// index (oppgave[2] before oppgave[10]), a value before what it holds, and
// the members of one object by name, as a decoded object no longer knows the
// order of its keys. Violations at one path come by message.
func inDocumentOrder(a, b Violation) int {
	return cmp.Or(compareSti(a.Sti, b.Sti), strings.Compare(a.Melding, b.Melding))
}

func compareSti(a, b string) int {
	for {
		ta, ra, oka := nextStiPart(a)
		tb, rb, okb := nextStiPart(b)
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return -1 // a holds b
		case !okb:
			return 1
		}
		if c := ta.compare(tb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
}

// stiPart is one step of a path as jsonPath writes it: .name, ['name'] or
// [index].
type stiPart struct {
	index int // -1 for an object member
	name  string
}

func (p stiPart) compare(q stiPart) int {
	switch {
	case p.index >= 0 && q.index >= 0:
		return cmp.Compare(p.index, q.index)
	case p.index >= 0:
		return -1
	case q.index >= 0:
		return 1
	}
	return strings.Compare(p.name, q.name)
}

// nextStiPart splits the first step off a path ("$" is the root and has
// none); ok is false when nothing is left. A path it cannot read is one step
// of its own, compared by its text.
func nextStiPart(s string) (p stiPart, rest string, ok bool) {
	s = strings.TrimPrefix(s, "$")
	if s == "" {
		return stiPart{}, "", false
	}
	switch {
	case s[0] == '.':
		end := strings.IndexAny(s[1:], ".[")
		if end < 0 {
			return stiPart{index: -1, name: s[1:]}, "", true
		}
		return stiPart{index: -1, name: s[1 : 1+end]}, s[1+end:], true
	case strings.HasPrefix(s, "['"):
		var name strings.Builder
		for i := 2; i < len(s); i++ {
			switch {
			case s[i] == '\\' && i+1 < len(s):
				i++
				name.WriteByte(s[i])
			case s[i] == '\'' && i+1 < len(s) && s[i+1] == ']':
				return stiPart{index: -1, name: name.String()}, s[i+2:], true
			default:
				name.WriteByte(s[i])
			}
		}
	case s[0] == '[':
		if end := strings.IndexByte(s, ']'); end > 0 {
			if n, err := strconv.Atoi(s[1:end]); err == nil && n >= 0 {
				return stiPart{index: n}, s[end+1:], true
			}
		}
	}
	return stiPart{index: -1, name: s}, "", true
}
