// Package kafkabus runs the hub's watermill bus on Apache Kafka through
// segmentio/kafka-go: Publisher writes with a kafka.Writer and Subscriber
// reads with a kafka.ConsumerGroup and one kafka.Reader per assigned
// partition.
//
// Topics. Neither side creates topics on its own. InitializeTopic, which
// Subscriber.SubscribeInitialize also calls, creates a missing topic with
// Config.Partitions partitions (default 3) and waits for its partition
// leaders. Call it for each topic at start-up. A subscription of a topic
// that does not exist yet waits for it.
//
// Publishing. The watermill metadata "case_key" is the Kafka message key,
// so all messages of one case go to one partition and keep their publish
// order there. Keys map to partitions by murmur2, as in the Java client and
// librdkafka's "murmur2_random" partitioner; a producer with another
// partitioner (librdkafka's default, for one) can put the same case on
// another partition, and then the order between its messages and ours is
// lost. The message UUID travels in the header
// "_watermill_message_uuid" and each metadata entry in a header of its own
// name. Publish returns after every in-sync replica stored the messages
// (acks=all). Adding partitions to a topic moves keys to other partitions,
// and so breaks the order between messages published before and after.
//
// Subscribing. Subscribers with the same ConsumerGroup share a topic's
// partitions; each group receives every message. A partition for which the
// group has no committed offset starts at its earliest stored message. A
// partition hands out one message at a time, and its offset is committed
// only after the handler acked the message, so the next message of that
// partition comes after that commit; partitions do not wait for each
// other. A nacked message is kept in memory and delivered again after
// ResendInterval, and nothing is committed meanwhile.
//
// Delivery is at least once. A message is delivered again, to this or
// another member of the group, when it was acked but its commit did not
// reach the coordinator, when its subscription ended before the ack, or
// when a rebalance moved its partition first. Handlers must tolerate
// duplicates, for example by the message UUID.
package kafkabus
