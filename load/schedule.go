package load

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Schedule is an open-model load profile: it says when each request of a
// run is due, whatever the target does. Due is the truth the honest latency
// is measured against; Vegeta's pacer is derived from it.
type Schedule interface {
	// Due is the offset from the start at which request n (0-based) is
	// due; false when the profile ends before it.
	Due(n uint64) (time.Duration, bool)
	// Hits is how many requests are due by offset t (fractional).
	Hits(t time.Duration) float64
	// Rate is the rate in requests per second at offset t.
	Rate(t time.Duration) float64
	// Peak is the highest rate the profile reaches over span (checked
	// against a target's ceiling).
	Peak(span time.Duration) float64
	// Name is the profile's name: constant, linear, steps or sine.
	Name() string
}

// Constant offers Rate requests per second.
type Constant struct{ PerSecond float64 }

func (c Constant) Due(n uint64) (time.Duration, bool) {
	return seconds(float64(n) / c.PerSecond), true
}
func (c Constant) Hits(t time.Duration) float64 { return c.PerSecond * t.Seconds() }
func (c Constant) Rate(time.Duration) float64   { return c.PerSecond }
func (c Constant) Peak(time.Duration) float64   { return c.PerSecond }
func (Constant) Name() string                   { return "constant" }

// Linear ramps from From to To requests per second over Over, then holds To.
type Linear struct {
	From, To float64
	Over     time.Duration
}

func (l Linear) slope() float64 { return (l.To - l.From) / l.Over.Seconds() }

func (l Linear) Hits(t time.Duration) float64 {
	s := t.Seconds()
	d := l.Over.Seconds()
	if s <= d {
		return l.From*s + l.slope()*s*s/2
	}
	return l.From*d + l.slope()*d*d/2 + l.To*(s-d)
}

func (l Linear) Due(n uint64) (time.Duration, bool) {
	x := float64(n)
	d := l.Over.Seconds()
	if x <= l.Hits(l.Over) {
		a, b := l.slope()/2, l.From
		if math.Abs(a) < 1e-12 {
			return seconds(x / b), true
		}
		// a·t² + b·t − n = 0, the root in [0, d].
		t := (-b + math.Sqrt(b*b+4*a*x)) / (2 * a)
		return seconds(t), true
	}
	return seconds(d + (x-l.Hits(l.Over))/l.To), true
}

func (l Linear) Rate(t time.Duration) float64 {
	if t >= l.Over {
		return l.To
	}
	return l.From + l.slope()*t.Seconds()
}
func (l Linear) Peak(time.Duration) float64 { return math.Max(l.From, l.To) }
func (Linear) Name() string                 { return "linear" }

// Step is one stage of a Steps profile.
type Step struct {
	PerSecond float64
	For       time.Duration
}

// Steps holds each rate for its time, one after the other, then ends.
type Steps []Step

func (s Steps) Hits(t time.Duration) float64 {
	var h float64
	for _, st := range s {
		if t <= st.For {
			return h + st.PerSecond*t.Seconds()
		}
		h += st.PerSecond * st.For.Seconds()
		t -= st.For
	}
	return h
}

func (s Steps) Due(n uint64) (time.Duration, bool) {
	x := float64(n)
	var at time.Duration
	for _, st := range s {
		in := st.PerSecond * st.For.Seconds()
		if x < in && st.PerSecond > 0 {
			return at + seconds(x/st.PerSecond), true
		}
		x -= in
		at += st.For
	}
	return 0, false
}

func (s Steps) Rate(t time.Duration) float64 {
	for _, st := range s {
		if t < st.For {
			return st.PerSecond
		}
		t -= st.For
	}
	return 0
}

func (s Steps) Peak(time.Duration) float64 {
	var p float64
	for _, st := range s {
		p = math.Max(p, st.PerSecond)
	}
	return p
}

// Total is the steps' length.
func (s Steps) Total() time.Duration {
	var d time.Duration
	for _, st := range s {
		d += st.For
	}
	return d
}
func (Steps) Name() string { return "steps" }

// Sine swings around Mean by Amplitude requests per second with Period.
// Amplitude must not exceed Mean, so the rate never goes negative.
type Sine struct {
	Mean, Amplitude float64
	Period          time.Duration
}

func (s Sine) Hits(t time.Duration) float64 {
	w := 2 * math.Pi / s.Period.Seconds()
	return s.Mean*t.Seconds() + s.Amplitude/w*(1-math.Cos(w*t.Seconds()))
}

func (s Sine) Due(n uint64) (time.Duration, bool) {
	x := float64(n)
	// Hits is increasing: bisect between the bounds the extreme rates give.
	lo, hi := 0.0, x/math.Max(s.Mean-s.Amplitude, s.Mean*1e-3)+s.Period.Seconds()
	for range 60 {
		mid := (lo + hi) / 2
		if s.Hits(seconds(mid)) < x {
			lo = mid
		} else {
			hi = mid
		}
	}
	return seconds(hi), true
}

func (s Sine) Rate(t time.Duration) float64 {
	return s.Mean + s.Amplitude*math.Sin(2*math.Pi*t.Seconds()/s.Period.Seconds())
}
func (s Sine) Peak(time.Duration) float64 { return s.Mean + s.Amplitude }
func (Sine) Name() string                 { return "sine" }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// ParseSteps reads "100@10s,200@10s,400@20s": rate@duration, in order.
func ParseSteps(s string) (Steps, error) {
	var out Steps
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		r, d, ok := strings.Cut(part, "@")
		if !ok {
			return nil, fmt.Errorf("step %q: want rate@duration, e.g. 100@10s", part)
		}
		rate, err := strconv.ParseFloat(strings.TrimSuffix(r, "/s"), 64)
		if err != nil || rate <= 0 {
			return nil, fmt.Errorf("step %q: the rate %q is not a positive number", part, r)
		}
		dur, err := time.ParseDuration(d)
		if err != nil || dur <= 0 {
			return nil, fmt.Errorf("step %q: the duration %q is not a positive duration such as 10s", part, d)
		}
		out = append(out, Step{PerSecond: rate, For: dur})
	}
	if len(out) == 0 {
		return nil, errors.New("no steps: want e.g. 100@10s,200@10s")
	}
	return out, nil
}

// Shard is one of Count shards of a run: it sends requests Index,
// Index+Count, Index+2·Count, ... of the whole run's schedule, so shards
// together send exactly the one schedule, and no two send the same
// leveranse.
type Shard struct{ Index, Count int }

func (s Shard) global(local uint64) uint64 { return uint64(s.Index) + local*uint64(s.Count) }

// owns says whether the run's request g is this shard's.
func (s Shard) owns(g uint64) bool { return g%uint64(s.Count) == uint64(s.Index) }

// Validate refuses an index outside 0..Count-1.
func (s Shard) Validate() error {
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: want index/count with 0 ≤ index < count, e.g. 0/4", s.Index, s.Count)
	}
	return nil
}

// Bounds end a run: after Duration, after Count requests (of the whole
// run, over all shards), whichever comes first. A run must have one.
type Bounds struct {
	Duration time.Duration
	Count    uint64
}

// pacer turns a schedule, its bounds and a shard into Vegeta's Pacer.
type pacer struct {
	s     Schedule
	b     Bounds
	shard Shard
}

// due is when this shard's local request h is due, relative to the start.
func (p pacer) due(h uint64) (time.Duration, bool) {
	g := p.shard.global(h)
	if p.b.Count > 0 && g >= p.b.Count {
		return 0, false
	}
	d, ok := p.s.Due(g)
	if !ok || (p.b.Duration > 0 && d >= p.b.Duration) {
		return 0, false
	}
	return d, true
}

// Pace implements vegeta.Pacer.
func (p pacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	d, ok := p.due(hits)
	if !ok {
		return 0, true
	}
	return d - elapsed, false
}

// Rate implements vegeta.Pacer: this shard's share of the rate.
func (p pacer) Rate(elapsed time.Duration) float64 {
	return p.s.Rate(elapsed) / float64(p.shard.Count)
}

// planned is how many of this shard's requests are due before t (capped
// by the bounds).
func (p pacer) planned(t time.Duration) uint64 {
	if p.b.Duration > 0 && t > p.b.Duration {
		t = p.b.Duration
	}
	return p.share(uint64(math.Ceil(p.s.Hits(t) - 1e-9)))
}

// total is how many of this shard's requests the whole run plans.
func (p pacer) total() uint64 {
	switch {
	case p.b.Duration > 0:
		return p.planned(p.b.Duration)
	case p.b.Count > 0:
		return p.share(p.b.Count)
	}
	if st, ok := p.s.(Steps); ok {
		return p.share(uint64(math.Ceil(st.Hits(st.Total()) - 1e-9)))
	}
	return 0
}

// share is this shard's part of the run's first g requests: Index,
// Index+Count, ... below g, and at most the count bound.
func (p pacer) share(g uint64) uint64 {
	if p.b.Count > 0 && g > p.b.Count {
		g = p.b.Count
	}
	i, n := uint64(p.shard.Index), uint64(p.shard.Count)
	if g <= i {
		return 0
	}
	return (g-i-1)/n + 1
}

// length is the schedule's planned span: the duration bound, or when the
// last counted request is due.
func (p pacer) length() time.Duration {
	if p.b.Duration > 0 {
		return p.b.Duration
	}
	if p.b.Count > 0 {
		if d, ok := p.s.Due(p.b.Count - 1); ok {
			return d
		}
	}
	if st, ok := p.s.(Steps); ok {
		return st.Total()
	}
	return 0
}
