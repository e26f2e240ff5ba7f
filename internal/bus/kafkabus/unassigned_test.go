package kafkabus_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// hideTopicDuringAssignment makes cluster return UNKNOWN_TOPIC_OR_PARTITION
// to the Metadata requests for topic from the next JoinGroup of group
// until its leader sends the assignment in SyncGroup. That is the view
// of a leader that assigns partitions while a lost topic is not yet
// created again. It returns a function that reports how many Metadata
// requests got that error.
func hideTopicDuringAssignment(cluster *kfake.Cluster, group, topic string) func() int {
	var mu sync.Mutex
	var hiding, done bool
	var hidden int

	cluster.ControlKey(int16(kmsg.JoinGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		if req.(*kmsg.JoinGroupRequest).Group == group && !done {
			hiding = true
		}
		return nil, nil, false
	})
	cluster.ControlKey(int16(kmsg.SyncGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		assign := req.(*kmsg.SyncGroupRequest)
		if assign.Group == group && hiding && len(assign.GroupAssignment) > 0 {
			hiding, done = false, true
		}
		return nil, nil, false
	})
	cluster.ControlKey(int16(kmsg.Metadata), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		metadata := req.(*kmsg.MetadataRequest)
		if !hiding || !slices.ContainsFunc(metadata.Topics, func(t kmsg.MetadataRequestTopic) bool {
			return t.Topic != nil && *t.Topic == topic
		}) {
			return nil, nil, false
		}
		hidden++
		response := kmsg.NewPtrMetadataResponse()
		response.Version = metadata.GetVersion()
		missing := kmsg.NewMetadataResponseTopic()
		missing.Topic = kmsg.StringPtr(topic)
		missing.ErrorCode = kerr.UnknownTopicOrPartition.Code
		response.Topics = append(response.Topics, missing)
		return response, nil, true
	})

	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return hidden
	}
}

// heldPartitions returns how many partitions the single member of s
// holds, or -1 while it has not joined its group.
func heldPartitions(s *kafkabus.Subscriber) int {
	members := s.Members()
	if len(members) != 1 || !members[0].Joined {
		return -1
	}
	return members[0].Partitions
}

// TestGroupRecoversFromAssignmentWithoutTopic joins a second member to a
// group while the topic is hidden from the leader's assignment, so that
// the new generation gives neither member a partition, and kafka-go's own
// partition watcher finds no change. The members notice that the topic's
// partitions have no member, log it, and rejoin: they end up holding the
// three partitions between them, and a published message arrives.
func TestGroupRecoversFromAssignmentWithoutTopic(t *testing.T) {
	cluster := startKfake(t)
	brokers := cluster.ListenAddrs()
	const topic, group = "unassigned", "unassigned-check"
	initializeTopic(t, brokers, topic, 3)

	var logged syncBuffer
	logger := watermill.NewSlogLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	var subscribers [2]*kafkabus.Subscriber
	var outputs [2]<-chan *message.Message
	subscribeMember := func(i int) {
		s, err := kafkabus.NewSubscriber(subscriberConfig(brokers, group), logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		messages, err := s.Subscribe(context.Background(), topic)
		if err != nil {
			t.Fatal(err)
		}
		subscribers[i], outputs[i] = s, messages
	}

	subscribeMember(0)
	waitUntil(t, "the first member holds the three partitions", func() bool {
		return heldPartitions(subscribers[0]) == 3
	})
	hidden := hideTopicDuringAssignment(cluster, group, topic)
	subscribeMember(1)
	waitUntil(t, "both members joined holding no partition", func() bool {
		return heldPartitions(subscribers[0]) == 0 && heldPartitions(subscribers[1]) == 0
	})
	if hidden() == 0 {
		t.Fatal("the members hold no partition, but no Metadata request got UNKNOWN_TOPIC_OR_PARTITION")
	}

	waitUntil(t, "the members hold the three partitions between them", func() bool {
		a, b := heldPartitions(subscribers[0]), heldPartitions(subscribers[1])
		return a >= 0 && b >= 0 && a+b == 3
	})
	if !strings.Contains(logged.String(), "consumer group left partitions unassigned, rejoining it") {
		t.Errorf("no line about the unassigned partitions was logged:\n%s", logged.String())
	}

	publisher := newPublisher(t, brokers)
	publishUntilStored(t, publisher.Publish, topic, caseMessage("after-rejoin", "case-1"))
	merged := merge(t, outputs[0], outputs[1])
	select {
	case tagged := <-merged:
		if tagged.msg.UUID != "after-rejoin" {
			t.Errorf("received %s, expected after-rejoin", tagged.msg.UUID)
		}
		tagged.msg.Ack()
	case <-time.After(rebalanceReceiveTimeout):
		t.Fatalf("the published message did not arrive within %s", rebalanceReceiveTimeout)
	}
}

// countGroupRequests counts the JoinGroup and DescribeGroups requests for
// group that cluster receives, and returns a function that reports both
// counts.
func countGroupRequests(cluster *kfake.Cluster, group string) func() (joins, describes int) {
	var mu sync.Mutex
	var joins, describes int
	cluster.ControlKey(int16(kmsg.JoinGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		if req.(*kmsg.JoinGroupRequest).Group == group {
			joins++
		}
		return nil, nil, false
	})
	cluster.ControlKey(int16(kmsg.DescribeGroups), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		if slices.Contains(req.(*kmsg.DescribeGroupsRequest).Groups, group) {
			describes++
		}
		return nil, nil, false
	})
	return func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		return joins, describes
	}
}

// TestMemberBeyondPartitionsStays subscribes two members of one group to
// a topic of one partition, so that one of them rightly holds none. That
// member checks the group's assignments, finds the partition held, and
// then neither checks again nor rejoins while the generation lasts.
func TestMemberBeyondPartitionsStays(t *testing.T) {
	cluster := startKfake(t)
	brokers := cluster.ListenAddrs()
	const topic, group = "one-partition", "beyond-partitions"
	initializeTopic(t, brokers, topic, 1)
	counts := countGroupRequests(cluster, group)

	var logged syncBuffer
	logger := watermill.NewSlogLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	var subscribers [2]*kafkabus.Subscriber
	for i := range subscribers {
		s, err := kafkabus.NewSubscriber(subscriberConfig(brokers, group), logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if _, err := s.Subscribe(context.Background(), topic); err != nil {
			t.Fatal(err)
		}
		subscribers[i] = s
	}
	waitUntil(t, "both members joined, one holding the partition", func() bool {
		a, b := heldPartitions(subscribers[0]), heldPartitions(subscribers[1])
		return a >= 0 && b >= 0 && a+b == 1
	})
	waitUntil(t, "the member without a partition checked the group's assignments", func() bool {
		_, describes := counts()
		return describes > 0
	})

	joins, describes := counts()
	// The check would come again after one partition watch interval (5 s).
	time.Sleep(6 * time.Second)
	if j, d := counts(); j != joins || d != describes {
		t.Errorf("after the partition was found held: %d more JoinGroup and %d more DescribeGroups requests, want none",
			j-joins, d-describes)
	}
	if strings.Contains(logged.String(), "left partitions unassigned") {
		t.Errorf("a member reported unassigned partitions:\n%s", logged.String())
	}
}
