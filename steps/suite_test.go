package steps_test

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/cucumber/godog"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

// opts are godog's own flags, as its examples bind them, for running a
// subset under go test: go test ./steps/ -run TestFeatures --godog.tags=@auth
var opts = godog.Options{Concurrency: 4, Format: "progress", NoColors: true}

func init() { godog.BindCommandLineFlags("godog.", &opts) }

// unsupported are godog flags that steps.Run has no option for; naming one
// is refused rather than silently ignored.
var unsupported = []string{"definitions", "stop-on-failure", "strict", "random"}

func TestMain(m *testing.M) {
	pflag.Parse()
	// pflag leaves go test's own -test.* flags alone; the testing package
	// must still see them.
	if err := pflag.ParseSkippedFlags(os.Args[1:], flag.CommandLine); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// TestFeatures runs every feature against an in-process mock, each scenario
// a subtest.
func TestFeatures(t *testing.T) {
	t.Parallel()
	for _, name := range unsupported {
		require.False(t, pflag.CommandLine.Changed("godog."+name), "--godog.%s is not supported here; use --godog.tags, --godog.concurrency, --godog.format or --godog.no-colors", name)
	}
	ctx := t.Context()
	tg, err := target.Local(ctx, mock.Config{SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })

	status := steps.Run(ctx, tg, steps.Options{
		Tags: opts.Tags, Concurrency: opts.Concurrency, Format: opts.Format, NoColors: opts.NoColors,
		RunID: "gotest", TestingT: t,
	})
	if status != steps.StatusPassed {
		t.Fatalf("the features failed against the local mock (status %d)", status)
	}
}
