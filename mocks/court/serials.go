package court

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
