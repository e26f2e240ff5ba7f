package kafkabus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sangam-hub/sangam/internal/bus/bustest"
	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// receiveTimeout bounds the wait for one message in these tests.
const receiveTimeout = 15 * time.Second

// rebalanceReceiveTimeout bounds the wait for a message while the group
// rebalances. A rebalance may wait the test's RebalanceTimeout (10s) for
// members to rejoin and then a SessionTimeout (6s) for one that left
// without saying so, plus a fetch's MaxWait, which under CPU load exceeds
// receiveTimeout. During make test, with the other packages' tests on
// both cores, a rebalance once took more than 40s.
const rebalanceReceiveTimeout = 90 * time.Second

// caseMessage returns a message of case caseKey with the given UUID.
func caseMessage(uuid, caseKey string) *message.Message {
	msg := message.NewMessage(uuid, []byte("payload of "+uuid))
	msg.Metadata.Set(kafkabus.CaseKeyMetadata, caseKey)
	return msg
}

// receive returns the next message of messages, failing the test when none
// arrives within receiveTimeout or the channel is closed.
func receive(t *testing.T, messages <-chan *message.Message) *message.Message {
	t.Helper()

	select {
	case msg, ok := <-messages:
		if !ok {
			t.Fatal("messages channel closed, expected a message")
		}
		return msg
	case <-time.After(receiveTimeout):
		t.Fatalf("no message within %s", receiveTimeout)
		return nil
	}
}

// subscribe returns the channel of a new subscriber of group to topic. The
// subscriber is closed when the test ends, and may be closed before.
func subscribe(
	t *testing.T,
	brokers []string,
	group, topic string,
) (*kafkabus.Subscriber, <-chan *message.Message) {
	t.Helper()

	subscriber, err := kafkabus.NewSubscriber(subscriberConfig(brokers, group), testLogger)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	t.Cleanup(func() { _ = subscriber.Close() })

	messages, err := subscriber.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatalf("Subscribe(%s): %v", topic, err)
	}
	return subscriber, messages
}

// adminClient returns a kafka-go client of the test cluster.
func adminClient(brokers []string) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
}

// committedOffset returns the offset group committed for partition of topic,
// or -1 when it committed none.
func committedOffset(t *testing.T, brokers []string, group, topic string, partition int) int64 {
	t.Helper()

	response, err := adminClient(brokers).OffsetFetch(context.Background(), &kafka.OffsetFetchRequest{
		GroupID: group,
		Topics:  map[string][]int{topic: {partition}},
	})
	if err != nil {
		t.Fatalf("OffsetFetch: %v", err)
	}
	if response.Error != nil {
		t.Fatalf("OffsetFetch: %v", response.Error)
	}
	for _, p := range response.Topics[topic] {
		if p.Partition == partition {
			return p.CommittedOffset
		}
	}
	t.Fatalf("OffsetFetch returned no offset for %s/%d", topic, partition)
	return 0
}

// expectedPartition returns the partition kafka-go's murmur2 balancer picks
// for caseKey among partitions.
func expectedPartition(caseKey string, partitions int) int {
	ids := make([]int, partitions)
	for i := range ids {
		ids[i] = i
	}
	return kafka.Murmur2Balancer{}.Balance(kafka.Message{Key: []byte(caseKey)}, ids...)
}

// readPartitions reads every stored message of topic with plain kafka-go
// readers, without a consumer group, and returns the UUIDs per partition in
// offset order.
func readPartitions(t *testing.T, brokers []string, topic string, partitions int) map[int][]string {
	t.Helper()

	uuids := map[int][]string{}
	for partition := range partitions {
		conn, err := kafka.DialLeader(context.Background(), "tcp", brokers[0], topic, partition)
		if err != nil {
			t.Fatalf("dialing leader of %s/%d: %v", topic, partition, err)
		}
		last, err := conn.ReadLastOffset()
		if err != nil {
			t.Fatalf("reading last offset of %s/%d: %v", topic, partition, err)
		}
		_ = conn.Close()

		reader := kafka.NewReader(kafka.ReaderConfig{
			Brokers:   brokers,
			Topic:     topic,
			Partition: partition,
			MaxWait:   500 * time.Millisecond,
		})
		for offset := int64(0); offset < last; offset++ {
			ctx, cancel := context.WithTimeout(context.Background(), receiveTimeout)
			record, err := reader.ReadMessage(ctx)
			cancel()
			if err != nil {
				t.Fatalf("reading %s/%d at offset %d: %v", topic, partition, offset, err)
			}
			for _, header := range record.Headers {
				if header.Key == kafkabus.UUIDHeader {
					uuids[partition] = append(uuids[partition], string(header.Value))
				}
			}
		}
		_ = reader.Close()
	}
	return uuids
}

func TestPublishKeysByCase(t *testing.T) {
	brokers := startCluster(t)
	const topic, partitions = "keyed", 5
	initializeTopic(t, brokers, topic, partitions)
	publisher := newPublisher(t, brokers)

	// Four cases, published interleaved, partly one message per call and
	// partly in batches, so that order within a call and across calls
	// both count.
	cases := []string{"KL-TVM-2024-0001", "KL-TVM-2024-0002", "KL-EKM-2024-0117", "KL-KZD-2023-0420"}
	published := map[string][]string{}
	for round := range 6 {
		var batch []*message.Message
		for _, caseKey := range cases {
			uuid := fmt.Sprintf("%s-%d", caseKey, round)
			published[caseKey] = append(published[caseKey], uuid)
			batch = append(batch, caseMessage(uuid, caseKey))
		}
		if round%2 == 0 {
			if err := publisher.Publish(topic, batch...); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			continue
		}
		for _, msg := range batch {
			if err := publisher.Publish(topic, msg); err != nil {
				t.Fatalf("Publish: %v", err)
			}
		}
	}

	stored := readPartitions(t, brokers, topic, partitions)
	used := map[int]bool{}
	for _, caseKey := range cases {
		partition := expectedPartition(caseKey, partitions)
		used[partition] = true

		var inPartition []string
		for _, uuid := range stored[partition] {
			if len(uuid) > len(caseKey) && uuid[:len(caseKey)] == caseKey {
				inPartition = append(inPartition, uuid)
			}
		}
		if fmt.Sprint(inPartition) != fmt.Sprint(published[caseKey]) {
			t.Errorf("case %s in partition %d: stored %v, expected %v in publish order",
				caseKey, partition, inPartition, published[caseKey])
		}
	}
	if len(used) < 2 {
		t.Errorf("the %d cases share one partition, expected them spread over %d partitions", len(cases), partitions)
	}

	total := 0
	for _, uuids := range stored {
		total += len(uuids)
	}
	if total != len(cases)*6 {
		t.Errorf("stored %d messages, expected %d", total, len(cases)*6)
	}
}

func TestSubscribeKeepsCaseOrder(t *testing.T) {
	brokers := startCluster(t)
	const topic, partitions = "ordered", 4
	initializeTopic(t, brokers, topic, partitions)
	publisher := newPublisher(t, brokers)

	cases := []string{"case-a", "case-b", "case-c", "case-d", "case-e"}
	published := map[string][]string{}
	for i := range 40 {
		caseKey := cases[i%len(cases)]
		uuid := fmt.Sprintf("%s-%02d", caseKey, i)
		published[caseKey] = append(published[caseKey], uuid)
		if err := publisher.Publish(topic, caseMessage(uuid, caseKey)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}

	_, messages := subscribe(t, brokers, "order-check", topic)
	received := map[string][]string{}
	for range 40 {
		msg := receive(t, messages)
		caseKey := msg.Metadata.Get(kafkabus.CaseKeyMetadata)
		received[caseKey] = append(received[caseKey], msg.UUID)

		position, ok := kafkabus.PositionFromContext(msg.Context())
		if !ok {
			t.Fatalf("message %s has no Position in its context", msg.UUID)
		}
		if want := expectedPartition(caseKey, partitions); position.Partition != want {
			t.Errorf("message %s came from partition %d, expected %d", msg.UUID, position.Partition, want)
		}
		msg.Ack()
	}

	for _, caseKey := range cases {
		if fmt.Sprint(received[caseKey]) != fmt.Sprint(published[caseKey]) {
			t.Errorf("case %s received %v, expected %v", caseKey, received[caseKey], published[caseKey])
		}
	}
}

// twoCasesOnTwoPartitions returns two case keys that the murmur2 balancer puts
// on different partitions of a topic with partitions partitions.
func twoCasesOnTwoPartitions(t *testing.T, partitions int) (string, string) {
	t.Helper()

	first := "case-0"
	for i := 1; i < 100; i++ {
		second := fmt.Sprintf("case-%d", i)
		if expectedPartition(second, partitions) != expectedPartition(first, partitions) {
			return first, second
		}
	}
	t.Fatal("found no two case keys on different partitions")
	return "", ""
}

func TestPartitionsProceedIndependently(t *testing.T) {
	brokers := startCluster(t)
	const topic, partitions = "independent", 3
	initializeTopic(t, brokers, topic, partitions)
	publisher := newPublisher(t, brokers)

	blocked, free := twoCasesOnTwoPartitions(t, partitions)
	for i := range 3 {
		if err := publisher.Publish(topic,
			caseMessage(fmt.Sprintf("%s-%d", blocked, i), blocked),
			caseMessage(fmt.Sprintf("%s-%d", free, i), free),
		); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}

	_, messages := subscribe(t, brokers, "independent-check", topic)

	// Hold the first message of the blocked case unacked. The other
	// partition must still deliver all of its messages, and the blocked
	// partition none.
	var unacked *message.Message
	var freeReceived []string
	for unacked == nil || len(freeReceived) < 3 {
		msg := receive(t, messages)
		switch msg.Metadata.Get(kafkabus.CaseKeyMetadata) {
		case blocked:
			if unacked != nil {
				t.Fatalf("received %s while %s was not acked", msg.UUID, unacked.UUID)
			}
			unacked = msg
		case free:
			freeReceived = append(freeReceived, msg.UUID)
			msg.Ack()
		}
	}
	if want := blocked + "-0"; unacked.UUID != want {
		t.Errorf("first message of the blocked case is %s, expected %s", unacked.UUID, want)
	}

	unacked.Ack()
	for i := 1; i < 3; i++ {
		msg := receive(t, messages)
		if want := fmt.Sprintf("%s-%d", blocked, i); msg.UUID != want {
			t.Errorf("after the ack received %s, expected %s", msg.UUID, want)
		}
		msg.Ack()
	}
}

func TestNackRedeliversAndCloseResumes(t *testing.T) {
	brokers := startCluster(t)
	const topic, group, caseKey = "redelivery", "redelivery-check", "KL-TVM-2024-0099"
	initializeTopic(t, brokers, topic, 3)
	partition := expectedPartition(caseKey, 3)
	publisher := newPublisher(t, brokers)

	uuids := []string{"m0", "m1", "m2", "m3"}
	for _, uuid := range uuids {
		if err := publisher.Publish(topic, caseMessage(uuid, caseKey)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}

	subscriber, messages := subscribe(t, brokers, group, topic)

	// A nacked message comes again, and nothing of its partition comes
	// before it.
	first := receive(t, messages)
	if first.UUID != "m0" {
		t.Fatalf("first message is %s, expected m0", first.UUID)
	}
	first.Nack()
	for attempt := range 2 {
		again := receive(t, messages)
		if again.UUID != "m0" {
			t.Fatalf("after nack %d received %s, expected m0 again", attempt+1, again.UUID)
		}
		if string(again.Payload) != "payload of m0" {
			t.Errorf("redelivered payload is %q, expected %q", again.Payload, "payload of m0")
		}
		if attempt == 0 {
			again.Nack()
			continue
		}
		if offset := committedOffset(t, brokers, group, topic, partition); offset != -1 {
			t.Errorf("committed offset %d before m0 was acked, expected none (-1)", offset)
		}
		again.Ack()
	}

	second := receive(t, messages)
	if second.UUID != "m1" {
		t.Fatalf("after acking m0 received %s, expected m1", second.UUID)
	}
	if offset := committedOffset(t, brokers, group, topic, partition); offset != 1 {
		t.Errorf("committed offset while m1 is delivered is %d, expected 1", offset)
	}
	second.Ack()

	// m2 is in flight, neither acked nor nacked, when the subscriber
	// closes.
	inFlight := receive(t, messages)
	if inFlight.UUID != "m2" {
		t.Fatalf("after acking m1 received %s, expected m2", inFlight.UUID)
	}
	if err := subscriber.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, open := <-messages; open {
		t.Error("messages channel still open after Close")
	}
	if offset := committedOffset(t, brokers, group, topic, partition); offset != 2 {
		t.Errorf("committed offset after Close is %d, expected 2 (the in-flight m2)", offset)
	}
	if inFlight.Ack() != true {
		t.Error("acking the in-flight message after Close returned false")
	}

	// A new subscriber of the group starts at the last committed offset:
	// m2 again, then m3, and never m0 or m1.
	_, resumed := subscribe(t, brokers, group, topic)
	for _, want := range []string{"m2", "m3"} {
		msg := receive(t, resumed)
		if msg.UUID != want {
			t.Fatalf("resumed subscriber received %s, expected %s", msg.UUID, want)
		}
		msg.Ack()
	}
}

// TestCloseWaitsForHandedMessage cancels the context of a subscription
// with DrainTimeout set, as watermill's router does when it stops, and
// then closes its subscriber, while its handler holds a message. The
// message is acked after both. The subscription commits its offset before
// the member leaves the group, so the group does not deliver it again.
func TestCloseWaitsForHandedMessage(t *testing.T) {
	brokers := startCluster(t)
	const topic, group, caseKey = "drain", "drain-check", "KL-TVM-2024-0100"
	initializeTopic(t, brokers, topic, 1)
	publisher := newPublisher(t, brokers)
	for _, uuid := range []string{"m0", "m1"} {
		if err := publisher.Publish(topic, caseMessage(uuid, caseKey)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}

	config := subscriberConfig(brokers, group)
	config.DrainTimeout = receiveTimeout
	subscriber, err := kafkabus.NewSubscriber(config, testLogger)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	t.Cleanup(func() { _ = subscriber.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	messages, err := subscriber.Subscribe(ctx, topic)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	handed := receive(t, messages)
	if handed.UUID != "m0" {
		t.Fatalf("first message is %s, expected m0", handed.UUID)
	}

	closed := make(chan error, 1)
	cancel()
	// Time for the subscription to end, were it not to wait.
	time.Sleep(200 * time.Millisecond)
	go func() { closed <- subscriber.Close() }()
	handed.Ack()
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if offset := committedOffset(t, brokers, group, topic, 0); offset != 1 {
		t.Errorf("committed offset after Close is %d, expected 1 (m0 acked during Close)", offset)
	}

	_, resumed := subscribe(t, brokers, group, topic)
	if msg := receive(t, resumed); msg.UUID != "m1" {
		t.Errorf("resumed subscriber received %s, expected m1", msg.UUID)
	}
}

// groupMembers returns the members the coordinator lists for group.
func groupMembers(t *testing.T, brokers []string, group string) []kafka.DescribeGroupsResponseMember {
	t.Helper()

	response, err := adminClient(brokers).DescribeGroups(context.Background(), &kafka.DescribeGroupsRequest{
		GroupIDs: []string{group},
	})
	if err != nil {
		t.Fatalf("DescribeGroups: %v", err)
	}
	for _, g := range response.Groups {
		if g.GroupID == group {
			if g.Error != nil {
				t.Fatalf("DescribeGroups(%s): %v", group, g.Error)
			}
			return g.Members
		}
	}
	t.Fatalf("DescribeGroups returned no group %s", group)
	return nil
}

func TestCloseLeavesGroup(t *testing.T) {
	brokers := startCluster(t)
	const topic, group = "churn", "churn-check"
	initializeTopic(t, brokers, topic, 3)

	// Subscribers close at staggered times while others still join, so
	// some close between a failed join or sync and the next attempt. That
	// is the case kafka-go's own Close leaves a member behind in.
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			subscriber, err := kafkabus.NewSubscriber(subscriberConfig(brokers, group), testLogger)
			if err != nil {
				t.Errorf("NewSubscriber: %v", err)
				return
			}
			if _, err := subscriber.Subscribe(context.Background(), topic); err != nil {
				t.Errorf("Subscribe: %v", err)
			}
			time.Sleep(time.Duration(i) * 20 * time.Millisecond)
			if err := subscriber.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	wg.Wait()

	if members := groupMembers(t, brokers, group); len(members) != 0 {
		ids := make([]string, len(members))
		for i, member := range members {
			ids[i] = member.MemberID
		}
		t.Errorf("group has %d members after every subscriber closed: %v", len(members), ids)
	}
}

func TestContextCancelEndsSubscription(t *testing.T) {
	brokers := startCluster(t)
	const topic, group = "canceled", "cancel-check"
	initializeTopic(t, brokers, topic, 3)
	publisher := newPublisher(t, brokers)
	if err := publisher.Publish(topic, caseMessage("only", "case-x")); err != nil {
		t.Fatalf("Publish: %v", err)
	}

	subscriber, err := kafkabus.NewSubscriber(subscriberConfig(brokers, group), testLogger)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	defer func() { _ = subscriber.Close() }()

	ctx, cancel := context.WithCancel(context.Background())
	messages, err := subscriber.Subscribe(ctx, topic)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	msg := receive(t, messages)
	cancel()

	select {
	case <-msg.Context().Done():
	case <-time.After(receiveTimeout):
		t.Error("message context not canceled after the subscription context")
	}
	select {
	case _, open := <-messages:
		if open {
			t.Error("received a message after cancel, expected the channel to close")
		}
	case <-time.After(receiveTimeout):
		t.Fatal("messages channel not closed after cancel")
	}
	if members := groupMembers(t, brokers, group); len(members) != 0 {
		t.Errorf("group has %d members after the only subscription ended", len(members))
	}
}

func TestSubscribeBeforeTopicExists(t *testing.T) {
	brokers := startCluster(t)
	const topic = "late"

	_, messages := subscribe(t, brokers, "late-check", topic)
	time.Sleep(300 * time.Millisecond)
	initializeTopic(t, brokers, topic, 3)
	publisher := newPublisher(t, brokers)
	if err := publisher.Publish(topic, caseMessage("late-1", "case-late")); err != nil {
		t.Fatalf("Publish: %v", err)
	}

	msg := receive(t, messages)
	if msg.UUID != "late-1" {
		t.Errorf("received %s, expected late-1", msg.UUID)
	}
	msg.Ack()
}

func TestPublishErrors(t *testing.T) {
	brokers := startCluster(t)
	publisher := newPublisher(t, brokers)

	err := publisher.Publish("missing-topic", caseMessage("m", "case"))
	if !errors.Is(err, kafka.UnknownTopicOrPartition) {
		t.Errorf("Publish to a missing topic: got %v, expected kafka.UnknownTopicOrPartition", err)
	}

	err = publisher.Publish("bad/topic", caseMessage("m", "case"))
	if err == nil {
		t.Error("Publish to an invalid topic name: got nil error")
	}

	initializeTopic(t, brokers, "reserved", 1)
	msg := caseMessage("m", "case")
	msg.Metadata.Set(kafkabus.UUIDHeader, "other")
	if err := publisher.Publish("reserved", msg); err == nil {
		t.Errorf("Publish with metadata %q: got nil error", kafkabus.UUIDHeader)
	}

	if err := publisher.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := publisher.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	err = publisher.Publish("reserved", caseMessage("late", "case"))
	if !errors.Is(err, kafkabus.ErrPublisherClosed) {
		t.Errorf("Publish after Close: got %v, expected ErrPublisherClosed", err)
	}
}

func TestSubscribeAfterClose(t *testing.T) {
	subscriber, err := kafkabus.NewSubscriber(subscriberConfig([]string{"127.0.0.1:1"}, "closed"), testLogger)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	if err := subscriber.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err = subscriber.Subscribe(context.Background(), "any")
	if !errors.Is(err, kafkabus.ErrSubscriberClosed) {
		t.Errorf("Subscribe after Close: got %v, expected ErrSubscriberClosed", err)
	}
}

// taggedMessage is a message and whether the second subscriber of a merge
// delivered it.
type taggedMessage struct {
	msg        *message.Message
	fromSecond bool
}

// merge returns one channel with the messages of both inputs. It stops
// forwarding when the test ends.
func merge(t *testing.T, first, second <-chan *message.Message) <-chan taggedMessage {
	merged := make(chan taggedMessage)
	for i, input := range []<-chan *message.Message{first, second} {
		go func() {
			for msg := range input {
				select {
				case merged <- taggedMessage{msg: msg, fromSecond: i == 1}:
				case <-t.Context().Done():
					return
				}
			}
		}()
	}
	return merged
}

func TestRebalanceKeepsCaseOrder(t *testing.T) {
	brokers := startCluster(t)
	const topic, group, cases, perCase = "rebalanced", "rebalance-check", 6, 20
	initializeTopic(t, brokers, topic, 3)
	publisher := newPublisher(t, brokers)

	partitions := map[int]bool{}
	for c := range cases {
		partitions[expectedPartition(fmt.Sprintf("case-%d", c), 3)] = true
	}
	if len(partitions) != 3 {
		t.Fatalf("the %d cases use partitions %v, the test needs all 3", cases, partitions)
	}

	published := map[string][]string{}
	for i := range perCase {
		for c := range cases {
			caseKey := fmt.Sprintf("case-%d", c)
			uuid := fmt.Sprintf("%s-%02d", caseKey, i)
			published[caseKey] = append(published[caseKey], uuid)
			if err := publisher.Publish(topic, caseMessage(uuid, caseKey)); err != nil {
				t.Fatalf("Publish: %v", err)
			}
		}
	}

	received := map[string][]string{}
	seen := map[string]bool{}
	record := func(msg *message.Message) {
		if !seen[msg.UUID] {
			seen[msg.UUID] = true
			caseKey := msg.Metadata.Get(kafkabus.CaseKeyMetadata)
			received[caseKey] = append(received[caseKey], msg.UUID)
		}
	}

	// The first member reads a third of the messages alone.
	_, firstMessages := subscribe(t, brokers, group, topic)
	for len(seen) < cases*perCase/3 {
		msg := receive(t, firstMessages)
		record(msg)
		msg.Ack()
	}

	// A second member joins. Until it delivers its first message, nothing
	// is acked, so the first member holds an unacked message on each of
	// its partitions while the rebalance moves some of them away.
	_, secondMessages := subscribe(t, brokers, group, topic)
	messages := merge(t, firstMessages, secondMessages)
	var unacked []*message.Message
	secondDelivered := false
	for len(seen) < cases*perCase {
		var tagged taggedMessage
		select {
		case tagged = <-messages:
		case <-time.After(rebalanceReceiveTimeout):
			t.Fatalf("no message within %s, %d of %d received",
				rebalanceReceiveTimeout, len(seen), cases*perCase)
		}
		record(tagged.msg)

		if !secondDelivered && !tagged.fromSecond {
			unacked = append(unacked, tagged.msg)
			continue
		}
		secondDelivered = true
		for _, msg := range unacked {
			msg.Ack()
		}
		unacked = nil
		tagged.msg.Ack()
	}

	for caseKey, uuids := range published {
		if fmt.Sprint(received[caseKey]) != fmt.Sprint(uuids) {
			t.Errorf("case %s first arrived as %v, published as %v", caseKey, received[caseKey], uuids)
		}
	}
	if !secondDelivered {
		t.Error("the second member delivered no message, so no partition moved")
	}
}

func TestInitializeTopicNamesUnreachableBrokers(t *testing.T) {
	// A listener that is closed at once leaves a port that refuses
	// connections.
	addrs := make([]string, 2)
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs[i] = l.Addr().String()
		l.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := kafkabus.InitializeTopic(ctx, kafkabus.Config{Brokers: addrs}, "deliveries")
	if !errors.Is(err, kafkabus.ErrUnreachable) {
		t.Fatalf("InitializeTopic with no broker listening: got %v, want ErrUnreachable", err)
	}
	for _, want := range append(addrs, "no Kafka broker", "refused") {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestInitializeTopicNonKafkaListener(t *testing.T) {
	// An HTTP server accepts the connection and never responds to a
	// Kafka request.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := kafkabus.InitializeTopic(ctx, kafkabus.Config{Brokers: []string{addr},
		DialTimeout: 300 * time.Millisecond}, "deliveries")
	if err == nil {
		t.Fatal("InitializeTopic against an HTTP server: got nil error")
	}
	if !errors.Is(err, kafkabus.ErrUnreachable) {
		t.Errorf("error %q does not wrap ErrUnreachable, but no broker answered", err)
	}
	if want := "check that " + addr + " is the listener of a Kafka broker"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

// TestSessionTimeoutOutsideBrokerBoundsNamed subscribes with a session
// timeout below the broker's group.min.session.timeout.ms. The broker
// rejects every join, and the logged error names the bounds.
func TestSessionTimeoutOutsideBrokerBoundsNamed(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(6*time.Second))
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	brokers := cluster.ListenAddrs()
	topic := "session-bounds"
	if err := kafkabus.InitializeTopic(context.Background(), testConfig(brokers), topic); err != nil {
		t.Fatal(err)
	}

	var out syncBuffer
	logger := watermill.NewSlogLogger(slog.New(slog.NewTextHandler(&out, nil)))
	config := subscriberConfig(brokers, "session-bounds")
	config.SessionTimeout = 3 * time.Second
	subscriber, err := kafkabus.NewSubscriber(config, logger)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	t.Cleanup(func() { _ = subscriber.Close() })
	if _, err := subscriber.Subscribe(context.Background(), topic); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "outside the broker's group.min.session.timeout.ms") {
		if time.Now().After(deadline) {
			t.Fatalf("no error naming the session timeout's bounds was logged:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := []kafkabus.Member{{Topic: topic, Group: "session-bounds"}}
	if got := subscriber.Members(); !slices.Equal(got, want) {
		t.Errorf("Members() = %+v after a refused join, want %+v", got, want)
	}
}

// TestMembersShowPartitions subscribes two members of one group to a
// topic of three partitions: both join, and they hold the three between
// them. Once one ends, the other holds all three.
func TestMembersShowPartitions(t *testing.T) {
	brokers := startCluster(t)
	topic := "members"
	if err := kafkabus.InitializeTopic(context.Background(), testConfig(brokers), topic); err != nil {
		t.Fatal(err)
	}
	var subscribers [2]*kafkabus.Subscriber
	var cancels [2]context.CancelFunc
	for i := range subscribers {
		s, err := kafkabus.NewSubscriber(subscriberConfig(brokers, "members"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		if _, err := s.Subscribe(ctx, topic); err != nil {
			t.Fatal(err)
		}
		subscribers[i], cancels[i] = s, cancel
	}
	held := func(s *kafkabus.Subscriber) int {
		members := s.Members()
		if len(members) != 1 || !members[0].Joined || members[0].Topic != topic {
			return -1
		}
		return members[0].Partitions
	}
	waitUntil(t, "both members joined with three partitions between them", func() bool {
		a, b := held(subscribers[0]), held(subscribers[1])
		return a > 0 && b > 0 && a+b == 3
	})
	cancels[1]()
	waitUntil(t, "the member left holding the three partitions", func() bool {
		return held(subscribers[0]) == 3 && len(subscribers[1].Members()) == 0
	})
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitUntil polls cond every 50 ms for up to 30 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCloseEndsPublishToSilentBroker publishes to a broker that accepts
// connections but never answers. Close ends the Publish call, which
// reports ErrPublisherClosed, and returns within its CloseTimeout
// instead of waiting for the writer's attempts. The deadline is a
// deadlock guard: the writer's own attempts would take minutes.
func TestCloseEndsPublishToSilentBroker(t *testing.T) {
	publisher, err := kafkabus.NewPublisher(kafkabus.PublisherConfig{
		Config:       kafkabus.Config{Brokers: []string{bustest.SilentBroker(t)}},
		CloseTimeout: time.Second,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	published := make(chan error, 1)
	go func() { published <- publisher.Publish("orders", caseMessage("m", "case")) }()
	select {
	case err := <-published:
		t.Fatalf("Publish to a silent broker returned %v before Close", err)
	case <-time.After(300 * time.Millisecond):
	}

	closed := make(chan error, 1)
	go func() { closed <- publisher.Close() }()
	select {
	case <-closed:
	case <-time.After(15 * time.Second):
		t.Fatal("Close did not return within 15 s")
	}
	select {
	case err := <-published:
		if !errors.Is(err, kafkabus.ErrPublisherClosed) {
			t.Errorf("Publish ended by Close: got %v, expected ErrPublisherClosed", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Publish did not return within 15 s of Close")
	}
}
