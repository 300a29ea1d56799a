// Package contract holds the API as data: finprod's OpenAPI document with the
// JSON Schema of a leveranse, the GLD error catalogue, and the payload and
// error types that the mock, the client, the steps, the load runs and the
// reports share. It depends on nothing else in finprod. What describes the
// peers the API leans on is beside it: Maskinporten's token in
// contract/mptoken, Dialogporten in contract/dialogschema.
package contract

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed openapi.yaml
var embeddedOpenAPI []byte

//go:embed eksempel.json
var eksempel []byte

// OpenAPI returns finprod's own OpenAPI document (YAML), as embedded.
func OpenAPI() []byte { return append([]byte(nil), embeddedOpenAPI...) }

// Eksempel returns the service page's example submission, byte for byte as
// published (see ASSUMPTIONS.md A-EKSEMPEL for why it is accepted).
func Eksempel() []byte { return append([]byte(nil), eksempel...) }

// Contract is a loaded OpenAPI document with its compiled schemas.
type Contract struct {
	source     string
	innsending *jsonschema.Schema
	kvittering *jsonschema.Schema
	feil       *jsonschema.Schema
	parts      *Parts
}

const docURL = "mem:///openapi.json"

// defaultContract compiles the embedded document once; it is immutable.
var defaultContract = sync.OnceValues(func() (*Contract, error) {
	return Load(embeddedOpenAPI, "embedded openapi.yaml")
})

// Default returns the contract compiled from the embedded document.
func Default() *Contract {
	c, err := defaultContract()
	if err != nil {
		// The embedded document is tested; failing here is a build defect.
		panic(fmt.Sprintf("embedded OpenAPI document does not compile: %v", err))
	}
	return c
}

// Load compiles an OpenAPI 3.x document (YAML or JSON). source names it in
// error messages. The submission schema is the JSON request body of the first
// POST operation on a path with one path parameter (/v1/{inntektsaar} in
// finprod's document); the receipt and error schemas are that operation's
// 200 and 400 responses.
func Load(data []byte, source string) (*Contract, error) {
	jsonData, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s is neither YAML nor JSON: %w", source, err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(jsonData)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an OpenAPI document: the top level is not an object", source)
	}
	version, _ := root["openapi"].(string)
	if !strings.HasPrefix(version, "3.") {
		return nil, fmt.Errorf("%s is not an OpenAPI 3.x document (its \"openapi\" field is %q)", source, version)
	}
	path, op, err := findSubmission(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	// Validation walks references one frame at a time; the same schema with
	// its component references written out validates about a third faster
	// and accepts exactly the same documents.
	if paths, ok := root["paths"]; ok {
		root["paths"] = inlineSchemaRefs(root, paths, nil)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	base := "#/paths/" + escapePointer(path) + "/post"
	reqPtr, err := mediaSchemaPointer(root, op, base, "requestBody")
	if err != nil {
		return nil, fmt.Errorf("%s: POST %s: %w", source, path, err)
	}
	ct := &Contract{source: source}
	if ct.innsending, err = c.Compile(docURL + reqPtr); err != nil {
		return nil, fmt.Errorf("%s: the submission schema does not compile: %w", source, err)
	}
	ct.parts = partsOf(ct.innsending)
	// Response schemas are optional: an official document may lack them.
	if p, err := mediaSchemaPointer(root, op, base, "responses", "200"); err == nil {
		if ct.kvittering, err = c.Compile(docURL + p); err != nil {
			return nil, fmt.Errorf("%s: the 200 response schema does not compile: %w", source, err)
		}
	}
	if p, err := mediaSchemaPointer(root, op, base, "responses", "400"); err == nil {
		if ct.feil, err = c.Compile(docURL + p); err != nil {
			return nil, fmt.Errorf("%s: the error response schema does not compile: %w", source, err)
		}
	}
	return ct, nil
}

// Source names the document the contract was loaded from.
func (c *Contract) Source() string { return c.source }

func findSubmission(root map[string]any) (string, map[string]any, error) {
	paths, _ := root["paths"].(map[string]any)
	if len(paths) == 0 {
		return "", nil, errors.New("the document has no paths")
	}
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		item, _ := paths[k].(map[string]any)
		op, _ := item["post"].(map[string]any)
		if op != nil && strings.Count(k, "{") == 1 {
			return k, op, nil
		}
	}
	return "", nil, errors.New("no POST operation with one path parameter (such as /v1/{inntektsaar}) was found")
}

// mediaSchemaPointer walks from an operation to the application/json schema of
// its request body or of one response, following one level of $ref on the way
// (an OpenAPI requestBody or response may itself be a reference).
func mediaSchemaPointer(root, op map[string]any, base string, keys ...string) (string, error) {
	node, ptr := any(op), base
	for _, k := range keys {
		m, _ := node.(map[string]any)
		node, ptr = m[k], ptr+"/"+escapePointer(k)
		if node == nil {
			return "", fmt.Errorf("has no %s", strings.Join(keys, " "))
		}
	}
	if m, _ := node.(map[string]any); m != nil {
		if ref, ok := m["$ref"].(string); ok {
			if !strings.HasPrefix(ref, "#/") {
				return "", fmt.Errorf("external reference %q is not supported; bundle the document first", ref)
			}
			node, ptr = resolvePointer(root, ref), ref
			if node == nil {
				return "", fmt.Errorf("reference %q points nowhere", ref)
			}
		}
	}
	m, _ := node.(map[string]any)
	content, _ := m["content"].(map[string]any)
	for mt := range content {
		if strings.HasPrefix(mt, "application/json") {
			return ptr + "/content/" + escapePointer(mt) + "/schema", nil
		}
	}
	return "", fmt.Errorf("%s has no application/json content", strings.Join(keys, " "))
}

const schemaRefPrefix = "#/components/schemas/"

// inlineSchemaRefs returns node with every bare {"$ref": "#/components/schemas/X"}
// replaced by a copy of X, itself inlined. A reference back into a schema
// being inlined (a recursive schema) is kept as a reference.
func inlineSchemaRefs(root map[string]any, node any, open []string) any {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok && len(n) == 1 && strings.HasPrefix(ref, schemaRefPrefix) {
			name := strings.TrimPrefix(ref, schemaRefPrefix)
			target := resolvePointer(root, ref)
			if target == nil || slices.Contains(open, name) {
				return n
			}
			return inlineSchemaRefs(root, target, append(slices.Clip(open), name))
		}
		out := make(map[string]any, len(n))
		for k, v := range n {
			out[k] = inlineSchemaRefs(root, v, open)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = inlineSchemaRefs(root, v, open)
		}
		return out
	}
	return node
}

func resolvePointer(root map[string]any, ref string) any {
	var node any = root
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, _ := node.(map[string]any)
		if m == nil {
			return nil
		}
		node = m[tok]
	}
	return node
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Violation is one way a document breaks its schema.
type Violation struct {
	// Sti is the JSONPath of the offending value, e.g. $.leveranse.oppgave[0].konto.
	Sti string
	// Melding says what is wrong, in English as the validator words it.
	Melding string
	// AngittVerdi is the value found there, as text (JSON for objects and
	// arrays, shortened), empty when the value is missing.
	AngittVerdi string
}

// Feilspesifisering turns the violation into the error body's detail.
func (v Violation) Feilspesifisering() Feilspesifisering {
	return Feilspesifisering{Melding: v.Melding, Sti: v.Sti, AngittVerdi: v.AngittVerdi}
}

// DecodeJSON parses a JSON document the way the validator needs it (numbers
// kept exact). A syntax error here is GLD_008 territory.
func DecodeJSON(body []byte) (any, error) {
	return jsonschema.UnmarshalJSON(strings.NewReader(string(body)))
}

// ValidateInnsending checks a decoded submission body against the schema and
// returns every violation, in document order (array elements by index, an
// object's members by name); nil means valid. Numbers no numeric type holds
// are violations whatever the schema says, and when there are any the
// schema is not consulted (ASSUMPTION A-HELTALL).
func (c *Contract) ValidateInnsending(doc any) []Violation {
	if vs := numberViolations(doc); len(vs) > 0 {
		return vs
	}
	return boundedViolations(c.innsending, doc)
}

// ValidateKvittering checks a decoded 200 response; nil if the document has no
// response schema.
func (c *Contract) ValidateKvittering(doc any) []Violation {
	return boundedViolations(c.kvittering, doc)
}

// ValidateFeil checks a decoded error body; nil if the document has no error schema.
func (c *Contract) ValidateFeil(doc any) []Violation {
	return boundedViolations(c.feil, doc)
}

var printer = sync.OnceValue(func() *message.Printer { return message.NewPrinter(language.English) })

// violationsAt validates node, found at base in the document root, and
// names each violation by its path in root and the value root holds there.
func violationsAt(s *jsonschema.Schema, root, node any, base []string) []Violation {
	err := s.Validate(node)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Sti: jsonPath(root, base), Melding: err.Error()}}
	}
	var out []Violation
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		loc := append(slices.Clip(base), e.InstanceLocation...)
		if ap, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
			// The validator lists them in map order; the same body must
			// always get the same message.
			slices.Sort(ap.Properties)
		}
		v := Violation{
			Sti:         jsonPath(root, loc),
			Melding:     e.ErrorKind.LocalizedString(printer()),
			AngittVerdi: valueText(lookup(root, loc)),
		}
		key := v.Sti + "\x00" + v.Melding
		if !seen[key] {
			seen[key] = true
			out = append(out, v)
		}
	}
	walk(ve)
	return out
}

// jsonPath renders an instance location as JSONPath, using the document to
// tell array indexes from object keys.
func jsonPath(doc any, loc []string) string {
	var b strings.Builder
	b.WriteString("$")
	node := doc
	for _, tok := range loc {
		switch n := node.(type) {
		case []any:
			b.WriteString("[" + tok + "]")
			i, _ := strconv.Atoi(tok)
			if i >= 0 && i < len(n) {
				node = n[i]
			} else {
				node = nil
			}
		case map[string]any:
			b.WriteString(StiKey(tok))
			node = n[tok]
		default:
			b.WriteString("." + tok)
			node = nil
		}
	}
	return b.String()
}

// StiKey is how a sti (a JSONPath, A-FEILSPES) names an object's member:
// .name, or ['name'] when the name is not an identifier.
func StiKey(key string) string {
	if isIdent(key) {
		return "." + key
	}
	return "['" + strings.ReplaceAll(key, "'", "\\'") + "']"
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func lookup(doc any, loc []string) any {
	node := doc
	for _, tok := range loc {
		switch n := node.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		case map[string]any:
			node = n[tok]
		default:
			return nil
		}
	}
	return node
}
