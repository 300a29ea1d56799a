package api

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsontree"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/rules"
	"github.com/google/uuid"
)

// submit handles POST /v1/{inntektsaar} in the order of ASSUMPTION A-ORDER:
// auth → headers → path year → body size → JSON → schema → year mismatch →
// access to the oppgavegiver → (sync) business rules → store.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request, yearSeg string) {
	systembruker, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	if !acceptsJSON(r.Header.Get("Accept")) {
		writeFeil(w, contract.GLD1030, contract.Feilspesifisering{Sti: "Accept", AngittVerdi: r.Header.Get("Accept")})
		return
	}
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		writeFeil(w, contract.GLD1047, contract.Feilspesifisering{Sti: "Content-Type", AngittVerdi: ct})
		return
	}
	key := r.Header.Get(contract.HeaderIdempotencyKey)
	if key == "" {
		writeFeil(w, contract.GLD1028, contract.Feilspesifisering{Melding: "Header idempotencyKey mangler", Sti: contract.HeaderIdempotencyKey})
		return
	}
	if _, err := uuid.Parse(key); err != nil || len(key) != 36 {
		writeFeil(w, contract.GLD1022, contract.Feilspesifisering{
			Melding: "idempotencyKey må være en UUID", Sti: contract.HeaderIdempotencyKey, AngittVerdi: shorten(key),
		})
		return
	}
	year, ok := parsePathYear(yearSeg)
	if !ok {
		writeFeil(w, contract.GLD1022, contract.Feilspesifisering{
			Melding: "inntektsaar i path må være et årstall med fire sifre", Sti: "inntektsaar", AngittVerdi: shorten(yearSeg),
		})
		return
	}
	if open := h.cfg.OpenYears.Resolve(h.now().Year()); !open.Contains(year) {
		writeFeil(w, contract.GLD1027, contract.Feilspesifisering{
			Melding: "Det er ikke tillatt å levere på inntektsår " + yearSeg + " (åpne år: " + open.String() + ")",
			Sti:     "inntektsaar", AngittVerdi: yearSeg,
		})
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) || errors.Is(err, errBodyTooLarge) {
			// 400, not 413: every kode answers with the status of the
			// service page's table, and GLD_006 is 400 there (A-STATUS).
			writeFeil(w, contract.GLD1022, contract.Feilspesifisering{
				Melding: fmt.Sprintf("Request body er større enn maksimalt tillatt (%d bytes)", contract.MaxBody),
				Sti:     "body",
			})
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// The server's ReadTimeout ran out mid-body (a slow client):
			// the connection can still carry the answer.
			writeFeil(w, contract.GLD1022, contract.Feilspesifisering{
				Melding: "Request body ble ikke mottatt i tide", Sti: "body",
			})
		}
		// Otherwise the client went away mid-body; nobody is left to answer.
		return
	}

	k := idemKey{Systembruker: systembruker, Key: key}
	hash := sha256.Sum256(body)
	entry, stored, claim, err := h.idem.claim(r.Context(), k, hash)
	if err != nil {
		return
	}
	switch claim {
	case claimConflict:
		writeFeil(w, contract.GLD019, contract.Feilspesifisering{
			Melding: "idempotencyKey er brukt tidligere med en annen request-body", Sti: contract.HeaderIdempotencyKey, AngittVerdi: key,
		})
		return
	case claimReplay:
		response{status: stored.Status, korrelasjonsid: stored.Korrelasjonsid, body: stored.Body}.write(w)
		return
	}
	// Deferred, so that a panic in process lets the key go too, or every
	// retry with it would wait for an answer that never comes.
	defer h.idem.done(k, entry)
	resp := h.process(body, year, systembruker, k, hash)
	if resp.status == http.StatusOK && h.shouldDrop() {
		// Processed and remembered, but the caller never hears: only a
		// retry with the same key tells it what happened.
		panic(http.ErrAbortHandler)
	}
	resp.write(w)
}

// process validates and stores one body; it never writes to the client.
// A successful answer is kept by the store under the idempotencyKey.
func (h *Handler) process(body []byte, year int, systembruker string, key idemKey, hash [32]byte) response {
	// The body buffer is never written after readBody: the document may
	// alias it rather than copy it.
	doc, dup, err := jsontree.DecodeStrictShared(body)
	var enc *jsontree.EncodingError
	switch {
	case errors.As(err, &enc):
		// JSON between systems must be UTF-8 (ASSUMPTION A-UTF8): refused
		// at the door, never stored and served back as U+FFFD.
		return errorBody(contract.GLD008, contract.Feilspesifisering{
			Melding:     fmt.Sprintf("Request body er ikke gyldig UTF-8 (RFC 8259 §8.1) ved byte %d: %s", enc.Offset, enc.Reason),
			Sti:         enc.Sti(),
			AngittVerdi: enc.Prefix + "\uFFFD",
		})
	case err != nil:
		return errorBody(contract.GLD008, contract.Feilspesifisering{Melding: "Request body er ikke gyldig JSON: " + err.Error(), Sti: "$"})
	}
	if vs := h.contract.ValidateInnsending(doc); len(vs) > 0 {
		spec := make([]contract.Feilspesifisering, len(vs))
		for i, v := range vs {
			spec[i] = v.Feilspesifisering()
		}
		return errorBody(contract.GLD010, spec...)
	}
	m := extract(doc)
	if m.yearText != "" && m.year != year {
		return errorBody(contract.GLD1052, contract.Feilspesifisering{Sti: "$.leveranse.inntektsaar", AngittVerdi: m.yearText})
	}
	if !h.access.MayReport(systembruker, m.oppgavegiver) {
		return errorBody(contract.GLD1015, contract.Feilspesifisering{
			Melding: "Organisasjonen " + systembruker + " har ikke rettighet til å levere for denne oppgavegiveren",
			Sti:     "$.leveranse.oppgavegiver.organisasjonsnummer", AngittVerdi: m.oppgavegiver,
		})
	}
	if h.cfg.BusinessRules == rules.Sync {
		funn, ok := []rules.Finding(nil), false
		if !dup {
			funn, ok = rules.CheckParsed(doc) // as rules.Check(body) would, without parsing again
		}
		if !ok {
			funn = rules.Check(body)
		}
		if len(funn) > 0 {
			fs := make([]contract.Feilspesifisering, len(funn))
			for i, f := range funn {
				fs[i] = contract.Feilspesifisering{Melding: f.Melding, Sti: f.Sti, AngittVerdi: f.AngittVerdi}
			}
			return errorBody(contract.GLD010, fs...)
		}
	}
	stored, parsed := body, any(nil)
	if !dup {
		parsed = doc // the feedback's business rules read it (store.Submission.Parsed)
	}
	if h.cfg.DiscardDocuments {
		stored, parsed = nil, nil
	}
	_, ans, err := h.store.AcceptIdempotent(store.Submission{
		Inntektsaar: year, Oppgavegiver: m.oppgavegiver, Referanse: m.referanse,
		AntallOppgaver: m.antallOppgaver, Systembruker: systembruker, Body: stored, Parsed: parsed,
	}, key, hash, func(f store.Forsendelse) (store.Answer, error) {
		out, err := json.Marshal(contract.Kvittering{
			DialogID: f.DialogID, ForsendelseID: f.ID,
			OppgavegiversLeveranseReferanse: m.referanse, AntallOppgaver: m.antallOppgaver,
		})
		return store.Answer{Status: http.StatusOK, Korrelasjonsid: uuid.NewString(), Body: out}, err
	})
	if err != nil {
		h.storeFailure(err)
		return errorBody(contract.GLD001)
	}
	return response{status: ans.Status, korrelasjonsid: ans.Korrelasjonsid, body: ans.Body}
}

// meta is what the API needs from a schema-valid body. It is read from the
// generic document the validator already has, so the body is parsed once.
// Its strings are cloned: the decoder's point into the whole body, which
// the store must not keep alive when it discards documents.
type meta struct {
	year           int
	yearText       string
	oppgavegiver   string
	referanse      string
	antallOppgaver int
}

func extract(doc any) meta {
	var m meta
	root, _ := doc.(map[string]any)
	lev, _ := root["leveranse"].(map[string]any)
	if lev == nil {
		return m
	}
	switch y := lev["inntektsaar"].(type) {
	case json.Number:
		// By value, as the schema reads it: 2024, 2024.0 and 2.024e3 alike
		// (the schema has bounded it to 1000..9999 before this runs).
		m.yearText = y.String()
		if f, err := y.Float64(); err == nil && f == math.Trunc(f) {
			m.year = int(f)
		}
	case string:
		m.yearText = y
		m.year, _ = strconv.Atoi(y)
	}
	if og, _ := lev["oppgavegiver"].(map[string]any); og != nil {
		m.oppgavegiver, _ = og["organisasjonsnummer"].(string)
		m.oppgavegiver = strings.Clone(m.oppgavegiver)
	}
	m.referanse, _ = lev["oppgavegiversLeveranseReferanse"].(string)
	m.referanse = strings.Clone(m.referanse)
	if list, ok := lev["oppgave"].([]any); ok {
		m.antallOppgaver = len(list)
	}
	return m
}

var errBodyTooLarge = errors.New("request body too large")

// readBody reads at most contract.MaxBody bytes; a declared length over the
// limit is refused before reading anything.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > contract.MaxBody {
		return nil, errBodyTooLarge
	}
	body := http.MaxBytesReader(w, r.Body, contract.MaxBody)
	if r.ContentLength >= 0 {
		buf := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(body)
}

const maxEcho = 100

// shorten keeps echoed values in error bodies small.
func shorten(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	return s[:maxEcho] + "…"
}
