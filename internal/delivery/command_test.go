package delivery_test

import (
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/delivery"
)

func TestCommandRoundTrip(t *testing.T) {
	c := delivery.Command{
		DeliveryID:  "0190a1b2-delivery",
		MessageID:   "0190a1b2-message",
		Destination: "ecourts-kerala",
		CaseKey:     "KL/EKM/0412/2025/1187",
	}
	msg := delivery.NewMessage(c)

	if msg.UUID == "" {
		t.Errorf("message UUID is empty")
	}
	if again := delivery.NewMessage(c); again.UUID == msg.UUID {
		t.Errorf("two commands for one delivery share the UUID %q, want one each", msg.UUID)
	}
	for _, m := range []struct{ key, want string }{
		{delivery.MetaCaseKey, c.CaseKey},
		{delivery.MetaMessageID, c.MessageID},
		{delivery.MetaDestination, c.Destination},
	} {
		if got := msg.Metadata.Get(m.key); got != m.want {
			t.Errorf("metadata %s = %q, want %q", m.key, got, m.want)
		}
	}

	got, err := delivery.ParseCommand(msg)
	if err != nil {
		t.Fatalf("ParseCommand: %v", err)
	}
	if got != c {
		t.Errorf("ParseCommand = %+v, want %+v", got, c)
	}
}

func TestParseCommandInvalid(t *testing.T) {
	tests := []struct {
		name, payload, wantErr string
	}{
		{"not JSON", "delivery 42", "decoding delivery command"},
		{"JSON array", `["d-1"]`, "decoding delivery command"},
		{"without delivery_id", `{"message_id":"m-1","destination":"court"}`, "no delivery_id"},
		{"empty delivery_id", `{"delivery_id":""}`, "no delivery_id"},
	}
	for _, tc := range tests {
		_, err := delivery.ParseCommand(message.NewMessage("cmd-7", []byte(tc.payload)))
		if err == nil {
			t.Errorf("ParseCommand of a command %s succeeded, want an error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "cmd-7") {
			t.Errorf("ParseCommand of a command %s: error %q, want it to contain %q and the UUID",
				tc.name, err, tc.wantErr)
		}
	}
}

func TestTopic(t *testing.T) {
	if got := delivery.Topic("cctns-kerala"); got != "deliveries.cctns-kerala" {
		t.Errorf("Topic = %q, want deliveries.cctns-kerala", got)
	}
}
