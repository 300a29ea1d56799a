package generators

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/finprod/finprod/contract"
)

// Sink receives the leveranser of a stream one at a time, in order.
type Sink interface {
	// Begin starts leveranse k and returns where its body goes.
	Begin(k int64) (io.Writer, error)
	// End is called after the whole body of leveranse k was written.
	End(k int64) error
}

// StreamOptions shape a stream.
type StreamOptions struct {
	// Leveranser to generate, each with Config.Oppgaver oppgaver; default 1.
	Leveranser int64
	// MaxBodySize in bytes; a leveranse that would grow past it is closed
	// early and the remaining oppgaver go into the next one (so the run may
	// produce more leveranser than asked for). 0 means contract.MaxBody;
	// negative means no limit.
	MaxBodySize int
	// Workers generating oppgaver in parallel; default GOMAXPROCS. The
	// output does not depend on it.
	Workers int
	// Progress, if set, is called from the writing goroutine with the
	// number of oppgaver written so far.
	Progress func(oppgaver int64)
}

// StreamStats sums up a finished stream.
type StreamStats struct {
	Leveranser int64
	Oppgaver   int64
	Bytes      int64
}

// batchSize trades scheduling overhead against memory held per batch.
const batchSize = 256

type batch struct {
	n     int64
	buf   []byte
	ends  []int
	sums  []sums
	first int64
}

// Stream writes leveranser to sink in bounded memory: workers encode
// oppgaver by index in batches, one writer puts the batches back in order
// and writes header, oppgaver and the running oppgaveoppsummering. Without
// splitting, leveranse k is byte-identical to Body(k).
func (g *Generator) Stream(ctx context.Context, sink Sink, opt StreamOptions) (StreamStats, error) {
	if opt.Leveranser == 0 {
		opt.Leveranser = 1
	}
	if opt.Leveranser < 0 {
		return StreamStats{}, fmt.Errorf("leveranser must be at least 1, got %d", opt.Leveranser)
	}
	if opt.MaxBodySize == 0 {
		opt.MaxBodySize = contract.MaxBody
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	perLev := int64(g.cfg.Oppgaver)
	total := perLev * opt.Leveranser
	nBatches := (total + batchSize - 1) / batchSize

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int64)
	results := make(chan *batch, opt.Workers)
	// tokens bound the batches between dispatch and write, and so memory.
	tokens := make(chan struct{}, 2*opt.Workers)
	// free holds written batches for the workers to fill again.
	free := make(chan *batch, cap(tokens))
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				var b *batch
				select {
				case b = <-free:
				default:
				}
				b = g.encodeBatch(b, n, total)
				select {
				case results <- b:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for n := range nBatches {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	w := &streamWriter{g: g, sink: sink, max: opt.MaxBodySize, perLev: perLev, k: -1}
	w.flags = flagsOf(g.defects)
	w.firstDefect = hasFirst(g.defects)
	w.tail = tailBound(perLev)
	pending := map[int64]*batch{}
	var next int64
	for next < nBatches {
		b, ok := pending[next]
		if !ok {
			select {
			case r, open := <-results:
				if !open {
					return w.stats, errors.Join(ctx.Err(), errors.New("generation stopped early"))
				}
				pending[r.n] = r
			case <-ctx.Done():
				return w.stats, ctx.Err()
			}
			continue
		}
		delete(pending, next)
		<-tokens
		next++
		if err := w.writeBatch(b); err != nil {
			return w.stats, err
		}
		select {
		case free <- b: // the sink has the bytes; the buffers may be filled again
		default:
		}
		if opt.Progress != nil {
			opt.Progress(w.stats.Oppgaver)
		}
	}
	if err := w.close(); err != nil {
		return w.stats, err
	}
	return w.stats, nil
}

// encodeBatch encodes batch n into b, or into a new batch when b is nil.
func (g *Generator) encodeBatch(b *batch, n, total int64) *batch {
	first := n * batchSize
	end := min(first+batchSize, total)
	if b == nil {
		b = &batch{
			ends: make([]int, 0, end-first),
			sums: make([]sums, 0, end-first),
			buf:  make([]byte, 0, int(end-first)*900),
		}
	}
	b.n, b.first = n, first
	b.ends, b.sums, b.buf = b.ends[:0], b.sums[:0], b.buf[:0]
	for i := b.first; i < end; i++ {
		o, s := g.oppgave(i)
		b.buf = appendOppgave(b.buf, &o)
		b.ends = append(b.ends, len(b.buf))
		b.sums = append(b.sums, s)
	}
	return b
}

// streamWriter owns the order-dependent state: which leveranse is open, its
// size so far and its running sums.
type streamWriter struct {
	g           *Generator
	sink        Sink
	max         int
	perLev      int64
	flags       encodeFlags
	firstDefect bool
	tail        int

	k     int64 // open leveranse, -1 if none
	out   io.Writer
	buf   []byte
	size  int // bytes of the open body so far
	count int64
	sums  sums
	stats StreamStats
	tmp   []byte
}

// tailBound is the most bytes the closing summary can take: nine 18-digit
// sums (the schema's maximum) and a count one larger than any leveranse
// holds (for feil-antall).
func tailBound(perLev int64) int {
	s := contract.Oppgaveoppsummering{AntallOppgaver: int(perLev + 1)}
	nines := "999999999999999999"
	s.SumFormuesverdi, s.SumSkattepliktigUtbytte, s.SumRenteinntekt = nines, nines, nines
	s.SumAnnenInntektEllerUtbetaling, s.SumGevinst, s.SumTap = nines, nines, nines
	s.SumAnvendtSkjerming, s.SumUtdeltUtbytte, s.SumSalgsvederlag = nines, nines, nines
	return len(appendTail(nil, s, encodeFlags{}))
}

func (w *streamWriter) writeBatch(b *batch) error {
	start := 0
	for j, end := range b.ends {
		i := b.first + int64(j)
		if err := w.add(i, b.buf[start:end], b.sums[j]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func (w *streamWriter) add(i int64, enc []byte, s sums) error {
	full := w.k >= 0 && w.count == w.perLev
	if w.k >= 0 && !full && w.max > 0 && w.size+1+len(enc)+w.tail > w.max {
		full = true
	}
	if full {
		if err := w.close(); err != nil {
			return err
		}
	}
	if w.k < 0 {
		if err := w.open(); err != nil {
			return err
		}
		if w.firstDefect {
			o := applyFirst(w.g.Oppgave(i), w.g.defects)
			w.tmp = appendOppgave(w.tmp[:0], &o)
			enc = w.tmp
		}
		if w.max > 0 && w.size+len(enc)+w.tail > w.max {
			return fmt.Errorf("oppgave %d alone makes a body of more than %d bytes; raise the maximum body size", i, w.max)
		}
	} else {
		w.write([]byte{','})
	}
	w.write(enc)
	if err := w.flush(false); err != nil {
		return err
	}
	w.count++
	w.sums.add(s)
	w.stats.Oppgaver++
	return nil
}

func (w *streamWriter) open() error {
	w.stats.Leveranser++
	w.k = w.stats.Leveranser - 1
	out, err := w.sink.Begin(w.k)
	if err != nil {
		return fmt.Errorf("starting leveranse %d: %w", w.k, err)
	}
	w.out, w.size, w.count, w.sums = out, 0, 0, sums{}
	l := w.g.header(w.k)
	applyHeader(&l, w.g.defects)
	w.write(appendHeader(nil, &l, w.flags))
	return nil
}

func (w *streamWriter) write(p []byte) {
	w.buf = append(w.buf, p...)
	w.size += len(p)
}

// flush hands buffered bytes to the sink in large writes.
func (w *streamWriter) flush(force bool) error {
	if len(w.buf) == 0 || !force && len(w.buf) < 64<<10 {
		return nil
	}
	n, err := w.out.Write(w.buf)
	w.stats.Bytes += int64(n)
	w.buf = w.buf[:0]
	if err != nil {
		return fmt.Errorf("writing leveranse %d: %w", w.k, err)
	}
	return nil
}

func (w *streamWriter) close() error {
	if w.k < 0 {
		return nil
	}
	s := w.sums.oppsummering(int(w.count))
	applySummary(&s, w.g.defects)
	w.write(appendTail(nil, s, w.flags))
	if err := w.flush(true); err != nil {
		return err
	}
	if err := w.sink.End(w.k); err != nil {
		return fmt.Errorf("finishing leveranse %d: %w", w.k, err)
	}
	w.k = -1
	return nil
}
