// Package versioned reads finprod's versioned JSON files. Each names its
// format and version in a top-level "format" field
// ("finprod.load.summary/v1"); a reader refuses any other, and says whether
// it found another version of the same format (use another finprod) or
// another file altogether, rather than guessing at fields it does not know.
package versioned

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Read reads the file at path into v when its format is want, and returns
// its bytes.
func Read(path, want string, v any) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := Decode(path, b, want, v); err != nil {
		return nil, err
	}
	return b, nil
}

// Decode decodes b, the file name, into v when its format is want. The
// format is checked before the fields, so a file of another version is
// named as such, not as a field of the wrong type.
func Decode(name string, b []byte, want string, v any) error {
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("%s is not JSON (a %s file is): %v", name, want, err)
	}
	if head.Format != want {
		family, _, _ := strings.Cut(want, "/")
		if strings.HasPrefix(head.Format, family+"/") {
			return fmt.Errorf("%s is format %s; this finprod reads %s (use the finprod that wrote it, or a newer one)", name, head.Format, want)
		}
		return fmt.Errorf("%s is not a %s file (format %q)", name, want, head.Format)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}
