package submit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/flock"
)

// ReceiptsFile is the journal's name under OUT/submit/.
const ReceiptsFile = "receipts.ndjson"

// Statuses of a receipt, in the order a leveranse goes through them.
const (
	// StatusSending is written before the request leaves, with the key:
	// whatever happens next, a resume sends again with this key, so the
	// API answers a repeat with its first answer instead of storing a
	// second forsendelse.
	StatusSending = "sending"
	// StatusAccepted: 200, with dialogId and forsendelseId.
	StatusAccepted = "accepted"
	// StatusRejected: the API answered with an error (4xx); kode says why.
	StatusRejected = "rejected"
	// StatusFailed: no final answer (5xx, a timeout or a dropped
	// connection after every retry); a resume tries again, same key.
	StatusFailed = "failed"
	// StatusRefused: not sent. The document is not JSON, has no income
	// year to send to, or carries identities that are not synthetic.
	StatusRefused = "refused"
	// StatusFeedback: Dialogporten's feedback on an accepted leveranse
	// (Feedback: godkjent or avvist, with Funn).
	StatusFeedback = "feedback"
)

// Receipt is one line of receipts.ndjson: one event of one leveranse.
type Receipt struct {
	Time time.Time `json:"time"`
	// File and Document (counted from 1) and Line say where the leveranse
	// is; SHA256 (of its bytes) says which one it is: a resume matches on
	// it, so a moved or renamed file is still recognised.
	File     string `json:"file"`
	Document int    `json:"document"`
	Line     int    `json:"line"`
	SHA256   string `json:"sha256"`
	// Key is the idempotencyKey; one per leveranse, for good.
	Key           string `json:"key,omitempty"`
	Status        string `json:"status"`
	HTTPStatus    int    `json:"httpStatus,omitempty"`
	Kode          string `json:"kode,omitempty"`
	Melding       string `json:"melding,omitempty"`
	DialogID      string `json:"dialogId,omitempty"`
	ForsendelseID string `json:"forsendelseId,omitempty"`
	Inntektsaar   int    `json:"inntektsaar,omitempty"`
	Oppgavegiver  string `json:"oppgavegiver,omitempty"`
	Referanse     string `json:"referanse,omitempty"`
	Target        string `json:"target,omitempty"`
	// Attempts is how many requests the send took (retries included).
	Attempts int `json:"attempts,omitempty"`
	// Feedback and Funn: the feedback document's status and findings.
	Feedback string          `json:"feedback,omitempty"`
	Funn     []contract.Funn `json:"funn,omitempty"`
	// Document is where the feedback document was saved.
	FeedbackFile string `json:"feedbackFile,omitempty"`
}

// known is what the receipts say of one leveranse, and whether this run
// has taken it already (where: the same bytes earlier in the input).
type known struct {
	key      string
	accepted *Receipt
	taken    string
}

// journal appends receipts, each line written whole and synced before the
// next step, so a crash at any moment leaves every earlier line intact
// (at worst a last line cut short, which the next reader skips).
type journal struct {
	path string
	lock *flock.Lock

	mu    sync.Mutex
	f     *os.File
	known map[string]*known
	// Torn counts lines that could not be read (a crash mid-line).
	torn int
}

// ErrEarlierDelivery: the receipts of an earlier delivery are there, and
// neither --resume nor --fresh says what to do with them.
var ErrEarlierDelivery = errors.New("holds the receipts of an earlier delivery")

// CheckEarlier is ErrEarlierDelivery when dir holds the receipts of an
// earlier delivery and neither resume nor fresh says what to do with them:
// a second run never sends everything again by accident. Callers may ask
// before they reach a target; Deliver asks again.
func CheckEarlier(dir string, resume, fresh bool) error {
	path := filepath.Join(dir, ReceiptsFile)
	if st, err := os.Stat(path); err == nil && st.Size() > 0 && !resume && !fresh {
		return fmt.Errorf("%s %w", path, ErrEarlierDelivery)
	}
	return nil
}

// openJournal opens OUT/submit/receipts.ndjson. With resume it reads what
// is there; with fresh it moves an earlier file aside; with neither, an
// earlier file is ErrEarlierDelivery, so a second run never sends
// everything again by accident.
func openJournal(dir string, resume, fresh bool, now time.Time) (*journal, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("cannot create %s: %w", dir, err)
	}
	path := filepath.Join(dir, ReceiptsFile)
	lock, holder, err := flock.TryLock(filepath.Join(dir, ".receipts.lock"))
	if errors.Is(err, flock.ErrLocked) {
		return nil, "", fmt.Errorf("%s is in use by another finprod submit (%s); let it finish, or use another --out", path, strings.TrimSpace(holder))
	}
	if err != nil {
		return nil, "", err
	}
	_ = lock.Write(fmt.Sprintf("pid %d\n", os.Getpid()))
	j := &journal{path: path, lock: lock, known: map[string]*known{}}
	moved := ""
	if err := CheckEarlier(dir, resume, fresh); err != nil {
		_ = lock.Unlock()
		return nil, "", err
	}
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		switch {
		case resume:
			if err := j.load(); err != nil {
				_ = lock.Unlock()
				return nil, "", err
			}
		case fresh:
			moved = filepath.Join(dir, "receipts-"+now.UTC().Format("20060102T150405Z")+".ndjson")
			if err := os.Rename(path, moved); err != nil {
				_ = lock.Unlock()
				return nil, "", fmt.Errorf("cannot keep the earlier receipts: %w", err)
			}
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		_ = lock.Unlock()
		return nil, "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	j.f = f
	if err := j.endLine(); err != nil {
		_ = j.close()
		return nil, "", err
	}
	syncDir(dir)
	return j, moved, nil
}

// endLine starts the next receipt on a line of its own, after a crash cut
// the last one short.
func (j *journal) endLine() error {
	st, err := j.f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	r, err := os.Open(j.path)
	if err != nil {
		return err
	}
	defer r.Close()
	last := make([]byte, 1)
	if _, err := r.ReadAt(last, st.Size()-1); err != nil {
		return err
	}
	if last[0] == '\n' {
		return nil
	}
	if _, err := j.f.Write([]byte("\n")); err != nil {
		return fmt.Errorf("write %s: %w", j.path, err)
	}
	return j.f.Sync()
}

// load reads earlier receipts: per leveranse its key, and whether it was
// accepted.
func (j *journal) load() error {
	f, err := os.Open(j.path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", j.path, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var r Receipt
			if json.Unmarshal(line, &r) != nil || r.SHA256 == "" {
				j.torn++
			} else {
				j.note(r)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", j.path, err)
		}
	}
}

// note updates what is known of a leveranse; acceptance sticks.
func (j *journal) note(r Receipt) {
	k := j.known[r.SHA256]
	if k == nil {
		k = &known{}
		j.known[r.SHA256] = k
	}
	if r.Key != "" && k.key == "" {
		k.key = r.Key
	}
	if r.Status == StatusAccepted && k.accepted == nil {
		rc := r
		k.accepted = &rc
	}
}

// claim takes the leveranse with this hash for sending, from where: it
// returns its key (the one the receipts gave it, else fresh), the receipt
// that shows it accepted before, if any, and, when this run has taken the
// same bytes already, where.
func (j *journal) claim(sha, fresh, where string) (key string, accepted *Receipt, takenAt string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	k := j.known[sha]
	if k == nil {
		k = &known{key: fresh}
		j.known[sha] = k
	}
	if k.key == "" {
		k.key = fresh
	}
	takenAt = k.taken
	if takenAt == "" {
		k.taken = where
	}
	return k.key, k.accepted, takenAt
}

// append writes one receipt and syncs it to disk before returning.
func (j *journal) append(r Receipt) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", j.path, err)
	}
	if r.SHA256 != "" {
		j.note(r)
	}
	return nil
}

func (j *journal) close() error {
	err := j.f.Close()
	if uerr := j.lock.Unlock(); err == nil {
		err = uerr
	}
	return err
}

// syncDir makes a new file's name durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
