// Package dialogschema is Dialogporten as finprod relies on it: finprod's
// own SDL for the part of Dialogporten's GraphQL schema it uses, the gqlparser
// plumbing to check queries against it or against a fresh copy of the real
// schema, and the values (transmission types, party URNs, the service
// resource, the scope) that both sides must spell alike. Both the client and
// the mock import it, so the two always agree without knowing each other.
package dialogschema

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

//go:embed schema.graphql
var sdl string

// SDL returns finprod's Dialogporten SDL as embedded.
func SDL() string { return sdl }

// embedded is loaded once; an *ast.Schema is only read after loading.
var embedded = sync.OnceValues(func() (*ast.Schema, error) {
	return Load([]byte(sdl), "dialogschema/schema.graphql")
})

// Schema returns the embedded SDL, loaded.
func Schema() *ast.Schema {
	s, err := embedded()
	if err != nil {
		// The embedded SDL is tested; failing here is a build defect.
		panic(fmt.Sprintf("embedded Dialogporten SDL does not load: %v", err))
	}
	return s
}

// Load parses and checks an SDL document. name labels it in errors. A UTF-8
// byte order mark is dropped, as the published schema file starts with one.
func Load(data []byte, name string) (*ast.Schema, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: string(data)})
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return s, nil
}

// Validate parses a query document and checks it against the schema with
// GraphQL's standard validation rules. The returned list is empty when the
// query is valid.
func Validate(schema *ast.Schema, query string) gqlerror.List {
	_, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
	return errs
}

// Problem is one reason a named query does not validate.
type Problem struct {
	Query   string
	Line    int
	Column  int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", p.Query, p.Line, p.Column, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Query, p.Message)
}

// Check validates every named query and lists the problems, in query order.
func Check(schema *ast.Schema, queries []NamedQuery) []Problem {
	var out []Problem
	for _, q := range queries {
		for _, e := range Validate(schema, q.Text) {
			p := Problem{Query: q.Name, Message: e.Message}
			if len(e.Locations) > 0 {
				p.Line, p.Column = e.Locations[0].Line, e.Locations[0].Column
			}
			out = append(out, p)
		}
	}
	return out
}

// NamedQuery is a query document with the name finprod knows it by.
type NamedQuery struct {
	Name string
	Text string
}
