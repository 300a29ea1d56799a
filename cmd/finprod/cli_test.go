package main

import (
	"bytes"
	"context"
	"testing"
)

// runCLI runs the root command in-process, as a user would from a shell.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// runCLIExit runs the CLI and returns everything it printed, with the error
// line main would print, and the exit code main would return.
func runCLIExit(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, errOut, err := runCLI(t, args...)
	all := out + errOut
	if err != nil {
		all += "finprod: " + err.Error() + "\n"
	}
	return all, exitCode(err)
}
