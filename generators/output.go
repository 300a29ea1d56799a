package generators

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/finprod/finprod/internal/atomicfile"
)

// Output is a Sink that writes every body newline-terminated to where
// `finprod generate --out` points. Commit makes the output visible; Abort
// removes whatever a failed run left.
type Output interface {
	Sink
	Commit() error
	Abort() error
}

// OpenOutput opens out: "" or "-" is w; an existing directory, or a path
// ending in a separator, gets one file per leveranse (leveranse-000000.json,
// ...); a device or pipe such as /dev/null is written in place; any other
// path is one file (NDJSON when there are several leveranser), its folders
// made as needed. Files are written under a temporary name and renamed when
// complete, so a reader never sees half a body.
func OpenOutput(w io.Writer, out string) (Output, error) {
	if out == "" || out == "-" {
		return &streamOutput{w: bufio.NewWriterSize(w, 1<<20)}, nil
	}
	if st, err := os.Stat(out); (err == nil && st.IsDir()) || strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create output directory: %v", err)
		}
		return &dirOutput{dir: out}, nil
	}
	if st, err := os.Stat(out); err == nil && !st.Mode().IsRegular() {
		// Renaming a file over a device would replace it: write straight in.
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %v", out, err)
		}
		return &streamOutput{w: bufio.NewWriterSize(f, 1<<20), device: f}, nil
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create folder %s for %s: %v", dir, out, err)
	}
	f, err := atomicfile.Create(out)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %v", out, err)
	}
	return &streamOutput{w: bufio.NewWriterSize(f, 1<<20), file: f}, nil
}

// streamOutput writes every body to one stream: w, a device, or a file
// renamed into place on Commit.
type streamOutput struct {
	w      *bufio.Writer
	device *os.File
	file   *atomicfile.File
}

func (s *streamOutput) Begin(int64) (io.Writer, error) { return s.w, nil }
func (s *streamOutput) End(int64) error                { return s.w.WriteByte('\n') }

func (s *streamOutput) Commit() error {
	if err := s.w.Flush(); err != nil {
		return errors.Join(fmt.Errorf("writing output: %w", err), s.Abort())
	}
	switch {
	case s.file != nil:
		return s.file.Commit()
	case s.device != nil:
		return s.device.Close()
	}
	return nil
}

func (s *streamOutput) Abort() error {
	switch {
	case s.file != nil:
		return s.file.Abort()
	case s.device != nil:
		return s.device.Close()
	}
	return s.w.Flush()
}

// dirOutput writes leveranse k to DIR/leveranse-%06d.json through a
// temporary file.
type dirOutput struct {
	dir  string
	file *atomicfile.File
	w    *bufio.Writer
}

func (d *dirOutput) Begin(k int64) (io.Writer, error) {
	f, err := atomicfile.Create(filepath.Join(d.dir, fmt.Sprintf("leveranse-%06d.json", k)))
	if err != nil {
		return nil, err
	}
	d.file, d.w = f, bufio.NewWriterSize(f, 1<<20)
	return d.w, nil
}

func (d *dirOutput) End(int64) error {
	if err := d.w.WriteByte('\n'); err != nil {
		return err
	}
	if err := d.w.Flush(); err != nil {
		return err
	}
	f := d.file
	d.file = nil
	return f.Commit()
}

func (d *dirOutput) Commit() error { return nil }

func (d *dirOutput) Abort() error {
	if d.file == nil {
		return nil
	}
	return d.file.Abort()
}
