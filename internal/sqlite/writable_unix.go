//go:build unix

package sqlite

import "syscall"

// accessWrite is W_OK of access(2).
const accessWrite = 0x2

// checkWritable returns an error unless this process may write path, by
// access(2), which opens no file.
func checkWritable(path string) error {
	return syscall.Access(path, accessWrite)
}
