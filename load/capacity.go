package load

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/finprod/finprod/internal/loadfile"
)

// Defaults of a capacity search.
const (
	DefaultCapacitySLO   = "p99<500ms,success>=99%"
	DefaultStartRate     = 50
	DefaultLocalMaxRate  = 20000
	DefaultStageDuration = 4 * time.Second
	DefaultPrecision     = 0.1
	DefaultMaxStages     = 14
	// minSentShare of a stage's schedule must have been sent for it to pass.
	minSentShare = 0.9
)

// CapacityOptions are one capacity search: Options give the target, the
// payloads and the gates (Bounds and Schedule are set per stage).
type CapacityOptions struct {
	Options
	// Start is the first stage's rate; Max the highest tried (default the
	// target's ceiling, or DefaultLocalMaxRate without one).
	Start, Max float64
	// Stage is each stage's length.
	Stage time.Duration
	// Precision ends the bisection when the failing rate is within this
	// share above the passing one; MaxStages bounds the search.
	Precision float64
	MaxStages int
	// Volume oppgaver to deliver by Deadline (both optional): the search
	// then answers whether they fit.
	Volume   int64
	Deadline time.Duration
}

// FindCapacity steps the rate up (doubling) until a stage fails a gate, then
// bisects between the last rate that passed and the first that failed.
// Every stage is a fresh Vegeta attack over one shared HTTP client, and
// stops as soon as one of its gates is lost.
func FindCapacity(ctx context.Context, co CapacityOptions) (*loadfile.Summary, error) {
	o := &co.Options
	o.withDefaults()
	if co.Start <= 0 {
		co.Start = DefaultStartRate
	}
	if co.Max <= 0 {
		co.Max = o.policy().MaxRate
		if co.Max <= 0 {
			co.Max = DefaultLocalMaxRate
		}
	}
	if co.Stage <= 0 {
		co.Stage = DefaultStageDuration
	}
	if co.Precision <= 0 {
		co.Precision = DefaultPrecision
	}
	if co.MaxStages <= 0 {
		co.MaxStages = DefaultMaxStages
	}
	if len(o.Gates) == 0 {
		return nil, errors.New("a capacity search needs an SLO to meet, e.g. --slo 'p99<500ms,success>=99%'")
	}
	if co.Start > co.Max {
		return nil, fmt.Errorf("the start rate %g/s is above the highest rate to try, %g/s", co.Start, co.Max)
	}
	if co.Volume < 0 || co.Deadline < 0 || (co.Volume > 0) != (co.Deadline > 0) {
		return nil, errors.New("the deadline question needs both a volume (--volume oppgaver) and a deadline (--deadline 72h or --window FROM/TO)")
	}
	o.Schedule, o.Bounds = Constant{PerSecond: co.Max}, Bounds{Duration: co.Stage}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	// A stage whose sender fell behind needs no gate of its own: the
	// requests it sent late count their wait in the intended latency.
	gates := o.Gates

	r, w, done, err := begin(ctx, *o)
	if err != nil {
		return nil, err
	}
	defer done()

	var stages []*stageResult
	var table []loadfile.Stage
	best, failed := 0.0, 0.0
	rate := co.Start
	for len(table) < co.MaxStages && ctx.Err() == nil {
		p := pacer{s: Constant{PerSecond: rate}, b: Bounds{Duration: co.Stage}, shard: o.Shard}
		st := r.stage(ctx, fmt.Sprintf("stage-%d-%g/s", len(table)+1, rate), p, w, newLosses(gates, p.total(), true))
		if st.interrupted {
			stages = append(stages, st)
			break
		}
		res, pass := Evaluate(gates, st.measures())
		planned := p.total()
		// A rate the sender could not send is no capacity: requests that
		// were due and never sent measure nothing.
		pass = pass && float64(st.rec.sent) >= minSentShare*float64(planned)
		stages = append(stages, st)
		table = append(table, loadfile.Stage{
			Rate: rate, DurationMs: round(ms(st.ended.Sub(st.began))), Planned: planned, Sent: st.rec.sent, Success: st.rec.success,
			Throughput: round(st.throughput()), P50Ms: round(float64(st.rec.intended.ValueAtQuantile(50)) / 1000),
			P99Ms: round(float64(st.rec.intended.ValueAtQuantile(99)) / 1000), LagP99Ms: round(float64(st.rec.lag.ValueAtQuantile(99)) / 1000),
			Gates: res, Pass: pass,
		})
		next, done := nextRate(rate, pass, &best, &failed, co.Max, co.Precision)
		if done {
			break
		}
		rate = next
	}

	all := mergeStages(stages)
	s := r.summarize(ctx, loadfile.KindCapacity, all)
	s.Parameters.Profile, s.Parameters.Rate, s.Parameters.RateTo = "capacity", co.Start, co.Max
	s.Parameters.DurationMs = ms(co.Stage)
	s.Requests.Planned = 0
	for _, st := range table {
		s.Requests.Planned += st.Planned
	}
	// The failing stages are meant to fail: the search's gates are those
	// of the best stage, and its verdict whether a rate was found.
	s.Bottleneck = ""
	s.Gates, s.GatesPassed = nil, best > 0
	for i := len(table) - 1; i >= 0; i-- {
		if table[i].Rate == best && table[i].Pass {
			s.Gates = table[i].Gates
			break
		}
	}
	c := &loadfile.Capacity{Rate: best, Stages: table}
	if co.Volume > 0 {
		c.Deadline = deadlineAnswer(best, co.Volume, o.Oppgaver, co.Deadline)
	}
	c.Sentence = capacitySentence(c, o.SLO, co, best >= co.Max)
	s.Capacity = c
	if err := w.finish(s, r.tl, all.rec); err != nil {
		return s, err
	}
	if s.Interrupted {
		return s, ErrInterrupted
	}
	return s, nil
}

// nextRate is the search's step: double until the first failure, then
// bisect; done when the bracket is tight, or the top passed.
func nextRate(rate float64, pass bool, best, failed *float64, top, precision float64) (float64, bool) {
	if pass {
		*best = rate
	} else {
		*failed = rate
	}
	switch {
	case *failed == 0 && rate >= top:
		return 0, true // the highest rate allowed passed
	case *failed == 0:
		return math.Min(rate*2, top), false
	case *best == 0:
		if rate/2 < 1 {
			return 0, true
		}
		return rate / 2, false // even the start failed: step down
	case *failed/(*best)-1 <= precision:
		return 0, true
	}
	return math.Round((*best + *failed) / 2), false
}

func deadlineAnswer(rate float64, volume int64, oppgaver int, deadline time.Duration) *loadfile.DeadlineAnswer {
	lev := (volume + int64(oppgaver) - 1) / int64(oppgaver)
	d := &loadfile.DeadlineAnswer{Volume: volume, OppgaverPerLeveranse: oppgaver, Leveranser: lev, DeadlineMs: ms(deadline),
		RequiredRate: round(float64(lev) / deadline.Seconds())}
	if rate > 0 {
		d.NeededMs = round(float64(lev) / rate * 1000)
		d.Headroom = round(rate / (float64(lev) / deadline.Seconds()))
		d.Fits = d.Headroom >= 1
	}
	return d
}

// capacitySentence is the one-sentence answer.
func capacitySentence(c *loadfile.Capacity, slo string, co CapacityOptions, atTop bool) string {
	if c.Rate == 0 {
		low := co.Start
		for _, st := range c.Stages {
			low = math.Min(low, st.Rate)
		}
		return fmt.Sprintf("No stage met %s, down to %s leveranser/s: the target cannot take this load within the SLO, so no deadline can be promised.", slo, num(low))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The highest rate that met %s was %s leveranser/s", slo, num(c.Rate))
	top := ""
	if atTop {
		top = fmt.Sprintf(" %s/s was the highest rate tried: the target may take more (raise --max-rate).", num(c.Rate))
	}
	d := c.Deadline
	if d == nil {
		b.WriteString("." + top)
		return b.String()
	}
	fmt.Fprintf(&b, " (%s oppgaver/s at %d per leveranse): %s oppgaver take %s at that rate, which ",
		num(c.Rate*float64(d.OppgaverPerLeveranse)), d.OppgaverPerLeveranse, num(float64(d.Volume)), human(time.Duration(d.NeededMs*float64(time.Millisecond))))
	deadline := human(time.Duration(d.DeadlineMs * float64(time.Millisecond)))
	if d.Fits {
		fmt.Fprintf(&b, "fits in %s with %.1f× headroom (it needs %s leveranser/s).", deadline, d.Headroom, num(d.RequiredRate))
	} else {
		fmt.Fprintf(&b, "does NOT fit in %s: it needs %s leveranser/s, %.1f× the rate found.", deadline, num(d.RequiredRate), 1/d.Headroom)
	}
	return b.String() + top
}

// mergeStages folds the stages into one result for the search's summary.
func mergeStages(stages []*stageResult) *stageResult {
	all := &stageResult{name: "capacity", rec: newRecorder(nil)}
	if len(stages) == 0 {
		all.began, all.ended = time.Now(), time.Now()
		all.p = pacer{s: Constant{PerSecond: 1}, shard: Shard{0, 1}}
		return all
	}
	all.began, all.ended = stages[0].began, stages[len(stages)-1].ended
	var planned float64
	for _, st := range stages {
		all.rec.merge(st.rec)
		all.interrupted = all.interrupted || st.interrupted
		planned += float64(st.p.planned(st.ended.Sub(st.began)))
	}
	// The search's offered rate is its mean over all stages.
	all.p = pacer{s: Constant{PerSecond: planned / all.ended.Sub(all.began).Seconds()}, shard: Shard{0, 1}}
	return all
}

func (r *recorder) merge(o *recorder) {
	r.intended.Merge(o.intended)
	r.service.Merge(o.service)
	r.lag.Merge(o.lag)
	r.sent += o.sent
	r.success += o.success
	r.bytesIn += o.bytesIn
	r.bytesOut += o.bytesOut
	add(r.status, o.status)
	add(r.gld, o.gld)
	add(r.errs, o.errs)
	add(r.reasons, o.reasons)
	r.gaveUp += o.gaveUp
	r.refused += o.refused
	r.interrupted += o.interrupted
	r.acceptedTwice += o.acceptedTwice
	for i, w := range o.accepted {
		for len(r.accepted) <= i {
			r.accepted = append(r.accepted, 0)
		}
		if r.accepted[i]&w != 0 {
			r.acceptedTwice++
		}
		r.accepted[i] |= w
	}
	if r.first.IsZero() || (!o.first.IsZero() && o.first.Before(r.first)) {
		r.first = o.first
	}
	if o.last.After(r.last) {
		r.last = o.last
	}
}

// num writes a rate or count for a sentence: thousands grouped, at most
// one decimal below 100.
func num(v float64) string {
	if v < 100 && v != math.Trunc(v) {
		return fmt.Sprintf("%.1f", v)
	}
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// human writes a duration in the largest sensible units.
func human(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%time.Hour != 0:
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return d.Round(100 * time.Millisecond).String()
}

func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
