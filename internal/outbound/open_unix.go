//go:build unix

package outbound

import (
	"io/fs"
	"os"
	"syscall"
)

// openFlags opens a file for reading without waiting for a writer, which
// an open of a named pipe would do. The flag does not change how a
// regular file reads, and readFile rejects every other kind of file.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// openToOthers reports whether a file of mode grants any permission to
// its group or to others.
func openToOthers(mode fs.FileMode) bool { return mode.Perm()&0o077 != 0 }
