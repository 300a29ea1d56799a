package dialogporten

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/finprod/finprod/contract/dialogschema"
)

//go:embed queries/*.graphql
var queryFiles embed.FS

// Query names, as the files in queries/ are named.
const (
	queryDialogByID    = "dialogById"
	querySearchDialogs = "searchDialogs"
)

// Queries returns every GraphQL query finprod sends to
// Dialogporten, by name, so they can be validated against a schema.
func Queries() []dialogschema.NamedQuery {
	entries, err := queryFiles.ReadDir("queries")
	if err != nil {
		// The directory is embedded at build time; it cannot be missing.
		panic(fmt.Sprintf("embedded queries: %v", err))
	}
	out := make([]dialogschema.NamedQuery, 0, len(entries))
	for _, e := range entries {
		b, err := queryFiles.ReadFile("queries/" + e.Name())
		if err != nil {
			panic(fmt.Sprintf("embedded query %s: %v", e.Name(), err))
		}
		out = append(out, dialogschema.NamedQuery{Name: strings.TrimSuffix(e.Name(), ".graphql"), Text: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func query(name string) string {
	b, err := queryFiles.ReadFile("queries/" + name + ".graphql")
	if err != nil {
		panic(fmt.Sprintf("embedded query %s: %v", name, err))
	}
	return string(b)
}
