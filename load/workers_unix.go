//go:build unix

package load

import "syscall"

// openFileLimit is the process's soft RLIMIT_NOFILE (which Go raises to
// the hard limit at start).
func openFileLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 4 * MaxWorkersCeiling
	}
	return l.Cur
}
