package access

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnOrgAlwaysAndRelationships(t *testing.T) {
	t.Parallel()
	r, err := New(Config{Relationships: []Relationship{
		{Systembruker: "310000001", Tilgangspakke: RegnskapsforerMedSigneringsrettighet, Oppgavegivere: []string{"310000002"}},
		{Systembruker: "310000009", Tilgangspakke: Skattegrunnlag, Oppgavegivere: []string{Any}},
	}})
	require.NoError(t, err)
	assert.True(t, r.MayReport("310000003", "310000003"), "own org")
	assert.True(t, r.MayReport("310000001", "310000002"))
	assert.False(t, r.MayReport("310000001", "310000004"))
	assert.False(t, r.MayReport("310000002", "310000001"), "relationships are one way")
	assert.True(t, r.MayReport("310000009", "987546231"), "wildcard")
	assert.False(t, r.MayReport("", ""), "no systembruker")
}

func TestSetReplacesAndKeepsOldOnError(t *testing.T) {
	t.Parallel()
	r, err := New(Config{})
	require.NoError(t, err)
	assert.False(t, r.MayReport("310000001", "310000002"))
	c := Config{Relationships: []Relationship{{Systembruker: "310000001", Tilgangspakke: AnsvarligRevisor, Oppgavegivere: []string{"310000002"}}}}
	require.NoError(t, r.Set(c))
	assert.True(t, r.MayReport("310000001", "310000002"))
	assert.Equal(t, c, r.Config())

	err = r.Set(Config{Relationships: []Relationship{{Systembruker: "310000001", Tilgangspakke: "daglig-leder", Oppgavegivere: []string{"x"}}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"daglig-leder"`)
	assert.Contains(t, err.Error(), `oppgavegivere[0] "x"`)
	assert.True(t, r.MayReport("310000001", "310000002"), "old rules stay")
}

func TestConfigCopiesDoNotAlias(t *testing.T) {
	t.Parallel()
	c := Config{Relationships: []Relationship{{Systembruker: "310000001", Tilgangspakke: Skattegrunnlag, Oppgavegivere: []string{"310000002"}}}}
	r, err := New(c)
	require.NoError(t, err)
	c.Relationships[0].Oppgavegivere[0] = "310000005"
	got := r.Config()
	got.Relationships[0].Oppgavegivere[0] = "310000006"
	assert.Equal(t, "310000002", r.Config().Relationships[0].Oppgavegivere[0])
	assert.True(t, r.MayReport("310000001", "310000002"))
}

func TestValidateRejectsEmptyList(t *testing.T) {
	t.Parallel()
	err := Config{Relationships: []Relationship{{Systembruker: "31000000", Tilgangspakke: Skattegrunnlag}}}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "systembruker")
	assert.Contains(t, err.Error(), "oppgavegivere is empty")
}
