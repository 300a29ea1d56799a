package contract

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// maxValueText is how many runes of a value a violation echoes
// (AngittVerdi); longer values are cut and end in "…".
const maxValueText = 200

// valueText is a value as a violation echoes it: a string, number or bool
// as written, anything else as encoding/json writes it, cut after
// maxValueText runes. Only as much of a value is encoded as the cut keeps:
// a violation at a 10 MB oppgave list costs the first elements, not a
// marshal of the whole list.
func valueText(v any) string {
	var s string
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		s = t
	case json.Number:
		s = t.String()
	case bool:
		s = strconv.FormatBool(t)
	default:
		b, err := appendJSONPrefix(nil, t, 4*(maxValueText+1))
		if err != nil {
			return ""
		}
		s = string(b)
	}
	if cut, ok := firstRunes(s, maxValueText); ok {
		s = cut + "…"
	}
	return s
}

// appendJSONPrefix appends encoding/json's encoding of v to b, or the first
// limit bytes of it at least: objects and arrays are written member by
// member (keys sorted, as encoding/json sorts them) and stop once b holds
// limit bytes; everything else is json.Marshal's.
func appendJSONPrefix(b []byte, v any, limit int) ([]byte, error) {
	switch n := v.(type) {
	case map[string]any:
		if n == nil {
			return append(b, "null"...), nil
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if len(b) >= limit {
				return b, nil
			}
			if i > 0 {
				b = append(b, ',')
			}
			kb, err := json.Marshal(k)
			if err != nil {
				return nil, err
			}
			b = append(append(b, kb...), ':')
			if b, err = appendJSONPrefix(b, n[k], limit); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		if n == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range n {
			if len(b) >= limit {
				return b, nil
			}
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONPrefix(b, e, limit); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	m, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, m...), nil
}

// firstRunes returns the first n runes of s and true when s has more than
// n, as string([]rune(s)[:n]) would (a byte that is not UTF-8 counts as
// one rune and becomes U+FFFD), without converting the whole of s.
func firstRunes(s string, n int) (string, bool) {
	count := 0
	for i := range s {
		if count == n { // rune n+1 starts at i
			var out strings.Builder
			for _, r := range s[:i] {
				out.WriteRune(r)
			}
			return out.String(), true
		}
		count++
	}
	return "", false
}
