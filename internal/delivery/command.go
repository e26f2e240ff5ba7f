// Package delivery sends journaled messages to their destinations. Each
// destination has its own bus topic and handler, so a slow or broken
// agency holds up only its own deliveries.
package delivery

import (
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/routes"
)

// TopicPrefix starts the bus topic of every destination.
const TopicPrefix = "deliveries."

// Topic returns the bus topic that carries shard of the deliveries to
// destination: TopicPrefix and routes.QueueName. A destination has one
// shard per unit of its concurrency, because each topic hands out one
// command at a time; shard 0 is "deliveries.<destination>".
func Topic(destination string, shard int) string {
	return TopicPrefix + routes.QueueName(destination, shard)
}

// Shard returns which of n shards carries the deliveries of caseKey, so a
// case always lands on one shard.
func Shard(caseKey string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(caseKey))
	return int(h.Sum32() % uint32(n))
}

// Command is the bus message that requests one delivery. The journal
// holds the delivery itself; the command only names it.
type Command struct {
	DeliveryID  string `json:"delivery_id"`
	MessageID   string `json:"message_id"`
	Destination string `json:"destination"`
	CaseKey     string `json:"case_key"`
}

// Metadata keys set on command messages.
const (
	MetaCaseKey     = "case_key"
	MetaMessageID   = "message_id"
	MetaDestination = "destination"
)

// NewMessage returns c as a watermill message with a new UUID and the
// case key in metadata, so a keyed bus keeps one case's deliveries in
// order.
func NewMessage(c Command) *message.Message {
	payload, _ := json.Marshal(c) // a struct of strings always marshals
	m := message.NewMessage(watermill.NewUUID(), payload)
	m.Metadata.Set(MetaCaseKey, c.CaseKey)
	m.Metadata.Set(MetaMessageID, c.MessageID)
	m.Metadata.Set(MetaDestination, c.Destination)
	return m
}

// ParseCommand reads a command from a bus message.
func ParseCommand(m *message.Message) (Command, error) {
	var c Command
	if err := json.Unmarshal(m.Payload, &c); err != nil {
		return Command{}, fmt.Errorf("decoding delivery command %s: %w", m.UUID, err)
	}
	if c.DeliveryID == "" {
		return Command{}, fmt.Errorf("delivery command %s has no delivery_id", m.UUID)
	}
	return c, nil
}
