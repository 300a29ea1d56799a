package loadfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/finprod/finprod/internal/versioned"
)

// TimelineFormat names the version of timeline.json. A reader must refuse
// a format it does not know; a new optional field does not change it.
const TimelineFormat = "finprod.load.timeline/v1"

// Timeline is timeline.json: the run second by second of the wall clock,
// so shards that started at different times line up, and a merge adds them
// up exactly.
type Timeline struct {
	Format string `json:"format"`
	// IntervalMs is each row's length: 1000.
	IntervalMs int64 `json:"intervalMs"`
	// Histograms describes every row's encoded histograms.
	Histograms TimelineHistograms `json:"histograms"`
	// Stages are the run's parts: one for a plain run, one per step of a
	// steps profile, one per stage of a capacity search.
	Stages []TimelineStage `json:"stages"`
	// Seconds has a row for every second from the first to the last, in
	// order, empty ones included.
	Seconds []Second `json:"seconds"`
}

// TimelineHistograms is the geometry of the rows' histograms: those of
// latency.hdr, so any row merges with them.
type TimelineHistograms struct {
	Unit              string `json:"unit"`
	Lowest            int64  `json:"lowest"`
	Highest           int64  `json:"highest"`
	SignificantDigits int    `json:"significantDigits"`
	Encoding          string `json:"encoding"`
}

// TimelineStage is one part of the run, by wall-clock time. Rate is the
// whole run's rate there (over all shards), when it was one rate.
type TimelineStage struct {
	Name  string    `json:"name"`
	Rate  float64   `json:"rate,omitempty"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Second is one second of the run, [T, T+1) in Unix seconds.
type Second struct {
	T int64 `json:"t"`
	// Offered: requests the schedule had due in this second (the shard's
	// own share); Sent: requests that left in it; OK and Failed: answers
	// that came in it, 2xx and anything else (no answer included).
	Offered uint64 `json:"offered"`
	Sent    uint64 `json:"sent"`
	OK      uint64 `json:"ok"`
	Failed  uint64 `json:"failed"`
	// Latency of the requests due in this second: intended time (from when
	// each was due), service time (from when it was sent) and schedule lag
	// (how late it was sent). Absent when none was due.
	Intended *SecondLatency `json:"intended,omitempty"`
	Service  *SecondLatency `json:"service,omitempty"`
	Lag      *SecondLatency `json:"lag,omitempty"`
}

// SecondLatency is one second's histogram: its count, three quantiles in
// milliseconds, and the histogram itself (HdrHistogram V2 compressed,
// base64, microseconds), which merges exactly.
type SecondLatency struct {
	Count int64   `json:"count"`
	P50Ms float64 `json:"p50Ms"`
	P99Ms float64 `json:"p99Ms"`
	MaxMs float64 `json:"maxMs"`
	HDR   string  `json:"hdr"`
}

// IntervalMs is every timeline's row length.
const IntervalMs = 1000

// TimelineGeometry is what every timeline's Histograms says: the geometry
// of latency.hdr, and the encoding of each row's hdr.
func TimelineGeometry() TimelineHistograms {
	return TimelineHistograms{Unit: "us", Lowest: HistLowest, Highest: HistHighest, SignificantDigits: HistDigits,
		Encoding: "HdrHistogram V2 compressed, base64"}
}

// WriteTimeline writes tl as JSON with one second a line, so the file
// reads with head and grep as well as with any JSON reader.
func WriteTimeline(w io.Writer, tl *Timeline) error {
	head := *tl
	head.Seconds = nil
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// {"format":…,"stages":[…],"seconds":null} → …,"seconds":[\n row,\n row\n]}
	b = bytes.TrimSuffix(b, []byte("null}"))
	b = append(b, '[')
	for i, row := range tl.Seconds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		r, err := json.Marshal(row)
		if err != nil {
			return err
		}
		b = append(b, r...)
	}
	b = append(b, "\n]}\n"...)
	_, err = w.Write(b)
	return err
}

// ReadTimeline reads timeline.json and refuses another format or another
// histogram geometry.
func ReadTimeline(path string) (*Timeline, error) {
	var t Timeline
	if _, err := versioned.Read(path, TimelineFormat, &t); err != nil {
		return nil, err
	}
	if t.Histograms != TimelineGeometry() || t.IntervalMs != IntervalMs {
		return nil, fmt.Errorf("%s: histograms %+v of %d ms, want %+v of %d ms", path, t.Histograms, t.IntervalMs, TimelineGeometry(), IntervalMs)
	}
	return &t, nil
}
