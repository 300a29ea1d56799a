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

// ErrExists is returned (wrapped) by OpenOutput for an output that holds an
// earlier run's data, unless replacing it was asked for.
var ErrExists = errors.New("exists")

// dataPerm is the mode of generated files: data anyone may read (keys are
// 0600, and written elsewhere).
const dataPerm = 0o644

// OpenOutput opens out: "" or "-" is w; an existing directory, or a path
// ending in a separator, gets one file per leveranse (leveranse-000000.json,
// ...); a device or pipe such as /dev/null is written in place; any other
// path is one file (NDJSON when there are several leveranser), its folders
// made as needed. Files are written under a temporary name and renamed when
// complete, so a reader never sees half a body; they are 0644.
//
// An existing file, or a folder with leveranse files, is ErrExists unless
// replace is set; a replaced folder keeps no leveranse file of the earlier
// run once Commit is done. A symbolic link stays one: what it points to is
// replaced.
func OpenOutput(w io.Writer, out string, replace bool) (Output, error) {
	if out == "" || out == "-" {
		return &streamOutput{w: bufio.NewWriterSize(w, 1<<20)}, nil
	}
	if IsDirOutput(out) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create output directory: %v", err)
		}
		earlier, err := filepath.Glob(filepath.Join(out, "leveranse-*.json"))
		if err != nil {
			return nil, err
		}
		if len(earlier) > 0 && !replace {
			return nil, fmt.Errorf("%s holds %d leveranse file(s) of an earlier run: %w", out, len(earlier), ErrExists)
		}
		return &dirOutput{dir: out, earlier: earlier, written: map[string]bool{}}, nil
	}
	if st, err := os.Stat(out); err == nil && !st.Mode().IsRegular() {
		// Renaming a file over a device would replace it: write straight in.
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %v", out, err)
		}
		return &streamOutput{w: bufio.NewWriterSize(f, 1<<20), device: f}, nil
	}
	target := out
	if lst, err := os.Lstat(out); err == nil {
		if !replace {
			return nil, fmt.Errorf("%s: %w", out, ErrExists)
		}
		if lst.Mode()&os.ModeSymlink != 0 {
			// Rename would put a file where the link is: write to where
			// it points instead.
			if target, err = filepath.EvalSymlinks(out); err != nil {
				return nil, fmt.Errorf("%s is a symbolic link that points nowhere: %v", out, err)
			}
		}
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create folder %s for %s: %v", dir, out, err)
	}
	f, err := atomicfile.Create(target, dataPerm)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %v", out, err)
	}
	return &streamOutput{w: bufio.NewWriterSize(f, 1<<20), file: f}, nil
}

// IsDirOutput reports whether OpenOutput writes one file per leveranse to
// out: an existing directory, or a path ending in a separator.
func IsDirOutput(out string) bool {
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
		return true
	}
	st, err := os.Stat(out)
	return err == nil && st.IsDir()
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
	// earlier are the leveranse files there before; Commit removes those
	// this run did not write.
	earlier []string
	written map[string]bool
}

func (d *dirOutput) Begin(k int64) (io.Writer, error) {
	name := filepath.Join(d.dir, fmt.Sprintf("leveranse-%06d.json", k))
	f, err := atomicfile.Create(name, dataPerm)
	if err != nil {
		return nil, err
	}
	d.written[name] = true
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

func (d *dirOutput) Commit() error {
	var errs []error
	for _, p := range d.earlier {
		if !d.written[p] {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (d *dirOutput) Abort() error {
	if d.file == nil {
		return nil
	}
	return d.file.Abort()
}
