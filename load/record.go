package load

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/loadfile"
)

// recordUs records d in microseconds, held within the histograms' range.
func recordUs(h *hdrhistogram.Histogram, d time.Duration) {
	us := max(d.Microseconds(), loadfile.HistLowest)
	_ = h.RecordValue(min(us, loadfile.HistHighest))
}

// recorder takes every result of a run: the three histograms, counts by
// status, GLD code and error kind, and which leveranser were accepted. It
// is fed by one goroutine and read by the live view, under mu.
type recorder struct {
	mu sync.Mutex

	intended, service, lag *hdrhistogram.Histogram

	sent, success     uint64
	bytesIn, bytesOut uint64
	status, gld, errs loadfile.Counts
	gaveUp, refused   uint64
	interrupted       uint64
	reasons           loadfile.Counts
	accepted          bitset
	acceptedTwice     uint64
	first, last       time.Time
	losses            []*loss
	lost              string
}

func newRecorder(losses []*loss) *recorder {
	return &recorder{
		intended: loadfile.NewHistogram(loadfile.TagIntended), service: loadfile.NewHistogram(loadfile.TagService), lag: loadfile.NewHistogram(loadfile.TagLag),
		status: loadfile.Counts{}, gld: loadfile.Counts{}, errs: loadfile.Counts{}, reasons: loadfile.Counts{}, losses: losses,
	}
}

// add records one result. due is when the schedule wanted it sent;
// stopping says the run is being interrupted, so a failure without an
// answer is the interruption's, not the target's.
func (r *recorder) add(res *vegeta.Result, due time.Time, shard Shard, stopping bool) {
	end := res.End()
	intended := end.Sub(due)
	lag := max(res.Timestamp.Sub(due), 0)
	ok := res.Code >= 200 && res.Code < 300

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first.IsZero() || due.Before(r.first) {
		r.first = due
	}
	if end.After(r.last) {
		r.last = end
	}
	r.sent++
	r.bytesIn += res.BytesIn
	r.bytesOut += res.BytesOut
	recordUs(r.intended, intended)
	recordUs(r.service, res.Latency)
	recordUs(r.lag, lag)
	r.status[strconv.Itoa(int(res.Code))]++
	switch {
	case ok:
		r.success++
		if k, found := referanseIndex(res.Body); found && shard.owns(k) {
			if !r.accepted.set((k - uint64(shard.Index)) / uint64(shard.Count)) {
				r.acceptedTwice++
			}
		}
	case res.Code == 0:
		kind := errorKind(res.Error)
		if stopping && kind == "cancelled" {
			r.interrupted++
			r.reasons["interrupted"]++
		} else {
			r.errs[kind]++
			if kind == "refused-by-policy" {
				r.refused++
			} else {
				r.gaveUp++
			}
			r.reasons[kind]++
		}
	default:
		if f, err := contract.ParseFeil(res.Body); err == nil && f.Kode != "" {
			r.gld[string(f.Kode)]++
		}
		if res.Code == 429 || res.Code >= 500 {
			r.gaveUp++
		} else {
			r.refused++
		}
		r.reasons[strconv.Itoa(int(res.Code))]++
	}
	for _, l := range r.losses {
		if l.observe(intended, ok) && r.lost == "" {
			r.lost = l.gate.Expr
		}
	}
}

// referanseMarker precedes the reference in the API's answer.
var referanseMarker = []byte(`"oppgavegiversLeveranseReferanse":"`)

// referanseIndex finds the run's sequence number in the accepted answer's
// oppgavegiversLeveranseReferanse (finprod-<seed>-<k>), without decoding
// the whole body.
func referanseIndex(body []byte) (uint64, bool) {
	i := bytes.Index(body, referanseMarker)
	if i < 0 {
		return 0, false
	}
	rest := body[i+len(referanseMarker):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return 0, false
	}
	return parseReferanse(string(rest[:j]))
}

func parseReferanse(ref string) (uint64, bool) {
	dash := strings.LastIndexByte(ref, '-')
	if dash < 0 {
		return 0, false
	}
	k, err := strconv.ParseUint(ref[dash+1:], 10, 64)
	return k, err == nil
}

// errorKind sorts a failure without an answer.
func errorKind(e string) string {
	switch {
	case strings.Contains(e, "refused: "):
		// The target's policy (synthetic data only) stopped it before it left.
		return "refused-by-policy"
	case strings.Contains(e, "context canceled"):
		return "cancelled"
	case strings.Contains(e, "deadline exceeded"), strings.Contains(e, "Timeout"), strings.Contains(e, "timeout"):
		return "timeout"
	case strings.Contains(e, "connection refused"):
		return "refused"
	case strings.Contains(e, "EOF"), strings.Contains(e, "reset by peer"), strings.Contains(e, "broken pipe"):
		return "connection"
	}
	return "other"
}

// bitset marks the accepted local sequence numbers.
type bitset []uint64

// set marks i and says whether it was new.
func (b *bitset) set(i uint64) bool {
	w := int(i / 64)
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	m := uint64(1) << (i % 64)
	was := (*b)[w]&m != 0
	(*b)[w] |= m
	return !was
}

func (b bitset) has(i uint64) bool {
	w := int(i / 64)
	return w < len(b) && b[w]&(1<<(i%64)) != 0
}

func quantiles(h *hdrhistogram.Histogram) loadfile.Quantiles {
	if h.TotalCount() == 0 {
		return loadfile.Quantiles{}
	}
	at := func(q float64) float64 { return round(float64(h.ValueAtQuantile(q)) / 1000) }
	return loadfile.Quantiles{
		Count: h.TotalCount(), MeanMs: round(h.Mean() / 1000),
		P50Ms: at(50), P90Ms: at(90), P95Ms: at(95), P99Ms: at(99), P999Ms: at(99.9),
		MaxMs: round(float64(h.Max()) / 1000),
	}
}

func measures(h *hdrhistogram.Histogram, lagP99 float64, sent, success uint64, throughput, offered float64) Measures {
	return Measures{
		Intended: quantiles(h), LagP99Ms: lagP99, Sent: sent, Success: success,
		Throughput: throughput, Offered: offered,
		intendedAt: func(q float64) float64 {
			if q >= 100 {
				return float64(h.Max()) / 1000
			}
			return float64(h.ValueAtQuantile(q)) / 1000
		},
	}
}
