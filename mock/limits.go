package mock

import (
	"errors"
	"time"

	"github.com/finprod/finprod/mock/internal/api"
)

// Limits bound how long one client may hold a connection, so a slow or
// silent client (slowloris) cannot keep the server's connections and their
// buffers for ever (ASSUMPTION A-GRENSER). The zero value of a field is its
// default.
type Limits struct {
	// ReadHeaderTimeout bounds the time to send the request line and
	// headers; a client that has not done so is disconnected, unanswered
	// (there is no request yet to answer). Default 10 s.
	ReadHeaderTimeout Duration `yaml:"readHeaderTimeout"`
	// ReadTimeout bounds the time to send the whole request, body included
	// (a 10 MB body at 200 kB/s); a body not in by then is answered
	// 400 GLD_006/GLD_1022. Default 60 s.
	ReadTimeout Duration `yaml:"readTimeout"`
	// WriteTimeout bounds the time from the end of the headers to the end of
	// the answer, injected latency included, for a client that does not
	// read. Default 5 min.
	WriteTimeout Duration `yaml:"writeTimeout"`
	// IdleTimeout closes a keep-alive connection that waits this long for
	// its next request. Default 2 min.
	IdleTimeout Duration `yaml:"idleTimeout"`
}

// Default limits (see Limits).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 5 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
)

// maxHeaderBytes is net/http's own bound on the request line and headers,
// beyond which it answers 431 itself before any handler runs. Below it the
// API answers headers over api.MaxHeaderBytes or api.MaxHeaderFields with
// its own GLD error.
const maxHeaderBytes = 1 << 20

func (l Limits) withDefaults() Limits {
	def := func(d *Duration, v time.Duration) {
		if *d == 0 {
			*d = Duration(v)
		}
	}
	def(&l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&l.ReadTimeout, DefaultReadTimeout)
	def(&l.WriteTimeout, DefaultWriteTimeout)
	def(&l.IdleTimeout, DefaultIdleTimeout)
	return l
}

// Validate refuses negative limits.
func (l Limits) Validate() error {
	if l.ReadHeaderTimeout < 0 || l.ReadTimeout < 0 || l.WriteTimeout < 0 || l.IdleTimeout < 0 {
		return errors.New("limits: timeouts must not be negative (0 means the default)")
	}
	return nil
}

// The API's own bounds on headers, for users of the facade.
const (
	MaxHeaderBytes  = api.MaxHeaderBytes
	MaxHeaderFields = api.MaxHeaderFields
)
