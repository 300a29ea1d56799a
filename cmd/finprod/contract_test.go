package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/check"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ndjson is n generated leveranser of one oppgave each, one per line, for
// this year (always open).
func ndjson(t *testing.T, n int, defects ...string) string {
	t.Helper()
	g, err := generators.New(generators.Config{Seed: 2, Oppgaver: 1, Inntektsaar: thisYear(), Defects: defects})
	require.NoError(t, err)
	var b strings.Builder
	for k := range n {
		b.Write(g.Body(int64(k)))
		b.WriteByte('\n')
	}
	return b.String()
}

func thisYear() int { return time.Now().Year() }

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "to.ndjson", ndjson(t, 2))
	out, code := run(t, "check", good)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "2 document(s)")
	assert.Contains(t, out, "no findings")

	bad := writeFile(t, "feil.ndjson", ndjson(t, 2)+ndjson(t, 1, "feil-sum"))
	out, code = run(t, "check", bad)
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "document 3 (line 3")
	assert.Contains(t, out, "SUM_AVVIKER")
	assert.Contains(t, out, "(feedback)")
	assert.NotContains(t, out, "document 1 ")

	schema := writeFile(t, "type.json", ndjson(t, 1, "feil-type"))
	out, code = run(t, "check", schema)
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "GLD_010  $.leveranse")

	for name, content := range map[string]string{"tom.json": "", "tekst.json": "hello\n", "brutt.json": `{"leveranse": `} {
		out, code = run(t, "check", writeFile(t, name, content))
		assert.Equal(t, exitUsage, code, "%s: %s", name, out)
		assert.Contains(t, out, name)
	}
	out, code = run(t, "check", filepath.Join(t.TempDir(), "finnes-ikke.json"))
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, "no such file")
	out, code = run(t, "check")
	assert.Equal(t, exitUsage, code, out)
	out, code = run(t, "check", "--format", "html", good)
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, "--format")
	out, code = run(t, "check", "--open-years", "2020-19", good)
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, "--open-years")

	// A file that cannot be read weighs more than findings in another.
	out, code = run(t, "check", bad, writeFile(t, "tom.json", ""))
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, "SUM_AVVIKER", "the readable file is still checked")
}

func TestContractValidateIsCheck(t *testing.T) {
	t.Parallel()
	file := writeFile(t, "eksempel.json", string(contract.Eksempel()))
	a, codeA := run(t, "check", file)
	b, codeB := run(t, "contract", "validate", file)
	assert.Equal(t, codeA, codeB)
	assert.Equal(t, exitFailed, codeA, "the example breaks a sum and two check digits (FACTS §6)")
	strip := func(s string) string { // the timing differs
		i := strings.LastIndex(s, " (")
		return s[:i]
	}
	assert.Equal(t, strip(strings.Split(a, "\nfinprod check: ")[0]), strip(strings.Split(b, "\nfinprod check: ")[0]))
	help, _ := run(t, "contract", "validate", "--help")
	assert.Contains(t, help, "finprod contract validate out/lev.ndjson")
}

func TestCheckReadsStdinAndFolders(t *testing.T) {
	t.Parallel()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetIn(strings.NewReader(ndjson(t, 3)))
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"check", "--format", "json", "-"})
	require.NoError(t, root.Execute())
	var rep struct {
		Format    string `json:"format"`
		Documents int    `json:"documents"`
		Files     []struct {
			File      string           `json:"file"`
			Documents []check.Document `json:"documents"`
		} `json:"files"`
	}
	js := out.String()
	require.NoError(t, json.Unmarshal([]byte(js[:strings.LastIndex(js, "finprod check:")]), &rep), js)
	assert.Equal(t, check.FormatVersion, rep.Format)
	assert.Equal(t, 3, rep.Documents)
	require.Len(t, rep.Files, 1)
	assert.Equal(t, "stdin", rep.Files[0].File)
	assert.Equal(t, 3, rep.Files[0].Documents[2].Line)

	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.json"), []byte(ndjson(t, 1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "b.ndjson"), []byte(ndjson(t, 1, "feil-antall")), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a leveranse"), 0o644))
	xmlOut, code := run(t, "check", "--format", "junit", dir)
	assert.Equal(t, exitFailed, code, xmlOut)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(xmlOut[:strings.Index(xmlOut, "</testsuites>")+len("</testsuites>")]), &suites), xmlOut)
	assert.Equal(t, 2, suites.Tests)
	assert.Equal(t, 1, suites.Failures)
	require.Len(t, suites.Suites, 2, "notes.txt is not a leveranse file")
	assert.Equal(t, filepath.Join(dir, "sub", "b.ndjson"), suites.Suites[1].Name)

	empty := t.TempDir()
	out2, code := run(t, "check", empty)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, out2, "holds no .json")
}
