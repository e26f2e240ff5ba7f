// Package sqlitetest makes the files of an SQLite database unwritable
// for tests of how the hub recovers.
package sqlitetest

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// MakeUnwritable makes the files at paths unwritable to this process and
// returns a function that makes them writable again, which the test's
// cleanup also calls. SQLite then opens new connections to a database
// file read-only. For a user other than root it clears the files' write
// permission. Root ignores permissions, so for root it sets the files'
// immutable attribute with chattr(1), and skips the test when that fails,
// as it does on file systems without the attribute, such as tmpfs.
func MakeUnwritable(t testing.TB, paths ...string) (restore func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		restore = clearWriteBits(t, paths)
	} else {
		restore = setImmutable(t, paths)
	}
	restore = sync.OnceFunc(restore)
	t.Cleanup(restore)
	return restore
}

// setImmutable sets the immutable attribute of paths and returns the
// function that clears it.
func setImmutable(t testing.TB, paths []string) func() {
	t.Helper()
	chattr := func(flag string) ([]byte, error) {
		return exec.Command("chattr", append([]string{flag}, paths...)...).CombinedOutput()
	}
	if out, err := chattr("+i"); err != nil {
		// chattr may have set the attribute on some of the paths, which
		// would keep t.TempDir from removing them.
		_, _ = chattr("-i")
		t.Skipf("making %v immutable needs chattr and a file system with the immutable attribute: %v: %s",
			paths, err, out)
	}
	return func() {
		if out, err := chattr("-i"); err != nil {
			t.Errorf("making %v mutable again: %v: %s", paths, err, out)
		}
	}
}

// clearWriteBits clears the write permission of paths and returns the
// function that restores their modes.
func clearWriteBits(t testing.TB, paths []string) func() {
	t.Helper()
	modes := make([]os.FileMode, len(paths))
	for i, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		modes[i] = info.Mode().Perm()
		if err := os.Chmod(path, modes[i]&^0o222); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		for i, path := range paths {
			if err := os.Chmod(path, modes[i]); err != nil {
				t.Errorf("making %s writable again: %v", path, err)
			}
		}
	}
}
