// Package atomicfile writes a file under a temporary name next to its
// target and renames it into place when it is complete, so that a reader
// never sees half a file and a failed run leaves nothing behind.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// File is a file being written; the target appears only on Commit.
type File struct {
	*os.File
	target string
}

// Create starts a file that Commit will rename to target, with mode perm
// (0644 for data anyone may read; 0600 is for keys). The temporary file is
// hidden (a leading dot) in target's folder, which must exist, so the
// rename stays on one filesystem.
func Create(target string, perm os.FileMode) (*File, error) {
	// Not os.CreateTemp, which makes every file 0600: the name is drawn
	// here and the file made with perm, which the umask trims as it does
	// for os.Create.
	for range 100 {
		name := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &File{File: f, target: target}, nil
	}
	return nil, fmt.Errorf("no free temporary name beside %s", target)
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

// Write writes target whole with write, through a buffer, or leaves it
// untouched: the target appears only when write and the commit succeed.
func Write(target string, perm os.FileMode, write func(io.Writer) error) error {
	f, err := Create(target, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", target, err), f.Abort())
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	return nil
}
