package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContractValidate(t *testing.T) {
	out, code := run(t, "contract", "validate", writeFile(t, "eksempel.json", string(contract.Eksempel())))
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "(1 leveranse(r)) is valid")

	good, err := generators.New(generators.Config{Seed: 2, Oppgaver: 2})
	require.NoError(t, err)
	ndjson := string(good.Body(0)) + "\n" + string(good.Body(1)) + "\n"
	out, code = run(t, "contract", "validate", writeFile(t, "to.ndjson", ndjson))
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "(2 leveranse(r)) is valid", "NDJSON, as finprod generate writes it, is one leveranse per line")

	bad, err := generators.New(generators.Config{Seed: 2, Oppgaver: 2, Defects: []string{"feil-type"}})
	require.NoError(t, err)
	out, code = run(t, "contract", "validate", writeFile(t, "feil.ndjson", ndjson+string(bad.Body(0))+"\n"))
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "line 3: $.leveranse")
	assert.NotContains(t, out, "line 1:")

	out, code = run(t, "contract", "validate", writeFile(t, "brutt.json", `{"leveranse": `))
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "GLD_008")
	assert.False(t, strings.Contains(out, "line"), out)

	// Text that is not UTF-8 is refused as the API refuses it (A-UTF8).
	notUTF8 := strings.Replace(string(contract.Eksempel()), `"Scott"`, "\"Sc\xffott\"", 1)
	out, code = run(t, "contract", "validate", writeFile(t, "latin1.json", notUTF8))
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "GLD_008")
	assert.Contains(t, out, "$.leveranse.oppgave[0].oppgaveeier.person.fornavn")

	_, code = run(t, "contract", "validate", filepath.Join(t.TempDir(), "finnes-ikke.json"))
	assert.Equal(t, exitUsage, code)
}
