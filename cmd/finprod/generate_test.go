package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateBadArgs(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"zero oppgaver":       {"generate", "--oppgaver", "0"},
		"negative leveranser": {"generate", "--leveranser", "-1"},
		"zero workers":        {"generate", "--workers", "0"},
		"unknown defect":      {"generate", "--defect", "feil-sum,finnes-ikke"},
		"conflicting defects": {"generate", "--defect", "feil-kontrollsiffer-fnr", "--defect", "feil-kontrollsiffer-orgnr"},
		"bad orgnr":           {"generate", "--oppgavegiver", "987546231"},
		"short orgnr":         {"generate", "--oppgavegiver", "12345"},
		"year":                {"generate", "--inntektsaar", "99"},
		"unknown flag":        {"generate", "--no-such-flag"},
		"not a number":        {"generate", "--seed", "abc"},
		"negative body":       {"generate", "--max-body-size", "-5"},
		"too many products":   {"generate", "--max-finansprodukter", "11"},
		"no products":         {"generate", "--max-finansprodukter", "0"},
		"positional":          {"generate", "extra"},
		"folder under a file": {"generate", "--out", "/dev/null/sub/x.json"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := runCLI(t, args...)
			require.Error(t, err)
			var ee *exitError
			if name != "positional" {
				require.True(t, errors.As(err, &ee), "%v", err)
				assert.Equal(t, exitUsage, ee.code, "%v", err)
			}
			assert.Equal(t, exitUsage, exitCodeQuiet(err))
			assert.NotContains(t, err.Error(), "\n", "one clear line")
			if flag := args[1]; strings.HasPrefix(flag, "--") && name != "unknown flag" {
				assert.Contains(t, err.Error(), flag, "the message names the flag the user typed")
			}
		})
	}
}

// exitCodeQuiet is exitCode without printing.
func exitCodeQuiet(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}

func TestGenerateToFileMatchesLibrary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "lev.json")
	_, _, err := runCLI(t, "generate", "--oppgaver", "30", "--seed", "11", "--defect", "aar-ulikt", "--out", file)
	require.NoError(t, err)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	g, err := generators.New(generators.Config{Seed: 11, Oppgaver: 30, Defects: []string{"aar-ulikt"}})
	require.NoError(t, err)
	assert.Equal(t, string(g.Body(0))+"\n", string(got))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file is left")
}

func TestGenerateNDJSONAndDirectory(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, "generate", "--leveranser", "3", "--oppgaver", "4", "--workers", "3")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3)
	for _, l := range lines {
		doc, err := contract.DecodeJSON([]byte(l))
		require.NoError(t, err)
		assert.Empty(t, contract.Default().ValidateInnsending(doc))
	}

	dir := filepath.Join(t.TempDir(), "ut") + "/"
	_, _, err = runCLI(t, "generate", "--leveranser", "3", "--oppgaver", "4", "--out", dir)
	require.NoError(t, err)
	for i, l := range lines {
		b, err := os.ReadFile(filepath.Join(dir, "leveranse-00000"+string(rune('0'+i))+".json"))
		require.NoError(t, err)
		assert.Equal(t, l+"\n", string(b))
	}
}

func TestGenerateFailureLeavesNoFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "lev.json")
	_, _, err := runCLI(t, "generate", "--oppgaver", "10", "--max-body-size", "300", "--out", file)
	require.ErrorContains(t, err, "raise the maximum body size")
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

func TestGenerateListDefectsAndHelp(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, "generate", "--list-defects")
	require.NoError(t, err)
	for _, d := range generators.Defects() {
		assert.Contains(t, out, d.Name)
	}
	out, _, err = runCLI(t, "generate", "--help")
	require.NoError(t, err)
	assert.Contains(t, out, "Examples:")
	assert.Contains(t, out, "--defect")
}

func TestGenerateToDeviceWritesInPlace(t *testing.T) {
	t.Parallel()
	_, _, err := runCLI(t, "generate", "--oppgaver", "5", "--out", os.DevNull)
	require.NoError(t, err)
	st, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.False(t, st.Mode().IsRegular(), "%s must still be a device", os.DevNull)
}

func TestGenerateCreatesTheOutputFolder(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "out", "ny", "lev.json")
	_, _, err := runCLI(t, "generate", "--oppgaver", "2", "--seed", "3", "--out", file)
	require.NoError(t, err)
	assert.FileExists(t, file)
}

func TestGenerateKeepsWhatExistsUnlessForced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "lev.json")
	require.NoError(t, os.WriteFile(file, []byte("mine"), 0o644))
	_, errOut, err := runCLI(t, "generate", "--out", file)
	require.Error(t, err)
	assert.Equal(t, exitUsage, exitCodeQuiet(err))
	assert.Contains(t, err.Error(), "--force")
	b, _ := os.ReadFile(file)
	assert.Equal(t, "mine", string(b))
	assert.Empty(t, errOut)

	_, errOut, err = runCLI(t, "generate", "--oppgaver", "3", "--leveranser", "2", "--out", file, "--force")
	require.NoError(t, err)
	st, err := os.Stat(file)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode().Perm()&0o044, "data files are 0644, readable by others")
	assert.Equal(t, fmt.Sprintf("finprod generate: 2 leveranse(r), 6 oppgaver, %d bytes to %s\n", st.Size(), file), errOut,
		"one line says what was written, and its bytes are the file's")

	link := filepath.Join(dir, "lenke.json")
	require.NoError(t, os.Symlink(file, link))
	_, _, err = runCLI(t, "generate", "--out", link, "--force")
	require.NoError(t, err)
	lst, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, lst.Mode()&os.ModeSymlink, "the link stays a link")

	out := filepath.Join(dir, "ut") + "/"
	_, errOut, err = runCLI(t, "generate", "--leveranser", "3", "--out", out)
	require.NoError(t, err)
	assert.Contains(t, errOut, "3 leveranse(r), 3 oppgaver")
	assert.Contains(t, errOut, "to 3 file(s) in "+out)
	_, _, err = runCLI(t, "generate", "--out", out)
	require.ErrorContains(t, err, "--force")
}
