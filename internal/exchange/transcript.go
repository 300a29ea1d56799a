package exchange

import (
	"fmt"
	"slices"
	"strings"
)

// Transcript renders the exchange as a reader knows HTTP from a terminal:
// request line, headers, body, then the answer's status, headers, body.
func (x Exchange) Transcript() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", x.Method, x.URL)
	writeHeaders(&b, x.RequestHeader)
	writeBody(&b, x.RequestBody, x.RequestBytes)
	switch {
	case x.Status == 0:
		fmt.Fprintf(&b, "→ no answer after %.0f ms: %s\n", x.DurationMS, x.Error)
	default:
		fmt.Fprintf(&b, "→ HTTP %d (%.0f ms)\n", x.Status, x.DurationMS)
		writeHeaders(&b, x.ResponseHeader)
		writeBody(&b, x.ResponseBody, x.ResponseBytes)
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, h map[string][]string) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

func writeBody(b *strings.Builder, body string, size int64) {
	if size == 0 {
		return
	}
	b.WriteString("\n")
	b.WriteString(body)
	if int64(len(body)) < size {
		fmt.Fprintf(b, " (%d bytes in all)", size)
	}
	b.WriteString("\n")
}
