//go:build unix

package hub

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockDataDir takes an exclusive flock(2) on the data folder's lock
// file, so that a second hub on the same SQLite journal fails at start.
// The SQLite write lock and the bus's consumer group locks are held in
// memory, so two processes on one file would each deliver the same
// commands. The lock file contains the holder's process id. The kernel
// releases the lock when the process exits, also after SIGKILL. The
// returned function releases it.
func lockDataDir(dir string) (func() error, error) {
	path := lockPath(dir)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the data folder's lock file: %w; "+
			"the hub's user needs to read and write the data folder and its files", err)
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		holder := "another process"
		if pid, readErr := os.ReadFile(path); readErr == nil && len(strings.TrimSpace(string(pid))) > 0 {
			holder = "process " + strings.TrimSpace(string(pid))
		}
		_ = f.Close()
		return nil, fmt.Errorf("data folder %s is in use by another hub (%s): one SQLite journal serves "+
			"one hub; stop that hub, give this one another --data folder, or run replicas on "+
			"PostgreSQL with --postgres", dir, holder)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	// The process id only helps the operator find the holder, so a
	// failure to write it is not an error.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f.Close, nil
}
