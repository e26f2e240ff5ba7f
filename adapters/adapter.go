// Package adapters defines the contract between the hub and the code that
// speaks one agency's formats. Each agency has one package below this
// folder; adapters/registry lists them all in one place, and
// adapters/adaptertest is the conformance suite every adapter runs.
package adapters

import (
	"errors"

	"github.com/sangam-hub/sangam/canonical"
)

// Adapter translates between one agency's bytes and canonical messages.
//
// Decode and Encode do no I/O and keep no state between calls, so they
// are safe to call from many goroutines at once and their results depend
// only on their arguments. Transport (HTTP, Kafka topic, file drop) is the
// hub's configuration, not the adapter's concern.
type Adapter interface {
	// Agency returns the agency name the adapter speaks for, such as
	// "police" or "courts".
	Agency() string

	// Decode turns one inbound body into canonical messages. The hub
	// sets each message's ID, Source and ReceivedAt afterwards; Decode
	// fills the rest, including SenderMessageID and CaseKey.
	//
	// Input that breaks a rule returns an error wrapping a
	// *schemas.ValidationError that lists every violation with its
	// location. Input that cannot be parsed at all returns an error
	// wrapping ErrMalformed.
	Decode(body []byte, contentType string) (Decoded, error)

	// Encode turns a canonical message into the agency's bytes. A
	// message type the agency does not receive returns an error wrapping
	// ErrUnsupported.
	Encode(m *canonical.Message) (Encoded, error)
}

// BodyPointers is implemented by an adapter that can tell where, in the
// document it decoded a message from, a canonical field of the message
// is. The hub checks some rules on the canonical message after Decode,
// such as that a verification report replies to a known request, and
// points their violations into the agency's document with it.
type BodyPointers interface {
	// BodyPointer returns the pointer into doc, the document that m was
	// decoded from, of the canonical field at pointer: a JSON pointer,
	// or the element path of an XML document. It returns false when the
	// adapter cannot tell.
	BodyPointer(doc Document, m *canonical.Message, pointer string) (string, bool)
}

// Document is a body that an agency posted, as the hub journals it: with
// every Aadhaar number masked.
type Document struct {
	Body        []byte
	ContentType string // the Content-Type the body was posted with, possibly empty
}

// Authorship is implemented by an adapter that also decodes documents
// that its agency receives from the hub, so that the agency's systems,
// its mock and `sangam decode` can read them. The hub accepts from the
// agency only the message types that the agency writes itself, so that a
// prison, for example, cannot post a court's release order.
type Authorship interface {
	// Authors reports whether the adapter's agency writes messages of
	// type t.
	Authors(t canonical.Type) bool
}

// PostedDecoder is implemented by an adapter whose Decode also reads
// the documents that the hub sends its agency, and so accepts members
// that only the hub sets, such as hub_message_id. The hub decodes a body
// that the agency posted with DecodePosted instead of Decode.
type PostedDecoder interface {
	// DecodePosted is Decode for a body that the adapter's agency posted
	// to the hub. It also rejects the members that only the hub sets,
	// each as a violation listed with the other violations of the body.
	DecodePosted(body []byte, contentType string) (Decoded, error)
}

// DocumentTyper is implemented by an Authorship adapter that can tell
// the message type of a document that Decode rejected, so that the hub
// can report a type that the agency does not write alongside the
// document's other violations.
type DocumentTyper interface {
	// DocumentType returns the message type that body declares and the
	// pointer of the field that declares it, or false when body declares
	// none that the adapter reads.
	DocumentType(body []byte, contentType string) (t canonical.Type, pointer string, ok bool)
}

// KeyFields is implemented by an adapter whose receivers need some
// canonical fields exactly as the hub holds them. Such a field is a value
// that the receiver quotes back in a reply, which the hub matches to the
// original by it, or a value that the receiver routes or files the
// document on. A destination's policy that removes or masks one leaves
// the document encodable but useless to its receiver, so the hub rejects
// the policy when a routes version is saved.
type KeyFields interface {
	// KeyFields returns the fields of messages of type t that the
	// receivers need unchanged, or nil when there are none.
	KeyFields(t canonical.Type) []KeyField
}

// KeyField is one canonical field that a receiver needs unchanged.
type KeyField struct {
	// Path is the field path in the policy package's syntax and normal
	// form, such as "chargesheet.court.code" or
	// "verification_request.matches[].case". The field and everything
	// below it must arrive unchanged.
	Path string
	// Reason is the receiver's use of the value, a clause that follows
	// "the receiver needs it because".
	Reason string
}

// Decoded is the result of Decode.
type Decoded struct {
	Messages []canonical.Message
	// Journal is the body the hub keeps in its journal: the input with
	// secrets such as Aadhaar numbers masked. Nil means the input may be
	// kept as received.
	Journal []byte
}

// Encoded is the result of Encode.
type Encoded struct {
	Body []byte
	// ContentType is the body's media type, such as "application/xml".
	ContentType string
}

var (
	// ErrMalformed marks input that is not well-formed JSON or XML, or is
	// not one of the documents the adapter reads.
	ErrMalformed = errors.New("malformed input")
	// ErrUnsupported marks a message type the adapter does not handle.
	ErrUnsupported = errors.New("unsupported message type")
)
