package hub

import (
	"encoding/json"
	"errors"

	"github.com/sangam-hub/sangam/internal/auth"
)

// ErrNoTokenFile is returned by ReloadTokens on a hub started without a
// token file, whose API is open: a reload cannot close it while it runs.
var ErrNoTokenFile = errors.New("the hub started without a token file, so its API is open; " +
	"restart it with --tokens to require tokens")

// ReloadTokens replaces the hub's tokens with those of doc, a token file,
// so that a token can be revoked or added without a restart. A file that
// Parse rejects, or with an agency the hub has no adapter for, changes
// nothing and returns the error.
func (h *Hub) ReloadTokens(doc []byte) error {
	if h.cfg.Tokens == nil {
		return ErrNoTokenFile
	}
	tokens, err := auth.Parse(doc)
	if tokens != nil {
		// Checked even when Parse failed, so that one reload reports
		// every problem of the file.
		err = errors.Join(err, tokens.CheckAgencies(h.adapters.Agencies()))
	}
	if err != nil {
		return err
	}
	added, revoked, changed := h.cfg.Tokens.Changes(tokens)
	h.cfg.Tokens.Replace(tokens)
	// The lines name token holders, never tokens or their digests.
	h.cfg.Log.Info("token file reloaded", "entries", tokens.Len(), "added", nameList(added),
		"revoked", nameList(revoked), "changed", nameList(changed))
	return nil
}

// nameList is a list of token holders' names that logs as a JSON array,
// ["ops bob","station-ekm0412"], because a name may contain spaces and
// commas, which would run names together in slog's text form of a slice.
type nameList []string

func (n nameList) MarshalJSON() ([]byte, error) {
	if n == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(n))
}

// MarshalText returns the JSON array, which slog's TextHandler writes.
func (n nameList) MarshalText() ([]byte, error) { return n.MarshalJSON() }
