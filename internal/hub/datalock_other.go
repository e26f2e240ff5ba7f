//go:build !unix

package hub

// lockDataDir returns at once without a lock.
// NOTE: outside Unix two hubs can open one data folder, and each then
// delivers the same commands, because the SQLite write lock and the bus's
// consumer group locks are held in memory.
func lockDataDir(string) (func() error, error) {
	return func() error { return nil }, nil
}
