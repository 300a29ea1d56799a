package check

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Stdin is the argument that names standard input.
const Stdin = "-"

// Inputs expands the arguments of `finprod check` and `finprod submit`:
// files as given, "-" for standard input, and each folder's *.json,
// *.ndjson and *.jsonl files, recursively, in name order. An argument that
// does not exist, or a folder with no such file, is an error naming it.
func Inputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == Stdin {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, unwrapPath(err))
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && isLeveranseFile(p) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, unwrapPath(err))
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("folder %s holds no .json, .ndjson or .jsonl file", a)
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

func isLeveranseFile(p string) bool {
	if strings.HasPrefix(filepath.Base(p), ".") {
		return false // temporary files (finprod generate's among them)
	}
	switch strings.ToLower(filepath.Ext(p)) {
	case ".json", ".ndjson", ".jsonl":
		return true
	}
	return false
}

// unwrapPath drops the *fs.PathError wrapper, whose path the caller names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
		return pe.Err
	}
	return err
}
