package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/segmentio/kafka-go"
)

// partitionWatchInterval is how often a member checks its topic's partition
// count. A change makes the group rebalance, so that added partitions get
// read. It is kafka-go's default.
const partitionWatchInterval = 5 * time.Second

// subscription is one Subscribe call: one member of the consumer group.
type subscription struct {
	subscriber *Subscriber
	topic      string
	config     kafka.ConsumerGroupConfig
	output     chan *message.Message
	fields     watermill.LogFields

	// memberMu guards memberID, the id the coordinator last gave this
	// member, which kafka-go reports only through its logger.
	memberMu sync.Mutex
	memberID string

	// joined is set while the member is in a generation of the group,
	// and partitions is the number of the topic's partitions assigned to
	// it in that generation.
	joined     atomic.Bool
	partitions atomic.Int32
}

// Member is the state of one Subscribe call's member of its consumer
// group.
type Member struct {
	Topic string
	Group string
	// Joined is true once the member joined the group, until a try to
	// join again fails or the subscription ends. A member that cannot
	// join, for example with a session timeout outside the broker's
	// bounds, consumes nothing.
	Joined bool
	// Partitions is how many of the topic's partitions the group
	// assigned to the member in its current generation. A member may
	// rightly hold none when the group has more members than the topic
	// has partitions.
	Partitions int
}

// member returns the subscription's state.
func (sub *subscription) member() Member {
	return Member{Topic: sub.topic, Group: sub.config.ID, Joined: sub.joined.Load(),
		Partitions: int(sub.partitions.Load())}
}

func (s *Subscriber) newSubscription(topic string) (*subscription, error) {
	sub := &subscription{
		subscriber: s,
		topic:      topic,
		output:     make(chan *message.Message),
		fields: watermill.LogFields{
			"topic":          topic,
			"consumer_group": s.config.ConsumerGroup,
		},
	}

	sub.config = kafka.ConsumerGroupConfig{
		ID:                     s.config.ConsumerGroup,
		Brokers:                s.config.Brokers,
		Dialer:                 s.config.dialer(),
		Topics:                 []string{topic},
		HeartbeatInterval:      s.config.HeartbeatInterval,
		SessionTimeout:         s.config.SessionTimeout,
		RebalanceTimeout:       s.config.RebalanceTimeout,
		JoinGroupBackoff:       s.config.JoinGroupBackoff,
		WatchPartitionChanges:  true,
		PartitionWatchInterval: partitionWatchInterval,
		StartOffset:            kafka.FirstOffset,
		Timeout:                s.config.CoordinatorTimeout,
		Logger:                 kafka.LoggerFunc(sub.recordMemberID),
		ErrorLogger:            kafkaLogger(s.logger, sub.fields),
	}
	if err := sub.config.Validate(); err != nil {
		return nil, err
	}
	return sub, nil
}

// joinedFormat is the format of the line kafka-go v0.4.51 logs after each
// JoinGroup response. The second argument of that line is the member id.
const joinedFormat = "joined group %s as member %s in generation %d"

// recordMemberID is the consumer group's logger. It keeps the member id
// from the line kafka-go logs after each JoinGroup response and drops the
// other lines.
func (sub *subscription) recordMemberID(format string, args ...any) {
	if format != joinedFormat || len(args) != 3 {
		return
	}
	if memberID, ok := args[1].(string); ok {
		sub.memberMu.Lock()
		sub.memberID = memberID
		sub.memberMu.Unlock()
	}
}

// run waits until the topic exists, joins the group and starts the
// partitions of each generation until ctx ends, then leaves the group and
// closes the output channel.
func (sub *subscription) run(ctx context.Context) {
	logger := sub.subscriber.logger
	logger.Info("subscribing", sub.fields)
	defer close(sub.output)

	// kafka-go's consumer group rejoins at once, in a loop without pause,
	// while its topic is missing. Joining only once the topic exists
	// avoids that. A topic that goes missing later, or appears between
	// the leader's assignment and the start of the partition watcher,
	// leaves the group without partitions: watchUnassigned notices it.
	if !awaitTopic(ctx, sub.subscriber.config.Config, sub.topic, sub.subscriber.logger, sub.fields) {
		logger.Info("subscription ended", sub.fields)
		return
	}

	for sub.session(ctx) {
	}
	logger.Info("subscription ended", sub.fields)
}

// session joins the group as a new member and consumes until ctx ends or
// watchUnassigned finds partitions of the topic assigned to no member.
// It leaves the group before it returns, and reports whether to join
// again. Leaving makes the coordinator rebalance the group, which a member
// rejoining with unchanged metadata does not always do.
func (sub *subscription) session(ctx context.Context) (again bool) {
	logger := sub.subscriber.logger
	group, err := kafka.NewConsumerGroup(sub.config)
	if err != nil {
		// newSubscription validated the same config, so only a change in
		// kafka-go's validation can lead here.
		logger.Error("creating consumer group failed", err, sub.fields)
		return false
	}
	sessionCtx, rejoin := context.WithCancel(ctx)
	defer rejoin()
	sub.consume(ctx, sessionCtx, rejoin, group)

	// Close ends the current generation, waits for its partition
	// consumers and leaves the group.
	if err := group.Close(); err != nil {
		logger.Error("leaving consumer group failed", err, sub.fields)
	}
	sub.leave()
	return ctx.Err() == nil
}

// consume starts the partition consumers of each generation of group until
// sessionCtx ends. The partition consumers hand out messages with contexts
// derived from ctx. A generation that assigns the member none of the
// topic's partitions starts watchUnassigned, which calls rejoin.
func (sub *subscription) consume(ctx, sessionCtx context.Context, rejoin func(), group *kafka.ConsumerGroup) {
	logger := sub.subscriber.logger
	for {
		generation, err := group.Next(sessionCtx)
		if err != nil {
			if sessionCtx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				return
			}
			if !errors.Is(err, kafka.RebalanceInProgress) {
				sub.joined.Store(false)
				sub.partitions.Store(0)
			}
			sub.logJoinError(err)
			continue
		}
		assignments := generation.Assignments[sub.topic]
		sub.partitions.Store(int32(len(assignments)))
		sub.joined.Store(true)

		logger.Debug("joined consumer group", sub.fields.Add(watermill.LogFields{
			"generation": generation.ID,
			"partitions": len(assignments),
		}))
		if len(assignments) == 0 {
			generation.Start(func(generationCtx context.Context) {
				sub.watchUnassigned(generationCtx, generation.MemberID, rejoin)
			})
		}
		for _, assignment := range assignments {
			consumer := sub.newPartitionConsumer(generation, assignment)
			generation.Start(func(generationCtx context.Context) {
				consumer.run(ctx, generationCtx)
			})
		}
	}
}

// logJoinError logs an error that ended an attempt to join the group.
// kafka-go tries again by itself, after JoinGroupBackoff unless the error
// is a rebalance, which is routine whenever a member joins or leaves.
func (sub *subscription) logJoinError(err error) {
	if errors.Is(err, kafka.RebalanceInProgress) {
		sub.subscriber.logger.Debug("consumer group is rebalancing, joining again", sub.fields)
		return
	}
	if errors.Is(err, kafka.InvalidSessionTimeout) {
		// The broker bounds the session timeout by its
		// group.min.session.timeout.ms and group.max.session.timeout.ms,
		// and refuses every join outside them: nothing is consumed.
		err = fmt.Errorf("%w: the session timeout of %s is outside the broker's "+
			"group.min.session.timeout.ms and group.max.session.timeout.ms: set the "+
			"subscriber's session timeout within them", err, sub.subscriber.config.SessionTimeout)
	}
	sub.subscriber.logger.Error("joining consumer group failed", err, sub.fields)
}

// leave sends the group coordinator a LeaveGroup request for the member id
// this subscription last had. kafka-go v0.4.51's ConsumerGroup.Close skips
// that request when the last JoinGroup or SyncGroup failed, for example
// because another member joined meanwhile. The coordinator would then wait
// up to SessionTimeout for the departed member at the next rebalance. A
// member that already left gets UNKNOWN_MEMBER_ID, which leave ignores.
func (sub *subscription) leave() {
	sub.memberMu.Lock()
	memberID := sub.memberID
	sub.memberMu.Unlock()
	if memberID == "" {
		return
	}

	config := sub.subscriber.config
	ctx, cancel := context.WithTimeout(context.Background(), config.CoordinatorTimeout)
	defer cancel()

	client, closeIdle := config.client()
	defer closeIdle()

	response, err := client.LeaveGroup(ctx, &kafka.LeaveGroupRequest{
		GroupID: config.ConsumerGroup,
		Members: []kafka.LeaveGroupRequestMember{{ID: memberID}},
	})
	if err == nil {
		err = response.Error
	}
	if err == nil && len(response.Members) > 0 {
		err = response.Members[0].Error
	}
	if err != nil && !errors.Is(err, kafka.UnknownMemberId) {
		sub.subscriber.logger.Error("leaving consumer group failed", err,
			sub.fields.Add(watermill.LogFields{"member_id": memberID}))
	}
}
