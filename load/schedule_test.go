package load

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConstantIsEvenlySpaced(t *testing.T) {
	c := Constant{PerSecond: 200}
	for n, want := range map[uint64]time.Duration{0: 0, 1: 5 * time.Millisecond, 200: time.Second, 1000: 5 * time.Second} {
		got, ok := c.Due(n)
		require.True(t, ok)
		assert.Equal(t, want, got, "request %d", n)
	}
}

// Due must invert Hits: request n is due exactly when n requests are due
// by the profile's own count, for every profile.
func TestDueInvertsHits(t *testing.T) {
	for _, s := range []Schedule{
		Constant{PerSecond: 37},
		Linear{From: 10, To: 100, Over: 10 * time.Second},
		Linear{From: 100, To: 10, Over: 10 * time.Second},
		Linear{From: 50, To: 50, Over: time.Second},
		Steps{{PerSecond: 10, For: 2 * time.Second}, {PerSecond: 100, For: time.Second}, {PerSecond: 5, For: 4 * time.Second}},
		Sine{Mean: 100, Amplitude: 50, Period: 4 * time.Second},
	} {
		prev := time.Duration(-1)
		for _, n := range []uint64{1, 2, 7, 19, 20, 21, 55, 119, 120, 121, 130, 300} {
			d, ok := s.Due(n)
			if !ok {
				continue
			}
			assert.InDelta(t, float64(n), s.Hits(d), 1e-3, "%s: Hits(Due(%d))", s.Name(), n)
			assert.Greater(t, d, prev, "%s: due times increase", s.Name())
			prev = d
		}
	}
}

func TestLinearRampsThenHolds(t *testing.T) {
	l := Linear{From: 10, To: 110, Over: 10 * time.Second}
	assert.InDelta(t, 10, l.Rate(0), 1e-9)
	assert.InDelta(t, 60, l.Rate(5*time.Second), 1e-9)
	assert.InDelta(t, 110, l.Rate(20*time.Second), 1e-9)
	// Over the ramp the mean rate is 60/s: 600 requests in 10 s.
	assert.InDelta(t, 600, l.Hits(10*time.Second), 1e-9)
	assert.InDelta(t, 600+110, l.Hits(11*time.Second), 1e-9)
}

func TestStepsEndAfterTheLastStep(t *testing.T) {
	s, err := ParseSteps("10@1s, 20@500ms")
	require.NoError(t, err)
	assert.Equal(t, Steps{{10, time.Second}, {20, 500 * time.Millisecond}}, s)
	assert.Equal(t, "10@1s,20@500ms", s.String())
	d, ok := s.Due(10)
	require.True(t, ok)
	assert.Equal(t, time.Second, d, "request 10 opens the second step")
	_, ok = s.Due(20)
	assert.False(t, ok, "10 + 10 requests, then the profile ends")
	assert.Equal(t, 20.0, s.Peak(0))
	for _, bad := range []string{"", "10", "x@1s", "10@", "10@-1s", "0@1s"} {
		_, err := ParseSteps(bad)
		assert.Error(t, err, bad)
	}
}

func TestSineSwingsAroundItsMean(t *testing.T) {
	s := Sine{Mean: 100, Amplitude: 40, Period: 4 * time.Second}
	assert.InDelta(t, 140, s.Rate(time.Second), 1e-9)
	assert.InDelta(t, 60, s.Rate(3*time.Second), 1e-9)
	assert.InDelta(t, 400, s.Hits(4*time.Second), 1e-9, "a whole period averages the mean")
	assert.Equal(t, 140.0, s.Peak(0))
}

// Shards together send exactly the whole run's schedule: the union of
// their due times is the unsharded one, and no request twice.
func TestShardsPartitionTheSchedule(t *testing.T) {
	s := Linear{From: 100, To: 300, Over: time.Second}
	b := Bounds{Count: 250}
	whole := pacer{s: s, b: b, shard: Shard{0, 1}}
	var want []time.Duration
	for h := uint64(0); ; h++ {
		d, ok := whole.due(h)
		if !ok {
			break
		}
		want = append(want, d)
	}
	require.Len(t, want, 250)
	assert.Equal(t, uint64(250), whole.total())

	got := make([]time.Duration, 250)
	seen := make([]bool, 250)
	var total uint64
	for i := range 3 {
		p := pacer{s: s, b: b, shard: Shard{i, 3}}
		total += p.total()
		for h := uint64(0); ; h++ {
			d, ok := p.due(h)
			if !ok {
				break
			}
			g := Shard{i, 3}.global(h)
			require.False(t, seen[g], "request %d sent by two shards", g)
			seen[g] = true
			got[g] = d
		}
		assert.InDelta(t, whole.Rate(0)/3, p.Rate(0), 1e-9)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, uint64(250), total)
}

func TestPacerStopsAtItsBounds(t *testing.T) {
	p := pacer{s: Constant{PerSecond: 10}, b: Bounds{Duration: time.Second}, shard: Shard{0, 1}}
	_, stop := p.Pace(0, 9)
	assert.False(t, stop)
	_, stop = p.Pace(0, 10)
	assert.True(t, stop, "request 10 would be due at 1 s, the end")
	assert.Equal(t, uint64(10), p.total())
	wait, _ := p.Pace(250*time.Millisecond, 5)
	assert.Equal(t, 250*time.Millisecond, wait)
	wait, _ = p.Pace(time.Second, 5)
	assert.Negative(t, wait, "behind schedule: send at once")

	c := pacer{s: Constant{PerSecond: 1000}, b: Bounds{Count: 7}, shard: Shard{1, 2}}
	assert.Equal(t, uint64(3), c.total(), "requests 1, 3, 5")
	_, stop = c.Pace(0, 3)
	assert.True(t, stop)
	assert.False(t, math.IsNaN(c.Rate(0)))
}

func TestShardValidation(t *testing.T) {
	assert.NoError(t, Shard{0, 1}.Validate())
	assert.NoError(t, Shard{3, 4}.Validate())
	assert.Error(t, Shard{4, 4}.Validate())
	assert.Error(t, Shard{-1, 4}.Validate())
	assert.Error(t, Shard{0, 0}.Validate())
}
