// Package yamlfile reads finprod's YAML files (mock config, Maskinporten
// client files, TT02 profiles) one way: strictly, so a mistyped key is an
// error naming its line instead of a silent default, and with file paths in
// them taken relative to the file's folder, so a file travels with its keys.
package yamlfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
)

// Read decodes the file at path into v. what names the kind of file in
// errors ("profile", "mock config"); an empty file leaves v as it is.
func Read(path, what string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := yaml.UnmarshalWithOptions(b, v, yaml.Strict()); err != nil {
		return fmt.Errorf("%s %s: %s", what, path, yaml.FormatError(err, false, true))
	}
	return nil
}

// Relative makes each non-empty relative path absolute against dir.
func Relative(dir string, paths ...*string) {
	for _, p := range paths {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}
