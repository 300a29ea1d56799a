package testkit

import (
	"context"
	"fmt"
	"net"
	"net/http"
)

// DialFunc is how an http.Transport opens a connection.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// LoopbackDialer is next for loopback addresses (an IP literal, or
// "localhost") and an error for any other, before any name is looked up:
// tests send only to servers they start on 127.0.0.1, and a guard that
// stops letting a production host through must fail a test, not reach
// that host.
func LoopbackDialer(next DialFunc) DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
			return next(ctx, network, addr)
		}
		return nil, fmt.Errorf("test: dial %s refused: tests send only to servers they start on loopback", addr)
	}
}

// LoopbackOnly puts LoopbackDialer into http.DefaultTransport, which every
// client without a transport of its own uses and which finprod's targets
// clone. A test binary's TestMain calls it once, before any test runs.
func LoopbackOnly() {
	tr := http.DefaultTransport.(*http.Transport)
	tr.DialContext = LoopbackDialer(tr.DialContext)
}
