// Package jsonmutate changes generic JSON documents at random, for tests
// that hold two readings of the same bodies to each other (the schema whole
// and cut, the business rules whole and streamed, check and the mock).
package jsonmutate

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"strings"
)

// Mutate changes one place in doc (a map[string]any / []any tree): it
// walks down to a random object or array and there deletes a member,
// renames one (another letter case, which encoding/json would still
// match, or another name), adds one to an empty object, or replaces a
// member or element with a fresh copy of one of values. The same rng
// gives the same change.
func Mutate(rng *rand.Rand, doc any, values []any) {
	node := doc
	for {
		var kids []any
		switch n := node.(type) {
		case map[string]any:
			for _, k := range sortedKeys(n) {
				switch n[k].(type) {
				case map[string]any, []any:
					kids = append(kids, n[k])
				}
			}
		case []any:
			for _, v := range n {
				switch v.(type) {
				case map[string]any, []any:
					kids = append(kids, v)
				}
			}
		}
		if len(kids) == 0 || rng.IntN(5) == 0 {
			break
		}
		node = kids[rng.IntN(len(kids))]
	}
	var val any
	b, _ := json.Marshal(values[rng.IntN(len(values))])
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	_ = dec.Decode(&val) // a fresh copy, never shared
	switch n := node.(type) {
	case map[string]any:
		keys := sortedKeys(n)
		if len(keys) == 0 {
			n["ekstra"] = val
			return
		}
		k := keys[rng.IntN(len(keys))]
		switch rng.IntN(5) {
		case 0:
			delete(n, k)
		case 1:
			n[strings.ToUpper(k[:1])+k[1:]] = n[k]
			delete(n, k)
		case 2:
			n[k+"X"] = n[k]
			delete(n, k)
		default:
			n[k] = val
		}
	case []any:
		if len(n) > 0 {
			n[rng.IntN(len(n))] = val
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
