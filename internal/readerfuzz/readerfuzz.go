// Package readerfuzz is the one fuzz harness for finprod's file readers
// (TT02 profiles, the mock's config, Maskinporten client files), for tests
// only: every byte sequence is written to a file and read, and the reader
// must never panic, and must refuse what it cannot read with an error that
// names the file, so a user knows which one to fix.
package readerfuzz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Run fuzzes read with files named name (e.g. "profile.yaml"), starting
// from the seeds and from the repository files given by glob patterns.
// read gets the file's path and returns the reader's error.
func Run(f *testing.F, name string, seeds []string, globs []string, read func(t *testing.T, path string) error) {
	f.Helper()
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, g := range globs {
		files, err := filepath.Glob(g)
		if err != nil {
			f.Fatalf("seed files %s: %v", g, err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatalf("seed file: %v", err)
			}
			f.Add(b)
		}
	}
	dir := f.TempDir()
	path := filepath.Join(dir, name)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		err := read(t, path)
		if err == nil {
			return
		}
		msg := err.Error()
		if !strings.Contains(msg, path) {
			t.Fatalf("the error does not name the file %s:\n%s\ninput: %q", path, msg, b)
		}
		if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") {
			t.Fatalf("the error carries a panic or stack trace:\n%s\ninput: %q", msg, b)
		}
	})
}
