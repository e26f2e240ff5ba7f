package canonical

import (
	"fmt"
	"time"
)

// SchemaVersion is the version of the canonical JSON form that this
// package writes. Readers accept messages of the same major version.
const SchemaVersion = "1.0"

// Type names what a message reports.
type Type string

// Message types.
const (
	TypeFIR               Type = "fir"
	TypeArrest            Type = "arrest"
	TypeChargesheet       Type = "chargesheet"
	TypeCourtRegistration Type = "court_registration"
	// TypeMovement is a prisoner's admission, release or other movement.
	TypeMovement Type = "prisoner_movement"
	// TypeCourtOrder is a court's order about a prisoner: production
	// warrant, release order or committal order.
	TypeCourtOrder Type = "court_order"
	// TypeVerificationRequest requests the police to verify a passport
	// applicant.
	TypeVerificationRequest Type = "verification_request"
	// TypeVerificationReport is the police's report on a verification
	// request.
	TypeVerificationReport Type = "verification_report"
)

// Types lists every message type in a stable order.
var Types = []Type{
	TypeFIR, TypeArrest, TypeChargesheet, TypeCourtRegistration,
	TypeMovement, TypeCourtOrder, TypeVerificationRequest, TypeVerificationReport,
}

// Message is the canonical envelope: who sent what, about which case, when.
// Exactly one body field is set, the one named by Type.
//
// Times keep the offset they were given in, so a report stamped in IST
// reads back in IST; comparisons use the instant.
type Message struct {
	// ID is the hub's message id, assigned when the hub accepts it.
	ID string `json:"id,omitempty"`
	// Type names the body.
	Type Type `json:"type"`
	// Source is the sending agency's name, as configured in the hub.
	Source string `json:"source"`
	// SenderMessageID is the sender's own id for the message. The pair
	// (Source, SenderMessageID) is unique: a repeat is the same message.
	SenderMessageID string `json:"sender_message_id"`
	// BuiltSenderID is set when the adapter built SenderMessageID from
	// the document's fields, because the document carries no id of its
	// own. The journal does not store it.
	BuiltSenderID *BuiltID `json:"-"`
	// CorrelationID links a reply to the message it replies to, such as a
	// court's docketing callback to the chargesheet it registers.
	CorrelationID string `json:"correlation_id,omitempty"`
	// CaseKey identifies the case so one case's messages stay in order.
	CaseKey string `json:"case_key"`
	// OccurredAt is when the reported event happened, in the sender's
	// offset.
	OccurredAt time.Time `json:"occurred_at"`
	// SentAt is when the sender sent the message, from its document's
	// sent_at, in the sender's offset. It is zero for a message the hub
	// made, such as an escalation, and for a format without such a field.
	SentAt time.Time `json:"sent_at,omitzero"`
	// ReceivedAt is when the hub received the message.
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// SchemaVersion is the canonical form's version, SchemaVersion when
	// written by this package.
	SchemaVersion string `json:"schema_version"`

	FIR               *FIR               `json:"fir,omitempty"`
	Arrest            *Arrest            `json:"arrest,omitempty"`
	Chargesheet       *Chargesheet       `json:"chargesheet,omitempty"`
	CourtRegistration *CourtRegistration `json:"court_registration,omitempty"`

	Movement            *Movement            `json:"prisoner_movement,omitempty"`
	CourtOrder          *CourtOrder          `json:"court_order,omitempty"`
	VerificationRequest *VerificationRequest `json:"verification_request,omitempty"`
	VerificationReport  *VerificationReport  `json:"verification_report,omitempty"`
}

// Body returns the body named by m.Type, or nil when it is missing.
func (m *Message) Body() any {
	switch m.Type {
	case TypeFIR:
		return nilIfZero(m.FIR)
	case TypeArrest:
		return nilIfZero(m.Arrest)
	case TypeChargesheet:
		return nilIfZero(m.Chargesheet)
	case TypeCourtRegistration:
		return nilIfZero(m.CourtRegistration)
	case TypeMovement:
		return nilIfZero(m.Movement)
	case TypeCourtOrder:
		return nilIfZero(m.CourtOrder)
	case TypeVerificationRequest:
		return nilIfZero(m.VerificationRequest)
	case TypeVerificationReport:
		return nilIfZero(m.VerificationReport)
	}
	return nil
}

func nilIfZero[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// CheckBody reports an error unless exactly the body named by m.Type is set.
func (m *Message) CheckBody() error {
	set := 0
	for _, present := range []bool{
		m.FIR != nil, m.Arrest != nil, m.Chargesheet != nil, m.CourtRegistration != nil,
		m.Movement != nil, m.CourtOrder != nil,
		m.VerificationRequest != nil, m.VerificationReport != nil,
	} {
		if present {
			set++
		}
	}
	if m.Body() == nil {
		return fmt.Errorf("message of type %q has no %q body", m.Type, m.Type)
	}
	if set != 1 {
		return fmt.Errorf("message of type %q has %d bodies, want 1", m.Type, set)
	}
	return nil
}

// BuiltID describes a sender message id that an adapter built from a
// document's fields, so that a reused-id conflict can name them. A
// sender cannot give a message another id that it never wrote.
type BuiltID struct {
	// From names the fields the id was built from, such as "the court
	// code and the order number".
	From string
	// Missing names the element that gives a document an id of its own,
	// such as "nc:DocumentIdentification".
	Missing string
	// Advice is the next step for the sender of a document that builds
	// the id of a journaled message with other content.
	Advice string
}
