package dialogschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// IntrospectionQuery is the standard introspection query (as GraphiQL and
// graphql-js send it, without descriptions, which validation does not need).
const IntrospectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
  }
}

fragment FullType on __Type {
  kind
  name
  fields(includeDeprecated: true) {
    name
    args { ...InputValue }
    type { ...TypeRef }
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name }
  possibleTypes { ...TypeRef }
}

fragment InputValue on __InputValue {
  name
  type { ...TypeRef }
  defaultValue
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType { kind name }
            }
          }
        }
      }
    }
  }
}`

type introType struct {
	Kind          string                  `json:"kind"`
	Name          string                  `json:"name"`
	Fields        []introField            `json:"fields"`
	InputFields   []introInput            `json:"inputFields"`
	Interfaces    []introTypeRef          `json:"interfaces"`
	EnumValues    []struct{ Name string } `json:"enumValues"`
	PossibleTypes []introTypeRef          `json:"possibleTypes"`
}

type introField struct {
	Name string       `json:"name"`
	Args []introInput `json:"args"`
	Type introTypeRef `json:"type"`
}

type introInput struct {
	Name         string       `json:"name"`
	Type         introTypeRef `json:"type"`
	DefaultValue *string      `json:"defaultValue"`
}

type introTypeRef struct {
	Kind   string        `json:"kind"`
	Name   string        `json:"name"`
	OfType *introTypeRef `json:"ofType"`
}

type introSchema struct {
	QueryType        *struct{ Name string } `json:"queryType"`
	MutationType     *struct{ Name string } `json:"mutationType"`
	SubscriptionType *struct{ Name string } `json:"subscriptionType"`
	Types            []introType            `json:"types"`
}

// builtinScalars are defined by gqlparser's prelude; redefining them fails.
var builtinScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

// IntrospectionSDL turns the JSON answer to IntrospectionQuery (the whole
// response with "data", or the bare data object) into SDL. Introspection
// types, built-in scalars and directives are left out: gqlparser brings its
// own, and finprod's queries use no others.
func IntrospectionSDL(data []byte) (string, error) {
	var env struct {
		Data *struct {
			Schema *introSchema `json:"__schema"`
		} `json:"data"`
		Schema *introSchema               `json:"__schema"`
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return "", fmt.Errorf("introspection result is not JSON: %w", err)
	}
	if len(env.Errors) > 0 {
		msgs := make([]string, len(env.Errors))
		for i, e := range env.Errors {
			msgs[i] = e.Message
		}
		return "", fmt.Errorf("introspection answered with errors: %s", strings.Join(msgs, "; "))
	}
	s := env.Schema
	if env.Data != nil && env.Data.Schema != nil {
		s = env.Data.Schema
	}
	if s == nil || s.QueryType == nil {
		return "", errors.New("introspection result has no __schema with a query type")
	}

	var b strings.Builder
	b.WriteString("schema {\n  query: " + s.QueryType.Name + "\n")
	if s.MutationType != nil {
		b.WriteString("  mutation: " + s.MutationType.Name + "\n")
	}
	if s.SubscriptionType != nil {
		b.WriteString("  subscription: " + s.SubscriptionType.Name + "\n")
	}
	b.WriteString("}\n")

	types := append([]introType(nil), s.Types...)
	sort.Slice(types, func(i, j int) bool { return types[i].Name < types[j].Name })
	for _, t := range types {
		if strings.HasPrefix(t.Name, "__") || builtinScalars[t.Name] {
			continue
		}
		b.WriteString("\n")
		switch t.Kind {
		case "SCALAR":
			b.WriteString("scalar " + t.Name + "\n")
		case "OBJECT", "INTERFACE":
			kw := "type"
			if t.Kind == "INTERFACE" {
				kw = "interface"
			}
			b.WriteString(kw + " " + t.Name)
			if len(t.Interfaces) > 0 {
				names := make([]string, len(t.Interfaces))
				for i, in := range t.Interfaces {
					names[i] = in.Name
				}
				b.WriteString(" implements " + strings.Join(names, " & "))
			}
			b.WriteString(" {\n")
			for _, f := range t.Fields {
				b.WriteString("  " + f.Name + inputList(f.Args) + ": " + f.Type.String() + "\n")
			}
			b.WriteString("}\n")
		case "UNION":
			names := make([]string, len(t.PossibleTypes))
			for i, p := range t.PossibleTypes {
				names[i] = p.Name
			}
			b.WriteString("union " + t.Name + " = " + strings.Join(names, " | ") + "\n")
		case "ENUM":
			b.WriteString("enum " + t.Name + " {\n")
			for _, v := range t.EnumValues {
				b.WriteString("  " + v.Name + "\n")
			}
			b.WriteString("}\n")
		case "INPUT_OBJECT":
			b.WriteString("input " + t.Name + " {\n")
			for _, f := range t.InputFields {
				b.WriteString("  " + inputValue(f) + "\n")
			}
			b.WriteString("}\n")
		default:
			return "", fmt.Errorf("introspection result: type %s has unknown kind %q", t.Name, t.Kind)
		}
	}
	return b.String(), nil
}

// FromIntrospection loads the schema described by an introspection result.
func FromIntrospection(data []byte, name string) (*ast.Schema, error) {
	sdl, err := IntrospectionSDL(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Load([]byte(sdl), name)
}

func inputList(args []introInput) string {
	if len(args) == 0 {
		return ""
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = inputValue(a)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func inputValue(in introInput) string {
	s := in.Name + ": " + in.Type.String()
	if in.DefaultValue != nil {
		s += " = " + *in.DefaultValue
	}
	return s
}

func (r introTypeRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		if r.OfType == nil {
			return "!"
		}
		return r.OfType.String() + "!"
	case "LIST":
		if r.OfType == nil {
			return "[]"
		}
		return "[" + r.OfType.String() + "]"
	default:
		return r.Name
	}
}
