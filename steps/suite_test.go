package steps_test

import (
	"context"
	"flag"
	"testing"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

var (
	tags        = flag.String("godog.tags", "", "godog tag expression to run a subset, e.g. @idempotens")
	concurrency = flag.Int("godog.concurrency", 4, "scenarios run at once")
)

// TestFeatures runs every feature against an in-process mock, each scenario
// a subtest.
func TestFeatures(t *testing.T) {
	ctx := t.Context()
	tg, err := target.Local(ctx, mock.Config{SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })

	status := steps.Run(ctx, tg, steps.Options{
		Tags: *tags, Concurrency: *concurrency, Format: "progress", NoColors: true,
		RunID: "gotest", TestingT: t,
	})
	if status != steps.StatusPassed {
		t.Fatalf("the features failed against the local mock (status %d)", status)
	}
}

var _ = context.Background
