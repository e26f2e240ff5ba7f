// Package journal defines the hub's durable record: every message it
// accepted, the routing decision made for it, and every delivery and
// delivery attempt. Two stores implement it: journal/postgres for
// production and journal/sqlite for the embedded default.
package journal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/canonical"
)

// ErrNotFound is returned when a message or delivery does not exist.
var ErrNotFound = errors.New("not found")

// Store is the journal.
//
// Every method is safe for concurrent use. Times are stored as instants
// and come back in UTC unless a field's comment states otherwise.
type Store interface {
	// Accept journals a message, its routing decision and its pending
	// deliveries, and publishes e.Outbox, all in one transaction: after
	// Accept returns nil, all of it is durable, and after an error none
	// of it is.
	//
	// When (e.Message.Source, e.Message.SenderMessageID) is already
	// journaled, Accept changes nothing and returns the original
	// message's id with Duplicate set. When both messages have a
	// ContentHash and the two differ, the sender reused its id for
	// another message: Accept changes nothing and returns a
	// *ConflictError naming the original.
	//
	// When another message holds one of e.Claims, Accept changes
	// nothing and returns a *ClaimedError naming it. A journaled message
	// holds its claims until a later entry's Releases end them. Of two
	// entries with one claim that Accept gets at once, one is journaled
	// and the other gets the error. A duplicate takes no claim and ends
	// none.
	//
	// Each Outgoing message is published on its own topic, whose tables
	// the caller has created beforehand (see the bus packages'
	// InitializeTopic).
	Accept(ctx context.Context, e Entry) (Receipt, error)

	// SenderMessage returns the message that source sent with
	// senderMessageID, or ErrNotFound when none is journaled.
	SenderMessage(ctx context.Context, source, senderMessageID string) (SenderMessage, error)

	// ClaimHolder returns the id of the message that holds c, or
	// ErrNotFound when none does.
	ClaimHolder(ctx context.Context, c Claim) (string, error)

	// ClaimsUnder returns every claim of kind whose key starts with
	// prefix, in byte order of their keys, with their holders. A prefix
	// names one subject, such as a prisoner, so there is no limit.
	ClaimsUnder(ctx context.Context, kind, prefix string) ([]HeldClaim, error)

	// Journey returns a message with everything that happened to it.
	Journey(ctx context.Context, messageID string) (Journey, error)

	// Find returns the messages that match every non-empty field of q,
	// newest first.
	Find(ctx context.Context, q Query) ([]Summary, error)

	// Delivery returns one delivery and the canonical message it carries.
	Delivery(ctx context.Context, deliveryID string) (Delivery, canonical.Message, error)

	// RecordAttempt stores the outcome of one delivery attempt and moves
	// the delivery to the attempt's resulting status. Recording an
	// attempt for a delivery that is already delivered or dead changes
	// nothing and returns ErrSettled, and one whose number another
	// attempt already has returns ErrAttemptTaken.
	RecordAttempt(ctx context.Context, a Attempt) error

	// Backlog returns the deliveries that wait, per destination, for
	// every destination with a pending delivery or a dead letter, sorted
	// by destination. It reads them in one statement, so the figures are
	// consistent with each other.
	Backlog(ctx context.Context) ([]Backlog, error)

	Scheduler

	// Close releases the store's connections.
	Close() error
}

// ErrSettled is returned by RecordAttempt for a delivery that is already
// delivered or dead-lettered.
var ErrSettled = errors.New("delivery already settled")

// ErrAttemptTaken is returned by RecordAttempt for an attempt whose
// number another attempt of the delivery already has, as when two
// handlers got one delivery command at once. It wraps ErrInvalid.
var ErrAttemptTaken = fmt.Errorf("%w attempt number: taken by another attempt", ErrInvalid)

// Entry is what Accept journals.
type Entry struct {
	// Message is the canonical message; its ID, Source, SenderMessageID,
	// Type, CaseKey and times are also stored in columns.
	Message canonical.Message
	// Raw is the body as received, with secrets masked by the adapter.
	Raw []byte
	// ContentType is Raw's media type.
	ContentType string
	// Routing is the decision of every route for this message.
	Routing []RouteDecision
	// RoutesVersion is the version of the routes that made the decision.
	RoutesVersion string
	// ContentHash is a digest of the message as its sender sent it,
	// before the hub's own fields and enrichment. It distinguishes a
	// resend from a reused sender id with other content. Empty means
	// unknown, and such a repeat counts as a duplicate.
	ContentHash string
	// Deliveries are the deliveries the decision created: all pending,
	// due at once and queued, since Outbox carries their commands.
	Deliveries []NewDelivery
	// Outbox are the bus messages to publish, one per delivery.
	Outbox []Outgoing
	// Claims are held by the message from its commit on, and by no
	// other message at the same time.
	Claims []Claim
	// Releases end claims that earlier messages hold.
	Releases []Release
	// PostedBy is the name of the token holder who posted the message,
	// empty on a hub without tokens.
	PostedBy string
}

// Claim is something that one journaled message at a time may hold, such
// as being the original final report of a FIR. Kind names what is held
// and Key of what.
type Claim struct {
	Kind, Key string
}

func (c Claim) String() string { return c.Kind + " " + c.Key }

// HeldClaim is a claim and the id of the message that holds it.
type HeldClaim struct {
	Claim
	Holder string
}

// PrefixEnd returns the least string above every string that starts
// with prefix, for a range query on keys, when prefix ends with an ASCII
// character below DEL; "" otherwise, and the query then filters the
// keys itself.
func PrefixEnd(prefix string) string {
	n := len(prefix)
	if n == 0 || prefix[n-1] >= 0x7f {
		return ""
	}
	return prefix[:n-1] + string(prefix[n-1]+1)
}

// Release ends Claim when the message Holder holds it, and does nothing
// when another message or none holds it. A Claim with an empty Key ends
// every claim of its Kind that Holder holds.
type Release struct {
	Claim
	Holder string
}

// Ends reports whether r ends claim c while holder holds it.
func (r Release) Ends(c Claim, holder string) bool {
	return r.Holder == holder && r.Kind == c.Kind && (r.Key == "" || r.Key == c.Key)
}

// ErrClaimed is wrapped by Accept's error for an entry with a claim that
// another message holds.
var ErrClaimed = errors.New("claim held by another message")

// ClaimedError is Accept's error for an entry with a claim that another
// message holds.
type ClaimedError struct {
	Claim Claim
	// Holder is the hub's id of the message that holds Claim.
	Holder string
}

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("%s %s is held by message %s", e.Claim.Kind, QuoteID(e.Claim.Key), e.Holder)
}

// Unwrap returns ErrClaimed.
func (e *ClaimedError) Unwrap() error { return ErrClaimed }

// Outgoing is a bus message and the topic to publish it on.
type Outgoing struct {
	Topic   string
	Message *message.Message
}

// Publish publishes outbox through pub, with one Publish call per topic
// holding that topic's messages in their order in outbox, so that a SQL
// publisher inserts them in one statement. Each message is published as
// a copy that carries ctx, because publishers run their inserts under
// the message's context; outbox stays unchanged.
func Publish(ctx context.Context, pub message.Publisher, outbox []Outgoing) error {
	var topics []string
	byTopic := map[string][]*message.Message{}
	for _, o := range outbox {
		if _, ok := byTopic[o.Topic]; !ok {
			topics = append(topics, o.Topic)
		}
		c := o.Message.Copy()
		c.SetContext(ctx)
		byTopic[o.Topic] = append(byTopic[o.Topic], c)
	}
	for _, topic := range topics {
		if err := pub.Publish(topic, byTopic[topic]...); err != nil {
			return fmt.Errorf("publishing %d outbox messages on topic %s: %w",
				len(byTopic[topic]), topic, err)
		}
	}
	return nil
}

// RouteDecision is one route's verdict on a message.
type RouteDecision struct {
	Route   string `json:"route"`
	Matched bool   `json:"matched"`
	// Reason explains the verdict, such as the condition's value or the
	// error that stopped its evaluation.
	Reason       string   `json:"reason,omitempty"`
	Destinations []string `json:"destinations,omitempty"`
}

// NewDelivery is a delivery Accept creates.
type NewDelivery struct {
	ID          string
	Destination string
	Route       string
}

// Receipt is Accept's result.
type Receipt struct {
	// MessageID is the hub's id for the message: the new one, or the
	// original's when Duplicate is set.
	MessageID string
	// Duplicate is true when the sender had already sent this message.
	Duplicate bool
	// ReceivedAt is when the hub accepted the message (the original's
	// for a duplicate).
	ReceivedAt time.Time
}

// ErrConflict is wrapped by the error Accept returns for a sender
// message id already used for a message with other content.
var ErrConflict = errors.New("sender message id already used for another message")

// ConflictError is Accept's error for a sender message id already used
// for a message with other content.
type ConflictError struct {
	Source, SenderMessageID string
	// MessageID is the hub's id of the message first sent with the id.
	MessageID string
	// OtherPoster is set when another token holder than the one posting
	// now posted that message. The error then leaves out its hub id,
	// which the poster has no need to know.
	OtherPoster bool
	// Built is set when the adapter built SenderMessageID from the
	// document's fields. The error then names them in place of asking for
	// an id that the sender did not write.
	Built *canonical.BuiltID
}

func (e *ConflictError) Error() string {
	if e.Built != nil {
		return e.builtError()
	}
	if e.OtherPoster {
		return fmt.Sprintf("%s sent message id %q before with other content, from another "+
			"token holder; give the new message an id of its own", e.Source, e.SenderMessageID)
	}
	return fmt.Sprintf("%s sent message id %q before with other content, as hub message %s; "+
		"give the new message an id of its own", e.Source, e.SenderMessageID, e.MessageID)
}

// builtError returns the error text of a conflict on a sender message id
// that the adapter built.
func (e *ConflictError) builtError() string {
	first := "as hub message " + e.MessageID
	if e.OtherPoster {
		first = "from another token holder"
	}
	return fmt.Sprintf("%s sent a message before with other content, %s, whose sender "+
		"message id %q the hub built from %s, because the document has no %s: %s",
		e.Source, first, e.SenderMessageID, e.Built.From, e.Built.Missing, e.Built.Advice)
}

// NewConflictError returns the error for m, a message from the token
// holder poster whose sender id was used before by sent, with other
// content.
func NewConflictError(m *canonical.Message, poster string, sent SenderMessage) *ConflictError {
	return &ConflictError{Source: m.Source, SenderMessageID: m.SenderMessageID, MessageID: sent.MessageID,
		OtherPoster: poster != "" && sent.PostedBy != "" && poster != sent.PostedBy,
		Built:       m.BuiltSenderID}
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// SenderMessage is a journaled message found by its sender and sender
// message id.
type SenderMessage struct {
	// MessageID is the hub's id of the message.
	MessageID  string
	ReceivedAt time.Time
	// ContentHash is the Entry's ContentHash, empty when unknown.
	ContentHash string
	// PostedBy is the Entry's PostedBy.
	PostedBy string
}

// ContentDiffers reports whether two content hashes show different
// messages. An empty hash is unknown and differs from nothing.
func ContentDiffers(journaled, sent string) bool {
	return journaled != "" && sent != "" && journaled != sent
}

// Status of a delivery.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusDead      = "dead"
)

// Delivery is one destination's copy of a message.
type Delivery struct {
	ID          string `json:"id"`
	MessageID   string `json:"message_id"`
	Destination string `json:"destination"`
	Route       string `json:"route"`
	// CaseKey is the case of the delivery's message.
	CaseKey  string    `json:"case_key"`
	Status   string    `json:"status"`
	Attempts []Attempt `json:"attempts"`
	// NextAttemptAt is when a pending delivery is due; zero for a settled
	// one.
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	// QueuedAt is when the last command for the delivery was published;
	// zero when none is on the bus.
	QueuedAt time.Time `json:"queued_at,omitzero"`
	// ReplayOf is the id of the dead delivery this one replays.
	ReplayOf string `json:"replay_of,omitempty"`
	// ReplayedBy names who requested the replay.
	ReplayedBy string `json:"replayed_by,omitempty"`
	// IdempotencyKey is the Idempotency-Key header of every attempt of
	// the delivery: the delivery's own id, or for a replay the key of the
	// delivery it replays, unless the replay was forced.
	IdempotencyKey string `json:"idempotency_key"`
	// Reason is why a dead delivery was dead-lettered.
	Reason string `json:"reason,omitempty"`
	// BlockedBy is the id of the earliest pending delivery of the same
	// case to the same destination that is older than this one, which
	// this one waits for. Only Store.Delivery sets it: the listings leave
	// it empty.
	BlockedBy string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Attempt is one try at sending a delivery.
type Attempt struct {
	DeliveryID string `json:"-"`
	// Number counts attempts of one delivery from 1. RecordAttempt
	// numbers an attempt whose Number is 0, and rejects any other number
	// but the next with ErrInvalid.
	Number     int       `json:"number"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// StatusCode is the destination's HTTP status, 0 when no response
	// arrived.
	StatusCode int `json:"status_code,omitempty"`
	// Error describes a failure; empty on success.
	Error string `json:"error,omitempty"`
	// Result is the delivery status after this attempt: StatusPending
	// when it will be retried, StatusDelivered or StatusDead.
	Result string `json:"result"`
	// NextAttemptAt is when a pending delivery is due again. RecordAttempt
	// stores it on the delivery and clears the delivery's queued mark.
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	// Policy names the routes version and destination policy applied to
	// what was sent, such as "v3/cctns-minimal"; empty when nothing was
	// sent.
	Policy string `json:"policy,omitempty"`
	// NotSent marks an attempt that sent nothing to the destination,
	// because the destination's credential or TLS files could not be used
	// or its route turned retries off. Such an attempt does not count
	// towards the destination's max_attempts.
	NotSent bool `json:"not_sent,omitempty"`
}

// Journey is a message with everything that happened to it.
type Journey struct {
	MessageID       string         `json:"message_id"`
	Source          string         `json:"source"`
	SenderMessageID string         `json:"sender_message_id"`
	Type            canonical.Type `json:"type"`
	CaseKey         string         `json:"case_key"`
	CorrelationID   string         `json:"correlation_id,omitempty"`
	ReceivedAt      time.Time      `json:"received_at"`
	RoutesVersion   string         `json:"routes_version"`
	// PostedBy is the name of the token holder who posted the message,
	// left out on a hub without tokens.
	PostedBy   string          `json:"posted_by,omitempty"`
	Routing    []RouteDecision `json:"routing"`
	Deliveries []Delivery      `json:"deliveries"`
	// Status summarises the deliveries: "unrouted" when none was made,
	// "in_progress" when any is pending, "dead" when a delivery and every
	// replay of it are dead, and "delivered" otherwise (see Summarize).
	Status  string            `json:"status"`
	Message canonical.Message `json:"message"`
}

// Query selects messages for Find. Empty fields match every message.
type Query struct {
	Source          string
	SenderMessageID string
	CaseKey         string
	CorrelationID   string
	Type            canonical.Type
	// ReceivedBefore, when set, keeps messages received before it.
	ReceivedBefore time.Time
	// Limit caps the number of results. Default DefaultLimit, at most
	// MaxLimit.
	Limit int
	// After, when set, is the id of the last message of the previous
	// page: the results are those that follow it, newest first, by
	// received time and then id. A journaled message never changes its
	// received time, so paging this way returns each message once, and a
	// message journaled while the pages are read, received later than
	// After, is left out. Find returns an error wrapping ErrInvalid when
	// After is not the id of a journaled message.
	After string
}

// Limits of Query.Limit.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// EffectiveLimit returns q.Limit bounded to 1..MaxLimit, or DefaultLimit
// when it is zero or negative.
func (q Query) EffectiveLimit() int {
	if q.Limit <= 0 {
		return DefaultLimit
	}
	return min(q.Limit, MaxLimit)
}

// Summary is one message in Find's results.
type Summary struct {
	MessageID       string         `json:"message_id"`
	Source          string         `json:"source"`
	SenderMessageID string         `json:"sender_message_id"`
	Type            canonical.Type `json:"type"`
	CaseKey         string         `json:"case_key"`
	CorrelationID   string         `json:"correlation_id,omitempty"`
	ReceivedAt      time.Time      `json:"received_at"`
	// Status is as in Journey.Status.
	Status string `json:"status"`
}

// Summarize returns the journey status for a set of deliveries, as
// described on Journey.Status. A dead letter and its replays, forced or
// not, form one chain (see Chains): delivered once any of them was
// delivered, pending while any is pending, and dead otherwise.
func Summarize(ds []Delivery) string {
	if len(ds) == 0 {
		return "unrouted"
	}
	dead := false
	for _, chain := range Chains(ds) {
		switch ChainStatus(chain) {
		case StatusPending:
			return "in_progress"
		case StatusDead:
			dead = true
		}
	}
	if dead {
		return "dead"
	}
	return "delivered"
}

// Chains groups ds into chains, each a delivery and the replays of it
// and of its replays, in the order of ds. A chain lists its deliveries
// in the order of ds, so for a journey's deliveries the newest is last.
// A replay whose original is not in ds starts a chain of its own.
func Chains(ds []Delivery) [][]Delivery {
	replayOf := make(map[string]string, len(ds))
	for _, d := range ds {
		replayOf[d.ID] = d.ReplayOf
	}
	root := func(id string) string {
		// A chain is at most as long as ds; the bound also ends a loop.
		for range ds {
			parent, ok := replayOf[id]
			if !ok || parent == "" {
				return id
			}
			if _, known := replayOf[parent]; !known {
				return id
			}
			id = parent
		}
		return id
	}
	var chains [][]Delivery
	index := map[string]int{}
	for _, d := range ds {
		r := root(d.ID)
		i, ok := index[r]
		if !ok {
			i = len(chains)
			index[r] = i
			chains = append(chains, nil)
		}
		chains[i] = append(chains[i], d)
	}
	return chains
}

// ChainStatus returns the status of a chain of deliveries that Chains
// returns: StatusPending while any of them is pending, such as a forced
// replay of a delivered one, else StatusDelivered when any was
// delivered, and StatusDead otherwise.
func ChainStatus(chain []Delivery) string {
	delivered := false
	for _, d := range chain {
		switch d.Status {
		case StatusPending:
			return StatusPending
		case StatusDelivered:
			delivered = true
		}
	}
	if delivered {
		return StatusDelivered
	}
	return StatusDead
}

// DeliveryLink is the part of one delivery that its message's status
// depends on.
type DeliveryLink struct {
	MessageID string
	Delivery  Delivery // ID, ReplayOf and Status
}

// Rows is the row iterator ScanLinks reads, which *sql.Rows and
// pgx.Rows both implement.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanLinks reads rows of message id, delivery id, replayed delivery id
// (” for none) and status.
func ScanLinks(rows Rows) ([]DeliveryLink, error) {
	var links []DeliveryLink
	for rows.Next() {
		var l DeliveryLink
		if err := rows.Scan(&l.MessageID, &l.Delivery.ID, &l.Delivery.ReplayOf, &l.Delivery.Status); err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, rows.Err()
}

// SetStatuses sets the Status of each summary by Summarize over the
// links of its message.
func SetStatuses(sums []Summary, links []DeliveryLink) {
	byMessage := map[string][]Delivery{}
	for _, l := range links {
		byMessage[l.MessageID] = append(byMessage[l.MessageID], l.Delivery)
	}
	for i := range sums {
		sums[i].Status = Summarize(byMessage[sums[i].MessageID])
	}
}

// ErrKeyMismatch is wrapped by CheckKey's error when the journal was
// written with another key.
var ErrKeyMismatch = errors.New("key differs from the journal's")

// CheckKey is implemented by both stores. It records fingerprint as the
// fingerprint of the key that makes the journal's Aadhaar tokens, the
// first time, and afterwards returns an error wrapping ErrKeyMismatch
// unless fingerprint is the recorded one. Tokens made with two keys never
// match, so every replica and every restart must use one key.
type KeyChecker interface {
	CheckKey(ctx context.Context, fingerprint string) error
}

// KeySetting names the journal setting that holds the key's fingerprint.
const KeySetting = "aadhaar_key_fingerprint"

// CompareKey returns an error wrapping ErrKeyMismatch unless the
// fingerprint in use is the recorded one.
func CompareKey(recorded, inUse string) error {
	if recorded == inUse {
		return nil
	}
	return fmt.Errorf("%w: the Aadhaar key in use has fingerprint %s, but the journal's "+
		"tokens were made with the key of fingerprint %s; give every replica and every "+
		"restart that key, as the same SANGAM_AADHAAR_KEY or the same aadhaar.key file "+
		"in the data folder", ErrKeyMismatch, inUse, recorded)
}
