package steps_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

func TestCheckTags(t *testing.T) {
	for _, ok := range []string{"", "@auth", " @auth , @idempotens ", "@tt02 && ~@storrelse", "~@A-PATH", "@auth,@idempotens && ~@A-PATH"} {
		assert.NoError(t, steps.CheckTags(ok), ok)
	}
	for bad, why := range map[string]string{
		"@a &&": "empty term", ",": "empty term", "@a,,@b": "empty term", "&&": "empty term",
		"a": "not a tag", "~": "not a tag", "@a && ~": "not a tag", "~~@a": "not a tag", "@a @b": "not a tag", "@": "not a tag",
	} {
		err := steps.CheckTags(bad)
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), why, bad)
		}
	}
}

// TestCountIsWhatRuns: the scenarios Count promises are the ones godog
// runs, and a selection of none is refused, not passed.
func TestCountIsWhatRuns(t *testing.T) {
	tg, err := target.Local(t.Context(), mock.Config{SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	// The console of a run without colours has none, with colours it has
	// them; the Cucumber JSON in its file has none either way.
	for i, tags := range []string{"@auth", "@feilformat,@metode && ~@A-HOVEDKODE"} {
		n, err := steps.Count(tg, tags)
		require.NoError(t, err)
		require.NotZero(t, n, tags)
		var out bytes.Buffer
		file := filepath.Join(t.TempDir(), "cucumber.json")
		noColors := i == 0
		status := steps.Run(t.Context(), tg, steps.Options{Tags: tags, Format: "pretty,cucumber:" + file, Output: &out, NoColors: noColors, RunID: "count"})
		require.Equal(t, steps.StatusPassed, status, tags)
		assert.Contains(t, out.String(), "scenarios (", "the console has the pretty summary")
		assert.Equal(t, !noColors, strings.Contains(out.String(), "\x1b["), "ANSI colours on the console with NoColors %v", noColors)
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "\x1b", "no colours in the Cucumber JSON")
		var report []struct {
			Elements []struct {
				Type string `json:"type"`
			} `json:"elements"`
		}
		require.NoError(t, json.Unmarshal(b, &report))
		ran := 0
		for _, f := range report {
			for _, e := range f.Elements {
				if e.Type == "scenario" {
					ran++
				}
			}
		}
		assert.Equal(t, n, ran, tags)
	}
	n, err := steps.Count(tg, "@finnes-ikke")
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, steps.StatusBadOptions, steps.Run(t.Context(), tg, steps.Options{Tags: "@finnes-ikke", RunID: "none"}), "a run of no scenarios never passes")
	assert.Equal(t, steps.StatusBadOptions, steps.Run(t.Context(), tg, steps.Options{Tags: "@a,", RunID: "bad"}), "a broken expression is refused, not a panic")
}

func TestKnownAndUnknownTags(t *testing.T) {
	known := steps.KnownTags()
	for _, tag := range []string{"@tt02", "@mock", "@auth", "@idempotens", "@A-PATH", "@antakelse"} {
		assert.Contains(t, known, tag)
	}
	assert.IsNonDecreasing(t, known)
	assert.Equal(t, []string{"@finnes-ikke", "@tt2"}, steps.UnknownTags("@auth && ~@finnes-ikke, @tt2 && @finnes-ikke"))
	assert.Empty(t, steps.UnknownTags("@auth && ~@A-PATH"))
}
