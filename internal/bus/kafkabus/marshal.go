package kafkabus

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/segmentio/kafka-go"
)

// CaseKeyMetadata is the metadata key whose value becomes the Kafka message
// key. Messages with the same key go to the same partition, so subscribers
// receive one case's messages in publish order.
const CaseKeyMetadata = "case_key"

// UUIDHeader is the Kafka header that carries the watermill message UUID.
// Every metadata entry travels as a header of its own name.
const UUIDHeader = "_watermill_message_uuid"

// toKafka returns the Kafka record of msg for topic. The record's key is the
// message's case_key metadata, or nil when that is empty, in which case the
// writer picks a random partition.
func toKafka(topic string, msg *message.Message) (kafka.Message, error) {
	headers := make([]kafka.Header, 0, len(msg.Metadata)+1)
	headers = append(headers, kafka.Header{Key: UUIDHeader, Value: []byte(msg.UUID)})
	for key, value := range msg.Metadata {
		if key == UUIDHeader {
			return kafka.Message{}, fmt.Errorf("message %s: metadata key %q is reserved for the message UUID",
				msg.UUID, key)
		}
		headers = append(headers, kafka.Header{Key: key, Value: []byte(value)})
	}

	var key []byte
	if caseKey := msg.Metadata.Get(CaseKeyMetadata); caseKey != "" {
		key = []byte(caseKey)
	}

	return kafka.Message{
		Topic:   topic,
		Key:     key,
		Value:   msg.Payload,
		Headers: headers,
	}, nil
}

// fromKafka returns the watermill message of record with a context derived
// from ctx that carries the record's Position. A record without a UUID
// header, such as one written by another producer, gets the UUID
// "kafka:<topic>/<partition>/<offset>", the same on every delivery. When a
// header name repeats, the last value wins.
func fromKafka(ctx context.Context, record kafka.Message) *message.Message {
	uuid := ""
	metadata := make(message.Metadata, len(record.Headers))
	for _, header := range record.Headers {
		if header.Key == UUIDHeader {
			uuid = string(header.Value)
			continue
		}
		metadata.Set(header.Key, string(header.Value))
	}

	position := Position{Topic: record.Topic, Partition: record.Partition, Offset: record.Offset}
	if uuid == "" {
		uuid = fmt.Sprintf("kafka:%s/%d/%d", position.Topic, position.Partition, position.Offset)
	}

	// Each delivery gets its own copy, so that a handler that changes the
	// payload does not change what a redelivery carries.
	msg := message.NewMessage(uuid, append([]byte(nil), record.Value...))
	msg.Metadata = metadata
	msg.SetContext(context.WithValue(ctx, positionKey{}, position))
	return msg
}

// Position is the topic, partition and offset of a received message.
type Position struct {
	Topic     string
	Partition int
	Offset    int64
}

type positionKey struct{}

// PositionFromContext returns the Position of the message whose context is
// ctx, or false when ctx does not come from a message of this package's
// Subscriber.
func PositionFromContext(ctx context.Context) (Position, bool) {
	position, ok := ctx.Value(positionKey{}).(Position)
	return position, ok
}
