// Package atomicfile writes a file under a temporary name next to its
// target and renames it into place when it is complete, so that a reader
// never sees half a file and a failed run leaves nothing behind.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written; the target appears only on Commit.
type File struct {
	*os.File
	target string
}

// Create starts a file that Commit will rename to target. The temporary
// file is hidden (a leading dot) in target's folder, which must exist, so
// the rename stays on one filesystem.
func Create(target string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &File{File: f, target: target}, nil
}

// Target is the path the file gets on Commit.
func (f *File) Target() string { return f.target }

// Commit closes the file and renames it into place. On failure the
// temporary file is removed.
func (f *File) Commit() error {
	if err := f.Close(); err != nil {
		return errors.Join(fmt.Errorf("closing %s: %w", f.Name(), err), f.Abort())
	}
	if err := os.Rename(f.Name(), f.target); err != nil {
		return errors.Join(fmt.Errorf("renaming output into place: %w", err), f.Abort())
	}
	return nil
}

// Abort closes and removes the temporary file; the target is untouched.
func (f *File) Abort() error {
	_ = f.Close()
	if err := os.Remove(f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing partial output: %w", err)
	}
	return nil
}
