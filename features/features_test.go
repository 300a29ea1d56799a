package features_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/features"
	"github.com/finprod/finprod/generators"
)

// notProvokable returns the catalogue codes no client request can cause,
// with the reason; every other code must be shown by a scenario.
func notProvokable() map[contract.Kode]string {
	return map[contract.Kode]string{
		contract.GLD001: "an unexpected error in the service itself: a correct API has none to provoke, and the mock's faults model backend failures (GLD_023)",
		contract.GLD017: "an unspecified system error: no request is documented to cause it",
	}
}

func pickles(t *testing.T) []*messages.Pickle {
	t.Helper()
	names, err := fs.Glob(features.FS(), "*.feature")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	var out []*messages.Pickle
	for _, name := range names {
		b, err := fs.ReadFile(features.FS(), name)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(b, []byte("# language: no\n")), "%s must start with '# language: no'", name)
		ids := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(b), ids)
		require.NoError(t, err, name)
		ps := gherkin.Pickles(*doc, name, ids)
		require.NotEmpty(t, ps, "%s has no scenarios", name)
		out = append(out, ps...)
	}
	return out
}

func tags(p *messages.Pickle) []string {
	out := make([]string, 0, len(p.Tags))
	for _, t := range p.Tags {
		out = append(out, t.Name)
	}
	return out
}

func stepTexts(p *messages.Pickle) string {
	var b strings.Builder
	for _, s := range p.Steps {
		b.WriteString(s.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

var kodeRE = regexp.MustCompile(`GLD_\d+`)

// TestEveryProvokableCodeHasAScenario holds the suite to the catalogue: a
// code a client can provoke and no scenario asserts is a gap in the contract.
func TestEveryProvokableCodeHasAScenario(t *testing.T) {
	asserted := map[contract.Kode][]string{}
	for _, p := range pickles(t) {
		for _, k := range kodeRE.FindAllString(stepTexts(p), -1) {
			asserted[contract.Kode(k)] = append(asserted[contract.Kode(k)], p.Uri+": "+p.Name)
		}
	}
	excluded := notProvokable()
	for k := range excluded {
		_, ok := contract.Lookup(k)
		assert.True(t, ok, "%s is listed as not provokable but is not in the catalogue", k)
		assert.Empty(t, asserted[k], "%s is listed as not provokable, yet a scenario asserts it", k)
	}
	for _, e := range contract.Catalogue() {
		if _, skip := excluded[e.Kode]; skip {
			continue
		}
		assert.NotEmpty(t, asserted[e.Kode], "no scenario asserts %s (%s)", e.Kode, e.Omraade)
	}
	for k := range asserted {
		_, ok := contract.Lookup(k)
		assert.True(t, ok, "a scenario asserts %s, which is not in the catalogue", k)
	}
}

func assumptionIDs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../contract/ASSUMPTIONS.md")
	require.NoError(t, err)
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^\| (A-[A-Z0-9-]+) \|`).FindAllSubmatch(b, -1) {
		ids = append(ids, string(m[1]))
	}
	require.NotEmpty(t, ids)
	return ids
}

// TestTags keeps the tags a user selects on trustworthy: each scenario says
// where it may run, which area it belongs to, and which assumption it tests.
func TestTags(t *testing.T) {
	known := assumptionIDs(t)
	system := []string{"@tt02", "@mock", "@antakelse", "@feilinjeksjon"}
	for _, p := range pickles(t) {
		ts := tags(p)
		where := fmt.Sprintf("%s: %q", p.Uri, p.Name)
		tt02, mock := slices.Contains(ts, "@tt02"), slices.Contains(ts, "@mock")
		assert.True(t, tt02 != mock, "%s must have exactly one of @tt02 and @mock, has %v", where, ts)
		if slices.Contains(ts, "@feilinjeksjon") {
			assert.True(t, mock, "%s injects faults and so must be @mock", where)
		}
		var ids []string
		area := false
		for _, tag := range ts {
			switch {
			case strings.HasPrefix(tag, "@A-"):
				ids = append(ids, tag[1:])
				assert.Contains(t, known, tag[1:], "%s: %s is not an ID in contract/ASSUMPTIONS.md", where, tag)
			case !slices.Contains(system, tag):
				area = true
			}
		}
		assert.True(t, area, "%s has no area tag (e.g. @idempotens)", where)
		assert.Equal(t, len(ids) > 0, slices.Contains(ts, "@antakelse"),
			"%s: @antakelse and an assumption ID tag go together, has %v", where, ts)
		if strings.Contains(stepTexts(p), "eksempelleveransen") {
			assert.True(t, mock, "%s sends the service page's example, which is not synthetic: it must never be @tt02", where)
		}
	}
}

var (
	defectRE = regexp.MustCompile(`defekten "([^"]+)"`)
	stiRE    = regexp.MustCompile(`peker på stien "([^"]+)"`)
)

// TestDefectExamplesMatchTheRegistry keeps the feature tables and the
// generators' defect registry saying the same thing, and makes every defect
// appear in some scenario.
func TestDefectExamplesMatchTheRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range pickles(t) {
		text := stepTexts(p)
		m := defectRE.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		d, ok := generators.LookupDefect(m[1])
		require.True(t, ok, "%s: unknown defect %q", p.Name, m[1])
		seen[d.Name] = true
		if s := stiRE.FindStringSubmatch(text); s != nil {
			assert.Equal(t, d.Sti, s[1], "%s: sti of %s", p.Name, d.Name)
		}
		if d.BusinessRule {
			assert.Contains(t, tags(p), "@A-FORRETNINGSREGEL", "%s: %s is a business rule", p.Name, d.Name)
			continue
		}
		want := d.Kode
		if d.Spesifisering != "" {
			want = d.Spesifisering
		}
		assert.Contains(t, text, "feilkode "+string(want), "%s: %s expects %s", p.Name, d.Name, want)
	}
	for _, d := range generators.Defects() {
		assert.True(t, seen[d.Name], "no scenario uses the defect %s", d.Name)
	}
}
