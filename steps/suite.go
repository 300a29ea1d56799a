// Package steps holds the acceptance suite's step definitions and its wiring
// to godog. Each scenario gets its own state (scenario); the only thing
// scenarios share is the target, which is safe for concurrent use, and a
// lock that keeps scenarios which change the mock's global faults apart
// from all others.
package steps

import (
	"context"
	"fmt"
	"hash/fnv"
	"regexp"
	"sync"

	"github.com/cucumber/godog"

	"github.com/finprod/finprod/internal/exchange"
	"github.com/finprod/finprod/target"
)

// Suite runs the features against one target.
type Suite struct {
	target *target.Target
	// runID makes references unique per run, so scenarios on a shared test
	// environment never see an earlier run's forsendelser.
	runID string
	// faults: the mock's faults are global (PUT /admin/faults), so a
	// scenario tagged @feilinjeksjon holds this exclusively and every other
	// scenario holds it shared; with concurrency > 1 fault scenarios then run
	// alone while the rest run side by side.
	faults sync.RWMutex
	// submitted caches, per SUBMISSION transmission id, the referanse and
	// forsendelseId of its document ([2]string), for counts in Dialogporten.
	submitted sync.Map
	// patterns holds each step text compiled (*regexp.Regexp): compiling
	// all sixty-odd of them for every scenario was a tenth of a run's CPU
	// under the race detector.
	patterns sync.Map
}

// pattern is the step text expr compiled, once per suite.
func (s *Suite) pattern(expr string) *regexp.Regexp {
	if re, ok := s.patterns.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := s.patterns.LoadOrStore(expr, regexp.MustCompile(expr))
	return re.(*regexp.Regexp)
}

// NewSuite makes a suite for a target. runID is put into every
// oppgavegiversLeveranseReferanse; any short string unique to the run.
func NewSuite(t *target.Target, runID string) *Suite {
	return &Suite{target: t, runID: runID}
}

// Tag names the steps rely on.
const (
	TagTT02          = "@tt02"
	TagMock          = "@mock"
	TagFeilinjeksjon = "@feilinjeksjon"
)

// InitializeScenario is godog's scenario initializer; godog calls it once
// per scenario, so the state built here belongs to that scenario alone.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	rec := &exchange.Recorder{}
	st := &scenario{suite: s, target: s.target, http: rec.Client(s.target.HTTP)}
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		return ctx, st.begin(ctx, p)
	})
	sc.After(func(ctx context.Context, p *godog.Scenario, err error) (context.Context, error) {
		return ctx, st.end(ctx)
	})
	// Each step's HTTP exchanges, redacted, travel with the step as a
	// godog attachment, so the Cucumber JSON (and the reports built from
	// it) show what was sent and what came back.
	sc.StepContext().After(func(ctx context.Context, _ *godog.Step, _ godog.StepResultStatus, _ error) (context.Context, error) {
		xs := rec.Take()
		if len(xs) == 0 {
			return ctx, nil
		}
		b, err := exchange.Encode(xs)
		if err != nil {
			return ctx, fmt.Errorf("record the step's HTTP exchanges: %w", err)
		}
		return godog.Attach(ctx, godog.Attachment{Body: b, FileName: "http-exchanges.json", MediaType: exchange.MediaType}), nil
	})
	st.register(sc)
}

// seedOf derives a stable seed from where the scenario is written, so a
// scenario gets the same data on every run and different scenarios differ.
func seedOf(p *godog.Scenario) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%v", p.Uri, p.Name, p.AstNodeIds)
	return h.Sum64()
}
