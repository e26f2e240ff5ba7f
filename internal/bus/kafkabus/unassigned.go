package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/segmentio/kafka-go"
)

// errUnassigned is the error logged when a stable group leaves partitions
// of its topic to no member.
var errUnassigned = errors.New("partitions assigned to no member of the group")

// watchUnassigned runs during a generation that assigns this member none
// of the topic's partitions, until ctx, the generation's context, ends.
// That is right when the group has more members than the topic has
// partitions, but it is also what every member gets when the topic was
// missing while the leader assigned the partitions, as after the cluster
// lost its data. kafka-go's partition watcher does not notice the latter:
// it compares the partition count with the count it read at the start of
// the generation, after the topic was created again.
//
// Every partitionWatchInterval it compares the topic's partitions with
// those the group's members hold. Once every partition has a member, it
// only waits for the generation to end: assignments change only with a
// new generation, and kafka-go's watcher starts one when the partition
// count changes. When a stable group leaves some partitions to no member,
// it logs them and calls rejoin, which makes the subscription leave the
// group and join it as a new member, so that the coordinator rebalances.
// The member holds no partition, so no message of it is in flight.
func (sub *subscription) watchUnassigned(ctx context.Context, memberID string, rejoin func()) {
	config := sub.subscriber.config
	client, closeIdle := config.client()
	defer closeIdle()

	ticker := time.NewTicker(partitionWatchInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}

		checkCtx, cancel := context.WithTimeout(ctx, config.CoordinatorTimeout)
		unassigned, settled, err := sub.unassignedPartitions(checkCtx, client, memberID)
		cancel()
		switch {
		case err != nil:
			if ctx.Err() == nil {
				sub.subscriber.logger.Debug("checking the group's assignments failed",
					sub.fields.Add(watermill.LogFields{"error": err}))
			}
		case !settled:
		case len(unassigned) == 0:
			<-ctx.Done()
			return
		default:
			sub.subscriber.logger.Error("consumer group left partitions unassigned, rejoining it",
				fmt.Errorf("%w: partitions %v of topic %s", errUnassigned, unassigned, sub.topic),
				sub.fields)
			rejoin()
			// Returning would end the generation, and kafka-go would
			// join again with the same member id before the
			// subscription leaves. The subscription's leaving ends ctx.
			<-ctx.Done()
			return
		}
	}
}

// unassignedPartitions returns the partitions of the topic that no member
// of the group holds. settled is false when the result is unknown,
// because the topic is missing, the group is rebalancing or the group no
// longer lists memberID.
func (sub *subscription) unassignedPartitions(
	ctx context.Context,
	client *kafka.Client,
	memberID string,
) (unassigned []int, settled bool, err error) {
	metadata, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{sub.topic}})
	if err != nil {
		return nil, false, fmt.Errorf("reading metadata: %w", err)
	}
	var partitions []int
	for _, t := range metadata.Topics {
		if t.Name != sub.topic || t.Error != nil {
			continue
		}
		for _, p := range t.Partitions {
			partitions = append(partitions, p.ID)
		}
	}
	if len(partitions) == 0 {
		return nil, false, nil
	}

	response, err := client.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{sub.config.ID}})
	if err != nil {
		return nil, false, fmt.Errorf("describing the group: %w", err)
	}
	for _, group := range response.Groups {
		if group.GroupID != sub.config.ID {
			continue
		}
		if group.Error != nil {
			return nil, false, fmt.Errorf("describing the group: %w", group.Error)
		}
		if group.GroupState != "Stable" {
			return nil, false, nil
		}
		assigned := map[int]bool{}
		listed := false
		for _, member := range group.Members {
			listed = listed || member.MemberID == memberID
			for _, topic := range member.MemberAssignments.Topics {
				if topic.Topic == sub.topic {
					for _, p := range topic.Partitions {
						assigned[p] = true
					}
				}
			}
		}
		if !listed {
			return nil, false, nil
		}
		for _, p := range partitions {
			if !assigned[p] {
				unassigned = append(unassigned, p)
			}
		}
		slices.Sort(unassigned)
		return unassigned, true, nil
	}
	return nil, false, nil
}
