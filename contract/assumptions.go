package contract

import (
	_ "embed"
	"strings"
	"sync"
)

// assumptionsMD is the project's list of assumptions, embedded so a report
// built by any finprod binary names them as this version made them.
//
//go:embed ASSUMPTIONS.md
var assumptionsMD string

// Assumption is one row of contract/ASSUMPTIONS.md: a choice finprod makes
// where the public documentation is silent. Scenarios that test it carry
// the tag "@" + ID.
type Assumption struct {
	ID      string
	Unknown string // what the public facts leave open
	Default string // what finprod does
	Change  string // how to change it
}

var assumptions = sync.OnceValue(func() []Assumption { return parseAssumptions(assumptionsMD) })

// Assumptions returns the assumptions in the order ASSUMPTIONS.md lists them.
func Assumptions() []Assumption { return append([]Assumption(nil), assumptions()...) }

// parseAssumptions reads the Markdown table rows whose first cell is an ID
// (A-…); a cell may hold an escaped pipe (\|).
func parseAssumptions(md string) []Assumption {
	var out []Assumption
	for line := range strings.SplitSeq(md, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "| A-") {
			continue
		}
		cells := splitRow(line)
		if len(cells) < 4 {
			continue
		}
		out = append(out, Assumption{ID: cells[0], Unknown: cells[1], Default: cells[2], Change: cells[3]})
	}
	return out
}

func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			b.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}
