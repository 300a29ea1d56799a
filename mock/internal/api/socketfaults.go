package api

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/finprod/finprod/contract"
)

// The faults a client meets on real networks below HTTP, as WireMock's users
// know them: a connection reset by peer, an empty response, a malformed
// chunk, a body that trickles. All but the empty response happen after the
// request was processed, so a submission is stored and only a retry with
// the same idempotencyKey tells the client what happened; the empty
// response happens before, so nothing is stored. A client cannot tell the
// two apart, which is the point: its retries must be safe either way.

// DefaultTrickle is how long a trickled body takes when Faults.Trickle is 0.
const DefaultTrickle = 2 * time.Second

// trickleSteps is into how many pieces a trickled body is cut, at most.
const trickleSteps = 20

type socketFault int

const (
	socketNone socketFault = iota
	socketReset
	socketEmpty
	socketMalformedChunk
	socketTrickle
)

func (f Faults) socketActive() bool {
	return f.ResetShare > 0 || f.EmptyShare > 0 || f.MalformedChunkShare > 0 || f.TrickleShare > 0
}

func (f Faults) trickle() time.Duration {
	if f.Trickle > 0 {
		return time.Duration(f.Trickle)
	}
	return DefaultTrickle
}

// socketFault draws the socket-level fault of one request, if any: one
// draw against the shares laid end to end.
func (s *faultState) socketFault(f Faults) socketFault {
	if !f.socketActive() {
		return socketNone
	}
	u := s.float()
	for _, c := range []struct {
		share float64
		fault socketFault
	}{{f.ResetShare, socketReset}, {f.EmptyShare, socketEmpty}, {f.MalformedChunkShare, socketMalformedChunk}, {f.TrickleShare, socketTrickle}} {
		if u < c.share {
			return c.fault
		}
		u -= c.share
	}
	return socketNone
}

// capture holds a whole answer, so a fault can decide how it goes out.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// deliver sends the captured answer through the fault. An answer never
// written (the client went away, or the drop fault) stays unwritten.
func (c *capture) deliver(w http.ResponseWriter, r *http.Request, f socketFault, trickle time.Duration) {
	if c.status == 0 {
		return
	}
	switch f {
	case socketReset:
		reset(w)
	case socketMalformedChunk:
		c.malformedChunk(w, r)
	case socketTrickle:
		c.trickle(w, r, trickle)
	}
}

// hangUp reads the request and closes the connection without a byte: the
// body is read first, because closing a socket with unread data makes the
// kernel send a reset instead of an orderly close.
func hangUp(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, contract.MaxBody))
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http then closes the connection itself
	}
	_ = conn.Close()
}

// reset closes the connection with SO_LINGER 0, which makes the kernel send
// RST: the client reads "connection reset by peer".
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// malformedChunk writes the status line and headers with chunked transfer
// encoding, the first half of the body as one proper chunk, then a chunk
// size that is not hexadecimal, and closes the connection.
func (c *capture) malformedChunk(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, contract.MaxBody))
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	bw := buf.Writer
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", c.status, http.StatusText(c.status))
	c.header.Del("Content-Length")
	c.header.Set("Transfer-Encoding", "chunked")
	c.header.Set("Connection", "close")
	_ = c.header.Write(bw)
	bw.WriteString("\r\n")
	body := c.body.Bytes()
	if half := body[:len(body)/2]; len(half) > 0 {
		fmt.Fprintf(bw, "%x\r\n%s\r\n", len(half), half)
	}
	bw.WriteString("zz-not-a-chunk-size\r\n")
	_ = bw.Flush()
}

// trickle writes the status and headers at once, and the body in pieces
// spread evenly over d; it stops when the client goes away.
func (c *capture) trickle(w http.ResponseWriter, r *http.Request, d time.Duration) {
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	body := c.body.Bytes()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(c.status)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	steps := min(len(body), trickleSteps)
	if steps == 0 {
		return
	}
	pause := d / time.Duration(steps)
	t := time.NewTimer(pause)
	defer t.Stop()
	for i := range steps {
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		t.Reset(pause)
		if _, err := w.Write(body[i*len(body)/steps : (i+1)*len(body)/steps]); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
