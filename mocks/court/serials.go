package court

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// loadSerials reads Config.SerialFile, when it is set and exists, into
// s.serials.
func (s *Server) loadSerials() error {
	if s.cfg.SerialFile == "" {
		return nil
	}
	data, err := os.ReadFile(s.cfg.SerialFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading court serials: %w", err)
	}
	if err := json.Unmarshal(data, &s.serials); err != nil {
		return fmt.Errorf("reading court serials %s: %w: remove the file to start serials at 1",
			s.cfg.SerialFile, err)
	}
	if err := checkSerials(s.serials); err != nil {
		return fmt.Errorf("reading court serials %s: %w: remove the file to start serials at 1",
			s.cfg.SerialFile, err)
	}
	return nil
}

// maxSerial is the largest serial that a CNR's six digits hold.
const maxSerial = 999_999

// checkSerials returns an error naming the first counter, in sorted
// order, whose last serial is negative or too large for a CNR.
func checkSerials(serials map[string]int) error {
	for _, counter := range slices.Sorted(maps.Keys(serials)) {
		if n := serials[counter]; n < 0 || n > maxSerial {
			return fmt.Errorf("invalid serial %d of %s: want 0 to %d", n, counter, maxSerial)
		}
	}
	return nil
}

// saveSerials writes s.serials to Config.SerialFile, when it is set,
// through a temporary file so that a crash leaves the old or the new
// serials. The caller holds s.mu.
func (s *Server) saveSerials() error {
	if s.cfg.SerialFile == "" {
		return nil
	}
	data, err := json.Marshal(s.serials)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.cfg.SerialFile), ".court-serials-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.cfg.SerialFile)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
