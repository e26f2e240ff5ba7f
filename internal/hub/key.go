package hub

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// keyPath returns the path of the Aadhaar key file in dir.
func keyPath(dir string) string { return filepath.Join(dir, "aadhaar.key") }

// loadOrCreateKey returns the Aadhaar masking key kept in dir, and
// whether it created it: a random 32-byte key readable only by its owner.
// The key must outlive restarts, or tokens written before and after
// would not match, so a missing key beside an existing journal is an
// error.
func loadOrCreateKey(dir string) ([]byte, bool, error) {
	path := keyPath(dir)
	data, err := os.ReadFile(path)
	if err == nil {
		key, derr := hex.DecodeString(strings.TrimSpace(string(data)))
		if derr != nil || len(key) < 16 {
			return nil, false, fmt.Errorf("reading %s: want at least 32 hex digits", path)
		}
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("reading Aadhaar key: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, journalFile)); err == nil {
		return nil, false, fmt.Errorf("%s is missing but the journal in %s exists: tokens made with "+
			"a new key would not match the journal's; restore the key file or set "+
			"SANGAM_AADHAAR_KEY to the key the journal was written with", path, dir)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("creating Aadhaar key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("creating data folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("creating Aadhaar key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		return nil, false, fmt.Errorf("writing Aadhaar key: %w", err)
	}
	return key, true, f.Sync()
}

// keyFingerprint identifies key without revealing it: the start of an
// HMAC of a fixed text under the key.
func keyFingerprint(key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("sangam Aadhaar key fingerprint"))
	return hex.EncodeToString(mac.Sum(nil)[:8])
}
