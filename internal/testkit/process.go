package testkit

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// ownProcessEnv names, in a test binary started by OwnProcess, the one test
// it is to run.
const ownProcessEnv = "FINPROD_TEST_OWN_PROCESS"

// OwnProcess lets a test that changes what belongs to the whole process (its
// environment, working directory or open-file limit) run beside the others
// instead of before them: the test binary runs again, with only this test,
// in a process of its own. OwnProcess reports whether the caller is in that
// process and is to go on with the test; otherwise it has run the test
// there, marked the caller parallel, failed it unless the test passed (or
// skipped it if the test skipped), and the caller returns.
//
//	if !testkit.OwnProcess(t) {
//		return
//	}
func OwnProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv(ownProcessEnv) == t.Name() {
		return true
	}
	t.Parallel()
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	name := t.Name()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+regexp.QuoteMeta(name)+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), ownProcessEnv+"="+name)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %s in a process of its own: %v", name, err)
	}
	switch text := string(out); {
	case err == nil && strings.Contains(text, "--- PASS: "+name+" "):
		if testing.Verbose() {
			t.Logf("in a process of its own:\n%s", text)
		}
	case err == nil && strings.Contains(text, "--- SKIP: "+name+" "):
		t.Skipf("skipped in a process of its own:\n%s", text)
	default:
		t.Fatalf("%s in a process of its own did not pass (%v):\n%s", name, err, text)
	}
	return false
}
