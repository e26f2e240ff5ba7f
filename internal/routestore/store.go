// Package routestore keeps the routes document as numbered versions in
// the hub's database, so administrators can change the routes of a running
// hub, see who changed what, and restore an earlier version.
//
// Versions are numbered 1, 2, 3 and so on, and are never changed or
// deleted. A restore saves an earlier document again as a new version
// whose RestoredFrom names the earlier one. Save takes the number of the
// version the change was based on and fails with ErrConflict when another
// change came first, so two administrators cannot overwrite each other.
//
// The stores live in the subpackages sqlite and postgres, and the
// conformance test that both pass in routestoretest. Seed writes the first
// version at start-up, and a Watcher hands every new version to each hub
// replica without a restart.
package routestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/textcheck"
	"github.com/sangam-hub/sangam/routes"
)

// Store keeps the versions of the routes document. Implementations are
// safe for concurrent use, also by several processes on one database.
type Store interface {
	// Current returns the latest version, or an error wrapping ErrEmpty
	// when no version was saved yet.
	Current(ctx context.Context) (Version, error)
	// Get returns version n, or an error wrapping ErrNotFound.
	Get(ctx context.Context, n int) (Version, error)
	// List returns at most limit versions numbered below before, or
	// the newest when before is 0, without their documents, newest
	// first. limit must be between 1 and MaxListLimit, and before 0 or
	// more.
	List(ctx context.Context, limit, before int) ([]Info, error)
	// Save stores c.Document as the next version and returns it. It
	// rejects, changing nothing:
	//   - an invalid change (see Change.Validate), with an error wrapping
	//     ErrInvalid that names the route or destination and the position;
	//   - a change whose Expect is not the current version's number, with
	//     a *ConflictError, which matches ErrConflict;
	//   - a document identical to the current one, with ErrUnchanged;
	//   - a RestoredFrom that names no version or a different document,
	//     with ErrInvalid.
	// When several Saves have the same Expect, at most one succeeds.
	Save(ctx context.Context, c Change) (Version, error)
}

// Info describes one version of the routes document.
type Info struct {
	// Number is the version's position in the history, from 1.
	Number int `json:"number"`
	// By identifies who saved the version, such as an administrator's
	// user name.
	By string `json:"by"`
	// Comment is the reason for the version, as its author gave it. It
	// may be empty.
	Comment string `json:"comment"`
	// CreatedAt is when the version was saved, in UTC, to the microsecond.
	CreatedAt time.Time `json:"created_at"`
	// RestoredFrom is the number of the earlier version whose document
	// this version restored, or 0.
	RestoredFrom int `json:"restored_from"`
}

// Version is one version of the routes document.
type Version struct {
	Info
	// Document is the routes document in YAML, byte for byte as saved.
	Document []byte
}

// Change is a request to save a new version.
type Change struct {
	// Document is the routes document in YAML. Required, at most
	// MaxDocumentBytes, and it must pass routes.Load.
	Document []byte
	// By identifies who makes the change. Required, at most MaxByBytes
	// of UTF-8 without control characters.
	By string `json:"by"`
	// Comment is the reason for the change. Optional, at most
	// MaxCommentBytes of UTF-8.
	Comment string
	// RestoredFrom is, for a restore, the number of the earlier version
	// whose document Document is. Default 0, meaning not a restore.
	RestoredFrom int
	// Expect is the number of the version the change is based on, 0 when
	// the store is empty.
	Expect int
	// Remote is the network address that the change came from, which the
	// log line of the save names. The store does not keep it. Empty for
	// a change made by the hub itself, such as the seed.
	Remote string
}

// Limits on a Change and on List.
const (
	MaxDocumentBytes = 1 << 20
	MaxByBytes       = 200
	MaxCommentBytes  = 2000
	MaxListLimit     = 1000
)

// Errors of a Store. Stores wrap them with details, so compare with
// errors.Is.
var (
	ErrEmpty     = errors.New("no routes version saved yet")
	ErrNotFound  = errors.New("routes version not found")
	ErrInvalid   = errors.New("invalid change")
	ErrConflict  = errors.New("routes changed concurrently")
	ErrUnchanged = errors.New("document unchanged")
)

// ConflictError is the error of a Save whose Expect is not the current
// version's number. It matches ErrConflict.
type ConflictError struct {
	// Expect is the number the change was based on.
	Expect int
	// Current is the number of the current version, 0 when the store is
	// empty.
	Current int
}

func (e *ConflictError) Error() string {
	if e.Expect > e.Current {
		// No change can have saved a version past the current one, so
		// the number is a mistake rather than a race.
		return fmt.Sprintf("%s: the change is based on version %d, which does not exist: "+
			"the current version is %d; review it and apply the change again with that number",
			ErrConflict, e.Expect, e.Current)
	}
	return fmt.Sprintf("%s: the change is based on version %d but the current version is %d: "+
		"review version %d and apply the change again", ErrConflict, e.Expect, e.Current, e.Current)
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Validate checks every field of c and compiles c.Document with
// routes.Load. The error wraps ErrInvalid and, for the document, the
// error of routes.Load, which names each invalid route or destination and
// the position of a CEL or YAML error.
func (c Change) Validate() error {
	if err := c.validateFields(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if _, err := routes.Load(c.Document); err != nil {
		return fmt.Errorf("%w: document: %w", ErrInvalid, err)
	}
	return nil
}

func (c Change) validateFields() error {
	var errs []error
	switch {
	case len(c.Document) == 0:
		errs = append(errs, errors.New("document: missing"))
	case len(c.Document) > MaxDocumentBytes:
		errs = append(errs, fmt.Errorf("document: %d bytes is over the maximum of %d",
			len(c.Document), MaxDocumentBytes))
	}
	errs = append(errs, ValidateBy(c.By), ValidateComment(c.Comment))
	if c.RestoredFrom < 0 {
		errs = append(errs, fmt.Errorf("restored_from: %d is negative", c.RestoredFrom))
	}
	if c.Expect < 0 {
		errs = append(errs, fmt.Errorf("expect: %d is negative", c.Expect))
	}
	return errors.Join(errs...)
}

// Admit checks c against the state of the store, for Store
// implementations to call inside the transaction that saves c, after
// Validate. current is the current version, with Number 0 when the store
// is empty. restored is version c.RestoredFrom, or nil when RestoredFrom
// is 0 or names no version. Admit returns a *ConflictError, an error
// wrapping ErrUnchanged or ErrInvalid, or nil when c may be saved as
// version current.Number+1.
func (c Change) Admit(current Version, restored *Version) error {
	if c.Expect != current.Number {
		return &ConflictError{Expect: c.Expect, Current: current.Number}
	}
	if current.Number > 0 && bytes.Equal(c.Document, current.Document) {
		return fmt.Errorf("%w: the document is identical to version %d", ErrUnchanged, current.Number)
	}
	if c.RestoredFrom == 0 {
		return nil
	}
	if restored == nil {
		return fmt.Errorf("%w: restored_from: version %d not found", ErrInvalid, c.RestoredFrom)
	}
	if !bytes.Equal(c.Document, restored.Document) {
		return fmt.Errorf("%w: restored_from: the document differs from version %d's",
			ErrInvalid, c.RestoredFrom)
	}
	return nil
}

// ValidateBy returns an error, starting with "by: ", unless by is valid
// as Change.By. A by that contains an Aadhaar number is invalid, because
// the routes history shows it, and its error matches
// canonical.ErrAadhaarLike.
func ValidateBy(by string) error {
	switch {
	case by == "":
		return errors.New("by: missing")
	case len(by) > MaxByBytes:
		return fmt.Errorf("by: %d bytes is over the maximum of %d", len(by), MaxByBytes)
	}
	if err := textcheck.Name(by); err != nil {
		return fmt.Errorf("by: invalid: %w", err)
	}
	if err := canonical.CheckOperatorText("it", by); err != nil {
		return fmt.Errorf("by: invalid: %w", err)
	}
	return nil
}

// ValidateComment returns an error, starting with "comment: ", unless
// comment is valid as Change.Comment. A comment that contains an Aadhaar
// number is invalid, as ValidateBy's by is.
func ValidateComment(comment string) error {
	var errs []error
	if len(comment) > MaxCommentBytes {
		errs = append(errs, fmt.Errorf("comment: %d bytes is over the maximum of %d",
			len(comment), MaxCommentBytes))
	}
	// The history lists comments one per line, so a line break or an
	// escape could forge an entry.
	if err := textcheck.Line(comment); err != nil {
		errs = append(errs, fmt.Errorf("comment: invalid: %w", err))
	}
	if err := canonical.CheckOperatorText("it", comment); err != nil {
		errs = append(errs, fmt.Errorf("comment: invalid: %w", err))
	}
	return errors.Join(errs...)
}

// ValidateList returns an error naming the rule unless limit is between
// 1 and MaxListLimit and before is 0 or more, for Store implementations
// of List.
func ValidateList(limit, before int) error {
	if limit < 1 || limit > MaxListLimit {
		return fmt.Errorf("limit: %d is out of range: want 1 to %d", limit, MaxListLimit)
	}
	if before < 0 {
		return fmt.Errorf("before: %d is out of range: want a version number, or 0 for the newest", before)
	}
	return nil
}

// LogSaved logs the save of version v, made by change c, once, with the
// version number, who saved it, for a restore the version it restored,
// and the address that c came from when it has one.
func LogSaved(log *slog.Logger, c Change, v Version) {
	attrs := []any{"version", v.Number, "by", v.By}
	if v.RestoredFrom > 0 {
		attrs = append(attrs, "restored_from", v.RestoredFrom)
	}
	if c.Remote != "" {
		attrs = append(attrs, "remote", c.Remote)
	}
	log.Info("routes version saved", attrs...)
}
