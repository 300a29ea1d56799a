package load

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/finprod/finprod/internal/loadfile"
)

// WriteReport prints a summary for people: what was offered and sent,
// both latencies, answers, retries, the reconciliation, the gates.
func WriteReport(w io.Writer, s *loadfile.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := s.Parameters
	fmt.Fprintf(tw, "target\t%s (%s)\n", s.Target.Name, s.Target.API)
	shape := fmt.Sprintf("%s %g/s", p.Profile, p.Rate)
	switch p.Profile {
	case "linear":
		shape = fmt.Sprintf("linear %g/s → %g/s", p.Rate, p.RateTo)
	case "steps":
		shape = "steps " + p.Steps
	case "sine":
		shape = fmt.Sprintf("sine %g/s ± %g/s", p.Rate, p.Amplitude)
	case "capacity":
		shape = fmt.Sprintf("capacity search from %g/s, at most %g/s, stages of %s", p.Rate, p.RateTo, human(msDuration(p.DurationMs)))
	}
	if sh := s.ShardNote(); sh != "" {
		shape += ", " + sh
	}
	fmt.Fprintf(tw, "load\t%s, seed %d, %s per leveranse\n", shape, p.Seed, oppgaver(p.Oppgaver))
	state := ""
	if s.Interrupted {
		state = " (interrupted)"
	}
	if s.Aborted != "" {
		state = " (stopped early: " + s.Aborted + " was lost)"
	}
	fmt.Fprintf(tw, "requests\t%d of %d planned sent, %d answered 2xx (%.2f%%) in %s%s\n", s.Requests.Sent, s.Requests.Planned, s.Requests.Success,
		100*s.Requests.SuccessRatio, human(msDuration(s.ElapsedMs)), state)
	fmt.Fprintf(tw, "rate\toffered %.1f/s, sent %.1f/s, throughput %.1f/s (%.0f%% of offered)\n",
		s.Rate.Offered, s.Rate.Sent, s.Rate.Throughput, 100*s.Rate.Achieved)
	q := func(x loadfile.Quantiles) string {
		return fmt.Sprintf("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s", fmtMs(x.P50Ms), fmtMs(x.P90Ms), fmtMs(x.P99Ms), fmtMs(x.P999Ms), fmtMs(x.MaxMs))
	}
	fmt.Fprintf(tw, "latency (intended)\t%s\n", q(s.Latency.Intended))
	fmt.Fprintf(tw, "latency (service)\t%s\n", q(s.Latency.Service))
	fmt.Fprintf(tw, "schedule lag\tp50 %s  p99 %s  max %s\n", fmtMs(s.ScheduleLag.P50Ms), fmtMs(s.ScheduleLag.P99Ms), fmtMs(s.ScheduleLag.MaxMs))
	if w := s.Workers; w != nil {
		capped := ""
		if w.CapReached {
			capped = fmt.Sprintf(": the cap was reached %s into the run, and requests waited for a free worker from then", human(msDuration(w.CapReachedAtMs)))
		}
		fmt.Fprintf(tw, "workers	peak %d of at most %d%s\n", w.Peak, w.Max, capped)
	}
	fmt.Fprintf(tw, "answers\t%s\n", counts(s.Status, "HTTP "))
	if len(s.GLD) > 0 {
		fmt.Fprintf(tw, "GLD codes\t%s\n", counts(s.GLD, ""))
	}
	if len(s.Errors) > 0 {
		fmt.Fprintf(tw, "no answer\t%s\n", counts(s.Errors, ""))
	}
	r := s.Retries
	fmt.Fprintf(tw, "retries\t%d first try, %d recovered by %d retries, %d given up, %d × 409\n", r.FirstTry, r.Recovered, r.Attempts, r.GaveUp, r.Conflicts)
	c := s.Reconciliation
	verdict := "every leveranse accounted for"
	if !c.OK {
		verdict = "NOT RECONCILED"
	}
	fmt.Fprintf(tw, "reconciliation\t%s: %d sent = %d accepted + %d given up + %d refused", verdict, c.Sent, c.Accepted, c.GaveUp, c.Refused)
	if c.Unaccounted > 0 {
		fmt.Fprintf(tw, " (%d unaccounted)", c.Unaccounted)
	}
	fmt.Fprintln(tw)
	if st := c.Store; st != nil {
		fmt.Fprintf(tw, "store\t%d forsendelser of %d distinct leveranser; %d duplicated, %d lost, %d stored after the run gave up\n",
			st.Forsendelser, st.Distinct, st.Duplicated, st.Lost, st.StoredNotAccepted)
	}
	if s.Bottleneck != "" {
		fmt.Fprintf(tw, "bottleneck\t%s\n", s.Bottleneck)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.Capacity != nil {
		return writeStages(w, s.Capacity.Stages)
	}
	return WriteGates(w, s.Gates)
}

// WriteGates prints the pass/fail table.
func WriteGates(w io.Writer, gates []loadfile.GateResult) error {
	if len(gates) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\ngate\tactual\tverdict")
	for _, g := range gates {
		v := "PASS"
		if !g.Pass {
			v = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Gate, fmtValue(g.Actual, g.Unit), v)
	}
	return tw.Flush()
}

func writeStages(w io.Writer, stages []loadfile.Stage) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nstage\trate/s\tsent/planned\tthroughput/s\tp50\tp99\tlag p99\tverdict\t")
	for i, st := range stages {
		v := "pass"
		if !st.Pass {
			var lost []string
			for _, g := range st.Gates {
				if !g.Pass {
					lost = append(lost, g.Gate)
				}
			}
			if st.Planned > 0 && float64(st.Sent) < minSentShare*float64(st.Planned) {
				lost = append(lost, fmt.Sprintf("sent %.0f%% of its schedule", 100*float64(st.Sent)/float64(st.Planned)))
			}
			v = "fail: " + strings.Join(lost, ", ")
		}
		fmt.Fprintf(tw, "%d\t%s\t%d/%d\t%.1f\t%s\t%s\t%s\t%s\t\n", i+1, num(st.Rate), st.Sent, st.Planned, st.Throughput, fmtMs(st.P50Ms), fmtMs(st.P99Ms), fmtMs(st.LagP99Ms), v)
	}
	return tw.Flush()
}

func counts(c loadfile.Counts, prefix string) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s%s: %d", prefix, k, c[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func fmtMs(v float64) string {
	switch {
	case v >= 10000:
		return fmt.Sprintf("%.1fs", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	}
	return fmt.Sprintf("%.2fms", v)
}

func fmtValue(v float64, unit string) string {
	switch unit {
	case "ratio":
		return fmt.Sprintf("%.2f%%", 100*v)
	case "/s":
		return fmt.Sprintf("%.1f/s", v)
	}
	return fmtMs(v)
}

func oppgaver(n int) string {
	if n == 1 {
		return "1 oppgave"
	}
	return fmt.Sprintf("%d oppgaver", n)
}
