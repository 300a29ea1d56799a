package api

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/finprod/finprod/rules"
	"github.com/google/uuid"
)

type allowAll struct{}

func (allowAll) MayReport(string, string) bool { return true }

func benchHandler(b *testing.B, cfg Config) (*Handler, string) {
	b.Helper()
	return benchHandlerWith(b, cfg, store.New())
}

func benchHandlerWith(b *testing.B, cfg Config, st *store.Store) (*Handler, string) {
	b.Helper()
	iss, err := tokens.NewIssuer("http://127.0.0.1/maskinporten/", nil)
	if err != nil {
		b.Fatal(err)
	}
	tok, _, err := iss.Mint(mptoken.Claims{Scope: contract.Scope, Consumer: mptoken.NewOrg("987546231"),
		AuthorizationDetails: []mptoken.AuthorizationDetail{{Type: mptoken.AuthorizationTypeSystemuser, SystemuserOrg: mptoken.NewOrg("987546231")}}}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(cfg, Deps{
		Contract: contract.Default(), Store: st,
		Verifier: tokens.NewVerifier(iss.URL(), iss.KeySet(), nil), Access: allowAll{},
	})
	if err != nil {
		b.Fatal(err)
	}
	return h, tok
}

// BenchmarkSubmit is the handler's own cost per valid submission, without
// the network: token check (cached), headers, schema, store, answer.
func BenchmarkSubmit(b *testing.B) {
	for _, mode := range []string{rules.Async, rules.Sync} {
		b.Run(mode, func(b *testing.B) {
			h, tok := benchHandler(b, Config{BusinessRules: mode, DiscardDocuments: true})
			body := contract.Eksempel()
			if mode == rules.Sync {
				body = testkit.ConsistentBody("310000000", 2024)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if w := postSubmission(h, tok, body); w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// postSubmission sends one valid submission with a fresh key to the handler.
func postSubmission(h http.Handler, tok string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/2024", bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+tok)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("idempotencyKey", uuid.NewString())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// BenchmarkBare is the floor: a handler that only reads the body.
func BenchmarkBare(b *testing.B) {
	body := contract.Eksempel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/v1/2024", bytes.NewReader(body))
		r.Header.Set("idempotencyKey", uuid.NewString())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
	}
}
