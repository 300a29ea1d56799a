package store

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAcceptReusesDialogPerOppgavegiverAndYear(t *testing.T) {
	t.Parallel()
	s := New()
	var heard []string
	s.OnAccepted(func(f Forsendelse) { heard = append(heard, f.ID) })
	a, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: "r1", Body: []byte(`{"a":1}`)})
	require.NoError(t, err)
	b, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: "r2", Body: []byte(`{"b":2}`)})
	require.NoError(t, err)
	c, err := s.Accept(Submission{Inntektsaar: 2025, Oppgavegiver: "310000001", Referanse: "r3", Body: []byte(`{}`)})
	require.NoError(t, err)
	assert.Equal(t, a.DialogID, b.DialogID)
	assert.NotEqual(t, a.DialogID, c.DialogID)
	assert.Equal(t, []string{a.ID, b.ID, c.ID}, heard)
	id, err := uuid.Parse(a.ID)
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(7), id.Version())

	d, ok := s.Dialog(a.DialogID)
	require.True(t, ok)
	require.Len(t, d.Transmissions, 2)
	assert.Equal(t, TransmissionSubmission, d.Transmissions[0].Type)

	doc, err := s.Document(2024, "310000001", b.ID, b.DocumentID)
	require.NoError(t, err)
	assert.Equal(t, `{"b":2}`, string(doc.Body))
	_, err = s.Document(2023, "310000001", b.ID, b.DocumentID)
	assert.ErrorIs(t, err, ErrNoDialog)
	_, err = s.Document(2025, "310000001", b.ID, b.DocumentID)
	assert.ErrorIs(t, err, ErrNoForsendelse, "a forsendelse of another dialog is not found")
	_, err = s.Document(2024, "310000001", b.ID, a.DocumentID)
	assert.ErrorIs(t, err, ErrNoDocument)

	trs, err := s.AddFeedback(Feedback{ForsendelseID: b.ID, Type: TransmissionRejection, Title: "Avvist", Body: []byte(`{"x":1}`)})
	require.NoError(t, err)
	require.Len(t, trs, 1)
	doc, err = s.Document(2024, "310000001", b.ID, trs[0].Attachments[0].DocumentID)
	require.NoError(t, err)
	assert.Equal(t, `{"x":1}`, string(doc.Body))
	d, _ = s.Dialog(a.DialogID)
	assert.Len(t, d.Transmissions, 3)

	s.Reset()
	assert.Equal(t, 0, s.Count())
}

func TestAcceptIsSafeConcurrently(t *testing.T) {
	t.Parallel()
	s := New()
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			_, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001"})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, 200, s.Count())
	assert.Len(t, s.Dialogs(nil), 1)
}

// Feedback written late, for submissions made at different times, lands in
// time order among the dialog's transmissions; the newest sums it up.
func TestAddFeedbackKeepsDialogInTimeOrder(t *testing.T) {
	t.Parallel()
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s := New(WithClock(func() time.Time { return clock }))
	var fs []Forsendelse
	for i := range 4 {
		clock = clock.Add(time.Second)
		f, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: fmt.Sprint("r", i)})
		require.NoError(t, err)
		fs = append(fs, f)
	}
	// Feedback for the first two, 1.5 s after each: between the submissions.
	_, err := s.AddFeedback(
		Feedback{ForsendelseID: fs[1].ID, Type: TransmissionRejection, At: fs[1].CreatedAt.Add(1500 * time.Millisecond)},
		Feedback{ForsendelseID: fs[0].ID, Type: TransmissionAcceptance, At: fs[0].CreatedAt.Add(1500 * time.Millisecond)},
		Feedback{ForsendelseID: "gone", Type: TransmissionAcceptance},
	)
	require.ErrorIs(t, err, ErrNoForsendelse, "a forsendelse that is gone is named, the others are added")
	d, ok := s.Dialog(fs[0].DialogID)
	require.True(t, ok)
	var got []string
	for _, tr := range d.Transmissions {
		got = append(got, tr.Type+" "+tr.ForsendelseID[len(tr.ForsendelseID)-4:])
	}
	short := func(f Forsendelse) string { return f.ID[len(f.ID)-4:] }
	assert.Equal(t, []string{
		TransmissionSubmission + " " + short(fs[0]),
		TransmissionSubmission + " " + short(fs[1]),
		TransmissionAcceptance + " " + short(fs[0]),
		TransmissionSubmission + " " + short(fs[2]),
		TransmissionRejection + " " + short(fs[1]),
		TransmissionSubmission + " " + short(fs[3]),
	}, got)
	assert.Equal(t, fs[3].CreatedAt, d.UpdatedAt, "older feedback does not move UpdatedAt back")
}

func TestReadHooksRunBeforeEveryRead(t *testing.T) {
	t.Parallel()
	s := New()
	f, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Body: []byte(`{}`)})
	require.NoError(t, err)
	reads := 0
	s.OnRead(func() { reads++ })
	s.Dialog(f.DialogID)
	s.Dialogs(nil)
	_, err = s.Document(2024, "310000001", f.ID, f.DocumentID)
	require.NoError(t, err)
	s.Forsendelse(f.ID)
	s.Count()
	assert.Equal(t, 3, reads, "Dialog, Dialogs and Document run the hooks; Forsendelse and Count do not")
}

// A submission that comes after feedback dated later than it goes before
// that feedback: a dialog's transmissions stay in time order, and its
// UpdatedAt does not go back.
func TestASubmissionGoesBeforeFeedbackDatedAfterIt(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	at := t0
	s := New(WithClock(func() time.Time { return at }))
	first, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: "a"})
	require.NoError(t, err)
	_, err = s.AddFeedback(Feedback{ForsendelseID: first.ID, Type: TransmissionAcceptance, Title: "Godkjent", Body: []byte(`{}`), At: t0.Add(10 * time.Millisecond)})
	require.NoError(t, err)
	at = t0.Add(5 * time.Millisecond)
	second, err := s.Accept(Submission{Inntektsaar: 2024, Oppgavegiver: "310000001", Referanse: "b"})
	require.NoError(t, err)
	d, ok := s.Dialog(first.DialogID)
	require.True(t, ok)
	var order []string
	for _, tr := range d.Transmissions {
		order = append(order, tr.Type+" "+tr.ForsendelseID)
	}
	assert.Equal(t, []string{
		TransmissionSubmission + " " + first.ID,
		TransmissionSubmission + " " + second.ID,
		TransmissionAcceptance + " " + first.ID,
	}, order)
	assert.Equal(t, t0.Add(10*time.Millisecond), d.UpdatedAt)
}
