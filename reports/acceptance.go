package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// FinishAcceptance is what `finprod test` does when the suite has run: it
// writes acceptance.json (the manifest m) beside the Cucumber JSON godog
// wrote in dir, and junit.xml made from them. The JUnit holds the
// acceptance suite only; `finprod report` rewrites it with the load gates
// when the folder also holds a load run.
func FinishAcceptance(dir string, m AcceptanceManifest) (junit string, err error) {
	m.Format = AcceptanceFormat
	if err := WriteJSON(filepath.Join(dir, AcceptanceFile), m); err != nil {
		return "", fmt.Errorf("write %s: %w", filepath.Join(dir, AcceptanceFile), err)
	}
	cuke, err := os.ReadFile(filepath.Join(dir, CucumberFile))
	if err != nil {
		return "", fmt.Errorf("read the suite's results: %w", err)
	}
	a := &Acceptance{Manifest: m}
	if a.Features, err = ParseCucumber(cuke, m.FeaturesDir); err != nil {
		return "", fmt.Errorf("%s: %v", filepath.Join(dir, CucumberFile), err)
	}
	var b bytes.Buffer
	if err := WriteJUnit(&b, &Run{Dir: dir, Acceptance: a, Started: m.Started}); err != nil {
		return "", err
	}
	junit = filepath.Join(dir, JUnitFile)
	if err := writeFileAtomic(junit, b.Bytes()); err != nil {
		return "", fmt.Errorf("write %s: %w", junit, err)
	}
	return junit, nil
}
