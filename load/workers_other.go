//go:build !unix

package load

// openFileLimit: without RLIMIT_NOFILE, the default cap is the ceiling.
func openFileLimit() uint64 { return 4 * MaxWorkersCeiling }
