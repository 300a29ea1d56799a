package rawhttp_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/mock"
)

// TestSlowClients: a client that trickles its headers, trickles its body,
// or keeps an idle connection is let go by the server's timeouts
// (ASSUMPTION A-GRENSER; small ones here, so the test is quick). A slow
// body is answered with a GLD error; headers never finished leave no
// request to answer, so that connection is closed. No timing is asserted:
// the test only waits, up to liveness, for the server to act.
func TestSlowClients(t *testing.T) {
	t.Parallel() // TestHostileInput, which measures the heap, runs alone before
	s := start(t, mock.Config{Limits: mock.Limits{
		ReadHeaderTimeout: mock.Duration(200 * time.Millisecond),
		ReadTimeout:       mock.Duration(500 * time.Millisecond),
		IdleTimeout:       mock.Duration(300 * time.Millisecond),
	}})
	tok := token(t, s, exampleOrg)
	dial := func(t *testing.T) net.Conn {
		conn, err := net.DialTimeout("tcp", hostOf(s), liveness)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(liveness)))
		return conn
	}
	// trickle writes a piece every 50 ms until the server stops taking them.
	trickle := func(conn net.Conn, piece string) {
		go func() {
			for range int(liveness / (50 * time.Millisecond)) {
				if _, err := io.WriteString(conn, piece); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	requireClosedByServer := func(t *testing.T, r io.Reader) {
		t.Helper()
		_, err := io.Copy(io.Discard, r)
		if err == nil {
			return // EOF: the server closed
		}
		require.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the server kept the connection for %s", liveness)
		var op *net.OpError
		require.ErrorAs(t, err, &op, "closed by the server (a reset is a close too)")
	}

	t.Run("headers never finished", func(t *testing.T) {
		conn := dial(t)
		_, err := io.WriteString(conn, "POST /v1/2024 HTTP/1.1\r\nHost: "+hostOf(s)+"\r\n")
		require.NoError(t, err)
		trickle(conn, "X-Slow: a\r\n")
		requireClosedByServer(t, conn)
	})
	t.Run("body trickled", func(t *testing.T) {
		conn := dial(t)
		_, err := io.WriteString(conn, head(s, tok, "Content-Length: 100000\r\n\r\n")+`{"leveranse": `)
		require.NoError(t, err)
		trickle(conn, " ")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err, "a slow body is answered")
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		f := requireFeil(t, answer{status: resp.StatusCode, header: resp.Header, body: body, feil: parseFeil(body)})
		assert.Equal(t, "GLD_006", f.Kode)
		assert.Contains(t, f.codes(), "GLD_1022")
		assert.Equal(t, []string{"body"}, f.stier())
		requireClosedByServer(t, br)
	})
	t.Run("idle keep-alive connection", func(t *testing.T) {
		conn := dial(t)
		_, err := fmt.Fprintf(conn, "GET /v1/ HTTP/1.1\r\nHost: %s\r\n\r\n", hostOf(s))
		require.NoError(t, err)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.False(t, resp.Close, "the answer keeps the connection open for the next request")
		requireClosedByServer(t, br)
	})
	good := do(t, s.URL(), submission(tok, "2024", exampleBody()))
	assert.Equal(t, http.StatusOK, good.status, "the server still serves: %s", good.body)
	assert.Equal(t, 1, s.Count())
}
