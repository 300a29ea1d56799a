// Package api is the local stand-in for the reporting API itself: submission
// (POST /v1/{inntektsaar}) and document retrieval, with Skatteetaten's error
// format, idempotency, and fault injection for tests and capacity runs.
package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/finprod/finprod/rules"
)

// Config is the behaviour of the API that a user may choose.
type Config struct {
	// OpenYears are the income years that may be reported (GLD_1027
	// otherwise); zero means the current year and the three before it,
	// computed from the clock on every request (ASSUMPTION A-AAR).
	OpenYears YearRange `json:"openYears" yaml:"openYears"`
	// BusinessRules is rules.Async (default) or rules.Sync.
	BusinessRules string `json:"businessRules,omitempty" yaml:"businessRules"`
	// Faults are injected on the API endpoints; change them at run time
	// with SetFaults.
	Faults Faults `json:"faults" yaml:"faults"`
	// Systembruker is SystembrukerRequired (default: a token without a
	// systembruker is refused with 403 GLD_005) or SystembrukerOptional (the
	// token's consumer organisation then reports as its own systembruker),
	// ASSUMPTION A-SYSTEMBRUKER.
	Systembruker string `json:"systembruker,omitempty" yaml:"systembruker"`
	// DiscardDocuments keeps only the metadata of accepted leveranser, not
	// their bytes, so long load runs do not grow without bound. The
	// document endpoint then serves an empty body.
	DiscardDocuments bool `json:"discardDocuments,omitempty" yaml:"discardDocuments"`
}

// Validate reports every problem of the configuration in one error.
func (c Config) Validate() error {
	var errs []error
	if err := c.OpenYears.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := rules.CheckMode(c.BusinessRules); err != nil {
		errs = append(errs, err)
	}
	if err := c.Faults.Validate(); err != nil {
		errs = append(errs, err)
	}
	switch c.Systembruker {
	case "", SystembrukerRequired, SystembrukerOptional:
	default:
		errs = append(errs, fmt.Errorf("systembruker %q: use %s or %s", c.Systembruker, SystembrukerRequired, SystembrukerOptional))
	}
	return errors.Join(errs...)
}

// The answers to a token without a systembruker (Config.Systembruker).
const (
	SystembrukerRequired = "required"
	SystembrukerOptional = "optional"
)

// Access decides whether a systembruker organisation may report for an
// oppgavegiver; *access.Rules is the implementation.
type Access interface {
	MayReport(systembruker, oppgavegiver string) bool
}

// Deps are what the handler works with; all but Now are required.
type Deps struct {
	Contract *contract.Contract
	Store    *store.Store
	Verifier *tokens.Verifier
	Access   Access
	Now      func() time.Time
	// Log is told when the store fails (nil: nobody is).
	Log *slog.Logger
}

// Handler serves the reporting API under /v1/. It is safe for concurrent use.
type Handler struct {
	cfg      Config
	contract *contract.Contract
	store    *store.Store
	verifier *tokens.Verifier
	access   Access
	now      func() time.Time
	faults   *faultState
	idem     *idempotency
	log      *slog.Logger
	// storeFailed is set once the store's failure has been logged: every
	// later submission fails the same way, and one line says why.
	storeFailed atomic.Bool
}

// New checks the configuration and builds the handler.
func New(cfg Config, d Deps) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("api config: %w", err)
	}
	if d.Contract == nil || d.Store == nil || d.Verifier == nil || d.Access == nil {
		return nil, errors.New("api: Contract, Store, Verifier and Access are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if cfg.BusinessRules == "" {
		cfg.BusinessRules = rules.Async
	}
	return &Handler{
		cfg: cfg, contract: d.Contract, store: d.Store, verifier: d.Verifier, access: d.Access, now: d.Now,
		faults: newFaultState(cfg.Faults), idem: newIdempotency(d.Store), log: d.Log,
	}, nil
}

// storeFailure logs, once, that a submission could not be stored. A store
// whose file failed refuses every later submission the same way, until the
// mock is started again, so one line says why they all get 500.
func (h *Handler) storeFailure(err error) {
	if h.log == nil || h.storeFailed.Swap(true) {
		return
	}
	h.log.Error("could not store a submission: it is answered 500 GLD_001, and once the store's file has failed so is every later one, until the mock is started again", "err", err)
}

// Faults returns the faults in force.
func (h *Handler) Faults() Faults { return h.faults.get() }

// SetFaults changes the faults from the next request on.
func (h *Handler) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	h.faults.set(f)
	return nil
}

// Reset forgets every idempotency record (the store is reset by its owner).
func (h *Handler) Reset() { h.idem.reset() }

// ServeHTTP routes by hand rather than through a ServeMux: the API has two
// shapes of path (the document's is contract.DokumentRef), and a miss must
// still answer in the API's error format.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if size, fields := headerSize(r); size > MaxHeaderBytes || fields > MaxHeaderFields {
		writeFeil(w, contract.GLD1022, contract.Feilspesifisering{
			Melding: fmt.Sprintf("Request-linjen og headerne er %d bytes i %d felt; høyst %d bytes og %d felt er tillatt",
				size, fields, MaxHeaderBytes, MaxHeaderFields),
			Sti: "headers",
		})
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		writeFeil(w, contract.GLD1023)
		return
	}
	if rest != "" && !strings.Contains(rest, "/") {
		if r.Method != http.MethodPost {
			methodNotAllowed(w, http.MethodPost)
			return
		}
		h.withFaults(w, r, func(w http.ResponseWriter) { h.submit(w, r, rest) })
		return
	}
	if prefix, doc, ok := contract.ParseDokumentPath(r.URL.Path); ok && prefix == "" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, http.MethodGet+", "+http.MethodHead)
			return
		}
		h.withFaults(w, r, func(w http.ResponseWriter) { h.document(w, r, doc) })
		return
	}
	writeFeil(w, contract.GLD1023)
}

// The API's bounds on a request's line and headers (ASSUMPTION A-GRENSER):
// more gets 400 GLD_006/GLD_1022, as a gateway in front of the service would
// refuse them. (Beyond 1 MiB net/http answers 431 before the API sees it.)
const (
	MaxHeaderBytes  = 64 << 10
	MaxHeaderFields = 100
)

// headerSize is about what the request line and headers took on the wire.
func headerSize(r *http.Request) (size, fields int) {
	size = len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			size += len(k) + len(v) + 4 // ": " and CRLF
			fields++
		}
	}
	return size, fields
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeFeil(w, contract.GLD022)
}
