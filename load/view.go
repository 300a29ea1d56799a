package load

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/finprod/finprod/internal/loadfile"
)

// View shows a run while it goes: on a terminal a panel that refreshes in
// place (github.com/vbauerster/mpb), elsewhere a plain line every few
// seconds, so a CI log stays readable. Update is Options.Progress.
type View struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	mu       sync.Mutex
	p        *mpb.Progress
	bar      *mpb.Bar
	stage    string
	cur      atomic.Pointer[Snapshot]
	lastLine time.Time
}

// LineEvery is how often the plain view writes a line.
const LineEvery = 5 * time.Second

// PanelEvery is how often a terminal panel wants a snapshot.
const PanelEvery = 250 * time.Millisecond

// NewView writes to w: a panel when terminal, else lines.
func NewView(w io.Writer, terminal bool) *View {
	return &View{w: w, terminal: terminal, every: LineEvery}
}

// Every is how often the run should call Update.
func (v *View) Every() time.Duration {
	if v.terminal {
		return PanelEvery
	}
	return time.Second
}

// Update takes a snapshot.
func (v *View) Update(s Snapshot) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.terminal {
		if s.Done || v.lastLine.IsZero() || time.Since(v.lastLine) >= v.every {
			v.lastLine = time.Now()
			fmt.Fprintln(v.w, Line(s))
		}
		return
	}
	v.cur.Store(&s)
	if v.p == nil {
		v.p = mpb.New(mpb.WithOutput(v.w), mpb.WithWidth(100), mpb.WithRefreshRate(PanelEvery), mpb.WithAutoRefresh())
	}
	if v.bar == nil || s.Stage != v.stage {
		if v.bar != nil {
			v.bar.SetTotal(-1, true)
		}
		v.stage = s.Stage
		v.bar = v.newBar(s)
	}
	if total := s.Length.Milliseconds(); total > 0 {
		v.bar.SetCurrent(min(s.Elapsed.Milliseconds(), total))
	}
	if s.Done {
		v.bar.SetTotal(-1, true)
	}
}

func (v *View) newBar(s Snapshot) *mpb.Bar {
	line := func(f func(Snapshot) string) mpb.BarFiller {
		return mpb.BarFillerFunc(func(w io.Writer, _ decor.Statistics) error {
			if s := v.cur.Load(); s != nil {
				_, err := fmt.Fprintln(w, "  "+f(*s))
				return err
			}
			_, err := fmt.Fprintln(w)
			return err
		})
	}
	return v.p.New(max(s.Length.Milliseconds(), 1), mpb.BarStyle(),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
			s := v.cur.Load()
			return fmt.Sprintf("%s %s/%s", s.Stage, s.Elapsed.Round(time.Second), s.Length.Round(time.Second))
		})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			s := v.cur.Load()
			return fmt.Sprintf("%d/%d sent, %s left", s.Sent, s.Planned, max(s.Length-s.Elapsed, 0).Round(time.Second))
		})),
		mpb.BarRemoveOnComplete(),
		mpb.BarBtmExtender(
			line(func(s Snapshot) string {
				return fmt.Sprintf("rate     offered %.0f/s  achieved %.0f/s  schedule lag p99 %s", s.Offered, s.Achieved, s.LagP99.Round(time.Microsecond*100))
			}),
			line(func(s Snapshot) string {
				return fmt.Sprintf("latency  p50 %s  p99 %s (intended)  p99 %s (service)", s.P50.Round(time.Microsecond*100), s.P99.Round(time.Microsecond*100), s.Service99.Round(time.Microsecond*100))
			}),
			line(func(s Snapshot) string {
				return "answers  " + counts(s.Status, "HTTP ") + gldPart(s.GLD)
			}),
			line(func(s Snapshot) string {
				r := s.Retries
				return fmt.Sprintf("retries  %d (recovered %d, gave up %d, 409: %d)", r.Retries, r.Recovered, r.GaveUp, r.Conflicts)
			}),
			line(func(s Snapshot) string { return "workers  " + workersPart(s) }),
			line(func(s Snapshot) string { return "gates    " + gatesPart(s.Gates) }),
		),
	)
}

// Close stops the panel.
func (v *View) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.p != nil {
		if v.bar != nil && !v.bar.Completed() {
			v.bar.Abort(false)
		}
		v.p.Wait()
		v.p = nil
	}
}

// Line is the plain view's line for a snapshot.
func Line(s Snapshot) string {
	errs := uint64(0)
	for k, n := range s.Status {
		if !strings.HasPrefix(k, "2") {
			errs += n
		}
	}
	capped := ""
	if s.WorkersCapped {
		capped = " (cap reached)"
	}
	return fmt.Sprintf("finprod load: %s %s/%s sent %d/%d ok %d errors %d offered %.0f/s achieved %.0f/s p50 %s p99 %s retries %d workers %d/%d%s gates %s",
		s.Stage, s.Elapsed.Round(time.Second), s.Length.Round(time.Second), s.Sent, s.Planned, s.Success, errs,
		s.Offered, s.Achieved, s.P50.Round(100*time.Microsecond), s.P99.Round(100*time.Microsecond), s.Retries.Retries,
		s.Workers, s.MaxWorkers, capped, gatesPart(s.Gates))
}

// workersPart is the panel's workers line: busy now, the peak, the cap,
// and once every worker has been busy, what that means.
func workersPart(s Snapshot) string {
	part := fmt.Sprintf("%d busy, peak %d of %d", s.Workers, s.PeakWorkers, s.MaxWorkers)
	if s.WorkersCapped {
		part += "  CAP REACHED: requests wait for a free worker (schedule lag); --max-workers raises the cap"
	}
	return part
}

func gldPart(c loadfile.Counts) string {
	if len(c) == 0 {
		return ""
	}
	return "  |  " + counts(c, "")
}

func gatesPart(gs []loadfile.GateResult) string {
	if len(gs) == 0 {
		return "none"
	}
	parts := make([]string, len(gs))
	for i, g := range gs {
		mark := "ok"
		if !g.Pass {
			mark = "FAILING"
		}
		parts[i] = fmt.Sprintf("%s %s (%s)", g.Gate, mark, fmtValue(g.Actual, g.Unit))
	}
	return strings.Join(parts, ", ")
}
