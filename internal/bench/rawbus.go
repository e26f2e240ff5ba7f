package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/pgbus"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/hub"
	jpostgres "github.com/sangam-hub/sangam/internal/journal/postgres"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// rawTopics returns the topics of the raw bus step: one per subscriber,
// as the hub gives each destination one topic per unit of concurrency.
func rawTopics(n int) []string {
	topics := make([]string, n)
	for i := range topics {
		topics[i] = fmt.Sprintf("bench-raw-%d", i)
	}
	return topics
}

// rawPubSub is one bus opened as the hub opens it, without the hub.
type rawPubSub struct {
	publisher     message.Publisher
	newSubscriber func() (message.Subscriber, error)
	close         func()
}

// runRawBus publishes documents on the bus alone for cfg.Duration, one
// message per transaction from cfg.Senders publishers, spread over as
// many topics as the hub gives the receiver (cfg.Concurrency). Then it
// consumes them with one subscriber per topic, as the hub does.
func runRawBus(ctx context.Context, cfg Config, e *env, gen *generator) (RawBus, error) {
	cfg.Log.Info("raw bus step", "store", cfg.Store, "duration", cfg.Duration)
	payload := gen.render(gen.valid[0], 0)
	out := RawBus{PayloadBytes: len(payload), Publishers: cfg.Senders,
		Subscribers: cfg.Concurrency}
	topics := rawTopics(out.Subscribers)
	ps, err := openRawBus(ctx, e, topics)
	if err != nil {
		return out, fmt.Errorf("raw bus: %w", err)
	}
	defer ps.close()

	published, took, err := rawPublish(ctx, cfg, ps.publisher, topics, payload)
	if err != nil {
		return out, fmt.Errorf("raw bus: %w", err)
	}
	out.Messages, out.PublishRate = published, perSecond(published, took)
	consumed, took, err := rawConsume(ctx, cfg, ps, topics, published)
	if err != nil {
		return out, fmt.Errorf("raw bus: %w", err)
	}
	out.SubscribeRate = perSecond(consumed, took)
	out.Rate = min(out.PublishRate, out.SubscribeRate)
	return out, nil
}

func rawPublish(
	ctx context.Context,
	cfg Config,
	pub message.Publisher,
	topics []string,
	payload []byte,
) (int, time.Duration, error) {
	sendCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var issued, published atomic.Int64
	var firstErr error
	var errOnce sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.Senders {
		wg.Go(func() {
			for sendCtx.Err() == nil {
				n := issued.Add(1)
				if cfg.MaxMessages > 0 && n > int64(cfg.MaxMessages) {
					return
				}
				msg := message.NewMessage(watermill.NewUUID(), payload)
				msg.SetContext(ctx)
				if err := pub.Publish(topics[n%int64(len(topics))], msg); err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("publishing: %w", err) })
					return
				}
				published.Add(1)
			}
		})
	}
	wg.Wait()
	return int(published.Load()), time.Since(start), firstErr
}

// rawConsume subscribes one subscriber to each topic and acknowledges
// messages until want have arrived or cfg.DrainTimeout passes.
func rawConsume(
	ctx context.Context,
	cfg Config,
	ps rawPubSub,
	topics []string,
	want int,
) (int, time.Duration, error) {
	if want == 0 {
		return 0, 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.DrainTimeout)
	defer cancel()
	counter := &ackCounter{want: int64(want), done: make(chan struct{})}
	start := time.Now()
	var wg sync.WaitGroup
	for _, topic := range topics {
		sub, err := ps.newSubscriber()
		if err != nil {
			return 0, 0, err
		}
		defer sub.Close()
		msgs, err := sub.Subscribe(ctx, topic)
		if err != nil {
			return 0, 0, fmt.Errorf("subscribing: %w", err)
		}
		wg.Go(func() { counter.drain(msgs) })
	}

	select {
	case <-counter.done:
	case <-ctx.Done():
	}
	cancel()
	wg.Wait()
	n := int(counter.consumed.Load())
	if n < want {
		return n, time.Since(start), fmt.Errorf("consumed %d of %d messages within %s",
			n, want, cfg.DrainTimeout)
	}
	return n, time.Unix(0, counter.last.Load()).Sub(start), nil
}

// ackCounter acknowledges messages and closes done once want of them
// have arrived. It is safe for concurrent use.
type ackCounter struct {
	want     int64
	consumed atomic.Int64
	last     atomic.Int64 // UnixNano of the last acknowledgement
	done     chan struct{}
	once     sync.Once
}

// drain acknowledges every message of msgs until the channel closes.
func (c *ackCounter) drain(msgs <-chan *message.Message) {
	for msg := range msgs {
		msg.Ack()
		c.last.Store(time.Now().UnixNano())
		if c.consumed.Add(1) >= c.want {
			c.once.Do(func() { close(c.done) })
		}
	}
}

func openRawBus(ctx context.Context, e *env, topics []string) (rawPubSub, error) {
	subCfg := bus.SubscriberConfig{PollInterval: hub.DefaultPollInterval}
	if e.store == StorePostgres {
		return openRawPostgres(ctx, e.dsn, topics, subCfg)
	}
	return openRawSQLite(ctx, filepath.Join(e.dataDir, "raw-bus.db"), topics, subCfg)
}

func openRawSQLite(
	ctx context.Context,
	path string,
	topics []string,
	subCfg bus.SubscriberConfig,
) (rawPubSub, error) {
	removeDatabase(path)
	db, err := sqlite.Open(path)
	if err != nil {
		return rawPubSub{}, err
	}
	for _, topic := range topics {
		if err := sqlitebus.InitializeTopic(ctx, db, topic); err != nil {
			db.Close()
			return rawPubSub{}, err
		}
	}
	pub, err := sqlitebus.NewPublisher(db, nil)
	if err != nil {
		db.Close()
		return rawPubSub{}, err
	}
	subCfg.ConsumerGroup = "delivery"
	return rawPubSub{
		publisher: pub,
		newSubscriber: func() (message.Subscriber, error) {
			return sqlitebus.NewSubscriber(db, subCfg, nil)
		},
		close: func() {
			db.Close()
			removeDatabase(path)
		},
	}, nil
}

// removeDatabase removes a SQLite file with its WAL and shared memory
// files.
func removeDatabase(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
}

// openRawPostgres opens the pools as the hub does: the publisher on a
// pool of the journal's default size, and the subscribers on one of
// their own.
func openRawPostgres(
	ctx context.Context,
	dsn string,
	topics []string,
	subCfg bus.SubscriberConfig,
) (rawPubSub, error) {
	pubCfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return rawPubSub{}, err
	}
	pubCfg.MaxConns = jpostgres.DefaultMaxConns
	pubPool, err := pgxpool.NewWithConfig(ctx, pubCfg)
	if err != nil {
		return rawPubSub{}, err
	}
	poolCfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		pubPool.Close()
		return rawPubSub{}, err
	}
	poolCfg.MaxConns = int32(len(topics) + 2)
	subPool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		pubPool.Close()
		return rawPubSub{}, err
	}
	closeAll := func() { subPool.Close(); pubPool.Close() }
	for _, topic := range topics {
		if err := pgbus.InitializeTopic(ctx, pubPool, topic); err != nil {
			closeAll()
			return rawPubSub{}, err
		}
	}
	pub, err := pgbus.NewPublisher(pubPool, nil)
	if err != nil {
		closeAll()
		return rawPubSub{}, err
	}
	return rawPubSub{
		publisher: pub,
		newSubscriber: func() (message.Subscriber, error) {
			return pgbus.NewSubscriber(subPool, subCfg, nil)
		},
		close: closeAll,
	}, nil
}
