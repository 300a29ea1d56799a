// Package flock holds an advisory lock on a file for as long as a process
// runs: the operating system lets go of it when the process ends, however
// it ends, so a crash never leaves a stale lock behind. finprod uses it to
// keep two processes from writing the same files: two `finprod mock` in
// one state folder, two `finprod submit` on one receipts file.
package flock

import (
	"errors"
	"fmt"
	"os"
)

// ErrLocked is returned when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock is a held lock.
type Lock struct {
	f *os.File
}

// TryLock takes the lock on path (creating the file) without waiting. On
// ErrLocked the file's content, which the holder wrote with Write, is
// returned, so the caller can say who holds it.
func TryLock(path string) (*Lock, string, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, "", err
	}
	if err := lock(f); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, string(holder), ErrLocked
		}
		return nil, "", fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, "", nil
}

// Write replaces the lock file's content: a note for whoever finds it
// locked (the holder's pid and address, say).
func (l *Lock) Write(note string) error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(note), 0)
	return err
}

// Unlock lets go of the lock. The file stays; the next holder overwrites it.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = unlock(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}
