package load

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/finprod/finprod/internal/loadfile"
)

// Gate is one SLO condition, such as p99<800ms or success>=99.9%.
type Gate struct {
	// Expr is the gate as written.
	Expr string
	// Metric: a latency quantile "p50", "p99", "p99.9", or "max", "mean"
	// (intended-time latency, ms); "success" (share of requests answered
	// 2xx); "rate" (throughput as a share of the offered rate, or in /s
	// when Absolute); "lag" (p99 schedule lag, ms).
	Metric    string
	Op        string
	Threshold float64
	// Absolute: a rate gate in requests per second, not a share.
	Absolute bool
	// Abort stops the run as soon as the gate can no longer pass.
	Abort bool
	// quantile is 0..100 for a latency quantile, 100 for max.
	quantile float64
}

var gateRe = regexp.MustCompile(`^\s*([a-z]+[0-9.]*)\s*(<=|>=|<|>)\s*([0-9.]+)\s*(ms|s|us|µs|%|/s)?\s*(?::\s*(abort))?\s*$`)

// ParseSLO reads a comma-separated list of gates, e.g.
// "p99<800ms,p50<200ms,success>=99.9%,rate>=95%". A gate followed by
// ":abort" stops the run early once it is lost.
func ParseSLO(expr string) ([]Gate, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	var gates []Gate
	for _, part := range strings.Split(expr, ",") {
		g, err := parseGate(part)
		if err != nil {
			return nil, err
		}
		gates = append(gates, g)
	}
	return gates, nil
}

const sloHelp = "want e.g. p99<800ms, p50<200ms, max<2s, mean<100ms, success>=99.9%, rate>=95%, rate>=150/s or lag<50ms"

func parseGate(part string) (Gate, error) {
	m := gateRe.FindStringSubmatch(part)
	if m == nil {
		return Gate{}, fmt.Errorf("SLO gate %q: %s", strings.TrimSpace(part), sloHelp)
	}
	g := Gate{Expr: strings.TrimSpace(part), Metric: m[1], Op: m[2], Abort: m[5] != ""}
	v, err := strconv.ParseFloat(m[3], 64)
	if err != nil {
		return Gate{}, fmt.Errorf("SLO gate %q: %q is not a number", g.Expr, m[3])
	}
	unit := m[4]
	switch {
	case g.Metric == "max" || g.Metric == "mean" || g.Metric == "lag" || strings.HasPrefix(g.Metric, "p"):
		if g.Metric == "max" {
			g.quantile = 100
		} else if strings.HasPrefix(g.Metric, "p") {
			q, err := strconv.ParseFloat(g.Metric[1:], 64)
			if err != nil || q <= 0 || q >= 100 {
				return Gate{}, fmt.Errorf("SLO gate %q: %s is not a quantile between p0 and p100 (e.g. p99, p99.9)", g.Expr, g.Metric)
			}
			g.quantile = q
		}
		d, err := durationValue(v, unit)
		if err != nil {
			return Gate{}, fmt.Errorf("SLO gate %q: %v", g.Expr, err)
		}
		g.Threshold = d
	case g.Metric == "success":
		switch unit {
		case "%":
			v /= 100
		case "":
		default:
			return Gate{}, fmt.Errorf("SLO gate %q: success is a share, e.g. success>=99.9%% or success>=0.999", g.Expr)
		}
		if v < 0 || v > 1 {
			return Gate{}, fmt.Errorf("SLO gate %q: a share must be between 0%% and 100%%", g.Expr)
		}
		g.Threshold = v
	case g.Metric == "rate":
		switch unit {
		case "%":
			g.Threshold = v / 100
		case "/s":
			g.Threshold, g.Absolute = v, true
		default:
			return Gate{}, fmt.Errorf("SLO gate %q: give rate as a share of the offered rate (rate>=95%%) or in requests per second (rate>=150/s)", g.Expr)
		}
	default:
		return Gate{}, fmt.Errorf("SLO gate %q: unknown metric %q; %s", g.Expr, g.Metric, sloHelp)
	}
	if g.Abort && !g.abortable() {
		return Gate{}, fmt.Errorf("SLO gate %q: :abort works for latency quantiles, max and success, which can be lost before the run ends", g.Expr)
	}
	return g, nil
}

// durationValue is a latency threshold in milliseconds.
func durationValue(v float64, unit string) (float64, error) {
	switch unit {
	case "ms":
		return v, nil
	case "s":
		return v * 1000, nil
	case "us", "µs":
		return v / 1000, nil
	}
	return 0, fmt.Errorf("a latency needs a unit: ms, s or us")
}

func (g Gate) unit() string {
	switch {
	case g.Metric == "success" || (g.Metric == "rate" && !g.Absolute):
		return "ratio"
	case g.Metric == "rate":
		return "/s"
	}
	return "ms"
}

// abortable: the gate is an upper bound on latency or a lower bound on
// success, which can be lost for good before the run ends.
func (g Gate) abortable() bool {
	if g.Metric == "success" {
		return g.Op == ">=" || g.Op == ">"
	}
	return g.quantile > 0 && (g.Op == "<" || g.Op == "<=")
}

func (g Gate) holds(actual float64) bool {
	switch g.Op {
	case "<":
		return actual < g.Threshold
	case "<=":
		return actual <= g.Threshold
	case ">":
		return actual > g.Threshold
	}
	return actual >= g.Threshold
}

// Measures are what gates are evaluated over: a complete result set, or
// the part of one seen so far.
type Measures struct {
	Intended   loadfile.Quantiles
	LagP99Ms   float64
	Sent       uint64
	Success    uint64
	Throughput float64
	Offered    float64
	intendedAt func(q float64) float64
}

// Evaluate checks every gate. With no requests, no gate passes: a run that
// sent nothing proves nothing.
func Evaluate(gates []Gate, m Measures) ([]loadfile.GateResult, bool) {
	out := make([]loadfile.GateResult, 0, len(gates))
	all := true
	for _, g := range gates {
		var actual float64
		switch {
		case g.Metric == "success":
			if m.Sent > 0 {
				actual = float64(m.Success) / float64(m.Sent)
			}
		case g.Metric == "rate" && g.Absolute:
			actual = m.Throughput
		case g.Metric == "rate":
			if m.Offered > 0 {
				actual = m.Throughput / m.Offered
			}
		case g.Metric == "mean":
			actual = m.Intended.MeanMs
		case g.Metric == "lag":
			actual = m.LagP99Ms
		case g.Metric == "max":
			actual = m.Intended.MaxMs
		default:
			actual = m.quantile(g.quantile)
		}
		pass := m.Sent > 0 && g.holds(actual)
		all = all && pass
		out = append(out, loadfile.GateResult{Gate: g.Expr, Metric: g.Metric, Op: g.Op, Threshold: g.Threshold,
			Actual: round(actual), Unit: g.unit(), Pass: pass})
	}
	return out, all
}

func (m Measures) quantile(q float64) float64 {
	if m.intendedAt != nil {
		return m.intendedAt(q)
	}
	switch q {
	case 50:
		return m.Intended.P50Ms
	case 90:
		return m.Intended.P90Ms
	case 95:
		return m.Intended.P95Ms
	case 99:
		return m.Intended.P99Ms
	case 99.9:
		return m.Intended.P999Ms
	}
	return math.NaN()
}

// round keeps summaries readable: 4 significant decimals are plenty.
func round(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1e4) / 1e4
}

// loss watches abortable gates during a run: a latency gate pQ<T is lost
// once more than (100−Q)% of all planned requests took T or longer; a
// success gate once more failed than it allows of all planned requests.
type loss struct {
	gate    Gate
	allowed float64
	over    uint64 // requests slower than the threshold, or failed
}

func newLosses(gates []Gate, planned uint64, all bool) []*loss {
	var ls []*loss
	for _, g := range gates {
		if !(g.Abort || all) || !g.abortable() {
			continue
		}
		l := &loss{gate: g}
		if g.Metric == "success" {
			l.allowed = (1 - g.Threshold) * float64(planned)
		} else {
			l.allowed = (100 - g.quantile) / 100 * float64(planned)
		}
		ls = append(ls, l)
	}
	return ls
}

// observe counts one result; true when the gate is now lost for good.
func (l *loss) observe(intended time.Duration, ok bool) bool {
	if l.gate.Metric == "success" {
		if !ok {
			l.over++
		}
	} else {
		v := ms(intended)
		if !l.gate.holds(v) {
			l.over++
		}
	}
	return float64(l.over) > l.allowed
}
