package submit

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/check"
	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

// local is a target on an in-process mock, stopped when the test ends.
func local(t *testing.T, cfg mock.Config) *target.Target {
	t.Helper()
	tg, err := target.Local(t.Context(), keyed(t, cfg))
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}

// keyed is cfg with the mock's keys made once per test binary (testkit):
// two fresh 2048-bit keys were most of the time of a mock's start.
func keyed(t *testing.T, cfg mock.Config) mock.Config {
	cfg.SigningKey, cfg.DefaultClientKey = testkit.Key(t, "mock signing"), testkit.Key(t, "mock default client")
	return cfg
}

// sharedMock is one plain local target for the tests that need no faults.
// Each test reports for an oppgavegiver of its own (its seed), so their
// counts stay apart.
var sharedMock struct {
	once sync.Once
	tg   *target.Target
	err  error
}

func shared(t *testing.T) *target.Target {
	t.Helper()
	sharedMock.once.Do(func() { sharedMock.tg, sharedMock.err = target.Local(context.Background(), keyed(t, mock.Config{})) })
	require.NoError(t, sharedMock.err)
	return sharedMock.tg
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedMock.tg != nil {
		_ = sharedMock.tg.Close()
	}
	os.Exit(code)
}

// bodies are n leveranser of the oppgavegiver seed draws, for last year
// (always open).
func bodies(t *testing.T, seed uint64, n int, defects ...string) [][]byte {
	t.Helper()
	g, err := generators.New(generators.Config{Seed: seed, Oppgaver: 2, Inntektsaar: time.Now().Year() - 1, Defects: defects})
	require.NoError(t, err)
	out := make([][]byte, n)
	for k := range out {
		out[k] = g.Body(int64(k))
	}
	return out
}

func ndjsonFile(t *testing.T, dir, name string, bs ...[]byte) string {
	t.Helper()
	var b strings.Builder
	for _, x := range bs {
		b.Write(x)
		b.WriteByte('\n')
	}
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	return p
}

func receipts(t *testing.T, dir string) []Receipt {
	t.Helper()
	rs, torn := receiptsTorn(t, dir)
	require.Zero(t, torn, "every receipt line is whole")
	return rs
}

// receiptsTorn reads the receipts and counts the lines that are not whole.
func receiptsTorn(t *testing.T, dir string) ([]Receipt, int) {
	t.Helper()
	torn := 0
	f, err := os.Open(filepath.Join(dir, ReceiptsFile))
	require.NoError(t, err)
	defer f.Close()
	var out []Receipt
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Receipt
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			torn++
			continue
		}
		out = append(out, r)
	}
	require.NoError(t, sc.Err())
	return out, torn
}

func count(t *testing.T, tg *target.Target, oppgavegiver string) int {
	t.Helper()
	ids, err := tg.Controls.Forsendelser(t.Context(), oppgavegiver, "")
	require.NoError(t, err)
	return len(ids)
}

func oppgavegiverOf(t *testing.T, body []byte) string {
	t.Helper()
	return readHead(body).oppgavegiver
}

func TestADeliveryAndItsResume(t *testing.T) {
	tg := shared(t)
	dir := t.TempDir()
	bs := bodies(t, 31, 3)
	file := ndjsonFile(t, dir, "lev.ndjson", bs...)
	out := filepath.Join(dir, "out")
	org := oppgavegiverOf(t, bs[0])

	sum, err := Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: out, Concurrency: 2})
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Accepted)
	assert.True(t, sum.OK())
	assert.Equal(t, 3, count(t, tg, org))

	rs := receipts(t, out)
	require.Len(t, rs, 6, "a sending and an accepted receipt per leveranse")
	keys := map[string]string{}
	for _, r := range rs {
		_, err := uuid.Parse(r.Key)
		require.NoError(t, err)
		sha := sha256.Sum256(bs[r.Document-1])
		assert.Equal(t, hex.EncodeToString(sha[:]), r.SHA256)
		assert.Equal(t, r.Document, r.Line)
		if k, ok := keys[r.SHA256]; ok {
			assert.Equal(t, k, r.Key, "one key per leveranse")
		}
		keys[r.SHA256] = r.Key
		if r.Status == StatusAccepted {
			assert.NotEmpty(t, r.ForsendelseID)
			assert.NotEmpty(t, r.DialogID)
			assert.Equal(t, 200, r.HTTPStatus)
			assert.Equal(t, 1, r.Attempts)
		}
	}
	assert.Len(t, keys, 3, "a fresh key for each leveranse")

	// A second run without --resume or --fresh must not send again.
	_, err = Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: out})
	require.ErrorIs(t, err, ErrEarlierDelivery)
	assert.Equal(t, 3, count(t, tg, org))

	var skipped []string
	sum, err = Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: out, Resume: true,
		Report: func(r Receipt, why string) {
			if why != "" {
				skipped = append(skipped, r.ForsendelseID)
			}
		}})
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Skipped)
	assert.Zero(t, sum.Accepted)
	assert.Len(t, skipped, 3)
	assert.Equal(t, 3, count(t, tg, org), "nothing accepted is sent again")
	assert.Len(t, receipts(t, out), 6)

	sum, err = Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: out, Fresh: true})
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Accepted, "--fresh is a new delivery")
	assert.FileExists(t, sum.Moved, "the earlier receipts are kept")
	assert.Equal(t, 6, count(t, tg, org))
}

// A leveranse refused for an expired token (401 GLD_004) is sent once
// more with the token source's current token, under the same key: it is
// accepted, once, and its receipt says it took two attempts.
func TestAnExpiredTokenIsReplacedOnce(t *testing.T) {
	base := shared(t)
	bs := bodies(t, 36, 1)
	org := oppgavegiverOf(t, bs[0])
	expired, err := base.Controls.ExpiredToken(t.Context(), base.Systembruker(org))
	require.NoError(t, err)
	tg := *base
	tg.Credentials = &testkit.StaleFirst{Credentials: base.Credentials, Stale: expired}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	sum, err := Deliver(t.Context(), &tg, Options{Inputs: []string{ndjsonFile(t, dir, "lev.ndjson", bs...)}, Dir: out,
		Retry: retry.Policy{MaxRetries: 0}})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Accepted, "%+v", sum)
	assert.Equal(t, 1, count(t, base, org))
	rs := receipts(t, out)
	require.Len(t, rs, 2)
	assert.Equal(t, StatusAccepted, rs[1].Status)
	assert.Equal(t, 2, rs[1].Attempts, "the 401 and the attempt with the new token")
}

// A crash after the request left, before its answer was written: the
// receipts show the key as sending, and a resume sends again with that key
// and gets the first answer, not a second forsendelse.
func TestAResumeAfterACrashSendsTheSameKey(t *testing.T) {
	tg := shared(t)
	dir := t.TempDir()
	bs := bodies(t, 32, 2)
	file := ndjsonFile(t, dir, "lev.ndjson", bs...)
	out := filepath.Join(dir, "out")
	require.NoError(t, os.MkdirAll(out, 0o755))
	org := oppgavegiverOf(t, bs[0])

	// The leveranse reached the API under key K ...
	key := uuid.NewString()
	tok, err := tg.Credentials.Token(t.Context(), org, contract.Scope)
	require.NoError(t, err)
	a := &api.Client{BaseURL: tg.APIURL, Tokens: client.StaticToken(tok)}
	first, err := a.Submit(t.Context(), time.Now().Year()-1, key, bs[0])
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, first.Status)
	// ... and the process died with only the sending receipt written, and
	// half of a line after it.
	sha := sha256.Sum256(bs[0])
	line, err := json.Marshal(Receipt{File: file, Document: 1, Line: 1, SHA256: hex.EncodeToString(sha[:]), Key: key, Status: StatusSending})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, ReceiptsFile), append(append(line, '\n'), line[:20]...), 0o644))

	sum, err := Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: out, Resume: true})
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Accepted)
	assert.Equal(t, 1, sum.Torn, "the cut line is skipped and counted")
	assert.Equal(t, 2, count(t, tg, org), "one forsendelse per leveranse: the repeat got the first answer")
	var again Receipt
	rs, torn := receiptsTorn(t, out)
	assert.Equal(t, 1, torn, "the crash's half line stays where it was, on a line of its own")
	for _, r := range rs {
		if r.Status == StatusAccepted && r.Document == 1 {
			again = r
		}
	}
	assert.Equal(t, key, again.Key)
	assert.Equal(t, first.Kvittering.ForsendelseID, again.ForsendelseID)
}

// Dropped answers and 500s are retried with the same key until the
// answer comes; every leveranse is stored exactly once.
func TestRetriesNeverDuplicate(t *testing.T) {
	tg := local(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{DropShare: 0.4, FailShare: 0.2, Seed: 5}}})
	dir := t.TempDir()
	bs := bodies(t, 33, 8)
	file := ndjsonFile(t, dir, "lev.ndjson", bs...)
	sum, err := Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: filepath.Join(dir, "out"), Concurrency: 4,
		Retry: retry.Policy{MaxRetries: 20, Base: time.Millisecond, Cap: 5 * time.Millisecond}})
	require.NoError(t, err)
	assert.Equal(t, 8, sum.Accepted, "%+v", sum)
	assert.Positive(t, sum.Retries, "the faults were met and retried")
	assert.Equal(t, 8, count(t, tg, oppgavegiverOf(t, bs[0])), "exactly once each")
	retried := 0
	for _, r := range receipts(t, filepath.Join(dir, "out")) {
		if r.Status == StatusAccepted && r.Attempts > 1 {
			retried++
		}
	}
	assert.Positive(t, retried, "the receipts say which took more than one attempt")
}

func TestTheSameBytesTwiceAreSentOnce(t *testing.T) {
	tg := shared(t)
	dir := t.TempDir()
	bs := bodies(t, 34, 1)
	a := ndjsonFile(t, dir, "a.json", bs[0])
	b := ndjsonFile(t, dir, "b.json", bs[0])
	sum, err := Deliver(t.Context(), tg, Options{Inputs: []string{a, b}, Dir: filepath.Join(dir, "out")})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Accepted)
	assert.Equal(t, 1, sum.Duplicates)
	assert.Equal(t, 1, count(t, tg, oppgavegiverOf(t, bs[0])))
}

func TestRejectionsFeedbackAndWhatIsNotSent(t *testing.T) {
	tg := shared(t)
	dir := t.TempDir()
	good := bodies(t, 35, 1)[0]
	sum := bodies(t, 35, 1, "feil-sum")[0]
	typ := bodies(t, 35, 1, "feil-type")[0]
	file := ndjsonFile(t, dir, "lev.ndjson", good, sum, typ, []byte(`{"leveranse": {"inntektsaar": "snart"}}`),
		[]byte(`garbage`), []byte(`{"leveranse": {"inntektsaar": 2025,`+"\n"+`"oppgave" []}}`), []byte(`{"leveranse": {"inntektsaar": 2025}}`), []byte(`{"cut`))
	out := filepath.Join(dir, "out")
	var mu sync.Mutex
	seen := map[int][]Receipt{}
	s, err := Deliver(t.Context(), tg, Options{Inputs: []string{file}, Dir: out, WaitFeedback: true,
		Report: func(r Receipt, _ string) { mu.Lock(); seen[r.Document] = append(seen[r.Document], r); mu.Unlock() }})
	require.NoError(t, err)
	assert.Equal(t, 2, s.Accepted)
	assert.Equal(t, 1, s.Rejected)
	assert.Equal(t, 5, s.Refused)
	assert.Equal(t, 1, s.Godkjent)
	assert.Equal(t, 1, s.Avvist)
	assert.False(t, s.OK())

	last := func(doc int) Receipt { return seen[doc][len(seen[doc])-1] }
	assert.Equal(t, contract.TilbakemeldingGodkjent, last(1).Feedback)
	assert.Equal(t, contract.TilbakemeldingAvvist, last(2).Feedback)
	require.NotEmpty(t, last(2).Funn)
	assert.Equal(t, "SUM_AVVIKER", last(2).Funn[0].Kode)
	assert.FileExists(t, last(2).FeedbackFile)
	assert.Equal(t, StatusRejected, last(3).Status)
	assert.Equal(t, string(contract.GLD010), last(3).Kode, "the schema violation, as the API answers it")
	assert.Equal(t, 400, last(3).HTTPStatus)
	assert.Equal(t, StatusRefused, last(4).Status)
	assert.Contains(t, last(4).Melding, "--inntektsaar")
	// The reader ends a document by its brackets; what is not JSON
	// within them, or a bare word, is refused all the same, with its line.
	assert.Equal(t, StatusRefused, last(5).Status)
	assert.Contains(t, last(5).Melding, "not JSON (line 5: invalid character 'g'")
	assert.Equal(t, StatusRefused, last(6).Status)
	assert.Equal(t, string(contract.GLD008), last(6).Kode)
	assert.Contains(t, last(6).Melding, "not JSON (line 7: invalid character '['")
	// On the local mock the oppgavegiver reports for itself: without one,
	// there is no one to ask a token for.
	assert.Equal(t, StatusRefused, last(7).Status)
	assert.Contains(t, last(7).Melding, "names no oppgavegiver")
	assert.Equal(t, StatusRefused, last(8).Status)
	assert.Equal(t, string(contract.GLD008), last(8).Kode)
	for doc := 4; doc <= 8; doc++ {
		assert.Zero(t, last(doc).HTTPStatus, "document %d was never sent", doc)
		assert.Zero(t, last(doc).Attempts, "document %d was never sent", doc)
	}
}

// An input without a document is an error, as finprod check has it, not a
// delivery of none.
func TestAnEmptyInputIsAnError(t *testing.T) {
	tg := shared(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte(" \n"), 0o600))
	_, err := Deliver(t.Context(), tg, Options{Inputs: []string{empty}, Dir: filepath.Join(dir, "out")})
	require.ErrorIs(t, err, check.ErrEmpty)
	assert.Contains(t, err.Error(), "empty.json")
}

func TestOneDeliveryAtATimePerFolder(t *testing.T) {
	dir := t.TempDir()
	j, _, err := openJournal(dir, false, false, time.Now())
	require.NoError(t, err)
	defer j.close()
	_, _, err = openJournal(dir, true, false, time.Now())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in use by another finprod submit")
}

func TestReadHead(t *testing.T) {
	h := readHead(contract.Eksempel())
	assert.Equal(t, 2024, h.inntektsaar)
	assert.Equal(t, "987546231", h.oppgavegiver)
	assert.Equal(t, "EksternLeveranseRef12345", h.referanse)
	h = readHead([]byte(`{"x": [1, {"leveranse": 2}], "leveranse": {"oppgave": [{"inntektsaar": 1}], "inntektsaar": "2023"}}`))
	assert.Equal(t, 2023, h.inntektsaar, "only the leveranse's own member counts")
	assert.Equal(t, head{}, readHead([]byte(`[1, 2]`)))
	assert.Zero(t, readHead([]byte(`{"leveranse": {"inntektsaar": "02024"}}`)).inntektsaar, "not a year as a path writes it")
}
