package mock

import (
	"fmt"
	"strings"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/mock/internal/store"
)

// The admin operations. The endpoints under /admin/ (admin_http.go) call
// these methods and nothing else, so a test in-process and a user of
// `finprod mock` over HTTP see the same mock.

// TokenTTL is the lifetime of tokens minted by MintToken, as Maskinporten's.
const TokenTTL = mptoken.Lifetime

// ForsendelseInfo is one forsendelse as the mock stored it.
type ForsendelseInfo struct {
	ForsendelseID  string    `json:"forsendelseId"`
	DialogID       string    `json:"dialogId"`
	Inntektsaar    int       `json:"inntektsaar"`
	Oppgavegiver   string    `json:"oppgavegiver"`
	Referanse      string    `json:"oppgavegiversLeveranseReferanse"`
	AntallOppgaver int       `json:"antallOppgaver"`
	Systembruker   string    `json:"systembruker"`
	DokumentID     string    `json:"dokumentId"`
	DokumentPath   string    `json:"dokumentPath"`
	Mottatt        time.Time `json:"mottatt"`
}

// ForsendelseFilter picks forsendelser; an empty field matches any value.
type ForsendelseFilter struct {
	Oppgavegiver string
	Referanse    string
}

func (f ForsendelseFilter) match(fs store.Forsendelse) bool {
	return (f.Oppgavegiver == "" || fs.Oppgavegiver == f.Oppgavegiver) &&
		(f.Referanse == "" || fs.Referanse == f.Referanse)
}

// Forsendelser lists the stored forsendelser that match, oldest first.
func (s *Server) Forsendelser(f ForsendelseFilter) []ForsendelseInfo {
	out := []ForsendelseInfo{}
	for _, fs := range s.store.Forsendelser() {
		if f.match(fs) {
			out = append(out, info(fs))
		}
	}
	return out
}

// Forsendelse is one stored forsendelse by its id.
func (s *Server) Forsendelse(id string) (ForsendelseInfo, bool) {
	fs, ok := s.store.Forsendelse(id)
	if !ok {
		return ForsendelseInfo{}, false
	}
	return info(fs), true
}

// Count is the number of stored forsendelser.
func (s *Server) Count() int { return s.store.Count() }

// Reset forgets every forsendelse, dialog, document and idempotency record.
func (s *Server) Reset() {
	s.store.Reset()
	s.api.Reset()
}

// Faults returns the faults in force on the API endpoints.
func (s *Server) Faults() Faults { return s.api.Faults() }

// SetFaults changes the faults from the next request on; a fault set that
// does not validate changes nothing.
func (s *Server) SetFaults(f Faults) error { return s.api.SetFaults(f) }

// Access returns the rules of who may report for whom.
func (s *Server) Access() AccessConfig { return s.access.Config() }

// SetAccess replaces the access rules; rules that do not validate change
// nothing.
func (s *Server) SetAccess(c AccessConfig) error { return s.access.Set(c) }

// MintToken is a shortcut around Maskinporten for tests: a token for a
// systembruker of the given organisation, with the API's scope unless
// scopes are given.
func (s *Server) MintToken(systembrukerOrg string, scopes ...string) (string, error) {
	return s.MintTokenTTL(systembrukerOrg, TokenTTL, scopes...)
}

// MintTokenTTL is MintToken with a lifetime of its own; a negative one
// makes a token that has already expired, which Maskinporten never issues.
func (s *Server) MintTokenTTL(org string, ttl time.Duration, scopes ...string) (string, error) {
	return s.mint(org, []mptoken.AuthorizationDetail{{
		Type:          mptoken.AuthorizationTypeSystemuser,
		SystemuserOrg: mptoken.NewOrg(org),
		SystemuserID:  []string{"finprod-mock-systembruker-" + org},
		SystemID:      "finprod-mock-system",
	}}, ttl, scopes)
}

// MintPlainToken is a token as Maskinporten issues it to a client that
// asks for no systembruker: the consumer is the organisation, and there are
// no authorization_details. The API refuses it unless APIConfig.Systembruker
// is SystembrukerOptional (ASSUMPTION A-SYSTEMBRUKER).
func (s *Server) MintPlainToken(consumerOrg string, ttl time.Duration, scopes ...string) (string, error) {
	return s.mint(consumerOrg, nil, ttl, scopes)
}

// mint signs a token for the consumer org, with the API's scope unless
// scopes are given.
func (s *Server) mint(org string, details []mptoken.AuthorizationDetail, ttl time.Duration, scopes []string) (string, error) {
	if len(scopes) == 0 {
		scopes = []string{contract.Scope}
	}
	tok, _, err := s.issuer.Mint(mptoken.Claims{
		ClientID: "finprod-mock-client", Consumer: mptoken.NewOrg(org), Scope: strings.Join(scopes, " "),
		AuthorizationDetails: details,
	}, ttl)
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return tok, nil
}

// VerifyToken checks a token as the local API and Dialogporten do
// (signature by the local Maskinporten, issuer, expiry) and returns its
// claims.
func (s *Server) VerifyToken(token string) (mptoken.Claims, error) {
	return s.verifier.Verify(token)
}

// DefaultClient is the Maskinporten client the mock made because its
// config named none; false when clients were configured.
func (s *Server) DefaultClient() (DefaultClient, bool) { return s.maskinporten.DefaultClient() }

// RegisterClient registers or replaces a client of the local Maskinporten,
// as Digdir's self-service does.
func (s *Server) RegisterClient(c MaskinportenClient) error { return s.maskinporten.Register(c) }

// MaskinportenIssuer is the local Maskinporten's issuer URL (with its
// trailing slash, the aud of a grant).
func (s *Server) MaskinportenIssuer() string { return s.maskinporten.IssuerURL() }

// MaskinportenTokenURL is the local Maskinporten's token endpoint.
func (s *Server) MaskinportenTokenURL() string { return s.maskinporten.TokenURL() }

// StoreFile is the SQLite file the mock keeps its state in; empty when it
// lives in memory only.
func (s *Server) StoreFile() string { return s.cfg.Store }

// ContractSource names the OpenAPI document the API validates against.
func (s *Server) ContractSource() string { return s.contract.Source() }

func info(f store.Forsendelse) ForsendelseInfo {
	return ForsendelseInfo{
		ForsendelseID: f.ID, DialogID: f.DialogID, Inntektsaar: f.Inntektsaar, Oppgavegiver: f.Oppgavegiver,
		Referanse: f.Referanse, AntallOppgaver: f.AntallOppgaver, Systembruker: f.Systembruker,
		DokumentID: f.DocumentID, DokumentPath: dokumentPath(f), Mottatt: f.CreatedAt,
	}
}
