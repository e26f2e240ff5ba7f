// Package ingest accepts a message from an agency: decode, validate,
// route, and journal it with its deliveries in one transaction. Only
// then does the sender get its acknowledgement.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/textcheck"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// ErrUnknownAgency is returned for an agency with no adapter.
var ErrUnknownAgency = errors.New("unknown agency")

// ErrBusy is returned when a message waited too long for its turn to be
// decoded (see Admission). Nothing of it was stored; the sender may send it again later.
var ErrBusy = errors.New("hub busy")

// DefaultMaxWait is how long a request waits for its turn by default.
const DefaultMaxWait = 2 * time.Second

// Service accepts inbound messages. Its fields are set once before use.
type Service struct {
	Adapters *registry.Set
	Store    journal.Store
	// Routes returns the routes table in force; it is called once per
	// message, so a reloaded table applies to the next message.
	Routes func() *routes.Table
	Log    *slog.Logger
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Zone is the offset received times are written in; UTC when nil.
	Zone *time.Location
	// Enrichers run in order on each valid message before it is routed.
	Enrichers []Enricher
	// RoutedEnrichers run in order on each message once the routes have
	// chosen its destinations, before it is journaled.
	RoutedEnrichers []RoutedEnricher
	// Claimers name what each message holds alone in the journal. At
	// most one Claimer may take claims of one kind.
	Claimers []Claimer
	// Guards run in order on each message after the enrichers, and
	// again while a message journaled meanwhile changed what they read.
	Guards []Guard
	// Observers learn of each newly journaled message after its
	// transaction commits.
	Observers []Observer
	// UnroutedObservers learn, as Observers do, of each newly journaled
	// message that the routes sent to no destination.
	UnroutedObservers []Observer

	// Admission, when set, bounds the bodies being decoded and
	// validated at once; nil leaves them unbounded.
	Admission *Admission
	// NoContentCheck journals messages without a content hash, so that
	// a repeated sender message id always counts as a resend. The hub's
	// own messages set it, because a resend of one carries a new time.
	NoContentCheck bool
}

// Enricher adds the hub's own records to a message before it is routed,
// such as the police station that serves an address. An error wrapping
// a *schemas.ValidationError rejects the message as invalid, naming the
// field; any other error fails the request with 503 and stores nothing.
type Enricher interface {
	Enrich(ctx context.Context, m *canonical.Message) error
}

// RoutedEnricher adds to a message what follows from its routing, such
// as the police units that receive a verification request. It runs after
// the routes decide and before the message is journaled, so route
// conditions do not see what it adds. targets are the destinations that
// get a delivery, and table is the routes table that chose them.
type RoutedEnricher interface {
	EnrichRouted(m *canonical.Message, table *routes.Table, targets []routes.Target)
}

// Claimer names what a message holds alone in the journal, such as
// being the original final report of its FIR, and what it ends, such as
// a passport file's open request that a report replies to. The journal
// takes the claims in the transaction that journals the message, so of
// two messages with one claim that arrive at once, on one replica or
// two, only one is journaled.
type Claimer interface {
	// Claims returns what m takes and what it ends.
	Claims(m *canonical.Message) ([]journal.Claim, []journal.Release)
	// Reject returns the error for m, which the journal rejected because
	// another message holds one of its claims. It is a *ConflictError
	// naming the fields that decided, or another error when the holder
	// cannot be read.
	Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error
}

// Guard checks a message against journaled records, such as a
// prisoner's earlier movements, that another message checked at the same
// moment could change. An error rejects the message as an Enricher's
// does. The claims returned name what the guard read, and the journal
// takes them in the transaction that journals the message. No message
// journaled when the guard read may hold them, and a message journaled
// later that changes what the guard reads must take one of them. When
// the journal finds one held, the Service runs the guards again, at most
// MaxGuardRuns times in all, and then fails the request with ErrBusy.
type Guard interface {
	Guard(ctx context.Context, m *canonical.Message) ([]journal.Claim, error)
}

// MaxGuardRuns bounds the runs of a message's guards while messages
// journaled at the same moment change what they read.
const MaxGuardRuns = 4

// Observer learns of each message the hub journaled, after the commit and
// never for a duplicate. A crash between commit and Observe loses the
// call, so an observer that keeps state must be able to rebuild it from
// the journal.
type Observer interface {
	Observe(ctx context.Context, m *canonical.Message)
}

// Check decides whether the sender may post m, a message decoded from its
// body that is valid and masked but not yet enriched. It returns nil, or
// a *ForbiddenError that rejects the whole body.
type Check func(m *canonical.Message) error

// ForbiddenError rejects a message that its sender may not post, such as
// a police document of a station that the sender's token does not list.
type ForbiddenError struct {
	// Violations name the fields that decided, by JSON pointer into the
	// sender's document when its adapter implements adapters.BodyPointers
	// and into the canonical message otherwise.
	Violations []schemas.Violation
}

func (e *ForbiddenError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return "forbidden: " + strings.Join(parts, "; ")
}

// Result is the hub's acknowledgement of one accepted message.
type Result struct {
	MessageID       string `json:"message_id"`
	SenderMessageID string `json:"sender_message_id"`
	Duplicate       bool   `json:"duplicate"`
	// ReceivedAt is when the hub accepted the message, the original's
	// for a duplicate, in Service.Zone.
	ReceivedAt time.Time `json:"received_at"`
}

// Accept decodes body as agency's format and journals every message in
// it, returning one result per message and at least one when err is nil.
// Invalid input returns an error wrapping a *schemas.ValidationError
// or adapters.ErrMalformed, and nothing is stored. A body from which the
// adapter decodes no message counts as malformed, as does a body in
// UTF-16 or UTF-32 (textcheck.CheckEncoding), and a Content-Type
// with a charset other than UTF-8 returns a *CharsetError. Messages of one body
// are journaled one by one. A store failure part way returns the error
// with the results of those already journaled, so a retry finds them as
// duplicates. A request that cannot get its turn from s.Admission in
// time returns an error wrapping ErrBusy.
func (s *Service) Accept(ctx context.Context, agency string, body []byte, contentType string) ([]Result, error) {
	return s.AcceptChecked(ctx, agency, body, contentType, nil)
}

// AcceptChecked is Accept with check, when not nil, run on each message
// of the body before it is enriched. An error from check rejects the
// whole body before any enricher runs, and nothing of it is stored.
func (s *Service) AcceptChecked(
	ctx context.Context,
	agency string,
	body []byte,
	contentType string,
	check Check,
) ([]Result, error) {
	a, ok := s.Adapters.Adapter(agency)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownAgency, agency)
	}
	p, err := s.prepare(ctx, a, agency, body, contentType, check)
	if err != nil {
		return nil, err
	}
	var results []Result
	for i := range p.msgs {
		r, err := s.journal(ctx, document{a, p.raw, contentType}, &p.msgs[i], p.hashes[i], p.guarded[i])
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// Prepared is one message of a body, decoded, checked, masked and
// enriched as Prepare returns it.
type Prepared struct {
	Message canonical.Message
	// DuplicateOf is the hub's id of the journaled message that Message
	// resends, or "" for a new message. Accept returns a resend as a
	// duplicate of that message and routes nothing.
	DuplicateOf string
}

// Prepare decodes, validates, masks and enriches body as Accept does,
// and returns the messages Accept would journal, without storing
// anything. A message that resends a journaled one has that message's
// id in DuplicateOf. Explanations of a body use Prepare, so that they
// show what the hub would route. Its errors are those of Accept, the
// conflicts with messages already journaled included.
func (s *Service) Prepare(ctx context.Context, agency string, body []byte, contentType string) (
	[]Prepared, error) {
	a, ok := s.Adapters.Adapter(agency)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownAgency, agency)
	}
	p, err := s.prepare(ctx, a, agency, body, contentType, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Prepared, len(p.msgs))
	for i := range p.msgs {
		out[i].Message = p.msgs[i]
		out[i].DuplicateOf, err = s.checkReusedID(ctx, &p.msgs[i], p.hashes[i])
		if err != nil {
			return nil, fmt.Errorf("%s message %d: %w", agency, i+1, err)
		}
		if out[i].DuplicateOf != "" {
			// Accept returns the journaled message, whatever its claims.
			continue
		}
		if err := s.checkClaims(ctx, document{a, body, contentType}, &p.msgs[i]); err != nil {
			return nil, fmt.Errorf("%s message %d: %w", agency, i+1, err)
		}
	}
	return out, nil
}

// checkReusedID returns the hub's id of the journaled message that m,
// whose content hash is hash, resends, which Accept returns as a
// duplicate, or "" when m is new. It returns the *journal.ConflictError
// that Accept would return when m's sender used its message id before
// for other content.
func (s *Service) checkReusedID(ctx context.Context, m *canonical.Message, hash string) (string, error) {
	sent, err := s.Store.SenderMessage(ctx, m.Source, m.SenderMessageID)
	if errors.Is(err, journal.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if journal.ContentDiffers(sent.ContentHash, hash) {
		return "", journal.NewConflictError(m, posterOf(ctx), sent)
	}
	return sent.MessageID, nil
}

// checkClaims returns the error that Accept would return for m, which
// is no resend, because another message holds one of its claims, read
// from the journal without taking them. A claim whose holder m releases
// passes, as the journal ends the holder's claim before it takes m's.
func (s *Service) checkClaims(ctx context.Context, d document, m *canonical.Message) error {
	for _, c := range s.Claimers {
		claims, releases := c.Claims(m)
		for _, claim := range claims {
			holder, err := s.Store.ClaimHolder(ctx, claim)
			if errors.Is(err, journal.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if slices.ContainsFunc(releases, func(r journal.Release) bool { return r.Ends(claim, holder) }) {
				continue
			}
			err = c.Reject(ctx, m, &journal.ClaimedError{Claim: claim, Holder: holder})
			d.point(m, err)
			return err
		}
	}
	return nil
}

// prepared is a body that prepare decoded, checked and enriched.
type prepared struct {
	msgs    []canonical.Message
	hashes  []string          // content hash of each message
	guarded [][]journal.Claim // guards' claims of each message
	raw     []byte            // the body to journal
}

// prepare decodes, validates and checks with check (when not nil) body
// once it has its turn, and then enriches and guards its messages. The
// turn ends before the enrichers and guards, which wait on the journal
// more than they compute, so a body waiting for the database leaves its
// turn to one that needs the CPU.
func (s *Service) prepare(
	ctx context.Context,
	a adapters.Adapter,
	agency string,
	body []byte,
	contentType string,
	check Check,
) (prepared, error) {
	if err := checkCharset(contentType, body); err != nil {
		return prepared{}, fmt.Errorf("decoding %s message: %w", agency, err)
	}
	// A UTF-16 or UTF-32 body would otherwise get a violation for
	// nearly every byte from the text check.
	if err := textcheck.CheckEncoding(body); err != nil {
		return prepared{}, fmt.Errorf("decoding %s message: %w: %w", agency, adapters.ErrMalformed, err)
	}
	release, err := s.Admission.wait(ctx)
	if err != nil {
		return prepared{}, err
	}
	p, err := s.decode(a, agency, body, contentType, check)
	release()
	if err != nil {
		return prepared{}, err
	}
	for i := range p.msgs {
		resend, err := s.enrich(ctx, p.doc, &p.msgs[i], p.hashes[i])
		if err != nil {
			return prepared{}, fmt.Errorf("enriching %s message %d: %w", agency, i+1, err)
		}
		if resend {
			continue
		}
		if p.guarded[i], err = s.guard(ctx, p.doc, &p.msgs[i], p.hashes[i]); err != nil {
			return prepared{}, fmt.Errorf("checking %s message %d: %w", agency, i+1, err)
		}
	}
	return p.prepared, nil
}

// checked is a body that decode read and checked: prepared without the
// guards' claims, and the document it came from.
type checked struct {
	prepared
	doc document
}

// decode turns body into canonical messages, masks them and the
// journal's copy of body, and validates and checks each message.
func (s *Service) decode(a adapters.Adapter, agency string, body []byte, contentType string,
	check Check) (checked, error) {
	if rejected := textcheck.Check(body, contentType); len(rejected) > 0 {
		return checked{}, fmt.Errorf("decoding %s message: %w", agency,
			rejectText(a, body, contentType, rejected))
	}
	decoded, err := decodePosted(a, body, contentType)
	if err != nil {
		addSourceViolation(a, agency, body, contentType, err)
		return checked{}, fmt.Errorf("decoding %s message: %w", agency, err)
	}
	if len(decoded.Messages) == 0 {
		return checked{}, fmt.Errorf("decoding %s message: %w: the body contains no message",
			agency, adapters.ErrMalformed)
	}
	d := document{a, body, contentType}
	if err := checkAuthorship(d, agency, decoded.Messages); err != nil {
		return checked{}, err
	}
	raw := decoded.Journal
	if raw == nil {
		raw = body
	}
	// Adapters mask the identifiers in their copy of the body, and some
	// mask its text too. The journal's copy has every Aadhaar number
	// masked, whichever adapter decoded it, escaped digits included. A
	// passport file number is kept, as in the canonical form.
	msgs := decoded.Messages
	var fileNumbers []string
	for i := range msgs {
		fileNumbers = append(fileNumbers, canonical.RecordIDs(&msgs[i])...)
	}
	raw, _ = canonical.MaskAadhaarInBody(raw, fileNumbers...)
	received := s.now()
	for i := range msgs {
		if err := scrub(&msgs[i]); err != nil {
			d.point(&msgs[i], err)
			return checked{}, fmt.Errorf("%s message %d: %w", agency, i+1, err)
		}
	}
	hashes := make([]string, len(msgs))
	guarded := make([][]journal.Claim, len(msgs))
	for i := range msgs {
		if !s.NoContentCheck {
			if hashes[i], err = contentHash(&msgs[i]); err != nil {
				if failure := encodingFailure(agency, i+1, err); failure != nil {
					return checked{}, failure
				}
				return checked{}, fmt.Errorf("hashing %s message %d: %w", agency, i+1, err)
			}
		}
		stamp(&msgs[i], agency, received)
		if err := schemas.ValidateValue("canonical/message.json", &msgs[i]); err != nil {
			if failure := encodingFailure(agency, i+1, err); failure != nil {
				return checked{}, failure
			}
			d.point(&msgs[i], err)
			return checked{}, fmt.Errorf("canonical form of %s message %d: %w", agency, i+1, err)
		}
		if check != nil {
			if err := check(&msgs[i]); err != nil {
				d.point(&msgs[i], err)
				return checked{}, fmt.Errorf("%s message %d: %w", agency, i+1, err)
			}
		}
	}
	return checked{prepared{msgs: msgs, hashes: hashes, guarded: guarded, raw: raw}, d}, nil
}

// enrich runs the enrichers on m, whose content hash is hash. When one
// rejects m but m resends a journaled message, such as one that a hub
// without the check took, enrich reports the resend and runs no more
// enrichers: Accept returns the journaled message. When m reuses the
// sender message id of a journaled message with other content, enrich
// returns that *journal.ConflictError instead of the enricher's error,
// as Accept does for a message that every check passes.
func (s *Service) enrich(ctx context.Context, d document, m *canonical.Message, hash string) (
	bool, error) {
	for _, e := range s.Enrichers {
		if err := e.Enrich(ctx, m); err != nil {
			resend, err := s.resends(ctx, m, hash, err)
			if resend {
				return true, nil
			}
			d.point(m, err)
			return false, err
		}
	}
	return false, nil
}

// guard runs the guards on m, whose content hash is hash, and returns
// their claims. A message that fails one but resends a journaled message
// passes without claims, and one that reuses a sender message id gets
// the *journal.ConflictError, as in enrich.
func (s *Service) guard(ctx context.Context, d document, m *canonical.Message, hash string) (
	[]journal.Claim, error) {
	var claims []journal.Claim
	for _, g := range s.Guards {
		c, err := g.Guard(ctx, m)
		if err != nil {
			resend, err := s.resends(ctx, m, hash, err)
			if resend {
				return nil, nil
			}
			d.point(m, err)
			return nil, err
		}
		claims = append(claims, c...)
	}
	return claims, nil
}

// resends reports whether m, which a check rejected with err, resends a
// journaled message, and otherwise returns the error to reject m with.
// That error is err, unless err is the sender's fault and m reuses the
// sender message id of a journaled message with other content: then it
// is the *journal.ConflictError naming that message. A sender that gets
// a rule of the check would correct m and send it again under the same
// id, and be rejected for the reuse only then. An error reading the
// journal is returned too, because without it the hub cannot tell
// which answer is right.
func (s *Service) resends(ctx context.Context, m *canonical.Message, hash string, err error) (bool, error) {
	if !IsInvalid(err) {
		return false, err
	}
	original, reuseErr := s.checkReusedID(ctx, m, hash)
	if reuseErr != nil {
		return false, reuseErr
	}
	return original != "", err
}

// RuleDocumentSource is the violation rule of a message whose type the
// sender's agency receives from the hub but does not write, such as a
// court order that a prison posts.
const RuleDocumentSource = "document-source"

// checkAuthorship returns an error wrapping a *schemas.ValidationError
// for the first of msgs, decoded from agency's body by a, whose type the
// agency does not write (see adapters.Authorship). It returns nil when
// the agency writes them all or a does not implement adapters.Authorship.
func checkAuthorship(d document, agency string, msgs []canonical.Message) error {
	authorship, ok := d.adapter.(adapters.Authorship)
	if !ok {
		return nil
	}
	for i := range msgs {
		m := &msgs[i]
		if authorship.Authors(m.Type) {
			continue
		}
		err := &schemas.ValidationError{Violations: []schemas.Violation{{
			Pointer: "/type", Rule: RuleDocumentSource,
			Message: fmt.Sprintf("agency %s receives %s messages from the hub and may not post one",
				agency, m.Type),
		}}}
		d.point(m, err)
		return fmt.Errorf("%s message %d: %w", agency, i+1, err)
	}
	return nil
}

// addSourceViolation adds to err, an error of a's Decode, a violation
// with rule RuleDocumentSource when err wraps a *schemas.ValidationError
// and body declares a message type that agency does not write, so that
// the sender learns both at once.
func addSourceViolation(a adapters.Adapter, agency string, body []byte, contentType string, err error) {
	authorship, ok := a.(adapters.Authorship)
	typer, typed := a.(adapters.DocumentTyper)
	var invalid *schemas.ValidationError
	if !ok || !typed || !errors.As(err, &invalid) {
		return
	}
	t, pointer, ok := typer.DocumentType(body, contentType)
	if !ok || authorship.Authors(t) {
		return
	}
	// Invalid caps the list again, because err's list may be full already.
	invalid.Violations = schemas.Violations(schemas.Invalid(append([]schemas.Violation{{
		Pointer: pointer, Rule: RuleDocumentSource,
		Message: fmt.Sprintf("agency %s receives %s messages from the hub and may not post one",
			agency, t),
	}}, invalid.Violations...)...))
}

// decodePosted decodes body, which a's agency posted, with DecodePosted
// when a implements adapters.PostedDecoder, and with Decode otherwise.
func decodePosted(a adapters.Adapter, body []byte, contentType string) (adapters.Decoded, error) {
	if posted, ok := a.(adapters.PostedDecoder); ok {
		return posted.DecodePosted(body, contentType)
	}
	return a.Decode(body, contentType)
}

// document is a body that an agency posted, as the journal keeps it,
// and the adapter that decoded it.
type document struct {
	adapter     adapters.Adapter
	body        []byte
	contentType string
}

// point rewrites the pointers of the violations in err, a
// *schemas.ValidationError or a *ForbiddenError made on the canonical
// message m, to point into the agency's document, by the adapter's
// adapters.BodyPointers. A violation that the adapter cannot place gets
// the pointer "" of the whole document, and its message names the
// canonical field, so that no pointer sent back names a field of a
// document that the sender did not write.
func (d document) point(m *canonical.Message, err error) {
	var violations []schemas.Violation
	var invalid *schemas.ValidationError
	var forbidden *ForbiddenError
	switch {
	case errors.As(err, &invalid):
		violations = invalid.Violations
	case errors.As(err, &forbidden):
		violations = forbidden.Violations
	}
	mapper, _ := d.adapter.(adapters.BodyPointers)
	for i, v := range violations {
		if v.Pointer == "" {
			continue
		}
		if mapper != nil {
			doc := adapters.Document{Body: d.body, ContentType: d.contentType}
			if p, ok := mapper.BodyPointer(doc, m, v.Pointer); ok {
				violations[i].Pointer = p
				continue
			}
		}
		violations[i].Pointer = ""
		violations[i].Message = fmt.Sprintf("%s (at %s in the hub's canonical form of the message)",
			v.Message, v.Pointer)
	}
}

// RuleMalformed is the violation rule, beside the characters that no
// field may contain, of a body that its adapter cannot decode.
const RuleMalformed = "malformed"

// rejectText returns the *schemas.ValidationError that rejects body for
// the characters no field may contain, rejected as textcheck.Check found
// them. The violations of decoding body follow, or one of rule
// RuleMalformed when a cannot decode it at all, so that the sender
// learns of every fault at once.
func rejectText(a adapters.Adapter, body []byte, contentType string, rejected []schemas.Violation) error {
	_, err := decodePosted(a, body, contentType)
	if vs := schemas.Violations(err); vs != nil {
		return schemas.Invalid(append(rejected, vs...)...)
	}
	if err != nil {
		rejected = append(rejected, schemas.Violation{Rule: RuleMalformed,
			Message: "the body cannot be decoded: " + err.Error()})
	}
	return schemas.Invalid(rejected...)
}

// scrub masks, in one walk over m's strings, every Aadhaar number left in
// its text, whichever adapter decoded it (adapters mask identifiers).
// It returns a validation error naming each string that contains the
// NUL character, which the PostgreSQL journal cannot store. The body
// check rejects every NUL before decoding, so this one guards only
// against an adapter that makes a NUL itself. The error also names each
// identifier that CheckRecordNumbers rejects, which masking would alter.
func scrub(m *canonical.Message) error {
	violations := recordNumberViolations(m)
	canonical.EachString(m, func(pointer, s string) (string, bool) {
		if strings.ContainsRune(s, 0) {
			violations = append(violations, schemas.Violation{Pointer: pointer, Rule: "no-nul",
				Message: "contains the NUL character U+0000, which no field may contain"})
		}
		return canonical.MaskAadhaarAt(pointer, s)
	})
	if len(violations) > 0 {
		return &schemas.ValidationError{Violations: violations}
	}
	return nil
}

// CheckRecordNumbers returns a validation error with rule
// canonical.RuleAadhaarLike at each identifier of m that a receiver
// matches as written, such as a prisoner number, and that
// canonical.CheckRecordNumber rejects, or nil when there is none. The
// prisons, courts and police adapters check the identifiers of their
// documents at the sender's fields, so this catches the rest.
func CheckRecordNumbers(m *canonical.Message) error {
	if vs := recordNumberViolations(m); len(vs) > 0 {
		return &schemas.ValidationError{Violations: vs}
	}
	return nil
}

func recordNumberViolations(m *canonical.Message) []schemas.Violation {
	var violations []schemas.Violation
	canonical.CheckRecordNumbers(m, func(pointer string, err error) {
		violations = append(violations, schemas.Violation{Pointer: pointer,
			Rule: canonical.RuleAadhaarLike, Message: err.Error()})
	})
	return violations
}

// contentHash returns a digest of m as its adapter decoded it, before the
// hub's own fields and enrichment. Identifier tokens are left out: they
// depend on the hub's key, not on what the sender sent. So is the time
// sent, because a sender's retry may renew it, and a resend of the same
// content must stay a duplicate.
func contentHash(m *canonical.Message) (string, error) {
	unsent := *m
	unsent.SentAt = time.Time{}
	b, err := json.Marshal(&unsent)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(withoutTokens(b))
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// tokenKey starts a token member in canonical JSON. Quotes inside JSON
// strings are escaped, so the sequence occurs only as a member name.
var tokenKey = []byte(`"token":"`)

// withoutTokens returns the JSON text b without the values of its token
// members.
func withoutTokens(b []byte) []byte {
	var out []byte
	for {
		i := bytes.Index(b, tokenKey)
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i+len(tokenKey)]...)
		b = b[i+len(tokenKey):]
		end := bytes.IndexByte(b, '"')
		if end < 0 {
			return append(out, b...)
		}
		b = b[end:]
	}
}

// Admission caps the inbound bodies being decoded and validated at
// once. The cap keeps a burst of inbound requests from taking every core
// from delivery. A body's turn ends before the enrichers and guards read
// the journal; the inbound budget, not the turns, bounds the memory of
// bodies in work.
// Requests beyond it wait their turn, for at most a set time. An
// Admission is safe for concurrent use, and services may share one.
type Admission struct {
	slots   chan struct{}
	maxWait time.Duration
}

// NewAdmission returns an Admission of n turns, runtime.GOMAXPROCS when n
// is 0 or less, whose requests wait at most maxWait, DefaultMaxWait when
// maxWait is 0 or less.
func NewAdmission(n int, maxWait time.Duration) *Admission {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	return &Admission{slots: make(chan struct{}, n), maxWait: maxWait}
}

// wait blocks until the request may be decoded, and returns the function
// that ends its turn. It returns ErrBusy after the Admission's wait, or
// the context's error when ctx ends first. A nil Admission admits at
// once.
func (a *Admission) wait(ctx context.Context) (func(), error) {
	if a == nil {
		return func() {}, nil
	}
	release := func() { <-a.slots }
	select {
	case a.slots <- struct{}{}:
		return release, nil
	default:
	}
	timer := time.NewTimer(a.maxWait)
	defer timer.Stop()
	select {
	case a.slots <- struct{}{}:
		return release, nil
	case <-timer.C:
		return nil, fmt.Errorf("%w: waited %s for a turn to decode the message", ErrBusy, a.maxWait)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	zone := s.Zone
	if zone == nil {
		zone = time.UTC
	}
	return now().In(zone)
}

func stamp(m *canonical.Message, agency string, received time.Time) {
	m.ID = uuid.Must(uuid.NewV7()).String()
	m.Source = agency
	m.ReceivedAt = received
	if m.SchemaVersion == "" {
		m.SchemaVersion = canonical.SchemaVersion
	}
}

func (s *Service) journal(
	ctx context.Context,
	d document,
	m *canonical.Message,
	hash string,
	guarded []journal.Claim,
) (Result, error) {
	table := s.Routes()
	decisions := table.Decide(m)
	entry := journal.Entry{
		Message: *m, Raw: d.body, ContentType: d.contentType,
		RoutesVersion: table.Version(), ContentHash: hash, PostedBy: posterOf(ctx),
	}
	for _, d := range decisions {
		if d.Failed && s.Log != nil {
			s.Log.Warn("route condition failed; the route does not match", "route", d.Route,
				"message_id", m.ID, "case_id", m.CaseKey, "error", d.Reason)
		}
		entry.Routing = append(entry.Routing, journal.RouteDecision{
			Route: d.Route, Matched: d.Matched, Reason: d.Reason, Destinations: d.Destinations,
		})
	}
	targets := routes.Targets(decisions)
	for _, e := range s.RoutedEnrichers {
		e.EnrichRouted(m, table, targets)
	}
	entry.Message = *m
	for _, t := range targets {
		id := uuid.Must(uuid.NewV7()).String()
		entry.Deliveries = append(entry.Deliveries, journal.NewDelivery{
			ID: id, Destination: t.Destination, Route: t.Route,
		})
		shards := 1
		if dest, ok := table.Destination(t.Destination); ok {
			shards = dest.Concurrency
		}
		entry.Outbox = append(entry.Outbox, delivery.Outgoing(journal.Delivery{
			ID: id, MessageID: m.ID, Destination: t.Destination, CaseKey: m.CaseKey,
		}, shards))
	}
	var claims []journal.Claim
	for _, c := range s.Claimers {
		newClaims, releases := c.Claims(m)
		claims = append(claims, newClaims...)
		entry.Releases = append(entry.Releases, releases...)
	}
	receipt, err := s.accept(ctx, d, entry, claims, guarded, hash)
	var claimed *journal.ClaimedError
	if errors.As(err, &claimed) {
		if c := s.claimerOf(m, claimed.Claim); c != nil {
			err = c.Reject(ctx, m, claimed)
			d.point(m, err)
			return Result{}, fmt.Errorf("%s message: %w", m.Source, err)
		}
	}
	if err != nil {
		return Result{}, fmt.Errorf("journaling message %s: %w", m.ID, err)
	}
	s.log(ctx, m, receipt, len(entry.Deliveries))
	if !receipt.Duplicate {
		for _, o := range s.Observers {
			o.Observe(ctx, m)
		}
		if len(entry.Deliveries) == 0 {
			for _, o := range s.UnroutedObservers {
				o.Observe(ctx, m)
			}
		}
	}
	return Result{
		MessageID: receipt.MessageID, SenderMessageID: m.SenderMessageID,
		Duplicate: receipt.Duplicate, ReceivedAt: receipt.ReceivedAt.In(m.ReceivedAt.Location()),
	}, nil
}

// accept journals entry with the claimers' claims and the guards' claims
// guarded. While a message journaled since the guards ran holds one of
// theirs, it runs them again, at most MaxGuardRuns times in all.
func (s *Service) accept(
	ctx context.Context,
	d document,
	entry journal.Entry,
	claims, guarded []journal.Claim,
	hash string,
) (journal.Receipt, error) {
	m := &entry.Message
	for run := 1; ; run++ {
		entry.Claims = append(slices.Clip(claims), guarded...)
		receipt, err := s.Store.Accept(ctx, entry)
		var claimed *journal.ClaimedError
		if !errors.As(err, &claimed) || !slices.Contains(guarded, claimed.Claim) {
			return receipt, err
		}
		if run == MaxGuardRuns {
			return journal.Receipt{}, fmt.Errorf("%w: messages journaled at the same moment changed "+
				"what the checks of message %s read %d times", ErrBusy, m.ID, run)
		}
		if guarded, err = s.guard(ctx, d, m, hash); err != nil {
			return journal.Receipt{}, fmt.Errorf("checking %s message again: %w", m.Source, err)
		}
	}
}

// claimerOf returns the Claimer whose claims for m include claim, or nil.
func (s *Service) claimerOf(m *canonical.Message, claim journal.Claim) Claimer {
	for _, c := range s.Claimers {
		claims, _ := c.Claims(m)
		if slices.Contains(claims, claim) {
			return c
		}
	}
	return nil
}

// log logs the outcome of journaling m, with the token holder that ctx
// carries, if any.
func (s *Service) log(ctx context.Context, m *canonical.Message, r journal.Receipt, deliveries int) {
	if s.Log == nil {
		return
	}
	attrs := []any{"message_id", r.MessageID, "agency", m.Source}
	if poster := posterOf(ctx); poster != "" {
		attrs = append(attrs, "principal", poster)
	}
	if r.Duplicate {
		s.Log.Info("duplicate message", append(attrs, "case_id", m.CaseKey)...)
		return
	}
	s.Log.Info("message accepted", append(attrs, "type", string(m.Type), "case_id", m.CaseKey,
		"deliveries", deliveries)...)
}

// MalformedReason returns why the input of err, an error wrapping
// adapters.ErrMalformed, cannot be parsed: the text after the last
// "malformed input: " in its message, without the contexts that each
// decoding step put before it. It returns the whole message when that
// text is missing.
func MalformedReason(err error) string {
	msg := err.Error()
	marker := adapters.ErrMalformed.Error() + ": "
	if i := strings.LastIndex(msg, marker); i >= 0 {
		return msg[i+len(marker):]
	}
	return msg
}

// IsInvalid reports whether err is the sender's fault: malformed input or
// a validation error.
func IsInvalid(err error) bool {
	return errors.Is(err, adapters.ErrMalformed) || schemas.Violations(err) != nil
}
