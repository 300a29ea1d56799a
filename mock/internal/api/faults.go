package api

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/finprod/finprod/contract"
)

// Duration is a time.Duration written as text ("20ms") in JSON and YAML.
type Duration time.Duration

// MarshalText writes the duration as Go spells it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads "20ms", "1.5s" and the like.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want e.g. 20ms or 1s", b)
	}
	*d = Duration(v)
	return nil
}

// Faults are injected into the API endpoints (never the admin ones).
type Faults struct {
	// Latency is added to every API request.
	Latency Duration `json:"latency" yaml:"latency"`
	// LatencyMin and LatencyMax add a further delay drawn uniformly from
	// [LatencyMin, LatencyMax] when LatencyMax > 0.
	LatencyMin Duration `json:"latencyMin" yaml:"latencyMin"`
	LatencyMax Duration `json:"latencyMax" yaml:"latencyMax"`
	// FailShare (0..1) of requests get 500 GLD_023/GLD_1053 before anything
	// is processed.
	FailShare float64 `json:"failShare" yaml:"failShare"`
	// DropShare (0..1) of submissions are processed and stored, and then the
	// connection is closed without a response.
	DropShare float64 `json:"dropShare" yaml:"dropShare"`

	// The socket-level faults (socketfaults.go), at most one per request,
	// drawn together: their shares add up to at most 1.
	//
	// ResetShare (0..1) of API requests are processed, and then the
	// connection is reset (TCP RST) instead of answered.
	ResetShare float64 `json:"resetShare" yaml:"resetShare"`
	// EmptyShare (0..1) of API requests get an empty response: the request
	// is read, nothing is processed, and the connection is closed without a
	// byte written.
	EmptyShare float64 `json:"emptyShare" yaml:"emptyShare"`
	// MalformedChunkShare (0..1) of API requests are processed, and the
	// answer's status line and headers go out with the first part of its
	// body as a chunk, followed by a chunk header that is not one; then the
	// connection is closed.
	MalformedChunkShare float64 `json:"malformedChunkShare" yaml:"malformedChunkShare"`
	// TrickleShare (0..1) of API requests are processed, and the answer's
	// body goes out a few bytes at a time over Trickle.
	TrickleShare float64 `json:"trickleShare" yaml:"trickleShare"`
	// Trickle is how long a trickled body takes from its first byte to its
	// last; DefaultTrickle when zero.
	Trickle Duration `json:"trickle,omitempty" yaml:"trickle"`
	// Seed makes the shares reproducible; 0 seeds from the clock. Setting
	// faults with a non-zero seed restarts the sequence.
	Seed uint64 `json:"seed,omitempty" yaml:"seed"`
}

// Validate reports every out-of-range value in one error.
func (f Faults) Validate() error {
	var errs []error
	if f.Latency < 0 || f.LatencyMin < 0 || f.LatencyMax < 0 {
		errs = append(errs, errors.New("faults: latencies must not be negative"))
	}
	if f.LatencyMax > 0 && f.LatencyMin > f.LatencyMax {
		errs = append(errs, fmt.Errorf("faults: latencyMin %s is above latencyMax %s",
			time.Duration(f.LatencyMin), time.Duration(f.LatencyMax)))
	}
	if f.FailShare < 0 || f.FailShare > 1 {
		errs = append(errs, fmt.Errorf("faults: failShare %g is outside 0..1", f.FailShare))
	}
	if f.DropShare < 0 || f.DropShare > 1 {
		errs = append(errs, fmt.Errorf("faults: dropShare %g is outside 0..1", f.DropShare))
	}
	socket := 0.0
	for _, s := range []struct {
		name  string
		share float64
	}{{"resetShare", f.ResetShare}, {"emptyShare", f.EmptyShare}, {"malformedChunkShare", f.MalformedChunkShare}, {"trickleShare", f.TrickleShare}} {
		if s.share < 0 || s.share > 1 {
			errs = append(errs, fmt.Errorf("faults: %s %g is outside 0..1", s.name, s.share))
		}
		socket += s.share
	}
	if socket > 1+1e-9 {
		errs = append(errs, fmt.Errorf("faults: resetShare, emptyShare, malformedChunkShare and trickleShare add up to %g; a request meets at most one of them, so at most 1", socket))
	}
	if f.Trickle < 0 {
		errs = append(errs, errors.New("faults: trickle must not be negative"))
	}
	return errors.Join(errs...)
}

func (f Faults) active() bool {
	return f.Latency > 0 || f.LatencyMax > 0 || f.FailShare > 0 || f.DropShare > 0 || f.socketActive()
}

// faultState holds the faults in force and the server's own random source,
// so two mocks in one process never share a sequence.
type faultState struct {
	cur atomic.Pointer[Faults]
	mu  sync.Mutex
	rng *rand.Rand
}

func newFaultState(f Faults) *faultState {
	s := &faultState{}
	s.set(f)
	return s
}

func (s *faultState) get() Faults { return *s.cur.Load() }

func (s *faultState) set(f Faults) {
	s.mu.Lock()
	if f.Seed != 0 || s.rng == nil {
		seed := f.Seed
		if seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
	s.mu.Unlock()
	s.cur.Store(&f)
}

// float draws from [0,1) under the lock; rand.Rand is not safe for
// concurrent use.
func (s *faultState) float() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64()
}

func (s *faultState) delay(f Faults) time.Duration {
	d := time.Duration(f.Latency)
	if f.LatencyMax > 0 {
		lo, hi := time.Duration(f.LatencyMin), time.Duration(f.LatencyMax)
		extra := lo
		if hi > lo {
			s.mu.Lock()
			extra += time.Duration(s.rng.Int64N(int64(hi-lo) + 1))
			s.mu.Unlock()
		}
		d += extra
	}
	return d
}

// withFaults serves one API request through the faults in force: latency,
// then the failure share, then at most one socket-level fault on the way
// back. serve writes the request's answer to the writer it is given.
func (h *Handler) withFaults(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter)) {
	f := h.faults.cur.Load()
	if !f.active() {
		serve(w)
		return
	}
	if d := h.faults.delay(*f); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	sf := h.faults.socketFault(*f)
	if sf == socketEmpty {
		hangUp(w, r)
		return
	}
	out := w
	var c *capture
	if sf != socketNone {
		c = newCapture()
		out = c
	}
	if f.FailShare > 0 && h.faults.float() < f.FailShare {
		writeFeil(out, contract.GLD1053)
	} else {
		serve(out)
	}
	if c != nil {
		c.deliver(w, r, sf, f.trickle())
	}
}

// shouldDrop decides, after a submission was processed, whether to lose the
// response on the way back.
func (h *Handler) shouldDrop() bool {
	f := h.faults.cur.Load()
	return f.DropShare > 0 && h.faults.float() < f.DropShare
}
