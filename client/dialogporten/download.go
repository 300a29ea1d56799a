package dialogporten

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/finprod/finprod/client/api"
)

// Saved is one attachment Download wrote, or skipped.
type Saved struct {
	// Name is the attachment's file name (FileName).
	Name string
	// Path is where it was written; empty when it was skipped because it
	// has no API URL the token may follow.
	Path  string
	Bytes int
}

// WriteError is a document Download fetched and could not write.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string { return fmt.Sprintf("cannot write %s: %v", e.Path, e.Err) }
func (e *WriteError) Unwrap() error { return e.Err }

// DownloadDir is the folder Download writes a dialog's documents to:
// out/<dialogId>.
func DownloadDir(out string, dlg Dialog) string {
	return filepath.Join(out, safeName(dlg.ID, "dialog"))
}

// Download fetches every attachment of the transmissions through its API
// URL with docs, and writes it to dir/<transmissionId>-<TYPE>/<name>.
// report hears of each attachment as it is written or skipped. It stops at
// the first error: a fetch error as docs gave it, or a *WriteError. It
// returns how many documents it wrote.
func Download(ctx context.Context, docs *api.Client, dir string, transmissions []Transmission, report func(Saved)) (int, error) {
	written := 0
	for _, t := range transmissions {
		for _, a := range t.Attachments {
			u, ok := a.APIURL()
			if !ok {
				report(Saved{Name: a.FileName()})
				continue
			}
			doc, err := docs.GetDocument(ctx, u.URL)
			if err != nil {
				return written, err
			}
			path := filepath.Join(dir, safeName(t.ID+"-"+t.Type, "transmission"), a.FileName())
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return written, &WriteError{Path: path, Err: err}
			}
			if err := os.WriteFile(path, doc.Body, 0o644); err != nil {
				return written, &WriteError{Path: path, Err: err}
			}
			report(Saved{Name: a.FileName(), Path: path, Bytes: len(doc.Body)})
			written++
		}
	}
	return written, nil
}

// FileName is a safe file name for the attachment: its own name without
// any folder part, or its id.
func (a Attachment) FileName() string {
	return safeName(a.Name, safeName(a.ID, "document"))
}

// safeName is the last element of a name from the server's answer, so that
// no answer can make Download write outside its folder; fallback when
// nothing is left.
func safeName(name, fallback string) string {
	base := filepath.Base(filepath.Clean("/" + name))
	if base == "/" || base == "." || base == "" || base == ".." {
		return fallback
	}
	return base
}
