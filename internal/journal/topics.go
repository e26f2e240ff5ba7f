package journal

import (
	"slices"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Topics records the topics that one transaction published outbox
// messages to. A store makes one per transaction, publishes through
// Record, and once the transaction has committed passes the topics on
// with Announce, so that idle subscribers of those topics look at once.
// The zero value is ready to use.
type Topics struct {
	names []string
}

// Record returns pub, wrapped so that each topic it publishes to is
// recorded. Wrap Record's publisher, not the other way round, to record
// the topics that messages land on.
func (t *Topics) Record(pub message.Publisher) message.Publisher {
	return recorder{Publisher: pub, topics: t}
}

// Announce calls to with the recorded topics, unless to is nil or no
// topic was recorded.
func (t *Topics) Announce(to func(topics []string)) {
	if to != nil && len(t.names) > 0 {
		to(t.names)
	}
}

type recorder struct {
	message.Publisher
	topics *Topics
}

func (r recorder) Publish(topic string, messages ...*message.Message) error {
	if err := r.Publisher.Publish(topic, messages...); err != nil {
		return err
	}
	if !slices.Contains(r.topics.names, topic) {
		r.topics.names = append(r.topics.names, topic)
	}
	return nil
}
