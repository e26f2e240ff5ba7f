//go:build linux || darwin

package sqlite

import "syscall"

// freeBytes returns the bytes of the file system holding path that this
// process may still use, and true, by statfs(2).
func freeBytes(path string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
