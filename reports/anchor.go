package reports

import (
	"fmt"
	"hash/fnv"
)

// anchorOf is a short, stable HTML id for a scenario.
func anchorOf(f Feature, s Scenario) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s", f.URI, s.ID, s.Line, s.Name)
	return fmt.Sprintf("s-%08x", h.Sum32())
}
