package rawhttp_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
)

// liveness bounds how long a test waits for the server before it calls it
// hung. It is not a timing assertion: every answer here comes long before.
const liveness = 60 * time.Second

// rawRequest is a request as bytes on a TCP connection: a head, and a body
// written in pieces (chunked or not, as the head says).
type rawRequest struct {
	head   string
	body   [][]byte
	answer func(t *testing.T, resp *http.Response, body []byte)
}

// send writes the request on a fresh connection while it reads the answer,
// since the server may answer before the body is all sent (and then stop
// reading it).
func send(t *testing.T, addr string, r rawRequest) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, liveness)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(liveness)))
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := io.WriteString(conn, r.head); err != nil {
			return
		}
		for _, b := range r.body {
			if _, err := conn.Write(b); err != nil {
				return // the server answered and closed: it need not read the rest
			}
		}
	})
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the server must answer")
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = conn.Close() // lets a writer still busy with a body it no longer needs stop
	wg.Wait()
	return resp, body
}

func head(s *mock.Server, tok, extra string) string {
	return "POST /v1/2024 HTTP/1.1\r\nHost: " + hostOf(s) + "\r\nAuthorization: Bearer " + tok +
		"\r\nContent-Type: application/json\r\nidempotencyKey: " + uuid.NewString() + "\r\n" + extra
}

func hostOf(s *mock.Server) string { return strings.TrimPrefix(s.URL(), "http://") }

// chunks writes b in HTTP/1.1 chunks of 64 KiB, ending the body.
func chunks(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := min(len(b), 64<<10)
		out = append(out, []byte(fmt.Sprintf("%x\r\n", n)), b[:n], []byte("\r\n"))
		b = b[n:]
	}
	return append(out, []byte("0\r\n\r\n"))
}

// memory watches the heap while hostile requests are served: its peak in
// use above the start, what was allocated in all, and what is still in use
// after a collection.
type memory struct {
	start    runtime.MemStats
	peak     uint64
	stop     chan struct{}
	finished chan struct{}
}

func watchMemory() *memory {
	m := &memory{stop: make(chan struct{}), finished: make(chan struct{})}
	runtime.GC()
	runtime.ReadMemStats(&m.start)
	m.peak = m.start.HeapInuse
	go func() {
		defer close(m.finished)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-tick.C:
				var now runtime.MemStats
				runtime.ReadMemStats(&now)
				m.peak = max(m.peak, now.HeapInuse)
			}
		}
	}()
	return m
}

// end returns the peak of heap in use above the start, the bytes allocated,
// and the heap in use after a collection above the start (all in MiB).
func (m *memory) end() (peak, allocated, retained float64) {
	close(m.stop)
	<-m.finished
	var now runtime.MemStats
	runtime.ReadMemStats(&now)
	peakInUse := max(m.peak, now.HeapInuse)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	mib := func(a, b uint64) float64 {
		if a < b {
			return 0
		}
		return float64(a-b) / (1 << 20)
	}
	return mib(peakInUse, m.start.HeapInuse), mib(now.TotalAlloc, m.start.TotalAlloc), mib(after.HeapInuse, m.start.HeapInuse)
}

// Memory bounds of one hostile request (ASSUMPTION A-GRENSER), as
// generous multiples of the bytes the server reads, so that only an
// amplification without bound fails them (before the schema's validation
// was bounded, a 6 MB body of wrong items cost 3.8 GB, 630 times its size),
// and nothing may be kept once the request is answered.
const (
	peakPerByte      = 64  // heap in use at the peak, per byte read
	allocPerByte     = 128 // allocated in all, per byte read
	slackMiB         = 32  // for the server's and the test's own buffers
	retainedBoundMiB = 16
	// hostileBodyLength is the size of bodies parsed in full: big, and
	// quick under -race.
	hostileBodyLength = 2 << 20
)

// TestHostileInput sends what a hostile or broken client might: bodies over
// the limit (declared and chunked), deep nesting, huge numbers, text that
// is not UTF-8, enormous headers and header counts. Each gets a clear GLD
// error (status and kode as the service page's table pairs them), nothing
// is stored, memory stays within a bound, and the server still serves a
// good request afterwards. It is the package's one test that does not run
// in parallel, so that the heap it measures is the server's alone.
func TestHostileInput(t *testing.T) {
	s := start(t, mock.Config{})
	tok := token(t, s, exampleOrg)
	ex := string(contract.Eksempel())

	// in puts raw text in place of a field's value in the example.
	in := func(old, new string) []byte {
		require.Contains(t, ex, old)
		return []byte(strings.Replace(ex, old, new, 1))
	}
	padTo := func(n int, unit string) string { return strings.Repeat(unit, n/len(unit)) }
	kildesystem := `"kildesystem": "Kildesystemet v2.0.5"`
	antall := `"antallOppgaver": 1`
	oppgaveStart := strings.Index(ex, `"oppgave": [`) + len(`"oppgave": [`)
	oppgaveEnd := strings.Index(ex, "],\n    \"oppgaveoppsummering\"")
	require.Positive(t, oppgaveStart)
	require.Positive(t, oppgaveEnd)
	// The widest body costs the most per byte; half the length keeps it quick under -race.
	wideOppgave := []byte(ex[:oppgaveStart] + strings.TrimSuffix(padTo(hostileBodyLength/2, "1,"), ",") + ex[oppgaveEnd:])

	gld := func(status int, kode, spec, sti string, minDetails int) func(*testing.T, *http.Response, []byte) {
		return func(t *testing.T, resp *http.Response, body []byte) {
			f := requireFeil(t, answer{status: resp.StatusCode, header: resp.Header, body: body, feil: parseFeil(body)})
			assert.Equal(t, status, resp.StatusCode)
			assert.Equal(t, kode, f.Kode)
			if spec != "" {
				assert.Contains(t, f.codes(), spec)
			}
			if sti != "" {
				assert.Contains(t, f.stier(), sti)
			}
			assert.GreaterOrEqual(t, len(f.Feilspesifisering), minDetails)
			assert.LessOrEqual(t, len(f.Feilspesifisering), contract.MaxViolations+1, "an answer lists at most the bound")
			assert.Less(t, len(body), 64<<10, "an error answer stays small")
		}
	}
	plain := func(body []byte) [][]byte { return [][]byte{body} }
	withLength := func(extra string, body []byte) (string, [][]byte) {
		return head(s, tok, extra+fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))), plain(body)
	}

	type hostile struct {
		name string
		req  func() rawRequest
	}
	cases := []hostile{
		{"Content-Length over the limit, body never sent", func() rawRequest {
			return rawRequest{head: head(s, tok, fmt.Sprintf("Content-Length: %d\r\n\r\n", maxBody+1)),
				answer: gld(400, "GLD_006", "GLD_1022", "body", 1)}
		}},
		{"chunked body over the limit", func() rawRequest {
			return rawRequest{head: head(s, tok, "Transfer-Encoding: chunked\r\n\r\n"), body: chunks(bytes.Repeat([]byte(" "), maxBody+(1<<20))),
				answer: gld(400, "GLD_006", "GLD_1022", "body", 1)}
		}},
		{"nesting a million deep", func() rawRequest {
			h, b := withLength("", []byte(`{"leveranse":`+strings.Repeat("[", 1<<20)))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_008", "", "$", 1)}
		}},
		{"nesting 9000 deep where a string belongs", func() rawRequest {
			h, b := withLength("", in(kildesystem, `"kildesystem": `+strings.Repeat("[", 9000)+strings.Repeat("]", 9000)))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_010", "", "$.leveranse.kildesystem", 1)}
		}},
		{"half a million wrong oppgave items", func() rawRequest {
			h, b := withLength("", wideOppgave)
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_010", "", "$.leveranse.oppgave[0]", contract.MaxViolations+1)}
		}},
		{"a number of two million digits", func() rawRequest {
			h, b := withLength("", in(antall, `"antallOppgaver": `+padTo(hostileBodyLength, "9")))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_010", "", "$.leveranse.oppgaveoppsummering.antallOppgaver", 1)}
		}},
		{"an exponent of a billion", func() rawRequest {
			h, b := withLength("", in(antall, `"antallOppgaver": 1e999999999`))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_010", "", "$.leveranse.oppgaveoppsummering.antallOppgaver", 1)}
		}},
		{"300 000 numbers no type holds", func() rawRequest {
			h, b := withLength("", in(kildesystem, `"kildesystem": [`+strings.TrimSuffix(padTo(hostileBodyLength, "1e400,"), ",")+`]`))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_010", "", "", contract.MaxViolations+1)}
		}},
		{"two megabytes that are not UTF-8", func() rawRequest {
			h, b := withLength("", in(kildesystem, `"kildesystem": "`+padTo(hostileBodyLength, "\xff")+`"`))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_008", "", "$.leveranse.kildesystem", 1)}
		}},
		{"300 000 lone surrogate escapes", func() rawRequest {
			h, b := withLength("", in(kildesystem, `"kildesystem": "`+padTo(hostileBodyLength, `\ud800`)+`"`))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_008", "", "$.leveranse.kildesystem", 1)}
		}},
		{"a header of 100 KiB", func() rawRequest {
			h, b := withLength("X-Pad: "+strings.Repeat("a", 100<<10)+"\r\n", []byte(ex))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_006", "GLD_1022", "headers", 1)}
		}},
		{"500 header fields", func() rawRequest {
			var extra strings.Builder
			for i := range 500 {
				fmt.Fprintf(&extra, "X-H%d: v\r\n", i)
			}
			h, b := withLength(extra.String(), []byte(ex))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_006", "GLD_1022", "headers", 1)}
		}},
		{"90 000 header fields in 900 KiB", func() rawRequest {
			h, b := withLength(strings.Repeat("X-A: b\r\n", 90_000), []byte(ex))
			return rawRequest{head: h, body: b, answer: gld(400, "GLD_006", "GLD_1022", "headers", 1)}
		}},
		{"a URL of 100 KiB", func() rawRequest {
			h := strings.Replace(head(s, tok, fmt.Sprintf("Content-Length: %d\r\n\r\n", len(ex))), "/v1/2024", "/v1/2024?x="+strings.Repeat("a", 100<<10), 1)
			return rawRequest{head: h, body: plain([]byte(ex)), answer: gld(400, "GLD_006", "GLD_1022", "headers", 1)}
		}},
		{"2 MiB of headers, beyond net/http's own bound", func() rawRequest {
			h, b := withLength("X-Pad: "+strings.Repeat("a", 2<<20)+"\r\n", []byte(ex))
			return rawRequest{head: h, body: b, answer: func(t *testing.T, resp *http.Response, _ []byte) {
				// The one answer that is not the API's: net/http refuses
				// before any handler runs (ASSUMPTION A-GRENSER).
				assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
			}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.req() // built before the watch: the client's bytes are not the server's
			read := len(r.head)
			for _, b := range r.body {
				read += len(b)
			}
			read = min(read, maxBody+len(r.head))
			m := watchMemory()
			resp, body := send(t, hostOf(s), r)
			peak, allocated, retained := m.end()
			t.Logf("%s (%.1f MiB sent): HTTP %d; heap in use at peak +%.0f MiB, allocated %.0f MiB, kept %.1f MiB",
				c.name, float64(read)/(1<<20), resp.StatusCode, peak, allocated, retained)
			r.answer(t, resp, body)
			mib := float64(read) / (1 << 20)
			assert.Less(t, peak, peakPerByte*mib+slackMiB, "heap in use at its peak")
			assert.Less(t, allocated, allocPerByte*mib+slackMiB, "bytes allocated")
			assert.Less(t, retained, float64(retainedBoundMiB), "heap kept after the answer")
		})
	}
	assert.Zero(t, s.Count(), "no hostile request is stored")
	good := do(t, s.URL(), submission(tok, "2024", []byte(ex)))
	assert.Equal(t, http.StatusOK, good.status, "the server still serves: %s", good.body)
}

func parseFeil(b []byte) *feil {
	var f feil
	if json.Unmarshal(b, &f) != nil || f.Kode == "" {
		return nil
	}
	return &f
}
