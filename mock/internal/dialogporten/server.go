// Package dialogporten is the local stand-in for Altinn's Dialogporten: a
// GraphQL endpoint that checks every query with gqlparser against finprod's
// SDL (contract/dialogschema) and answers it with graphql-go, from the mock's
// store. Each accepted submission shows up as a SUBMISSION transmission in
// the oppgavegiver's dialog; its feedback (ACCEPTANCE or REJECTION, with a
// feedback document) follows after a configurable delay.
package dialogporten

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
	graphql "github.com/graph-gophers/graphql-go"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Paths of the stand-in: the lead mounts Handler at MountPath on the mock's
// listener, so the endpoint sits where TT02 has it
// (https://platform.tt02.altinn.no/dialogporten/graphql).
const (
	MountPath   = "/dialogporten/"
	GraphQLPath = "/dialogporten/graphql"
)

// maxRequest caps a GraphQL request body; finprod's queries are a few kB.
const maxRequest = 1 << 20

// Server is the Dialogporten stand-in. It is safe for concurrent use.
type Server struct {
	cfg       Config
	st        *store.Store
	verifier  *tokens.Verifier
	baseURL   string
	mayReport func(systembruker, oppgavegiver string) bool
	schema    *graphql.Schema

	mu      sync.Mutex
	closed  bool
	pending []pendingFeedback // in due order
	writing bool              // settle is writing feedback it took from pending
	// settling is held while due feedback is written (settle).
	settling sync.Mutex
}

// New makes the stand-in and subscribes it to the store's accepted
// submissions. baseURL is the reporting API's base URL (scheme and host, as
// http://127.0.0.1:8080): attachment URLs point at its document endpoint.
// mayReport says whether a systembruker's org may report for an oppgavegiver
// (and so see its dialogs); nil means an org sees only its own.
func New(cfg Config, st *store.Store, verifier *tokens.Verifier, baseURL string, mayReport func(systembruker, oppgavegiver string) bool) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if st == nil || verifier == nil {
		return nil, errors.New("dialogporten: a store and a token verifier are required")
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dialogporten: base URL %q is not an absolute http(s) URL", baseURL)
	}
	if mayReport == nil {
		mayReport = func(systembruker, oppgavegiver string) bool {
			return systembruker != "" && systembruker == oppgavegiver
		}
	}
	s := &Server{cfg: cfg, st: st, verifier: verifier, baseURL: strings.TrimRight(baseURL, "/"),
		mayReport: mayReport}
	s.schema, err = graphql.ParseSchema(dialogschema.SDL(), &query{s: s},
		graphql.UseFieldResolvers(), graphql.MaxDepth(20), graphql.MaxQueryLength(maxRequest))
	if err != nil {
		return nil, fmt.Errorf("dialogporten: resolvers do not fit the SDL: %w", err)
	}
	st.OnAcceptedSubmission(s.onAccepted)
	st.OnRead(s.settle)
	st.OnReset(s.dropPending)
	s.resume(st.AwaitingFeedback())
	return s, nil
}

// Close drops pending feedback and waits for feedback being written. The
// store keeps what was written; later submissions get no feedback.
func (s *Server) Close() error {
	s.settling.Lock()
	defer s.settling.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.pending = nil
	return nil
}

// Handler serves GraphQLPath (POST).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+GraphQLPath, s.serveGraphQL)
	mux.HandleFunc(GraphQLPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", http.MethodPost)
		writeErrors(w, r, http.StatusMethodNotAllowed, gqlerror.List{{Message: "Send GraphQL requests with POST."}})
	})
	return mux
}

type callerKey struct{}

// caller is who asks: the org of the token's systembruker.
type caller struct{ systembruker string }

func (s *Server) visible(ctx context.Context, d store.Dialog) bool {
	c, _ := ctx.Value(callerKey{}).(caller)
	return s.mayReport(c.systembruker, d.Oppgavegiver)
}

type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeErrors(w, r, http.StatusUnsupportedMediaType, gqlerror.List{{Message: "Send the request as application/json."}})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequest))
	if err != nil {
		writeErrors(w, r, http.StatusRequestEntityTooLarge, gqlerror.List{{Message: "The request is too large."}})
		return
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil || strings.TrimSpace(req.Query) == "" {
		writeErrors(w, r, http.StatusBadRequest, gqlerror.List{{Message: "The body is not a GraphQL request ({\"query\": ...})."}})
		return
	}
	doc, errs := loadQuery(req.Query)
	if len(errs) > 0 {
		for _, e := range errs {
			e.Extensions = map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}
		}
		writeErrors(w, r, http.StatusBadRequest, errs)
		return
	}
	op := operation(doc, req.OperationName)
	if op == nil {
		writeErrors(w, r, http.StatusBadRequest, gqlerror.List{{Message: fmt.Sprintf("No operation named %q in the document.", req.OperationName)}})
		return
	}
	ctx := r.Context()
	// Like Dialogporten, the schema is public: introspection needs no token.
	if !introspectionOnly(op) {
		c, status, msg := s.authenticate(r)
		if status != 0 {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer`)
			}
			code := "AUTH_NOT_AUTHENTICATED"
			if status == http.StatusForbidden {
				code = "AUTH_NOT_AUTHORIZED"
			}
			writeErrors(w, r, status, gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}})
			return
		}
		ctx = context.WithValue(ctx, callerKey{}, c)
	}
	resp := s.schema.Exec(ctx, req.Query, req.OperationName, req.Variables)
	w.Header().Set("Content-Type", responseType(r))
	_ = json.NewEncoder(w).Encode(resp)
}

// authenticate checks the bearer token; a non-zero status means refused.
// The messages never repeat the token.
func (s *Server) authenticate(r *http.Request) (caller, int, string) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return caller{}, http.StatusUnauthorized, "The current user is not authenticated: send a Maskinporten token as 'Authorization: Bearer <token>'."
	}
	claims, err := s.verifier.Verify(strings.TrimSpace(raw))
	if err != nil {
		msg := "The token is not valid."
		if errors.Is(err, tokens.ErrExpired) {
			msg = "The token has expired."
		}
		return caller{}, http.StatusUnauthorized, msg
	}
	if !claims.HasScope(dialogschema.Scope) {
		return caller{}, http.StatusForbidden, fmt.Sprintf("The token lacks the scope %s.", dialogschema.Scope)
	}
	return caller{systembruker: claims.SystemuserOrgnr()}, 0, ""
}

// loadQuery parses and validates with gqlparser against finprod's SDL, so
// the stand-in refuses exactly what a query checked by finprod's tests would.
func loadQuery(q string) (*ast.QueryDocument, gqlerror.List) {
	return gqlparser.LoadQueryWithRules(dialogschema.Schema(), q, nil)
}

func operation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0]
		}
		return nil
	}
	return doc.Operations.ForName(name)
}

// introspectionOnly reports whether every root field asks about the schema.
func introspectionOnly(op *ast.OperationDefinition) bool {
	if op.Operation != ast.Query || len(op.SelectionSet) == 0 {
		return false
	}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || !strings.HasPrefix(f.Name, "__") {
			return false
		}
	}
	return true
}

// responseType follows GraphQL over HTTP: the newer media type when the
// client accepts it, else application/json.
func responseType(r *http.Request) string {
	if strings.Contains(r.Header.Get("Accept"), "application/graphql-response+json") {
		return "application/graphql-response+json"
	}
	return "application/json"
}

// writeErrors answers with a GraphQL errors document. Under
// application/json, GraphQL over HTTP wants request errors (parse,
// validation) with status 200; HTTP-level refusals keep their status.
func writeErrors(w http.ResponseWriter, r *http.Request, status int, errs gqlerror.List) {
	ct := responseType(r)
	if status == http.StatusBadRequest && ct == "application/json" {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}
