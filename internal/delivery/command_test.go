package delivery_test

import (
	"fmt"
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
	if got := delivery.Topic("cctns-kerala", 0); got != "deliveries.cctns-kerala" {
		t.Errorf("Topic(0) = %q, want deliveries.cctns-kerala", got)
	}
	if got := delivery.Topic("cctns-kerala", 3); got != "deliveries.cctns-kerala.3" {
		t.Errorf("Topic(3) = %q, want deliveries.cctns-kerala.3", got)
	}
}

func TestShardKeepsCaseTogether(t *testing.T) {
	seen := map[int]bool{}
	for i := range 200 {
		key := fmt.Sprintf("FIR/KL/EKM/EKM0412/2025/%d", i)
		s := delivery.Shard(key, 4)
		if s < 0 || s >= 4 {
			t.Fatalf("Shard(%s, 4) = %d, out of range", key, s)
		}
		if again := delivery.Shard(key, 4); again != s {
			t.Fatalf("Shard(%s) changed from %d to %d", key, s, again)
		}
		seen[s] = true
	}
	if len(seen) != 4 {
		t.Errorf("200 cases used %d of 4 shards", len(seen))
	}
	if got := delivery.Shard("any", 1); got != 0 {
		t.Errorf("Shard with one shard = %d, want 0", got)
	}
}
