package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"

	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
)

// cliContext is the context the in-process CLI runs under: every mock a
// command starts signs with keys this test binary makes once (testkit)
// instead of two fresh 2048-bit keys, which were a third of this package's
// time. The tests of `finprod mock`'s key files run without it.
func cliContext(t testing.TB) context.Context {
	return mock.WithKeys(context.Background(), testkit.Key(t, "mock signing"), testkit.Key(t, "mock default client"))
}

// runCLI runs the root command in-process, as a user would from a shell.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(cliContext(t))
	return out.String(), errOut.String(), err
}

// cliResult is what runCLIIn saw of one run.
type cliResult struct {
	out      string // everything printed, with main's error line
	code     int    // the exit code main would return
	panicked any    // what a panic carried; nil without one
}

// runCLIIn is runCLIExit under ctx, safe to call from any goroutine: it
// takes no *testing.T, and a panic comes back in the result.
func runCLIIn(ctx context.Context, args ...string) (r cliResult) {
	defer func() { r.panicked = recover() }()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.ExecuteContext(ctx)
	r.out = out.String() + errOut.String()
	if err != nil {
		r.out += "finprod: " + err.Error() + "\n"
	}
	r.code = exitCode(err)
	return r
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

// Every command teaches by example, as the README promises.
func TestEveryCommandHasExamples(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	missing := []string{}
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c.Runnable() || c.HasSubCommands() {
			if strings.TrimSpace(c.Example) == "" && !strings.Contains(c.Long, "Examples:") {
				missing = append(missing, c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRootCmd()
	for _, c := range root.Commands() {
		walk(c)
	}
	assert.Empty(t, missing, "commands without examples in --help")
}
