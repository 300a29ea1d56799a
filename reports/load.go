package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/loadfile"
)

// Load is a load run's outputs: the summary, and what the report draws
// from latency.hdr and results.bin when they are there.
type Load struct {
	Started time.Time
	s       loadfile.Summary
	// hists are latency.hdr's histograms by tag (intended, service, lag).
	hists map[string]*hdrhistogram.Histogram
	// perSecond is timeline.json, the run as it was recorded second by
	// second; nil for a run from before it (or without the file).
	perSecond *loadfile.Timeline
	// timeline is results.bin bucketed by second, read only for a run
	// without perSecond; nil without the file.
	timeline *timeline
	// missing names outputs the summary lists that were not found.
	missing []string
}

// readLoad reads DIR/load/summary.json and, beside it, latency.hdr and
// timeline.json, or results.bin for a run from before timeline.json. A
// missing summary is fs.ErrNotExist; the others are optional (a report
// from a summary alone shows tables, not charts).
func readLoad(path string) (*Load, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	s, err := loadfile.ParseSummary(path, raw)
	if err != nil {
		return nil, nil, err
	}
	l := &Load{s: *s, Started: s.Started}
	dir := filepath.Dir(path)
	if err := l.optional(dir, l.s.Files.Latency, func(p string) (err error) {
		l.hists, err = loadfile.ReadHistograms(p)
		return err
	}); err != nil {
		return nil, nil, err
	}
	if err := l.optional(dir, l.s.Files.Timeline, func(p string) (err error) {
		l.perSecond, err = loadfile.ReadTimeline(p)
		return err
	}); err != nil {
		return nil, nil, err
	}
	if l.perSecond != nil {
		return l, raw, nil
	}
	if err := l.optional(dir, l.s.Files.Results, func(p string) (err error) {
		l.timeline, err = readTimeline(p)
		return err
	}); err != nil {
		return nil, nil, err
	}
	return l, raw, nil
}

// optional reads an output the summary names, beside it; one that is
// missing is noted for the page, not an error.
func (l *Load) optional(dir, name string, read func(path string) error) error {
	if name == "" {
		return nil
	}
	err := read(filepath.Join(dir, filepath.Base(name)))
	if errors.Is(err, fs.ErrNotExist) {
		l.missing = append(l.missing, name)
		return nil
	}
	return err
}

// timeline is results.bin per second of the run.
type timeline struct {
	start time.Time
	// Per second from start: requests sent (by send time), 2xx answers
	// and other outcomes (by answer time), and service latencies of the
	// requests sent in that second.
	sent, ok, failed []float64
	latencies        [][]float64
}

func (t *timeline) bucket(d time.Duration) int { return max(int(d/time.Second), 0) }

func grow(xs []float64, i int) []float64 {
	for len(xs) <= i {
		xs = append(xs, 0)
	}
	return xs
}

// readTimeline streams Vegeta's gob results (a million results fit; only
// latencies are kept).
func readTimeline(path string) (*timeline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 256<<10))
	var rs []vegeta.Result
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s is not Vegeta's result encoding: %v", path, err)
		}
		r.Body, r.Headers = nil, nil
		rs = append(rs, r)
	}
	t := &timeline{}
	for _, r := range rs {
		if t.start.IsZero() || r.Timestamp.Before(t.start) {
			t.start = r.Timestamp
		}
	}
	for _, r := range rs {
		i := t.bucket(r.Timestamp.Sub(t.start))
		t.sent = grow(t.sent, i)
		t.sent[i]++
		for len(t.latencies) <= i {
			t.latencies = append(t.latencies, nil)
		}
		t.latencies[i] = append(t.latencies[i], float64(r.Latency)/float64(time.Millisecond))
		j := t.bucket(r.End().Sub(t.start))
		t.ok, t.failed = grow(t.ok, j), grow(t.failed, j)
		if r.Code >= 200 && r.Code < 300 {
			t.ok[j]++
		} else {
			t.failed[j]++
		}
	}
	n := max(len(t.sent), len(t.ok))
	t.sent, t.ok, t.failed = grow(t.sent, n-1), grow(t.ok, n-1), grow(t.failed, n-1)
	for len(t.latencies) < n {
		t.latencies = append(t.latencies, nil)
	}
	return t, nil
}

// Verdict of the load run: its SLO gates, the reconciliation, and that it
// sent something and ran to its end.
func (l *Load) Verdict() Verdict {
	switch {
	case l.s.Interrupted:
		return VerdictInterrupted
	case l.s.Requests.Sent == 0:
		return VerdictFailed
	case !l.s.GatesPassed || !l.s.Reconciliation.OK || l.s.Aborted != "":
		return VerdictFailed
	case l.s.Capacity != nil && l.s.Capacity.Rate == 0:
		return VerdictFailed
	}
	return VerdictPassed
}

// Duration of the load run.
func (l *Load) Duration() time.Duration {
	return time.Duration(l.s.ElapsedMs * float64(time.Millisecond))
}

// trendFigures are the load run's values for the history: the p99 of
// intended-time latency (for a capacity search, of the stage at the rate
// found) and the highest sustained rate: the capacity found, or a run's
// throughput when it met every gate.
func (l *Load) trendFigures() (p99ms, maxRate *float64) {
	p := l.s.Latency.Intended.P99Ms
	p99ms = &p
	if c := l.s.Capacity; c != nil {
		for _, st := range c.Stages {
			if st.Pass && st.Rate == c.Rate {
				v := st.P99Ms
				p99ms = &v
			}
		}
		if c.Rate > 0 {
			r := c.Rate
			maxRate = &r
		}
		return p99ms, maxRate
	}
	if l.Verdict() == VerdictPassed && len(l.s.Gates) > 0 {
		r := l.s.Rate.Throughput
		maxRate = &r
	}
	return p99ms, maxRate
}

func (l *Load) target() string {
	if l.s.Target.Name != "" {
		return l.s.Target.Name
	}
	return "unknown"
}

// gateUnit formats a gate's value in its unit.
func gateValue(v float64, unit string) string {
	switch unit {
	case "ms":
		return msText(v)
	case "ratio":
		return strconv.FormatFloat(100*v, 'f', -1, 64) + " %"
	case "/s":
		return fmt.Sprintf("%.1f/s", v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + unit
}

func msText(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.2f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

// loadSuite is the load run as JUnit test cases: each SLO gate, the
// reconciliation, and (for a capacity search) the capacity and deadline.
func loadSuite(l *Load) junitSuite {
	s := l.s
	const class = "Load"
	suite := junitSuite{Name: "Load: SLO gates and reconciliation", Time: seconds(l.Duration())}
	if !s.Started.IsZero() {
		suite.Stamp = s.Started.UTC().Format("2006-01-02T15:04:05")
	}
	props := []junitProperty{{Name: "target", Value: l.target()}, {Name: "kind", Value: s.Kind}}
	if s.Parameters.SLO != "" {
		props = append(props, junitProperty{Name: "slo", Value: s.Parameters.SLO})
	}
	suite.Properties = &junitPropertys{List: props}
	add := func(name string, pass bool, message, text string) {
		c := junitCase{Name: name, Classname: class, Time: seconds(l.Duration())}
		if !pass {
			c.Failure = &junitProblem{Message: xmlSafe(message), Type: "GateFailed", Text: xmlSafe(text)}
			suite.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
	}
	over := fmt.Sprintf("over all %d requests against %s", s.Requests.Sent, l.target())
	if s.Capacity != nil {
		over = fmt.Sprintf("at the stage of %s/s, the highest that passed", strconv.FormatFloat(s.Capacity.Rate, 'f', -1, 64))
	}
	for _, g := range s.Gates {
		msg := fmt.Sprintf("%s: %s was %s, the gate wants %s %s", g.Gate, g.Metric, gateValue(g.Actual, g.Unit), g.Op, gateValue(g.Threshold, g.Unit))
		add("SLO "+g.Gate, g.Pass, msg, msg+"\n("+over+"; latency counts from when each request was due)\n")
	}
	rc := s.Reconciliation
	text := fmt.Sprintf("%d sent = %d accepted + %d given up + %d refused (%d unaccounted)", rc.Sent, rc.Accepted, rc.GaveUp, rc.Refused, rc.Unaccounted)
	if st := rc.Store; st != nil {
		text += fmt.Sprintf("\nstore: %d forsendelser of %d distinct leveranser; %d duplicated, %d lost", st.Forsendelser, st.Distinct, st.Duplicated, st.Lost)
	}
	add("every leveranse accounted for", rc.OK, "reconciliation failed: "+firstLine(text), text+"\n")
	add("requests were sent", s.Requests.Sent > 0, "no request was sent", "the run sent nothing, so nothing was measured\n")
	if s.Interrupted || s.Aborted != "" {
		why := "interrupted (SIGINT/SIGTERM)"
		if s.Aborted != "" {
			why = "stopped early: the gate " + s.Aborted + " could no longer pass"
		}
		add("the run ran to its end", false, why, why+fmt.Sprintf("; %d requests were sent until then\n", s.Requests.Sent))
	}
	if c := s.Capacity; c != nil {
		add("a rate met the SLO", c.Rate > 0, "no stage met the SLO", c.Sentence+"\n")
		if d := c.Deadline; d != nil {
			add("the volume fits the deadline", d.Fits, fmt.Sprintf("%d oppgaver do not fit the deadline", d.Volume), c.Sentence+"\n")
		}
	}
	return suite
}

// loadView is the load section of the HTML report.
type loadView struct {
	Headline    string
	Figures     []figure
	Kind        string
	Target, API string
	Shape       string
	Verdict     Verdict
	Started     time.Time
	Elapsed     string
	Notes       []string
	Gates       []gateView
	Quantiles   []quantileRow
	Status      []countRow
	GLD         []countRow
	Errors      []countRow
	Retries     []countRow
	Reasons     []countRow
	Recon       []countRow
	ReconOK     bool
	Capacity    *capacityView
	HasTimeline bool
	// Recorded: the charts over time are timeline.json's, not results.bin
	// with an offered rate estimated from the schedule's shape.
	Recorded bool
	// Stages: the charts over time mark more than one stage.
	Stages bool
	// LatencyScale is "log" when the latency over time spans so wide a
	// range that a linear axis would flatten the fast requests.
	LatencyScale string
	HasHist      bool
	Missing      []string
}

type gateView struct {
	Gate, Actual, Threshold string
	Pass                    bool
}

type quantileRow struct {
	Name                                string
	P50, P90, P95, P99, P999, Max, Mean string
	Count                               int64
	Emphasis                            bool
}

type countRow struct {
	Key   string
	Count uint64
	Share string
	Tone  string
}

type capacityView struct {
	Rate     string
	Sentence string
	Stages   []stageView
	Deadline []countRow
	Fits     *bool
}

type stageView struct {
	N                                  int
	Rate, Throughput, P50, P99, LagP99 string
	Sent                               uint64
	Pass                               bool
	Failed                             string
}

// loadData is the load section's chart data, as JSON in the page.
type loadData struct {
	// Time series per second since the run began (timeline.json's first
	// second, or results.bin's first request).
	Seconds []float64  `json:"t,omitempty"`
	Offered []*float64 `json:"offered,omitempty"`
	// OfferedEstimated: Offered is the schedule's shape scaled to the
	// run's mean (a run without timeline.json), not what was due.
	OfferedEstimated bool      `json:"offeredEstimated,omitempty"`
	Sent             []float64 `json:"sent,omitempty"`
	Achieved         []float64 `json:"achieved,omitempty"`
	Failed           []float64 `json:"failed,omitempty"`
	// Latency per second (ms): intended time and schedule lag only from
	// timeline.json, of the requests due in each second; service time
	// from it, or from results.bin by send time.
	IntendedP50 []*float64 `json:"intendedP50,omitempty"`
	IntendedP99 []*float64 `json:"intendedP99,omitempty"`
	ServiceP50  []*float64 `json:"serviceP50,omitempty"`
	ServiceP99  []*float64 `json:"serviceP99,omitempty"`
	LagP99      []*float64 `json:"lagP99,omitempty"`
	// Marks are the run's stages (steps, a search's stages) on the time
	// axis, when it had more than one.
	Marks []stageMark `json:"marks,omitempty"`
	// IntendedP99All and ServiceP99All are the whole run's figures, drawn
	// as reference lines where the per-second intended time is missing.
	IntendedP99All float64 `json:"intendedP99All"`
	ServiceP99All  float64 `json:"serviceP99All"`
	// Hist is the latency distribution: bucket upper bounds (ms) and the
	// share of requests (%) per bucket for intended and service time.
	Hist *histData `json:"hist,omitempty"`
	// Stages of a capacity search: offered rate, throughput, p99.
	Stages *stageData `json:"stages,omitempty"`
}

// stageMark is one stage, from and to in seconds on the time axis.
type stageMark struct {
	Name string  `json:"name"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
}

type histData struct {
	Ms       []float64 `json:"ms"`
	Intended []float64 `json:"intended"`
	Service  []float64 `json:"service"`
}

type stageData struct {
	Offered    []float64 `json:"offered"`
	Throughput []float64 `json:"throughput"`
	P99        []float64 `json:"p99"`
	Pass       []bool    `json:"pass"`
	Limit      *float64  `json:"limit,omitempty"`
}

func countRows(m map[string]uint64, total uint64, tone func(string) string) []countRow {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var out []countRow
	for _, k := range keys {
		r := countRow{Key: k, Count: m[k], Tone: "neutral"}
		if total > 0 {
			r.Share = fmt.Sprintf("%.2f %%", 100*float64(m[k])/float64(total))
		}
		if tone != nil {
			r.Tone = tone(k)
		}
		out = append(out, r)
	}
	return out
}

func statusTone(k string) string {
	n, _ := strconv.Atoi(k)
	switch {
	case n >= 200 && n < 300:
		return "pass"
	case n >= 400 && n < 500:
		return "warn"
	}
	return "fail"
}

func shapeOf(s loadfile.Summary) string {
	p := s.Parameters
	var shape string
	switch p.Profile {
	case "linear":
		shape = fmt.Sprintf("linear %g/s → %g/s over %s", p.Rate, p.RateTo, duration(msDur(p.DurationMs)))
	case "steps":
		shape = "steps " + p.Steps
	case "sine":
		shape = fmt.Sprintf("sine %g/s ± %g/s, period %s", p.Rate, p.Amplitude, duration(msDur(p.PeriodMs)))
	case "capacity":
		shape = fmt.Sprintf("capacity search from %g/s, at most %g/s, stages of %s", p.Rate, p.RateTo, duration(msDur(p.DurationMs)))
	default:
		shape = fmt.Sprintf("%s %g/s", p.Profile, p.Rate)
		if p.DurationMs > 0 {
			shape += " for " + duration(msDur(p.DurationMs))
		}
	}
	if sh := s.ShardNote(); sh != "" {
		shape += ", " + sh
	}
	return shape + fmt.Sprintf(", %s per leveranse, seed %d", plural(p.Oppgaver, "oppgave", "oppgaver"), p.Seed)
}

func msDur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

func buildLoad(l *Load) (*loadView, *loadData) {
	s := l.s
	v := &loadView{Kind: s.Kind, Target: l.target(), API: s.Target.API, Shape: shapeOf(s), Verdict: l.Verdict(),
		Started: s.Started, Elapsed: duration(l.Duration()), ReconOK: s.Reconciliation.OK, Missing: l.missing}
	d := &loadData{IntendedP99All: s.Latency.Intended.P99Ms, ServiceP99All: s.Latency.Service.P99Ms}

	passed := 0
	for _, g := range s.Gates {
		v.Gates = append(v.Gates, gateView{Gate: g.Gate, Actual: gateValue(g.Actual, g.Unit), Threshold: g.Op + " " + gateValue(g.Threshold, g.Unit), Pass: g.Pass})
		if g.Pass {
			passed++
		}
	}
	q := func(name string, x loadfile.Quantiles, em bool) quantileRow {
		return quantileRow{Name: name, Count: x.Count, Mean: msText(x.MeanMs), P50: msText(x.P50Ms), P90: msText(x.P90Ms),
			P95: msText(x.P95Ms), P99: msText(x.P99Ms), P999: msText(x.P999Ms), Max: msText(x.MaxMs), Emphasis: em}
	}
	v.Quantiles = []quantileRow{
		q("intended time (from when each request was due)", s.Latency.Intended, true),
		q("service time (from when it was sent)", s.Latency.Service, false),
		q("schedule lag (how late it was sent)", s.ScheduleLag, false),
	}
	v.Status = countRows(s.Status, s.Requests.Sent, statusTone)
	v.GLD = countRows(s.GLD, s.Requests.Sent, func(string) string { return "warn" })
	v.Errors = countRows(s.Errors, s.Requests.Sent, func(string) string { return "fail" })
	r := s.Retries
	v.Retries = []countRow{
		{Key: "answered 2xx at the first try", Count: r.FirstTry, Tone: "pass"},
		{Key: "recovered by a retry", Count: r.Recovered, Tone: "neutral"},
		{Key: "retries made", Count: r.Attempts, Tone: "neutral"},
		{Key: "gave up after the last retry", Count: r.GaveUp, Tone: toneIf(r.GaveUp > 0, "fail")},
		{Key: "409 GLD_019 (a key reused with another body)", Count: r.Conflicts, Tone: toneIf(r.Conflicts > 0, "fail")},
	}
	v.Reasons = countRows(r.Reasons, 0, nil)
	rc := s.Reconciliation
	v.Recon = []countRow{
		{Key: "sent", Count: rc.Sent},
		{Key: "accepted (kvittering)", Count: rc.Accepted, Tone: "pass"},
		{Key: "given up (out of retries)", Count: rc.GaveUp, Tone: toneIf(rc.GaveUp > 0, "warn")},
		{Key: "refused (4xx, not retried)", Count: rc.Refused, Tone: toneIf(rc.Refused > 0, "warn")},
		{Key: "unaccounted", Count: rc.Unaccounted, Tone: toneIf(rc.Unaccounted > 0, "fail")},
	}
	if st := rc.Store; st != nil {
		v.Recon = append(v.Recon,
			countRow{Key: "in the mock's store: forsendelser", Count: st.Forsendelser},
			countRow{Key: "in the mock's store: distinct leveranser", Count: st.Distinct},
			countRow{Key: "stored twice (duplicated)", Count: st.Duplicated, Tone: toneIf(st.Duplicated > 0, "fail")},
			countRow{Key: "accepted but not stored (lost)", Count: st.Lost, Tone: toneIf(st.Lost > 0, "fail")},
			countRow{Key: "stored after the run gave up (answer lost)", Count: st.StoredNotAccepted},
		)
	}
	for i := range v.Recon {
		if v.Recon[i].Tone == "" {
			v.Recon[i].Tone = "neutral"
		}
	}
	if s.Bottleneck != "" {
		// The summary's own sentence says what fell behind, by how much and
		// why; the note only makes it a sentence of the page.
		v.Notes = append(v.Notes, sentence(s.Bottleneck))
	}
	if s.Interrupted {
		v.Notes = append(v.Notes, "The run was interrupted; the figures cover what was sent until then.")
	}
	if s.Aborted != "" {
		v.Notes = append(v.Notes, "The run stopped early: the gate "+s.Aborted+" could no longer pass.")
	}

	gateTone := "pass"
	if passed < len(s.Gates) {
		gateTone = "fail"
	}
	gatesValue, gatesNote := fmt.Sprintf("%d / %d", passed, len(s.Gates)), strings.ReplaceAll(s.Parameters.SLO, ",", ", ")
	if len(s.Gates) == 0 {
		gatesValue, gatesNote, gateTone = "none", "no --slo given", "neutral"
	}
	v.Figures = append(v.Figures,
		figure{Label: "SLO gates passed", Value: gatesValue, Note: gatesNote, Tone: gateTone, Href: "#load"},
		figure{Label: "p99 latency", Value: msText(s.Latency.Intended.P99Ms), Note: "intended time; service " + msText(s.Latency.Service.P99Ms), Tone: "neutral", Href: "#load"},
		figure{Label: "Throughput", Value: fmt.Sprintf("%.1f/s", s.Rate.Throughput), Note: fmt.Sprintf("%.0f %% of %.1f/s offered", 100*s.Rate.Achieved, s.Rate.Offered), Tone: "neutral", Href: "#load"},
	)

	if c := s.Capacity; c != nil {
		cv := &capacityView{Rate: strconv.FormatFloat(c.Rate, 'f', -1, 64), Sentence: c.Sentence}
		sd := &stageData{}
		for i, st := range c.Stages {
			var failed []string
			for _, g := range st.Gates {
				if !g.Pass {
					failed = append(failed, g.Gate)
				}
			}
			cv.Stages = append(cv.Stages, stageView{N: i + 1, Rate: fmt.Sprintf("%g/s", st.Rate), Throughput: fmt.Sprintf("%.1f/s", st.Throughput),
				P50: msText(st.P50Ms), P99: msText(st.P99Ms), LagP99: msText(st.LagP99Ms), Sent: st.Sent, Pass: st.Pass, Failed: strings.Join(failed, ", ")})
			sd.Offered = append(sd.Offered, st.Rate)
			sd.Throughput = append(sd.Throughput, st.Throughput)
			sd.P99 = append(sd.P99, st.P99Ms)
			sd.Pass = append(sd.Pass, st.Pass)
		}
		for _, g := range s.Gates {
			if g.Metric == "p99" && g.Unit == "ms" {
				t := g.Threshold
				sd.Limit = &t
			}
		}
		if dl := c.Deadline; dl != nil {
			cv.Fits = &dl.Fits
			cv.Deadline = []countRow{
				{Key: fmt.Sprintf("oppgaver to deliver (%d per leveranse: %d leveranser)", dl.OppgaverPerLeveranse, dl.Leveranser), Count: uint64(max(dl.Volume, 0))},
			}
		}
		v.Capacity = cv
		d.Stages = sd
		capTone, capNote := "pass", "highest rate that met the SLO"
		if c.Rate == 0 {
			capTone, capNote = "fail", "no stage met the SLO"
		} else if dl := c.Deadline; dl != nil {
			capNote = fmt.Sprintf("needs %.1f/s for the volume: %.1f× headroom", dl.RequiredRate, dl.Headroom)
			if !dl.Fits {
				capTone = "fail"
			}
		}
		v.Figures = append(v.Figures, figure{Label: "Capacity", Value: cv.Rate + "/s", Note: capNote, Tone: capTone, Href: "#capacity"})
	}

	if t := l.perSecond; t != nil && len(t.Seconds) > 0 {
		v.HasTimeline, v.Recorded = true, true
		perSecond(d, t)
	} else if t := l.timeline; t != nil && len(t.sent) > 0 {
		v.HasTimeline = true
		offered := offeredShape(s, len(t.sent))
		d.OfferedEstimated = offered != nil
		for i := range t.sent {
			d.Seconds = append(d.Seconds, float64(i))
			d.Sent = append(d.Sent, t.sent[i])
			d.Achieved = append(d.Achieved, t.ok[i])
			d.Failed = append(d.Failed, t.failed[i])
			d.ServiceP50 = append(d.ServiceP50, percentileOf(t.latencies[i], 0.50))
			d.ServiceP99 = append(d.ServiceP99, percentileOf(t.latencies[i], 0.99))
			if offered != nil {
				d.Offered = append(d.Offered, offered[i])
			}
		}
	}
	v.Stages = len(d.Marks) > 0
	v.LatencyScale = latencyScale(d.IntendedP50, d.IntendedP99, d.ServiceP50, d.ServiceP99)
	if in, sv := l.hists["intended"], l.hists["service"]; in != nil && sv != nil && in.TotalCount() > 0 {
		v.HasHist = true
		d.Hist = histogramOf(in, sv)
	}

	switch v.Verdict {
	case VerdictPassed:
		v.Headline = fmt.Sprintf("load: %s at %.0f/s", plural(len(s.Gates), "SLO gate passed", "SLO gates passed"), s.Rate.Throughput)
		if len(s.Gates) == 0 {
			v.Headline = fmt.Sprintf("load: %d requests at %.0f/s, no SLO gates", s.Requests.Sent, s.Rate.Throughput)
		}
	case VerdictInterrupted:
		v.Headline = "load run interrupted"
	default:
		var lost []string
		for _, g := range v.Gates {
			if !g.Pass {
				lost = append(lost, fmt.Sprintf("%s (was %s)", g.Gate, g.Actual))
			}
		}
		switch {
		case len(lost) > 0:
			v.Headline = fmt.Sprintf("load: %d of %d SLO gates failed: %s", len(lost), len(v.Gates), strings.Join(lost, ", "))
		case !s.Reconciliation.OK:
			v.Headline = "load: not every leveranse is accounted for"
		case s.Requests.Sent == 0:
			v.Headline = "load: no request was sent"
		default:
			v.Headline = "load failed"
		}
	}
	if c := s.Capacity; c != nil {
		if c.Rate > 0 {
			v.Headline = fmt.Sprintf("capacity %g leveranser/s", c.Rate)
			if dl := c.Deadline; dl != nil {
				if dl.Fits {
					v.Headline += fmt.Sprintf(", the volume fits the deadline (%.1f× headroom)", dl.Headroom)
				} else {
					v.Headline += ", the volume does NOT fit the deadline"
				}
			}
		} else {
			v.Headline = "capacity: no stage met the SLO"
		}
	}
	return v, d
}

// perSecond puts timeline.json's rows into the chart data.
func perSecond(d *loadData, t *loadfile.Timeline) {
	q := func(x *loadfile.SecondLatency, pick func(*loadfile.SecondLatency) float64) *float64 {
		if x == nil || x.Count == 0 {
			return nil
		}
		v := pick(x)
		return &v
	}
	p50 := func(x *loadfile.SecondLatency) float64 { return x.P50Ms }
	p99 := func(x *loadfile.SecondLatency) float64 { return x.P99Ms }
	first := t.Seconds[0].T
	for _, row := range t.Seconds {
		offered := float64(row.Offered)
		// Each row is drawn at its middle, so stages fall where they began.
		d.Seconds = append(d.Seconds, float64(row.T-first)+0.5)
		d.Offered = append(d.Offered, &offered)
		d.Sent = append(d.Sent, float64(row.Sent))
		d.Achieved = append(d.Achieved, float64(row.OK))
		d.Failed = append(d.Failed, float64(row.Failed))
		d.IntendedP50 = append(d.IntendedP50, q(row.Intended, p50))
		d.IntendedP99 = append(d.IntendedP99, q(row.Intended, p99))
		d.ServiceP50 = append(d.ServiceP50, q(row.Service, p50))
		d.ServiceP99 = append(d.ServiceP99, q(row.Service, p99))
		d.LagP99 = append(d.LagP99, q(row.Lag, p99))
	}
	if len(t.Stages) > 1 {
		origin := time.Unix(first, 0)
		for _, st := range t.Stages {
			d.Marks = append(d.Marks, stageMark{Name: st.Name, From: math.Round(st.Start.Sub(origin).Seconds()*1000) / 1000,
				To: math.Round(st.End.Sub(origin).Seconds()*1000) / 1000})
		}
	}
}

// latencyScale is "log" when the largest value drawn is more than 20
// times the smallest, "linear" otherwise.
func latencyScale(series ...[]*float64) string {
	lo, hi := math.Inf(1), 0.0
	for _, s := range series {
		for _, v := range s {
			if v != nil && *v > 0 {
				lo, hi = math.Min(lo, *v), math.Max(hi, *v)
			}
		}
	}
	if hi > 20*lo {
		return "log"
	}
	return "linear"
}

// sentence is s with a capital first letter and a full stop at the end.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func toneIf(cond bool, tone string) string {
	if cond {
		return tone
	}
	return "neutral"
}

func percentileOf(xs []float64, q float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	v := s[min(max(i, 0), len(s)-1)]
	return &v
}

// offeredShape is the rate the schedule offered in each second, from the
// shape's documented parameters (docs/load.md), scaled so that its mean is
// the summary's own offered rate (which covers shards and merges). For a
// capacity search the stages are the schedule. nil when the shape is not
// one the report knows.
func offeredShape(s loadfile.Summary, n int) []*float64 {
	p := s.Parameters
	at := func(t float64) (float64, bool) {
		switch p.Profile {
		case "constant":
			return p.Rate, true
		case "linear":
			d := p.DurationMs / 1000
			if d <= 0 {
				return p.Rate, true
			}
			return p.Rate + (p.RateTo-p.Rate)*math.Min(t/d, 1), true
		case "sine":
			per := p.PeriodMs / 1000
			if per <= 0 {
				return 0, false
			}
			return p.Rate + p.Amplitude*math.Sin(2*math.Pi*t/per), true
		}
		return 0, false
	}
	var stages [][2]float64 // rate, end (s)
	switch {
	case s.Capacity != nil:
		end := 0.0
		for _, st := range s.Capacity.Stages {
			end += st.DurationMs / 1000
			stages = append(stages, [2]float64{st.Rate, end})
		}
	case p.Profile == "steps":
		end := 0.0
		for part := range strings.SplitSeq(p.Steps, ",") {
			r, dur, ok := strings.Cut(strings.TrimSpace(part), "@")
			rate, err1 := strconv.ParseFloat(r, 64)
			d, err2 := time.ParseDuration(dur)
			if !ok || err1 != nil || err2 != nil {
				return nil
			}
			end += d.Seconds()
			stages = append(stages, [2]float64{rate, end})
		}
	}
	out := make([]float64, n)
	for i := range out {
		t := float64(i) + 0.5
		if stages != nil {
			out[i] = 0
			for _, st := range stages {
				if t < st[1] {
					out[i] = st[0]
					break
				}
			}
			continue
		}
		v, ok := at(t)
		if !ok {
			return nil
		}
		out[i] = v
	}
	if s.Capacity == nil {
		var mean float64
		for _, v := range out {
			mean += v
		}
		mean /= float64(n)
		if mean <= 0 || s.Rate.Offered <= 0 {
			return nil
		}
		for i := range out {
			out[i] *= s.Rate.Offered / mean
		}
	}
	ptrs := make([]*float64, n)
	for i := range out {
		v := math.Round(out[i]*10) / 10
		ptrs[i] = &v
	}
	return ptrs
}

// histogramOf puts both histograms into the same 48 buckets, evenly spaced
// on a log scale from the fastest to the slowest request, as shares of
// each histogram's requests.
func histogramOf(in, sv *hdrhistogram.Histogram) *histData {
	lo := float64(max(min(in.Min(), sv.Min()), 1))
	hi := float64(max(in.Max(), sv.Max(), int64(lo)+1))
	const n = 48
	step := math.Log(hi/lo) / n
	h := &histData{}
	for i := range n {
		h.Ms = append(h.Ms, math.Round(lo*math.Exp(step*float64(i+1)))/1000)
	}
	fill := func(hist *hdrhistogram.Histogram) []float64 {
		out := make([]float64, n)
		total := float64(hist.TotalCount())
		for _, b := range hist.Distribution() {
			if b.Count == 0 {
				continue
			}
			v := float64(max(b.From, 1))
			i := int(math.Log(v/lo) / step)
			out[min(max(i, 0), n-1)] += float64(b.Count)
		}
		for i := range out {
			out[i] = math.Round(100000*out[i]/total) / 1000
		}
		return out
	}
	h.Intended, h.Service = fill(in), fill(sv)
	return h
}
