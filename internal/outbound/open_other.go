//go:build !unix

package outbound

import (
	"io/fs"
	"os"
)

// openFlags opens a file for reading.
// NOTE: outside Unix the open may wait for a writer when the path names
// a pipe, before readFile can reject it as not a regular file.
const openFlags = os.O_RDONLY

// openToOthers reports false: outside Unix, permission bits do not show
// who may read a file.
func openToOthers(mode fs.FileMode) bool { return false }
