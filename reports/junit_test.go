package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xmllint is libxml2's validator: an implementation of XML Schema that is
// not finprod's, judging finprod's output against finprod's junit.xsd.
func validate(t *testing.T, xmlDoc []byte) (string, error) {
	t.Helper()
	lint := needTool(t, "xmllint", "libxml2-utils")
	path := filepath.Join(t.TempDir(), "junit.xml")
	require.NoError(t, os.WriteFile(path, xmlDoc, 0o644))
	out, err := exec.Command(lint, "--noout", "--schema", "junit.xsd", path).CombinedOutput()
	return string(out), err
}

func junitOf(t *testing.T, dir string) []byte {
	t.Helper()
	r := open(t, dir)
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, r))
	return b.Bytes()
}

func TestJUnitFollowsTheSchema(t *testing.T) {
	for _, dir := range []string{"testdata/sync-rules", "testdata/async-rules"} {
		out, err := validate(t, junitOf(t, dir))
		assert.NoError(t, err, "%s: %s", dir, out)
	}
}

// The schema has teeth: godog's own JUnit (no classname, the failure only
// in an attribute) does not pass it.
func TestSchemaRefusesJUnitWithoutClassnameOrFailureText(t *testing.T) {
	for name, doc := range map[string]string{
		"no classname": `<testsuites name="finprod" tests="1" failures="0" errors="0" skipped="0" time="0.1">
  <testsuite name="Autentisering" tests="1" failures="0" errors="0" skipped="0" time="0.1">
    <testcase name="Uten token" status="passed" time="0.1"></testcase></testsuite></testsuites>`,
		"empty failure": `<testsuites tests="1" failures="1" errors="0" skipped="0" time="0.1">
  <testsuite name="A" tests="1" failures="1" errors="0" skipped="0" time="0.1">
    <testcase name="B" classname="A" time="0.1"><failure message="Step x: failed" type="x"></failure></testcase></testsuite></testsuites>`,
	} {
		out, err := validate(t, []byte(doc))
		assert.Error(t, err, "%s passed the schema: %s", name, out)
	}
}

// What the Cucumber JSON says, read with encoding/json on its own terms.
type cukeFacts struct {
	scenarios, failed int
	failedNames       []string
}

func factsOf(t *testing.T, dir string) cukeFacts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "cucumber.json"))
	require.NoError(t, err)
	var fs []struct {
		Elements []struct {
			Name  string `json:"name"`
			Steps []struct {
				Result struct{ Status string } `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	require.NoError(t, json.Unmarshal(b, &fs))
	var f cukeFacts
	for _, ft := range fs {
		for _, e := range ft.Elements {
			f.scenarios++
			for _, s := range e.Steps {
				if s.Result.Status == "failed" {
					f.failed++
					f.failedNames = append(f.failedNames, e.Name)
					break
				}
			}
		}
	}
	return f
}

// The test's own reading of JUnit, independent of the writer's types.
type xSuites struct {
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name  string  `xml:"name,attr"`
	File  string  `xml:"file,attr"`
	Cases []xCase `xml:"testcase"`
}

type xCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	File      string `xml:"file,attr"`
	Line      int    `xml:"line,attr"`
	Props     []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Failure *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error     *struct{} `xml:"error"`
	SystemOut string    `xml:"system-out"`
}

func (c xCase) prop(name string) []string {
	var out []string
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

func TestJUnitCarriesWhatCINeeds(t *testing.T) {
	dir := "testdata/sync-rules"
	facts := factsOf(t, dir)
	require.NotZero(t, facts.failed, "the fixture has failures")

	var doc xSuites
	require.NoError(t, xml.Unmarshal(junitOf(t, dir), &doc))
	assert.Equal(t, facts.scenarios, doc.Tests)
	assert.Equal(t, facts.failed, doc.Failures)
	// Steps skipped after a failure are not errors.
	assert.Zero(t, doc.Errors)

	var failedNames []string
	for _, s := range doc.Suites {
		assert.True(t, strings.HasPrefix(s.File, "features/") && strings.HasSuffix(s.File, ".feature"), s.File)
		for _, c := range s.Cases {
			assert.Equal(t, s.Name, c.Classname, "classname is the feature")
			assert.Equal(t, s.File, c.File)
			assert.Positive(t, c.Line)
			tags := c.prop("tag")
			assert.True(t, slices.Contains(tags, "@tt02") || slices.Contains(tags, "@mock"), "%s: %v", c.Name, tags)
			if c.Failure != nil {
				failedNames = append(failedNames, c.Name)
			}
		}
	}
	assert.ElementsMatch(t, facts.failedNames, failedNames)

	c := findCase(t, doc, "Oppfølging i Dialogporten", "En leveranse med defekten feil-sum blir mottatt, men tilbakemeldingen avviser den")
	require.NotNil(t, c.Failure)
	assert.Equal(t, "features/dialogporten.feature", c.File)
	assert.ElementsMatch(t, []string{"A-FORRETNINGSREGEL", "A-ASYNC", "A-TILBAKEMELDING"}, c.prop("assumption"))
	assert.True(t, strings.HasPrefix(c.Failure.Message, "Og leveransen er sendt inn og mottatt: expected the leveranse to be received"), c.Failure.Message)
	for _, want := range []string{
		"Step failed: Og leveransen er sendt inn og mottatt (features/dialogporten.feature:",
		"got HTTP 400",
		"GLD_010",
		"Not run after it (3):\n  Når tilbakemeldingen for forsendelsen kommer i Dialogporten",
		"Assumptions in doubt: A-FORRETNINGSREGEL, A-ASYNC, A-TILBAKEMELDING",
		"Target: local",
	} {
		assert.Contains(t, c.Failure.Text, want)
	}
	assert.Contains(t, c.SystemOut, "POST http://127.0.0.1:")
	assert.Contains(t, c.SystemOut, "→ HTTP 400")
	assert.Contains(t, c.SystemOut, `"kode":"GLD_010"`)
	assert.NotContains(t, c.SystemOut, "eyJ", "no token in the exchange")
}

func findCase(t *testing.T, doc xSuites, class, name string) xCase {
	t.Helper()
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Classname == class && c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("no testcase %s / %s", class, name)
	return xCase{}
}

func TestXMLSafe(t *testing.T) {
	assert.Equal(t, "a\uFFFDb\nc\td", xmlSafe("a\x00b\nc\td"))
	assert.Equal(t, "ø\uFFFD", xmlSafe("ø\xff"))
}
