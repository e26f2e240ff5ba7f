//go:build unix

package outbound

import (
	"os"
	"syscall"
)

// openFlags opens a file for reading without waiting for a writer, which
// an open of a named pipe would do. The flag does not change how a
// regular file reads, and readFile rejects every other kind of file.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
