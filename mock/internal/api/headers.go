package api

import "strings"

// acceptsJSON reports whether an Accept header admits application/json: no
// header, */*, application/* or application/json (parameters ignored) in
// any of its media ranges.
func acceptsJSON(accept string) bool {
	if accept == "" {
		return true
	}
	for accept != "" {
		var rangePart string
		rangePart, accept, _ = strings.Cut(accept, ",")
		mt, _, _ := strings.Cut(rangePart, ";")
		mt = strings.TrimSpace(mt)
		if mt == "*/*" || strings.EqualFold(mt, "application/*") || strings.EqualFold(mt, "application/json") {
			return true
		}
	}
	return false
}

// isJSON reports whether a Content-Type is application/json, with or
// without parameters such as charset.
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/json")
}
