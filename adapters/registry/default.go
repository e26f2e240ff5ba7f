package registry

import (
	"fmt"

	"github.com/sangam-hub/sangam/adapters/courts"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/adapters/prisons"
)

// Options configures the adapters that need configuration.
type Options struct {
	// AadhaarKey is the HMAC key every adapter masks Aadhaar numbers
	// with, at least 32 bytes.
	AadhaarKey []byte
}

// Default returns every agency adapter the hub ships with.
func Default(opts Options) (*Set, error) {
	p, err := police.New(police.Config{AadhaarKey: opts.AadhaarKey})
	if err != nil {
		return nil, fmt.Errorf("police adapter: %w", err)
	}
	c := &courts.Adapter{AadhaarKey: opts.AadhaarKey}
	prisonAdapter, err := prisons.New(prisons.Config{AadhaarKey: opts.AadhaarKey})
	if err != nil {
		return nil, fmt.Errorf("prisons adapter: %w", err)
	}
	passportAdapter, err := passport.New(passport.Config{AadhaarKey: opts.AadhaarKey})
	if err != nil {
		return nil, fmt.Errorf("passport adapter: %w", err)
	}
	return NewSet(p, c, prisonAdapter, passportAdapter)
}

// DefaultAgencies returns the agency names of Default's adapters, sorted.
// The names do not depend on the Aadhaar key, so a caller that has no key
// yet can check a routes document's agencies before it creates one.
func DefaultAgencies() ([]string, error) {
	set, err := Default(Options{AadhaarKey: []byte("placeholder key that masks nothing")})
	if err != nil {
		return nil, err
	}
	return set.Agencies(), nil
}
