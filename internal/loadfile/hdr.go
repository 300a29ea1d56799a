package loadfile

import (
	"fmt"
	"io"
	"os"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Every histogram of the files, latency.hdr's and each timeline row's,
// records microseconds from 1 µs to one hour at 3 significant digits:
// exact enough for any gate, and they merge exactly across shards.
const (
	HistLowest  = 1
	HistHighest = int64(time.Hour / time.Microsecond)
	HistDigits  = 3
)

// Histogram tags in latency.hdr.
const (
	TagIntended = "intended"
	TagService  = "service"
	TagLag      = "lag"
)

// NewHistogram is an empty histogram of the files' geometry, tagged.
func NewHistogram(tag string) *hdrhistogram.Histogram {
	h := hdrhistogram.New(HistLowest, HistHighest, HistDigits)
	h.SetTag(tag)
	return h
}

// WriteHistograms writes an HdrHistogram log: one interval histogram per
// tag, over the run's span.
func WriteHistograms(w io.Writer, start, end time.Time, hists []*hdrhistogram.Histogram) error {
	lw := hdrhistogram.NewHistogramLogWriter(w)
	if err := lw.OutputLogFormatVersion(); err != nil {
		return err
	}
	if err := lw.OutputComment("finprod load: latency in microseconds; tags intended (from the intended send time), service (from the actual send), lag (schedule lag)"); err != nil {
		return err
	}
	if err := lw.OutputStartTime(start.UnixMilli()); err != nil {
		return err
	}
	lw.SetBaseTime(start.UnixMilli())
	if err := lw.OutputLegend(); err != nil {
		return err
	}
	for _, h := range hists {
		h.SetStartTimeMs(start.UnixMilli())
		h.SetEndTimeMs(end.UnixMilli())
		if err := lw.OutputIntervalHistogram(h); err != nil {
			return err
		}
	}
	return nil
}

// ReadHistograms reads latency.hdr into one histogram per tag, merging
// several with the same tag.
func ReadHistograms(path string) (map[string]*hdrhistogram.Histogram, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lr := hdrhistogram.NewHistogramLogReader(f)
	out := map[string]*hdrhistogram.Histogram{}
	for {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			return nil, fmt.Errorf("%s is not an HdrHistogram log: %w", path, err)
		}
		if h == nil {
			break
		}
		tag := h.Tag()
		if out[tag] == nil {
			out[tag] = NewHistogram(tag)
		}
		if dropped := out[tag].Merge(h); dropped > 0 {
			return nil, fmt.Errorf("%s: %d values of %s outside the histogram's range", path, dropped, tag)
		}
	}
	for _, tag := range []string{TagIntended, TagService, TagLag} {
		if out[tag] == nil {
			return nil, fmt.Errorf("%s: no %q histogram; is it a finprod load output?", path, tag)
		}
	}
	return out, nil
}
