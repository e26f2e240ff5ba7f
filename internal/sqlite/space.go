package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
)

// MinFreeBytes is the free space that the hub requires: room for the
// largest body the hub accepts, 8 MiB, with its canonical form and the
// write-ahead log's copy of the pages.
const MinFreeBytes = 32 << 20

// CheckFreeSpace returns an error when the file system of db's file has
// less than want bytes free for this process. A write then fails with
// "database or disk is full", which a rolled-back probe cannot provoke.
// A database without a file, or a system whose free space is unknown,
// always passes.
func CheckFreeSpace(ctx context.Context, db *sql.DB, want uint64) error {
	file, err := MainFile(ctx, db)
	if err != nil || file == "" {
		return err
	}
	free, ok := freeBytes(filepath.Dir(file))
	if ok && free < want {
		return fmt.Errorf("%w: the file system of %s has %d bytes free, less than the %d the hub "+
			"keeps for a message: free some space", ErrLowSpace, file, free, want)
	}
	return nil
}

// ErrLowSpace is wrapped by the error of CheckFreeSpace.
var ErrLowSpace = errors.New("too little free space for the journal")
