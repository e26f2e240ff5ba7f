//go:build !unix

package sqlite

import (
	"fmt"
	"os"
)

// checkWritable returns an error when path is missing or marked
// read-only.
// NOTE: outside Unix this reads the file's mode only, so it misses a file
// that the access rules of the system deny this process.
func checkWritable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("%s is read-only", path)
	}
	return nil
}
