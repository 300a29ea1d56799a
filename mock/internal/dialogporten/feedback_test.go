package dialogporten_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/internal/dialogporten"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/finprod/finprod/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// feedback returns the feedback transmission of a forsendelse and its document.
func feedback(t *testing.T, st *store.Store, f store.Forsendelse) (store.Transmission, contract.Tilbakemelding, bool) {
	t.Helper()
	d, ok := st.Dialog(f.DialogID)
	require.True(t, ok)
	for _, tr := range d.Transmissions {
		if tr.ForsendelseID != f.ID || tr.Type == store.TransmissionSubmission {
			continue
		}
		require.Len(t, tr.Attachments, 1)
		doc, err := st.Document(f.Inntektsaar, f.Oppgavegiver, f.ID, tr.Attachments[0].DocumentID)
		require.NoError(t, err)
		var tb contract.Tilbakemelding
		require.NoError(t, json.Unmarshal(doc.Body, &tb))
		return tr, tb, true
	}
	return store.Transmission{}, contract.Tilbakemelding{}, false
}

func TestImmediateFeedbackAcceptsConsistentBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{}, nil)
	f := e.accept(t, orgA, consistentBody())
	tr, tb, ok := feedback(t, e.st, f)
	require.True(t, ok, "delay 0 gives feedback inside Accept")
	assert.Equal(t, store.TransmissionAcceptance, tr.Type)
	assert.Equal(t, contract.TilbakemeldingGodkjent, tb.Status)
	assert.Equal(t, f.ID, tb.ForsendelseID)
	assert.Equal(t, f.DialogID, tb.DialogID)
	assert.Empty(t, tb.Funn)
}

func TestAsyncFeedbackRejectsExampleWithSumDefect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{BusinessRules: rules.Async}, nil)
	f := e.accept(t, "987546231", contract.Eksempel())
	tr, tb, ok := feedback(t, e.st, f)
	require.True(t, ok)
	assert.Equal(t, store.TransmissionRejection, tr.Type)
	assert.Equal(t, contract.TilbakemeldingAvvist, tb.Status)
	var stier []string
	for _, fn := range tb.Funn {
		stier = append(stier, fn.Sti)
	}
	assert.Contains(t, stier, "$.leveranse.oppgaveoppsummering.sumSalgsvederlag")
}

func TestSyncModeAlwaysAccepts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{BusinessRules: rules.Sync}, nil)
	f := e.accept(t, "987546231", contract.Eksempel())
	tr, tb, ok := feedback(t, e.st, f)
	require.True(t, ok)
	assert.Equal(t, store.TransmissionAcceptance, tr.Type, "in sync mode the API has enforced the rules already")
	assert.Empty(t, tb.Funn)
}

func TestCustomChecker(t *testing.T) {
	t.Parallel()
	var seen []byte
	cfg := dialogporten.Config{Rules: func(body []byte) []contract.Funn {
		seen = body
		return []contract.Funn{{Kode: "X", Melding: "x", Sti: "$.x"}}
	}}
	e := newEnv(t, cfg, nil)
	body := consistentBody()
	f := e.accept(t, orgA, body)
	tr, tb, ok := feedback(t, e.st, f)
	require.True(t, ok)
	assert.Equal(t, body, seen, "the checker gets the stored document byte for byte")
	assert.Equal(t, store.TransmissionRejection, tr.Type)
	assert.Equal(t, "$.x", tb.Funn[0].Sti)
}

func TestDelayedFeedbackArrivesLater(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: 20 * time.Millisecond}, nil)
	f := e.accept(t, orgA, consistentBody())
	require.Eventually(t, func() bool {
		_, _, ok := feedback(t, e.st, f)
		return ok
	}, 10*time.Second, 5*time.Millisecond)
}

func TestDelayedFeedbackIsNotShownEarly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	f := e.accept(t, orgA, consistentBody())
	for range 3 {
		_, _, ok := feedback(t, e.st, f)
		assert.False(t, ok, "reads before the delay is over see no feedback")
	}
}

func TestDelayedFeedbackIsDatedSubmissionPlusDelay(t *testing.T) {
	t.Parallel()
	const delay = 30 * time.Millisecond
	e := newEnv(t, dialogporten.Config{FeedbackDelay: delay}, nil)
	fs := []store.Forsendelse{e.accept(t, orgA, consistentBody()), e.accept(t, orgA, contract.Eksempel())}
	var trs []store.Transmission
	require.Eventually(t, func() bool {
		trs = trs[:0]
		for _, f := range fs {
			tr, _, ok := feedback(t, e.st, f)
			if !ok {
				return false
			}
			trs = append(trs, tr)
		}
		return true
	}, 10*time.Second, 5*time.Millisecond)
	for i, f := range fs {
		assert.Equal(t, f.CreatedAt.Add(delay), trs[i].CreatedAt)
	}
}

func TestCloseStopsPendingFeedback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	f := e.accept(t, orgA, consistentBody())
	require.NoError(t, e.dp.Close())
	_, _, ok := feedback(t, e.st, f)
	assert.False(t, ok)
	g := e.accept(t, orgA, consistentBody())
	_, _, ok = feedback(t, e.st, g)
	assert.False(t, ok, "a closed stand-in gives no feedback")
	require.NoError(t, e.dp.Close(), "Close twice is harmless")
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{}, nil)
	v := tokens.NewVerifier(e.iss.URL(), e.iss.KeySet(), nil)
	ok, err := dialogporten.New(dialogporten.DefaultConfig(), store.New(), v, "http://127.0.0.1", nil)
	require.NoError(t, err)
	require.NoError(t, ok.Close())
	for _, c := range []struct {
		cfg  dialogporten.Config
		base string
	}{
		{dialogporten.Config{BusinessRules: "later"}, "http://127.0.0.1"},
		{dialogporten.Config{FeedbackDelay: -time.Second}, "http://127.0.0.1"},
		{dialogporten.Config{}, "/relative"},
	} {
		_, err := dialogporten.New(c.cfg, store.New(), v, c.base, nil)
		assert.Error(t, err, "%+v %s", c.cfg, c.base)
	}
}

// Submissions and reads racing: every forsendelse gets exactly one
// feedback, and the dialog stays in time order.
func TestDelayedFeedbackUnderConcurrentReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Millisecond}, nil)
	var wg sync.WaitGroup
	ids := make(chan store.Forsendelse, 200)
	errs := make(chan error, 200)
	for range 4 {
		wg.Go(func() {
			for range 50 {
				f, err := e.submit(orgA, consistentBody())
				if err != nil {
					errs <- err
					continue
				}
				ids <- f
			}
		})
		wg.Go(func() {
			for range 50 {
				e.st.Dialogs(nil)
			}
		})
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var fs []store.Forsendelse
	for f := range ids {
		fs = append(fs, f)
	}
	require.Len(t, fs, 200)
	require.Eventually(t, func() bool {
		d, _ := e.st.Dialog(fs[0].DialogID)
		return len(d.Transmissions) >= 2*len(fs)
	}, 10*time.Second, 5*time.Millisecond)
	// Feedback is written only from the queue, by reads; with the queue
	// empty, nothing more can come.
	require.Zero(t, e.dp.Pending(), "feedback left to write")
	d, ok := e.st.Dialog(fs[0].DialogID)
	require.True(t, ok)
	require.Len(t, d.Transmissions, 2*len(fs), "one submission and one feedback each, no more")
	perForsendelse := map[string]int{}
	for i, tr := range d.Transmissions {
		perForsendelse[tr.ForsendelseID]++
		if i > 0 {
			assert.False(t, tr.CreatedAt.Before(d.Transmissions[i-1].CreatedAt), "transmission %d is older than the one before it", i)
		}
	}
	for _, f := range fs {
		assert.Equal(t, 2, perForsendelse[f.ID])
	}
}

func TestResetDropsPendingFeedback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	e.accept(t, orgA, consistentBody())
	e.accept(t, orgA, consistentBody())
	require.Equal(t, 2, e.dp.Pending())
	e.st.Reset()
	assert.Equal(t, 0, e.dp.Pending(), "the bodies of forgotten forsendelser are let go")
}
