package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
)

// CheckFilesWritable returns an error unless this process may write db's
// main database file and, when they exist, its -wal and -shm files. An
// open connection finds out that a file became unwritable only when it
// next writes pages at commit, so a rolled-back write transaction cannot
// detect it. The check opens no file, so it releases none of the
// process's POSIX locks on the database. A database without a file
// always passes.
func CheckFilesWritable(ctx context.Context, db *sql.DB) error {
	file, err := MainFile(ctx, db)
	if err != nil || file == "" {
		return err
	}
	for _, path := range []string{file, file + "-wal", file + "-shm"} {
		err := checkWritable(path)
		if err == nil || (path != file && errors.Is(err, fs.ErrNotExist)) {
			continue
		}
		return fmt.Errorf("database file %s is not writable: %w", path, err)
	}
	return nil
}
