// Package features holds the acceptance suite's Gherkin features, written in
// Norwegian in the API's own words, and embeds them so that `finprod test`
// runs from any directory.
package features

import (
	"embed"
	"io/fs"
)

//go:embed *.feature
var files embed.FS

// FS returns the features as a read-only file system, one .feature file per
// area at its root.
func FS() fs.FS { return files }
