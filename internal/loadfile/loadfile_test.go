package loadfile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorded is a steps run's outputs as finprod load wrote them before its
// types moved here (the reports draw it): the bytes a run writes.
const recorded = "../../reports/testdata/load-steps/load"

func TestARecordedSummaryReadsAndWritesToTheSameBytes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(recorded, SummaryFile))
	require.NoError(t, err)
	s, err := ReadSummary(filepath.Join(recorded, SummaryFile))
	require.NoError(t, err)
	assert.Equal(t, "steps", s.Parameters.Profile, "the fields are read, not just copied")
	assert.Equal(t, uint64(360), s.Requests.Sent)
	var out bytes.Buffer
	require.NoError(t, WriteSummary(&out, s))
	assert.Equal(t, string(b), out.String())

	// Two older ones, from before requests.planned: the same bytes but for
	// the planned counts the types have since added.
	planned := regexp.MustCompile(`(?m)^ *"planned": 0,\n`)
	for _, dir := range []string{"load-run", "load-capacity"} {
		path := filepath.Join("../../reports/testdata", dir, "load", SummaryFile)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		s, err := ParseSummary(path, b)
		require.NoError(t, err)
		out.Reset()
		require.NoError(t, WriteSummary(&out, s))
		assert.Equal(t, string(b), planned.ReplaceAllString(out.String(), ""), dir)
	}
}

func TestARecordedTimelineReadsAndWritesToTheSameBytes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(recorded, TimelineFile))
	require.NoError(t, err)
	tl, err := ReadTimeline(filepath.Join(recorded, TimelineFile))
	require.NoError(t, err)
	require.Len(t, tl.Seconds, 8)
	require.Len(t, tl.Stages, 3)
	var out bytes.Buffer
	require.NoError(t, WriteTimeline(&out, tl))
	assert.Equal(t, string(b), out.String())
	assert.Equal(t, 1+len(tl.Seconds)+1, bytes.Count(out.Bytes(), []byte("\n")), "the head, one line a second, the close")
}

// latency.hdr holds the three histograms the summary's quantiles are of,
// and writes back to histograms that say the same.
func TestRecordedHistogramsAreTheSummarys(t *testing.T) {
	s, err := ReadSummary(filepath.Join(recorded, SummaryFile))
	require.NoError(t, err)
	hs, err := ReadHistograms(filepath.Join(recorded, LatencyFile))
	require.NoError(t, err)
	for tag, q := range map[string]Quantiles{TagIntended: s.Latency.Intended, TagService: s.Latency.Service, TagLag: s.ScheduleLag} {
		h := hs[tag]
		require.NotNil(t, h, tag)
		assert.Equal(t, q.Count, h.TotalCount(), tag)
		assert.InDelta(t, q.P99Ms, float64(h.ValueAtQuantile(99))/1000, 0.001, tag)
		assert.InDelta(t, q.MaxMs, float64(h.Max())/1000, 0.001, tag)
	}

	var out bytes.Buffer
	require.NoError(t, WriteHistograms(&out, s.Started, s.Ended, []*hdrhistogram.Histogram{hs[TagIntended], hs[TagService], hs[TagLag]}))
	path := filepath.Join(t.TempDir(), LatencyFile)
	require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
	again, err := ReadHistograms(path)
	require.NoError(t, err)
	for tag, h := range hs {
		assert.True(t, h.Equals(again[tag]), tag)
	}

	require.NoError(t, os.WriteFile(path, []byte("garbage\n"), 0o644))
	_, err = ReadHistograms(path)
	assert.ErrorContains(t, err, "is it a finprod load output?")
}

func TestAFileOfAnotherVersionIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file.json")
	for _, c := range []struct {
		read       func(string) error
		body, want string
	}{
		{readSummary, `{"format":"finprod.load.summary/v2","requests":"many"}`, "is format finprod.load.summary/v2; this finprod reads finprod.load.summary/v1"},
		{readSummary, `{"format":"finprod.load.timeline/v1"}`, "is not a finprod.load.summary/v1 file"},
		{readSummary, `garbage`, "is not JSON"},
		{readTimeline, `{"format":"finprod.load.timeline/v2"}`, "is format finprod.load.timeline/v2; this finprod reads finprod.load.timeline/v1"},
		{readTimeline, `[1,2]`, "is not JSON"},
		{readTimeline, `{"format":"finprod.load.timeline/v1","intervalMs":500}`, "want {Unit:us Lowest:1 Highest:3600000000"},
	} {
		require.NoError(t, os.WriteFile(path, []byte(c.body), 0o644))
		err := c.read(path)
		if assert.Error(t, err, c.body) {
			assert.Contains(t, err.Error(), c.want, c.body)
			assert.Contains(t, err.Error(), path, "the message names the file")
		}
	}
}

func readSummary(p string) error  { _, err := ReadSummary(p); return err }
func readTimeline(p string) error { _, err := ReadTimeline(p); return err }

func TestShardNote(t *testing.T) {
	shards := func(idx ...int) []ShardInfo {
		var out []ShardInfo
		for _, i := range idx {
			out = append(out, ShardInfo{Index: i, Count: 4, Dir: "d"})
		}
		return out
	}
	for want, s := range map[string]Summary{
		"":                        {Kind: KindRun, Parameters: Parameters{Shard: ShardInfo{Index: 0, Count: 1}}},
		"shard 0/4":               {Kind: KindRun, Parameters: Parameters{Shard: ShardInfo{Index: 0, Count: 4}}},
		"shard 3/4":               {Kind: KindRun, Parameters: Parameters{Shard: ShardInfo{Index: 3, Count: 4}}},
		"shards 0–3 of 4 merged":  {Kind: KindMerge, Parameters: Parameters{Shard: ShardInfo{Index: 0, Count: 4}}, Shards: shards(2, 0, 3, 1)},
		"shards 0, 2 of 4 merged": {Kind: KindMerge, Parameters: Parameters{Shard: ShardInfo{Index: 0, Count: 4}}, Shards: shards(2, 0)},
		"4 shards merged":         {Kind: KindMerge, Parameters: Parameters{Shard: ShardInfo{Index: 0, Count: 4}}},
	} {
		assert.Equal(t, want, s.ShardNote(), "%+v", s)
	}
}

// docFields are the field names of the table under heading in
// docs/load.md: each row's first cell, a name or several (`a`, `b`), a
// dotted one (`latency.intended`) counted by its first part.
func docFields(t *testing.T, heading string) (names []string, rows map[string]string) {
	t.Helper()
	doc, err := os.ReadFile("../../docs/load.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n## "+heading+"\n")
	require.True(t, ok, "docs/load.md has a section %q", heading)
	section, _, _ = strings.Cut(section, "\n## ")
	rows = map[string]string{}
	name := regexp.MustCompile("`([^`]+)`")
	for line := range strings.SplitSeq(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
			n, _, _ := strings.Cut(m[1], ".")
			names = append(names, n)
			rows[n] = cells[2]
		}
	}
	slices.Sort(names)
	return slices.Compact(names), rows
}

// jsonFields are the JSON names of a struct type's fields.
func jsonFields(v any) []string {
	var out []string
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		n, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// docs/load.md documents every field of summary.json and timeline.json,
// and no other.
func TestTheDocumentedFieldsAreTheFiles(t *testing.T) {
	names, rows := docFields(t, "summary.json, format `finprod.load.summary/v1`")
	assert.Equal(t, jsonFields(Summary{}), names, "summary.json's fields")

	var params []string
	for _, m := range regexp.MustCompile("`([A-Za-z]+)[^`]*`").FindAllStringSubmatch(rows["parameters"], -1) {
		params = append(params, m[1])
	}
	slices.Sort(params)
	assert.Equal(t, jsonFields(Parameters{}), params, "summary.json's parameters")

	// The timeline's table names its own fields and those of a row
	// (seconds[].t and on).
	names, _ = docFields(t, "timeline.json, format `finprod.load.timeline/v1`")
	var want []string
	for _, n := range append(jsonFields(Timeline{}), jsonFields(Second{})...) {
		switch n {
		case "format", "seconds":
		case "t":
			want = append(want, "seconds[]")
		default:
			want = append(want, n)
		}
	}
	slices.Sort(want)
	assert.Equal(t, want, names, "timeline.json's fields")
}

// A summary written now has the documented top-level fields, each with a
// value of the documented kind: the bytes, read back with encoding/json
// alone.
func TestAWrittenSummaryIsPlainJSON(t *testing.T) {
	s := Summary{Format: SummaryFormat, Kind: KindRun, Started: time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC),
		Status: Counts{"200": 3}, Latency: Latency{Intended: Quantiles{Count: 3, P99Ms: 12.5}}}
	var out bytes.Buffer
	require.NoError(t, WriteSummary(&out, &s))
	var m map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &m))
	assert.Equal(t, "finprod.load.summary/v1", m["format"])
	assert.Equal(t, "2026-12-01T18:00:00Z", m["started"])
	assert.Equal(t, map[string]any{"200": 3.0}, m["status"])
	assert.Equal(t, 12.5, m["latency"].(map[string]any)["intended"].(map[string]any)["p99Ms"])
	for _, optional := range []string{"aborted", "bottleneck", "capacity", "shards"} {
		assert.NotContains(t, m, optional, "absent when not set")
	}
	assert.True(t, strings.HasPrefix(out.String(), "{\n  \"format\": "), "indented by two spaces")
	assert.True(t, strings.HasSuffix(out.String(), "}\n"))
}
