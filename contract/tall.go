package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bounds of a JSON number the API takes at all, whatever its field
// (ASSUMPTION A-HELTALL): beyond them no numeric type a service would read
// it into holds the value, and an exact reading (the schema validator's)
// costs time that grows with the length of the literal.
const (
	// MaxTallTegn is the longest number literal, in characters.
	MaxTallTegn = 100
	// MaxEksponent bounds the decimal exponent as written (1e400, 1e-400);
	// a double's own range ends near 1e308 and 1e-324.
	MaxEksponent = 400
)

// TallUtenType says why a JSON number literal is one no numeric type holds,
// or "" when a double holds its magnitude: too long, an exponent beyond
// ±MaxEksponent, or a value a double reads as ±∞ or, not being zero, as 0.
func TallUtenType(lit string) string {
	if len(lit) > MaxTallTegn {
		return fmt.Sprintf("tallet har %d tegn; ingen talltype rommer det (høyst %d tegn)", len(lit), MaxTallTegn)
	}
	i := strings.IndexAny(lit, "eE")
	if i < 0 {
		// At most 100 characters without an exponent lie between 1e-99 and
		// 1e100, well inside a double's range.
		return ""
	}
	exp := strings.TrimLeft(strings.TrimLeft(lit[i+1:], "+-"), "0")
	if n, err := strconv.Atoi(exp); len(exp) > 4 || err == nil && n > MaxEksponent {
		return fmt.Sprintf("eksponenten i %s er utenfor det noen talltype rommer (høyst ±%d)", lit, MaxEksponent)
	}
	f, err := strconv.ParseFloat(lit, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && math.IsInf(f, 0):
		return "tallet er større enn noen talltype rommer (en double leser det som uendelig)"
	case f == 0 && !zeroLiteral(lit):
		return "tallet er nærmere 0 enn noen talltype rommer (en double leser det som 0)"
	}
	return ""
}

// zeroLiteral reports whether a number literal's digits are all zeros.
func zeroLiteral(lit string) bool {
	mantissa, _, _ := strings.Cut(strings.ToLower(lit), "e")
	return strings.Trim(mantissa, "-+0.") == ""
}

// numberViolations finds every number of the document that no numeric type
// holds (TallUtenType), with its JSONPath. It is checked before the schema,
// which would read such numbers exactly, at a cost without bound.
func numberViolations(doc any) []Violation {
	var out []Violation
	loc := make([]string, 0, 16) // deep enough for a leveranse: no growth on the way
	var walk func(v any)
	walk = func(v any) {
		if len(out) > MaxViolations {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				loc = append(loc, k)
				walk(c)
				loc = loc[:len(loc)-1]
			}
		case []any:
			for i, c := range t {
				loc = append(loc, strconv.Itoa(i))
				walk(c)
				loc = loc[:len(loc)-1]
			}
		case json.Number:
			if why := TallUtenType(string(t)); why != "" {
				out = append(out, Violation{Sti: jsonPath(doc, loc), Melding: why, AngittVerdi: valueText(t)})
			}
		}
	}
	walk(doc)
	// Map order is random; the schema's violations are sorted the same way.
	sortInDocumentOrder(out)
	if len(out) > MaxViolations {
		out = append(out[:MaxViolations], Violation{Sti: "$", Melding: "flere tall som ingen talltype rommer er ikke vist (høyst " + strconv.Itoa(MaxViolations) + ")"})
	}
	return out
}
