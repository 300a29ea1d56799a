package load

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/loadfile"
)

func TestParseSLO(t *testing.T) {
	gates, err := ParseSLO("p99<800ms, p50<0.2s,success>=99.9%,rate>=95%,rate>=150/s,max<=2s,mean<100ms,p99.9<1s:abort,lag<50ms")
	require.NoError(t, err)
	require.Len(t, gates, 9)
	assert.Equal(t, Gate{Expr: "p99<800ms", Metric: "p99", Op: "<", Threshold: 800, quantile: 99}, gates[0])
	assert.Equal(t, 200.0, gates[1].Threshold)
	assert.InDelta(t, 0.999, gates[2].Threshold, 1e-12)
	assert.InDelta(t, 0.95, gates[3].Threshold, 1e-12)
	assert.False(t, gates[3].Absolute)
	assert.True(t, gates[4].Absolute)
	assert.Equal(t, 150.0, gates[4].Threshold)
	assert.Equal(t, 100.0, gates[5].quantile)
	assert.True(t, gates[7].Abort)
	assert.Equal(t, 99.9, gates[7].quantile)

	none, err := ParseSLO("  ")
	require.NoError(t, err)
	assert.Empty(t, none)

	for _, bad := range []string{"p99<800", "p100<1s", "p0<1s", "speed>3", "success>=101%", "success>=99ms", "rate>=95", "p99~1s", "mean<1s:abort", "rate>=95%:abort"} {
		_, err := ParseSLO(bad)
		assert.Error(t, err, bad)
	}
}

func TestEvaluateAgainstKnownValues(t *testing.T) {
	h := loadfile.NewHistogram(loadfile.TagIntended)
	// 1 ms … 100 ms, one each: p50 is 50 ms, p99 is 99 ms, max 100 ms (HDR
	// reports the top of a value's bucket: at 3 digits, within 0.1 %).
	for i := 1; i <= 100; i++ {
		recordUs(h, time.Duration(i)*time.Millisecond)
	}
	m := measures(h, 12, 1000, 995, 190, 200)
	gates, err := ParseSLO("p99<100ms,p50<=50.1ms,max<100ms,success>=99.5%,success>99.5%,rate>=95%,rate>=191/s,lag<12ms,mean<51ms")
	require.NoError(t, err)
	res, all := Evaluate(gates, m)
	assert.False(t, all)
	pass := map[string]bool{}
	for _, r := range res {
		pass[r.Gate] = r.Pass
	}
	assert.Equal(t, map[string]bool{
		"p99<100ms": true, "p50<=50.1ms": true, "max<100ms": false,
		"success>=99.5%": true, "success>99.5%": false,
		"rate>=95%": true, "rate>=191/s": false, "lag<12ms": false, "mean<51ms": true,
	}, pass)
	assert.InDelta(t, 99, res[0].Actual, 0.1)
	assert.Equal(t, "ms", res[0].Unit)
	assert.InDelta(t, 0.995, res[3].Actual, 1e-9)
	assert.Equal(t, "ratio", res[3].Unit)
	assert.InDelta(t, 0.95, res[5].Actual, 1e-9)
}

func TestNoRequestsPassNoGate(t *testing.T) {
	gates, err := ParseSLO("p99<1s,success>=0%")
	require.NoError(t, err)
	res, all := Evaluate(gates, measures(loadfile.NewHistogram(loadfile.TagIntended), 0, 0, 0, 0, 0))
	assert.False(t, all, "a run that sent nothing proves nothing")
	for _, r := range res {
		assert.False(t, r.Pass, r.Gate)
	}
}

func TestLossCountsTowardsTheWholePlannedRun(t *testing.T) {
	gates, err := ParseSLO("p99<100ms,success>=90%,mean<1s")
	require.NoError(t, err)
	ls := newLosses(gates, 1000, true)
	require.Len(t, ls, 2, "mean cannot be lost early")
	// p99<100ms allows 10 slow requests of 1000.
	for i := range 10 {
		assert.False(t, ls[0].observe(time.Second, true), "slow request %d", i+1)
	}
	assert.True(t, ls[0].observe(time.Second, true), "the 11th slow request loses the gate")
	assert.False(t, ls[1].observe(time.Millisecond, true))
	assert.Empty(t, newLosses(gates, 1000, false), "without abort-on-fail only :abort gates are watched")
}
