package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/loadfile"
)

// summaryFacts reads summary.json with encoding/json on its own terms.
type summaryFacts struct {
	Requests struct{ Sent, Success float64 }
	Latency  struct {
		Intended struct{ P99Ms float64 }
	}
	Gates []struct {
		Gate string
		Pass bool
	}
}

func readSummaryFacts(t *testing.T, dir string) summaryFacts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "load", "summary.json"))
	require.NoError(t, err)
	var f summaryFacts
	require.NoError(t, json.Unmarshal(b, &f))
	return f
}

func TestLoadRunIsReadWithItsTimelineAndHistograms(t *testing.T) {
	dir := "testdata/load-run"
	facts := readSummaryFacts(t, dir)
	r := open(t, dir)
	require.NotNil(t, r.Load)
	assert.Nil(t, r.Acceptance)
	assert.Equal(t, VerdictPassed, r.Verdict())

	v, d := buildLoad(r.Load)
	require.True(t, v.HasTimeline)
	require.True(t, v.HasHist)
	var sent, ok float64
	for i := range d.Sent {
		sent += d.Sent[i]
		ok += d.Achieved[i]
	}
	assert.Equal(t, facts.Requests.Sent, sent, "every result of results.bin is in the timeline")
	assert.Equal(t, facts.Requests.Success, ok)
	assert.Len(t, d.Offered, len(d.Seconds))
	assert.False(t, v.Recorded, "a run from before timeline.json")
	assert.True(t, d.OfferedEstimated, "its offered rate is the schedule's shape")
	assert.Nil(t, d.IntendedP99, "its intended time per second is not known")
	var share float64
	for _, s := range d.Hist.Intended {
		share += s
	}
	assert.InDelta(t, 100, share, 0.1, "the histogram's shares add up")
	assert.Equal(t, facts.Latency.Intended.P99Ms, d.IntendedP99All)
	assert.Contains(t, v.Headline, "3 SLO gates passed")

	p99, rate := r.Load.trendFigures()
	require.NotNil(t, p99)
	assert.Equal(t, facts.Latency.Intended.P99Ms, *p99)
	assert.NotNil(t, rate, "a run that met its gates sustained its throughput")
}

// pageData is the chart data a report carries, read back from the page's
// <script id="finprod-data"> with encoding/json.
func pageData(t *testing.T, page string) map[string]json.RawMessage {
	t.Helper()
	const open = `<script type="application/json" id="finprod-data">`
	_, rest, ok := strings.Cut(page, open)
	require.True(t, ok, "the page carries its data")
	body, _, ok := strings.Cut(rest, "</script>")
	require.True(t, ok)
	var data struct {
		Load map[string]json.RawMessage `json:"load"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &data))
	require.NotNil(t, data.Load)
	return data.Load
}

func series[T any](t *testing.T, data map[string]json.RawMessage, key string) []T {
	t.Helper()
	var out []T
	require.Contains(t, data, key)
	require.NoError(t, json.Unmarshal(data[key], &out), key)
	return out
}

// The load charts of a run with timeline.json draw its seconds: the page's
// series, parsed out of the page, are the file's rows, read on their own.
func TestTheChartsDrawTheRecordedTimeline(t *testing.T) {
	dir := "testdata/load-steps"
	var file struct {
		Stages []struct {
			Name  string
			Start time.Time
		}
		Seconds []struct {
			T                         int64
			Offered, Sent, OK, Failed float64
			Intended, Service         *struct{ P50Ms, P99Ms float64 }
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "load", "timeline.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &file))
	require.Len(t, file.Seconds, 8)
	require.Len(t, file.Stages, 3)

	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, open(t, dir), HTMLOptions{}))
	page := buf.String()
	data := pageData(t, page)
	xs := series[float64](t, data, "t")
	offered, sent := series[float64](t, data, "offered"), series[float64](t, data, "sent")
	ok, failed := series[float64](t, data, "achieved"), series[float64](t, data, "failed")
	ip50, ip99 := series[*float64](t, data, "intendedP50"), series[*float64](t, data, "intendedP99")
	sp50, sp99 := series[*float64](t, data, "serviceP50"), series[*float64](t, data, "serviceP99")
	require.Len(t, xs, len(file.Seconds))
	for i, row := range file.Seconds {
		assert.Equal(t, float64(row.T-file.Seconds[0].T)+0.5, xs[i], "row %d is drawn at the middle of its second", i)
		assert.Equal(t, []float64{row.Offered, row.Sent, row.OK, row.Failed}, []float64{offered[i], sent[i], ok[i], failed[i]}, "second %d", row.T)
		require.NotNil(t, row.Intended)
		require.NotNil(t, ip99[i])
		assert.Equal(t, []float64{row.Intended.P50Ms, row.Intended.P99Ms, row.Service.P50Ms, row.Service.P99Ms},
			[]float64{*ip50[i], *ip99[i], *sp50[i], *sp99[i]}, "second %d", row.T)
	}
	assert.NotContains(t, data, "offeredEstimated", "offered is what the schedule had due")
	var marks []struct {
		Name string
		From float64
	}
	require.NoError(t, json.Unmarshal(data["marks"], &marks))
	require.Len(t, marks, len(file.Stages), "each step is marked")
	for i, st := range file.Stages {
		assert.Equal(t, st.Name, marks[i].Name)
		assert.InDelta(t, st.Start.Sub(time.Unix(file.Seconds[0].T, 0)).Seconds(), marks[i].From, 0.001)
	}
	assert.Contains(t, page, "From <code>timeline.json</code>")
	assert.NotContains(t, page, "Offered is estimated")

	// The stages' peak in the file is the peak of the page's intended p99.
	var peak float64
	for _, row := range file.Seconds {
		peak = max(peak, row.Intended.P99Ms)
	}
	assert.Greater(t, peak, 10*file.Seconds[0].Service.P99Ms, "the recorded run fell behind in its 80/s step")
}

func TestLoadGatesAreJUnitTestCases(t *testing.T) {
	dir := "testdata/load-run"
	facts := readSummaryFacts(t, dir)
	doc := junitOf(t, dir)
	out, err := validate(t, doc)
	require.NoError(t, err, out)

	var x xSuites
	require.NoError(t, xml.Unmarshal(doc, &x))
	require.Len(t, x.Suites, 1)
	var names []string
	for _, c := range x.Suites[0].Cases {
		assert.Equal(t, "Load", c.Classname)
		assert.Nil(t, c.Failure, c.Name)
		names = append(names, c.Name)
	}
	for _, g := range facts.Gates {
		assert.Contains(t, names, "SLO "+g.Gate)
	}
	assert.Contains(t, names, "every leveranse accounted for")
	assert.Equal(t, len(facts.Gates)+2, x.Tests)
}

// failedCopy writes a copy of a load run whose first gate failed.
func failedCopy(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "load"), 0o755))
	b, err := os.ReadFile(filepath.Join(from, "load", "summary.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	g := m["gates"].([]any)[0].(map[string]any)
	g["pass"], g["threshold"] = false, 2.0
	m["gatesPassed"] = false
	out, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "load", "summary.json"), out, 0o644))
	return dir
}

func TestAFailedGateFailsTheRunAndItsTestCase(t *testing.T) {
	dir := failedCopy(t, "testdata/load-run")
	r := open(t, dir)
	assert.Equal(t, VerdictFailed, r.Verdict())
	v, d := buildLoad(r.Load)
	assert.Contains(t, v.Headline, "1 of 3 SLO gates failed: p99<200ms (was 5.42 ms)")
	assert.False(t, v.HasTimeline, "this copy has no results.bin")
	assert.Contains(t, v.Missing, "results.bin")
	assert.Nil(t, d.Hist)

	var x xSuites
	require.NoError(t, xml.Unmarshal(junitOf(t, dir), &x))
	assert.Equal(t, 1, x.Failures)
	c := x.Suites[0].Cases[0]
	require.NotNil(t, c.Failure)
	assert.Equal(t, "p99<200ms: p99 was 5.42 ms, the gate wants < 2.00 ms", c.Failure.Message)
}

func TestCapacitySearch(t *testing.T) {
	r := open(t, "testdata/load-capacity")
	assert.Equal(t, VerdictPassed, r.Verdict())
	v, d := buildLoad(r.Load)
	require.NotNil(t, v.Capacity)
	assert.Equal(t, "1600", v.Capacity.Rate)
	assert.Len(t, v.Capacity.Stages, 6)
	assert.False(t, v.Capacity.Stages[5].Pass)
	assert.Equal(t, "p99<25ms", v.Capacity.Stages[5].Failed)
	require.NotNil(t, v.Capacity.Fits)
	assert.True(t, *v.Capacity.Fits)
	assert.Contains(t, v.Capacity.Sentence, "5 000 000 oppgaver")
	assert.Equal(t, "capacity 1600 leveranser/s, the volume fits the deadline (82.9× headroom)", v.Headline)
	require.NotNil(t, d.Stages)
	assert.Equal(t, []float64{100, 200, 400, 800, 1600, 3000}, d.Stages.Offered)
	assert.Equal(t, 25.0, *d.Stages.Limit)

	_, rate := r.Load.trendFigures()
	require.NotNil(t, rate)
	assert.Equal(t, 1600.0, *rate)

	var x xSuites
	doc := junitOf(t, "testdata/load-capacity")
	require.NoError(t, xml.Unmarshal(doc, &x))
	var names []string
	for _, c := range x.Suites[0].Cases {
		names = append(names, c.Name)
	}
	assert.Contains(t, names, "a rate met the SLO")
	assert.Contains(t, names, "the volume fits the deadline")
	assert.Zero(t, x.Failures)
	out, err := validate(t, doc)
	assert.NoError(t, err, out)
}

func TestOfferedShape(t *testing.T) {
	var s loadfile.Summary
	s.Parameters.Profile, s.Parameters.Rate, s.Parameters.RateTo, s.Parameters.DurationMs = "linear", 40, 120, 6000
	s.Rate.Offered = 80
	got := offeredShape(s, 6)
	var vals []float64
	for _, v := range got {
		vals = append(vals, *v)
	}
	// 40 + 80·t/6 at the middle of each second.
	assert.Equal(t, []float64{46.7, 60, 73.3, 86.7, 100, 113.3}, vals)

	s.Parameters.Profile, s.Parameters.Steps, s.Rate.Offered = "steps", "50@2s,100@2s", 75
	vals = nil
	for _, v := range offeredShape(s, 4) {
		vals = append(vals, *v)
	}
	assert.Equal(t, []float64{50, 50, 100, 100}, vals)

	// A shard of four offers a quarter: the shape is scaled to the
	// summary's own mean.
	s.Parameters.Profile, s.Parameters.Rate, s.Rate.Offered = "constant", 400, 100
	assert.Equal(t, 100.0, *offeredShape(s, 3)[1])

	s.Parameters.Profile = "unknown-shape"
	assert.Nil(t, offeredShape(s, 3))
}

func TestLoadSummaryOfAnotherVersionIsRefused(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "load"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "load", "summary.json"), []byte(`{"format":"finprod.load.summary/v2"}`), 0o644))
	_, err := Open(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is format finprod.load.summary/v2; this finprod reads finprod.load.summary/v1")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "load", "summary.json"), []byte(`{"format":"something else"}`), 0o644))
	_, err = Open(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a finprod.load.summary/v1 file")
}

func TestALoadOnlyFolderMakesAReport(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteHTML(&b, open(t, "testdata/load-run"), HTMLOptions{}))
	page := b.String()
	assert.Contains(t, page, `id="load"`)
	assert.NotContains(t, page, `id="features"`)
	assert.True(t, strings.Contains(page, "3 SLO gates passed"))
	// A run from before timeline.json: its charts come from results.bin,
	// and the page says the offered rate is an estimate.
	assert.Contains(t, page, "<strong>Offered is estimated</strong>")
	data := pageData(t, page)
	assert.JSONEq(t, "true", string(data["offeredEstimated"]))
	assert.NotContains(t, data, "intendedP99")
}

func TestALoadRunFromAnotherTimeIsPointedOut(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "load"), 0o755))
	for from, to := range map[string]string{
		"async-rules/cucumber.json": "cucumber.json", "load-run/load/summary.json": "load/summary.json",
	} {
		b, err := os.ReadFile(filepath.Join("testdata", from))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, to), b, 0o644))
	}
	load := open(t, dir).Load.Started
	write := func(started string) string {
		m := `{"format":"finprod.acceptance/v1","target":"local","started":"` + started + `","durationMs":100,"status":"passed"}`
		require.NoError(t, os.WriteFile(filepath.Join(dir, "acceptance.json"), []byte(m), 0o644))
		var b bytes.Buffer
		require.NoError(t, WriteHTML(&b, open(t, dir), HTMLOptions{}))
		return b.String()
	}
	assert.Contains(t, write(load.Add(-3*time.Hour).Format(time.RFC3339)), "they may be different runs")
	assert.NotContains(t, write(load.Add(-2*time.Minute).Format(time.RFC3339)), "they may be different runs")
}

// The page's note on a sender that fell behind is the summary's own
// sentence, said once: the recorded steps run fell behind in its 80/s step.
func TestTheBottleneckNoteSaysItOnce(t *testing.T) {
	var file struct{ Bottleneck string }
	b, err := os.ReadFile("testdata/load-steps/load/summary.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &file))
	require.NotEmpty(t, file.Bottleneck)

	v, _ := buildLoad(open(t, "testdata/load-steps").Load)
	var notes []string
	for _, n := range v.Notes {
		if strings.Contains(strings.ToLower(n), "fell behind") {
			notes = append(notes, n)
		}
	}
	require.Len(t, notes, 1, "one note on the bottleneck: %q", v.Notes)
	note := notes[0]
	assert.Equal(t, "The sender fell behind its own schedule (schedule lag p99 594 ms; 360 of 360 planned requests sent): "+
		"the rate offered was not the rate sent; every worker was busy (raise --max-workers) or the load generator was short of CPU (shard the run).", note)
	assert.Contains(t, note, file.Bottleneck[1:], "the summary's sentence, whole")
	assert.Equal(t, 1, strings.Count(strings.ToLower(note), "fell behind"), note)
	assert.Equal(t, 1, strings.Count(strings.ToLower(note), "the rate offered was not the rate sent"), note)
}

// A merged run is every shard of it, not shard 0; one shard is itself.
func TestTheShapeSaysWhichShards(t *testing.T) {
	var s loadfile.Summary
	s.Kind, s.Parameters.Profile, s.Parameters.Rate, s.Parameters.Oppgaver, s.Parameters.Seed = "run", "constant", 600, 1, 77
	s.Parameters.Shard = loadfile.ShardInfo{Index: 1, Count: 3}
	assert.Equal(t, "constant 600/s, shard 1/3, 1 oppgave per leveranse, seed 77", shapeOf(s))

	s.Kind, s.Parameters.Shard = "merge", loadfile.ShardInfo{Index: 0, Count: 3}
	s.Shards = []loadfile.ShardInfo{{Index: 0, Count: 3, Dir: "a"}, {Index: 1, Count: 3, Dir: "b"}, {Index: 2, Count: 3, Dir: "c"}}
	assert.Equal(t, "constant 600/s, shards 0–2 of 3 merged, 1 oppgave per leveranse, seed 77", shapeOf(s))

	s.Kind, s.Parameters.Shard, s.Shards = "run", loadfile.ShardInfo{Index: 0, Count: 1}, nil
	assert.Equal(t, "constant 600/s, 1 oppgave per leveranse, seed 77", shapeOf(s))
}
