package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// view is everything a store shows through its methods, with times as
// Unix nanoseconds, so that two stores can be compared whole.
type view struct {
	Forsendelser []Forsendelse
	Dialogs      []Dialog
	Documents    map[string][]byte // document id → body
	Answers      map[IdemKey]Answer
	Hashes       map[IdemKey][32]byte
	Awaiting     []string
}

func viewOf(t *testing.T, s *Store, keys []IdemKey) view {
	t.Helper()
	utc := func(at time.Time) time.Time { return time.Unix(0, at.UnixNano()).UTC() }
	v := view{Documents: map[string][]byte{}, Answers: map[IdemKey]Answer{}, Hashes: map[IdemKey][32]byte{}}
	for _, f := range s.Forsendelser() {
		f.CreatedAt = utc(f.CreatedAt)
		v.Forsendelser = append(v.Forsendelser, f)
	}
	for _, d := range s.Dialogs(nil) {
		d.CreatedAt, d.UpdatedAt = utc(d.CreatedAt), utc(d.UpdatedAt)
		for i, tr := range d.Transmissions {
			d.Transmissions[i].CreatedAt = utc(tr.CreatedAt)
			for _, a := range tr.Attachments {
				doc, err := s.Document(d.Inntektsaar, d.Oppgavegiver, tr.ForsendelseID, a.DocumentID)
				require.NoError(t, err)
				v.Documents[doc.ID] = doc.Body
			}
		}
		v.Dialogs = append(v.Dialogs, d)
	}
	for _, k := range keys {
		if h, a, ok := s.Answer(k); ok {
			v.Answers[k], v.Hashes[k] = a, h
		}
	}
	for _, a := range s.AwaitingFeedback() {
		v.Awaiting = append(v.Awaiting, a.Forsendelse.ID)
	}
	return v
}

// A store read back from its file shows exactly what it showed before:
// forsendelser in order, dialogs with their transmissions in order (feedback
// given late lands between later submissions), every document byte for
// byte (none for discarded ones), idempotency records with their hashes
// and answers, and which forsendelser still await feedback.
func TestFileKeepsEverything(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", "store.db")
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var pinned time.Time
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if !pinned.IsZero() {
			return pinned
		}
		clock = clock.Add(time.Duration(rand.IntN(3)) * time.Millisecond) // ties too
		return clock
	}
	s, err := Open(t.Context(), path, WithClock(now))
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(15, 3))
	var keys []IdemKey
	var accepted []Forsendelse
	for i := range 120 {
		sub := Submission{
			Inntektsaar: 2023 + rng.IntN(3), Oppgavegiver: fmt.Sprintf("31000000%d", rng.IntN(4)),
			Referanse: fmt.Sprintf("ref-%03d", i), AntallOppgaver: 1 + rng.IntN(5), Systembruker: "310000009",
			Body: []byte(fmt.Sprintf(`{"leveranse":%d}`, i)),
		}
		if rng.IntN(5) == 0 {
			sub.Body = nil // a mock that discards documents
		}
		var f Forsendelse
		if rng.IntN(3) > 0 {
			k := IdemKey{Systembruker: sub.Systembruker, Key: uuid.NewString()}
			keys = append(keys, k)
			var a Answer
			f, a, err = s.AcceptIdempotent(sub, k, sha256.Sum256(sub.Body), func(f Forsendelse) (Answer, error) {
				return Answer{Status: 200, Korrelasjonsid: uuid.NewString(), Body: []byte(`{"forsendelseId":"` + f.ID + `"}`)}, nil
			})
			require.NoError(t, err)
			assert.Contains(t, string(a.Body), f.ID)
		} else {
			f, err = s.Accept(sub)
			require.NoError(t, err)
		}
		accepted = append(accepted, f)
		if i%7 == 6 {
			// Feedback for some earlier ones, dated between later submissions.
			var fbs []Feedback
			for _, g := range accepted[max(0, len(accepted)-7) : len(accepted)-2] {
				if rng.IntN(2) == 0 {
					fbs = append(fbs, Feedback{ForsendelseID: g.ID, Type: TransmissionAcceptance, Title: "Godkjent " + g.Referanse,
						Body: []byte(`{"status":"godkjent","forsendelseId":"` + g.ID + `"}`), At: g.CreatedAt.Add(time.Duration(rng.IntN(5)) * time.Millisecond)})
				}
			}
			_, err := s.AddFeedback(fbs...)
			require.NoError(t, err)
		}
	}
	// Feedback dated ahead, then a submission to the same dialog at that
	// very time: the feedback came first, and stays first.
	last := accepted[len(accepted)-1]
	ahead := last.CreatedAt.Add(time.Second)
	_, err = s.AddFeedback(Feedback{ForsendelseID: last.ID, Type: TransmissionRejection, Title: "Avvist", Body: []byte(`{}`), At: ahead})
	require.NoError(t, err)
	mu.Lock()
	pinned = ahead
	mu.Unlock()
	tie, err := s.Accept(Submission{Inntektsaar: last.Inntektsaar, Oppgavegiver: last.Oppgavegiver, Referanse: "tie"})
	require.NoError(t, err)
	d, _ := s.Dialog(last.DialogID)
	require.Equal(t, tie.ID, d.Transmissions[len(d.Transmissions)-1].ForsendelseID)
	require.Equal(t, last.ID, d.Transmissions[len(d.Transmissions)-2].ForsendelseID)

	keys = append(keys, IdemKey{Systembruker: "310000009", Key: "never-used"})
	before := viewOf(t, s, keys)
	require.Len(t, before.Forsendelser, 121)
	require.NotEmpty(t, before.Awaiting)
	require.Less(t, len(before.Awaiting), 121)
	require.NoError(t, s.Close())

	again, err := Open(t.Context(), path)
	require.NoError(t, err)
	after := viewOf(t, again, keys)
	assert.Equal(t, before, after)
	assert.Equal(t, 121, again.Count())

	// The store goes on where it stopped: a new dialog for a new key, a
	// known dialog for a known one, and a Reset empties the file.
	f, err := again.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: "after"})
	require.NoError(t, err)
	for _, d := range before.Dialogs {
		if d.Oppgavegiver == "310000001" && d.Inntektsaar == 2024 {
			assert.Equal(t, d.ID, f.DialogID)
		}
	}
	again.Reset()
	require.NoError(t, again.Close())
	empty, err := Open(t.Context(), path)
	require.NoError(t, err)
	assert.Zero(t, empty.Count())
	_, _, ok := empty.Answer(keys[0])
	assert.False(t, ok)
	require.NoError(t, empty.Close())
}

// Feedback is not waited for, but Close writes what is queued.
func TestFileCloseWritesQueuedFeedback(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(t.Context(), path)
	require.NoError(t, err)
	f, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Body: []byte(`{}`)})
	require.NoError(t, err)
	_, err = s.AddFeedback(Feedback{ForsendelseID: f.ID, Type: TransmissionRejection, Title: "Avvist", Body: []byte(`{"x":1}`)})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	again, err := Open(t.Context(), path)
	require.NoError(t, err)
	defer again.Close()
	d, ok := again.Dialog(f.DialogID)
	require.True(t, ok)
	require.Len(t, d.Transmissions, 2)
	assert.Equal(t, TransmissionRejection, d.Transmissions[1].Type)
	assert.Empty(t, again.AwaitingFeedback())
}

// A file a second store holds, a foreign database, a file that is not one
// and a folder are each refused with what to do.
func TestFileRefusesWhatItCannotUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	s, err := Open(t.Context(), path)
	require.NoError(t, err)
	_, err = Open(t.Context(), path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is in use by another process (another finprod mock?)")
	require.NoError(t, s.Close())
	s, err = Open(t.Context(), path)
	require.NoError(t, err, "a closed store lets the file go")
	require.NoError(t, s.Close())

	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite", foreign)
	require.NoError(t, err)
	_, err = db.Exec("CREATE TABLE accounts (id INTEGER)")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = Open(t.Context(), foreign)
	assert.ErrorContains(t, err, "not a finprod mock store: give --store another file")

	notes := filepath.Join(dir, "notes.txt")
	text := []byte("these are my notes, not a database, and long enough to have a header of a hundred bytes or more....")
	require.NoError(t, os.WriteFile(notes, text, 0o644))
	_, err = Open(t.Context(), notes)
	assert.ErrorContains(t, err, "is not a SQLite database")
	after, _ := os.ReadFile(notes)
	assert.Equal(t, text, after, "the file is left as it was")

	_, err = Open(context.Background(), dir)
	assert.ErrorContains(t, err, "is a folder")
}

// Submissions from many goroutines share commits, and each returns only
// once its own is in the file.
func TestFileConcurrentAcceptsAreAllWritten(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(t.Context(), path)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			k := IdemKey{Systembruker: "310000001", Key: fmt.Sprint(i)}
			_, _, err := s.AcceptIdempotent(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: fmt.Sprint(i)}, k, [32]byte{1},
				func(Forsendelse) (Answer, error) { return Answer{Status: 200, Body: []byte(fmt.Sprint(i))}, nil })
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	// Read the file itself while the store is open: every accepted row is
	// there before Close.
	rows := countRows(t, s)
	assert.Equal(t, 200, rows)
	require.NoError(t, s.Close())
}

func countRows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	require.NoError(t, s.journal.db.QueryRow("SELECT count(*) FROM forsendelse WHERE idem_key IS NOT NULL").Scan(&n))
	return n
}

// A commit that fails (here a trigger stands in for a full disk) fails its
// submission, and every later one, even when the file would take it again:
// the store never answers what the file does not hold. A store opened on
// the file afterwards holds what was answered before the failure.
func TestFileFailureRefusesEveryLaterSubmission(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(t.Context(), path)
	require.NoError(t, err)
	sub := func(ref string) Submission {
		return Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: ref, Body: []byte(`{}`)}
	}
	answer := func(f Forsendelse) (Answer, error) {
		return Answer{Status: 200, Korrelasjonsid: "k-" + f.Referanse, Body: []byte(`{"forsendelseId":"` + f.ID + `"}`)}, nil
	}
	keyB := IdemKey{Systembruker: "310000001", Key: "b"}
	first, _, err := s.AcceptIdempotent(sub("a"), IdemKey{Systembruker: "310000001", Key: "a"}, sha256.Sum256([]byte("a")), answer)
	require.NoError(t, err)

	_, err = s.journal.db.Exec(`CREATE TRIGGER full_disk BEFORE INSERT ON forsendelse BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`)
	require.NoError(t, err)
	_, _, err = s.AcceptIdempotent(sub("b"), keyB, sha256.Sum256([]byte("b")), answer)
	require.ErrorContains(t, err, "database or disk is full")
	_, _, replayable := s.Answer(keyB)
	assert.False(t, replayable, "no replay of an answer the file does not hold")

	_, err = s.journal.db.Exec(`DROP TRIGGER full_disk`)
	require.NoError(t, err)
	_, err = s.Accept(sub("c"))
	require.Error(t, err, "the store stays failed until it is opened again")
	_ = s.Close()

	again, err := Open(t.Context(), path)
	require.NoError(t, err)
	defer again.Close()
	var refs []string
	for _, f := range again.Forsendelser() {
		refs = append(refs, f.Referanse)
	}
	assert.Equal(t, []string{"a"}, refs)
	assert.Equal(t, first.ID, again.Forsendelser()[0].ID)
	_, err = again.Accept(sub("d"))
	assert.NoError(t, err, "opened again on a working file, it takes submissions")
}
