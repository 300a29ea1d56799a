package reports

import (
	"encoding/json"
	"os"
)

// legacyRunJSON reports whether path is the run.json of finprod before
// finprod.run/v1 (no format; target, checks and ok), which a report may
// ignore: it was written before the suite ran and said nothing of it.
func legacyRunJSON(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var old struct {
		Format *string          `json:"format"`
		Checks *json.RawMessage `json:"checks"`
		OK     *bool            `json:"ok"`
	}
	return json.Unmarshal(b, &old) == nil && old.Format == nil && old.Checks != nil && old.OK != nil
}
