package testkit_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
)

func TestLoopbackDialerRefusesEveryOtherHostBeforeLookingItUp(t *testing.T) {
	t.Parallel()
	var asked []string
	dial := testkit.LoopbackDialer(func(ctx context.Context, network, addr string) (net.Conn, error) {
		asked = append(asked, addr)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	})
	for _, addr := range []string{"innrapporteringfinansprodukter.api.skatteetaten.no:443", "maskinporten.no:1", "platform.altinn.no:443", "10.0.0.1:80", "[2001:db8::1]:443"} {
		_, err := dial(context.Background(), "tcp", addr)
		require.Error(t, err, addr)
		assert.Contains(t, err.Error(), "refused", addr)
	}
	assert.Empty(t, asked, "nothing but loopback reaches the dialer")

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	tr := &http.Transport{DialContext: dial}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{srv.Listener.Addr().String()}, asked, "a loopback server is dialled")
}
