package reports

import (
	"os"
	"os/exec"
	"testing"
)

// needTool returns the path of a program a test needs from the machine
// (Debian's xmllint, chromium). `make test` installs them; under plain
// `go test` on a machine without them the test is skipped, but never in CI.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; `make test` installs the Debian package %s (scripts/test-deps.sh)", name, pkg)
	}
	t.Skipf("%s is not installed (Debian package %s; `make test` installs it)", name, pkg)
	return ""
}
