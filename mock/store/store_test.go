package store

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAcceptReusesDialogPerOppgavegiverAndYear(t *testing.T) {
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

	tr, err := s.AddFeedback(b.ID, TransmissionRejection, "Avvist", []byte(`{"x":1}`))
	require.NoError(t, err)
	doc, err = s.Document(2024, "310000001", b.ID, tr.Attachments[0].DocumentID)
	require.NoError(t, err)
	assert.Equal(t, `{"x":1}`, string(doc.Body))
	d, _ = s.Dialog(a.DialogID)
	assert.Len(t, d.Transmissions, 3)

	s.Reset()
	assert.Equal(t, 0, s.Count())
}

func TestAcceptIsSafeConcurrently(t *testing.T) {
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
