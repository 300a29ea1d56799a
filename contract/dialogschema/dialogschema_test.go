package dialogschema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedSDLLoads(t *testing.T) {
	s := Schema()
	assert.Equal(t, "Queries", s.Query.Name)
	assert.NotNil(t, s.Query.Fields.ForName("dialogById"))
	assert.NotNil(t, s.Query.Fields.ForName("searchDialogs"))
}

func TestLoadDropsByteOrderMark(t *testing.T) {
	_, err := Load([]byte("\uFEFFtype Query { a: Int }"), "bom.graphql")
	assert.NoError(t, err)
	_, err = Load([]byte("type Query { a: Nope }"), "bad.graphql")
	assert.ErrorContains(t, err, "bad.graphql")
}

func TestCheckLocatesProblems(t *testing.T) {
	p := Check(Schema(), []NamedQuery{
		{Name: "good", Text: `query { dialogById(dialogId: "x") { errors { message } } }`},
		{Name: "bad", Text: "query {\n  dialogById(dialogId: \"x\") { dialog { colour } }\n}"},
	})
	require.Len(t, p, 1)
	assert.Equal(t, "bad", p[0].Query)
	assert.Equal(t, 2, p[0].Line)
	assert.Contains(t, p[0].String(), `bad:2:`)
	assert.Contains(t, p[0].Message, `"colour"`)
}

func TestIntrospectionSDLRefusesNonAnswers(t *testing.T) {
	for _, in := range []string{`not json`, `{"data": {}}`, `{"errors": [{"message": "introspection disabled"}]}`} {
		_, err := IntrospectionSDL([]byte(in))
		assert.Error(t, err, in)
	}
	_, err := IntrospectionSDL([]byte(`{"errors": [{"message": "introspection disabled"}]}`))
	assert.ErrorContains(t, err, "introspection disabled")
}

func TestIntrospectionSDLWritesEveryKind(t *testing.T) {
	in := `{"__schema": {"queryType": {"name": "Q"}, "types": [
	  {"kind": "OBJECT", "name": "Q", "interfaces": [], "fields": [
	    {"name": "u", "args": [{"name": "n", "type": {"kind": "SCALAR", "name": "Int"}, "defaultValue": "3"}],
	     "type": {"kind": "NON_NULL", "ofType": {"kind": "LIST", "ofType": {"kind": "UNION", "name": "U"}}}}]},
	  {"kind": "OBJECT", "name": "A", "interfaces": [{"kind": "INTERFACE", "name": "I"}], "fields": [{"name": "m", "args": [], "type": {"kind": "ENUM", "name": "E"}}]},
	  {"kind": "INTERFACE", "name": "I", "interfaces": [], "fields": [{"name": "m", "args": [], "type": {"kind": "ENUM", "name": "E"}}]},
	  {"kind": "UNION", "name": "U", "possibleTypes": [{"kind": "OBJECT", "name": "A"}]},
	  {"kind": "ENUM", "name": "E", "enumValues": [{"name": "X"}, {"name": "Y"}]},
	  {"kind": "INPUT_OBJECT", "name": "In", "inputFields": [{"name": "s", "type": {"kind": "SCALAR", "name": "String"}, "defaultValue": null}]},
	  {"kind": "SCALAR", "name": "String"},
	  {"kind": "OBJECT", "name": "__Type", "fields": []}
	]}}`
	s, err := FromIntrospection([]byte(in), "test")
	require.NoError(t, err)
	assert.Equal(t, "[U]!", s.Query.Fields.ForName("u").Type.String())
	assert.Equal(t, "3", s.Query.Fields.ForName("u").Arguments.ForName("n").DefaultValue.String())
	assert.Equal(t, []string{"I"}, s.Types["A"].Interfaces)
	assert.Len(t, s.Types["E"].EnumValues, 2)
	assert.NotNil(t, s.Types["In"].Fields.ForName("s"))
	assert.Empty(t, Validate(s, `{ u { ... on A { m } } }`))
}
