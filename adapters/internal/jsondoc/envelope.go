package jsondoc

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Envelope is the start of every JSON document: who sent which document
// when, and which message it replies to. Document types embed it.
type Envelope struct {
	MessageID    string `json:"message_id"`
	DocumentType string `json:"document_type"`
	SentAt       string `json:"sent_at"`
	InReplyTo    string `json:"in_reply_to,omitempty"`
	HubMessageID string `json:"hub_message_id,omitempty"`
	SourceAgency string `json:"source_agency,omitempty"`
}

// NewMessage returns a message of type typ and case caseKey with the
// fields that env fills: the sender's message id, the time sent, which
// is env's sent_at as the caller parsed it, and, from in_reply_to, the
// correlation id.
func NewMessage(env Envelope, sent time.Time, typ canonical.Type, caseKey string) canonical.Message {
	return canonical.Message{
		Type:            typ,
		SenderMessageID: env.MessageID,
		SentAt:          sent,
		CorrelationID:   env.InReplyTo,
		CaseKey:         caseKey,
		SchemaVersion:   canonical.SchemaVersion,
	}
}

// NewEnvelope returns the envelope of m written as a document of type
// docType. message_id is the original sender's id and hub_message_id the
// hub's. sent_at is when the original sender sent m, in its offset. For
// a message without that time, such as one the hub made, sent_at is when
// the hub received m, or when m occurred if the hub has not received it.
// Writing one message twice thus gives the same bytes.
func NewEnvelope(m *canonical.Message, docType string) Envelope {
	sent := m.SentAt
	if sent.IsZero() {
		sent = m.ReceivedAt
	}
	if sent.IsZero() {
		sent = m.OccurredAt
	}
	return Envelope{
		MessageID: m.SenderMessageID, DocumentType: docType, SentAt: canonical.FormatTime(sent),
		InReplyTo: m.CorrelationID, HubMessageID: m.ID, SourceAgency: m.Source,
	}
}

// CheckMessageIDs returns a violation of rule pattern for each of env's
// message_id and in_reply_to that contains a character other than
// printable ASCII, such as a tab, a zero-width space or a right-to-left
// override, or that starts or ends with a space. Such an id would print
// as another id does and yet name a new message. Spaces inside an id
// are allowed, unlike in a police station's ids, because the hub writes
// prison documents with ids that it builds from a NIEM report's facility
// and prisoner number, and a prison may quote them back. Reader.Decode
// lists these violations beside the schema's of the same id, such as
// maxLength.
func CheckMessageIDs(env Envelope) []schemas.Violation {
	return checkIDs(env, ' ', ", which is not printable ASCII: want 1 to 128 characters from "+
		"U+0020 to U+007E, with spaces allowed inside but not at either end")
}

// CheckStationIDs is CheckMessageIDs for a police station's ids, which
// may not contain a space anywhere.
func CheckStationIDs(env Envelope) []schemas.Violation {
	return checkIDs(env, '!', ": want 1 to 128 printable ASCII characters, without spaces or "+
		"control characters, as in a station's other documents")
}

// checkIDs returns a violation for each of env's ids that contains a
// character below lowest or beyond '~', whose message ends with want,
// and, when lowest is a space, for each that starts or ends with one.
func checkIDs(env Envelope, lowest rune, want string) []schemas.Violation {
	var out []schemas.Violation
	for _, id := range []struct{ name, value string }{
		{"message_id", env.MessageID}, {"in_reply_to", env.InReplyTo},
	} {
		i := strings.IndexFunc(id.value, func(r rune) bool { return r < lowest || r > '~' })
		switch {
		case i >= 0:
			r, _ := utf8.DecodeRuneInString(id.value[i:])
			out = append(out, schemas.Violation{
				Pointer: "/" + id.name, Rule: "pattern",
				Message: fmt.Sprintf("%s %s has U+%04X at byte %d%s",
					id.name, canonical.QuoteMasked(id.value), r, i, want),
			})
		case strings.HasPrefix(id.value, " ") || strings.HasSuffix(id.value, " "):
			out = append(out, schemas.Violation{
				Pointer: "/" + id.name, Rule: "pattern",
				Message: fmt.Sprintf("%s %s starts or ends with a space: send it without",
					id.name, canonical.QuoteMasked(id.value)),
			})
		}
	}
	return out
}
