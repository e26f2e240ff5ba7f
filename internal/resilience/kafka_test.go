package resilience

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kafkaCluster is a kfake cluster of three brokers on 127.0.0.1, run in
// the test process so that it outlives every hub process the test kills.
// It keeps kfake's default session timeout bounds (6 s to 5 min), which
// admit the hub's 30 s.
type kafkaCluster struct {
	t       *testing.T
	cluster *kfake.Cluster
	brokers []string
	client  *kafka.Client

	mu sync.Mutex
	// groups contains the consumer groups that JoinGroup requests named.
	groups map[string]bool
	// removed counts the members removeMembers took out of their groups.
	removed int
}

// startKafka starts the cluster. It stops when the test ends.
func startKafka(t *testing.T) *kafkaCluster {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	transport := &kafka.Transport{ClientID: "sangam-resilience-test"}
	t.Cleanup(transport.CloseIdleConnections)
	k := &kafkaCluster{
		t: t, cluster: cluster, brokers: cluster.ListenAddrs(),
		client: &kafka.Client{
			Addr: kafka.TCP(cluster.ListenAddrs()...), Transport: transport, Timeout: 5 * time.Second,
		},
		groups: map[string]bool{},
	}
	cluster.Fault(kfake.Fault{
		Keys:    []kmsg.Key{kmsg.JoinGroup},
		Observe: true,
		Count:   -1,
		When:    k.recordGroup,
	})
	return k
}

// Brokers returns the value of sangam serve's --kafka flag.
func (k *kafkaCluster) Brokers() string { return strings.Join(k.brokers, ",") }

// Removed returns how many members removeMembers took out of their
// groups.
func (k *kafkaCluster) Removed() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.removed
}

// waitForMembers waits until groups consumer groups have been joined
// and each of them is stable with members members, or fails the test
// after limit.
func (k *kafkaCluster) waitForMembers(groups, members int, limit time.Duration) {
	k.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		names := k.groupNames()
		stable := 0
		for _, group := range names {
			info := k.cluster.GroupInfo(group)
			if info != nil && info.State == "Stable" && len(info.Members) == members {
				stable++
			}
		}
		if len(names) >= groups && stable == len(names) {
			return
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("%d of %d consumer groups stable with %d members after %s",
				stable, groups, members, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// groupNames returns the recorded consumer groups in order.
func (k *kafkaCluster) groupNames() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	names := make([]string, 0, len(k.groups))
	for group := range k.groups {
		names = append(names, group)
	}
	sort.Strings(names)
	return names
}

// recordGroup runs on kfake's cluster goroutine for every JoinGroup
// request and lets the request through.
func (k *kafkaCluster) recordGroup(req kmsg.Request) bool {
	join, ok := req.(*kmsg.JoinGroupRequest)
	if !ok {
		return false
	}
	k.mu.Lock()
	k.groups[join.Group] = true
	k.mu.Unlock()
	return true
}

// removeMembers takes every member out of every consumer group. Call it
// only while no hub runs, because then every member belongs to a killed
// process. It returns once two checks removeSettle apart find the groups
// empty, so that a JoinGroup request which the killed process sent just
// before it died, and which kfake reads late, is undone too.
//
// Kafka would remove a killed hub's members once their 30 s session
// timeout passed, but kfake (v0.0.0-20260918054303-01f206a7e32c) cannot
// be left to do that. It starts a member's session timer only when the
// member's JoinGroup response reaches the client. A hub killed while its
// JoinGroup waits for a rebalance therefore leaves a member that never
// times out. Once the group's leader syncs, that member stays in the
// stable group with the partitions it was assigned, and no member reads
// them again. kfake also times out a live member that waits in a
// JoinGroup for longer than its session timeout, which Kafka does not.
// So any rebalance that waits 30 s for a dead member can drop the live
// one as well. Removing the dead members at once avoids both.
func (k *kafkaCluster) removeMembers() {
	k.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	emptyChecks := 0
	for emptyChecks < 2 {
		removed, err := k.removeMembersOnce()
		if err != nil {
			k.t.Fatalf("removing the killed hub's consumer group members: %v", err)
		}
		if removed == 0 {
			emptyChecks++
		} else {
			emptyChecks = 0
		}
		if time.Now().After(deadline) {
			k.t.Fatal("the consumer groups still had members 10s after the hub was killed")
		}
		time.Sleep(removeSettle)
	}
}

// removeSettle is the wait between two checks of removeMembers.
const removeSettle = 100 * time.Millisecond

// removeMembersOnce sends a LeaveGroup request for the members of each
// group and returns how many members there were.
func (k *kafkaCluster) removeMembersOnce() (int, error) {
	total := 0
	for _, group := range k.groupNames() {
		info := k.cluster.GroupInfo(group)
		if info == nil || len(info.Members) == 0 {
			continue
		}
		req := &kafka.LeaveGroupRequest{GroupID: group}
		for _, m := range info.Members {
			req.Members = append(req.Members, kafka.LeaveGroupRequestMember{ID: m.MemberID})
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		resp, err := k.client.LeaveGroup(ctx, req)
		cancel()
		if err == nil {
			err = resp.Error
		}
		if err == nil {
			for _, m := range resp.Members {
				// A member that left by itself meanwhile is unknown.
				if m.Error != nil && !errors.Is(m.Error, kafka.UnknownMemberId) {
					err = m.Error
				}
			}
		}
		if err != nil {
			return total, fmt.Errorf("group %s: %w", group, err)
		}
		total += len(info.Members)
	}
	k.mu.Lock()
	k.removed += total
	k.mu.Unlock()
	return total, nil
}
