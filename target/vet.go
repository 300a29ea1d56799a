package target

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
	"sync/atomic"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
)

// HeaderVetted carries a body's vetting mark from VetLeveranse to the
// guard, which removes it: it never leaves this machine.
const HeaderVetted = "Finprod-Vetted"

// vetSlots is how many vetted bodies a target keeps for its guard. A load
// run vets a body just before Vegeta sends it, so only the requests
// between their targeter and the guard need a slot; a body whose slot was
// taken by a newer one is checked in full, which is slower, not wrong.
const vetSlots = 4096

// vetter keeps its own copy of every body it has checked, so the guard
// can pass exactly those bytes without parsing them again: a request's
// body passes when it is byte for byte the copy kept under its mark, and
// the copy, which nothing else can reach, is what goes out. A mark only
// names a slot; guessing one gains nothing, since the bytes must match.
// It takes no lock: load runs vet from many goroutines at once.
type vetter struct {
	next  atomic.Uint64 // starts at random, so two targets' marks differ
	slots [vetSlots]atomic.Pointer[vetted]
}

type vetted struct {
	id   uint64
	body []byte
}

func newVetter() *vetter {
	v := &vetter{}
	v.next.Store(rand.Uint64())
	return v
}

// keep stores a copy of body and returns its mark.
func (v *vetter) keep(body []byte) string {
	id := v.next.Add(1)
	v.slots[id%vetSlots].Store(&vetted{id: id, body: bytes.Clone(body)})
	return strconv.FormatUint(id, 36)
}

// kept is the copy kept under mark, or nil.
func (v *vetter) kept(mark string) *vetted {
	if v == nil || mark == "" {
		return nil
	}
	id, err := strconv.ParseUint(mark, 36, 64)
	if err != nil {
		return nil
	}
	if k := v.slots[id%vetSlots].Load(); k != nil && k.id == id {
		return k
	}
	return nil
}

// release frees the slot of a copy the guard has sent.
func (v *vetter) release(k *vetted) {
	v.slots[k.id%vetSlots].CompareAndSwap(k, nil)
}

// matches reads body to its end and says whether it is exactly want. When
// it is not, it returns every byte read, for the full check. A body that
// hands its bytes out itself (io.WriterTo, as a bytes.Reader does) is
// compared where it lies; any other is read whole first.
func matches(body io.Reader, want []byte) (bool, []byte, error) {
	wt, ok := body.(io.WriterTo)
	if !ok {
		got, err := io.ReadAll(body)
		if err != nil {
			return false, nil, err
		}
		return bytes.Equal(got, want), got, nil
	}
	c := comparer{want: want}
	if _, err := wt.WriteTo(&c); err != nil {
		return false, nil, err
	}
	if c.got == nil && c.off == len(want) {
		return true, nil, nil
	}
	if c.got == nil {
		// A prefix of want, which nothing changes.
		return false, want[:c.off:c.off], nil
	}
	return false, c.got, nil
}

// comparer is an io.Writer that compares what it is given with want, and
// after the first difference keeps a copy of everything (it must not keep
// what Write is given).
type comparer struct {
	want []byte
	off  int
	got  []byte
}

func (c *comparer) Write(p []byte) (int, error) {
	if c.got == nil && len(p) <= len(c.want)-c.off && bytes.Equal(p, c.want[c.off:c.off+len(p)]) {
		c.off += len(p)
		return len(p), nil
	}
	if c.got == nil {
		c.got = append(make([]byte, 0, c.off+len(p)), c.want[:c.off]...)
	}
	c.got = append(c.got, p...)
	return len(p), nil
}

// VetLeveranse checks a leveranse against the target's policy and encodes
// it as a request body. For a synthetic-only target it refuses one with
// identities that are not synthetic (ErrNotSynthetic) and returns a mark
// for the HeaderVetted header: the guard in Transport then passes exactly
// these bytes without decoding them again, which is what lets a load run
// send thousands of generated leveranser a second through it. Without a
// guard the mark is empty.
func (t *Target) VetLeveranse(l contract.Leveranse) (body []byte, mark string, err error) {
	if t.Policy.SyntheticOnly {
		if ps := generators.CheckSynthetic(l); len(ps) > 0 {
			return nil, "", notSynthetic(ps)
		}
	}
	body, err = generators.Marshal(l)
	if err != nil {
		return nil, "", err
	}
	if t.Policy.SyntheticOnly && t.vet != nil {
		mark = t.vet.keep(body)
	}
	return body, mark, nil
}
