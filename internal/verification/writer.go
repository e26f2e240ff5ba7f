package verification

import (
	"context"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// Observe queues the messages the hub journals, and one goroutine adds
// them to the index in batches, one transaction per batch instead of one
// per message. Reads wait for what was queued before them (flush), so
// within one hub a verification request always finds the persons of
// every message acknowledged before it. A crash loses what is queued,
// and Rebuild adds it at the next start, as for any Observe call a crash
// cuts off.
const (
	// queueLength is how many messages may wait for the writer. When the
	// queue is full, Observe adds its message itself.
	queueLength = 4096
	// maxBatch is the most messages one transaction adds.
	maxBatch = 256
	// writeTimeout bounds one batch's transaction.
	writeTimeout = 30 * time.Second
)

// indexItem is a message to add, or, when m is nil, a flush marker whose
// done channel the writer closes once everything queued before it is
// written.
type indexItem struct {
	m    *canonical.Message
	done chan struct{}
}

func (x *Index) startWriter() {
	x.queue = make(chan indexItem, queueLength)
	x.stop = make(chan struct{})
	x.exited = make(chan struct{})
	x.stopped.Go(func() {
		defer close(x.exited)
		x.writeLoop()
	})
}

// stopWriter writes what is queued and stops the writer.
func (x *Index) stopWriter() {
	x.closing.Do(func() { close(x.stop) })
	x.stopped.Wait()
}

// Observe queues m for the index, or adds it at once when the queue is
// full or the writer has stopped. It implements ingest.Observer: an error
// is logged, and Rebuild at the next start adds what was missed.
func (x *Index) Observe(ctx context.Context, m *canonical.Message) {
	select {
	case <-x.exited:
	default:
		select {
		case x.queue <- indexItem{m: m}:
			return
		default:
		}
	}
	if err := x.Add(ctx, m); err != nil {
		x.logFailure(err, m)
	}
}

func (x *Index) logFailure(err error, msgs ...*canonical.Message) {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	x.log.Error("indexing messages failed; the next start adds them", "message_ids", ids,
		"error", err)
}

// flush waits until every message queued before the call is written, or
// ctx ends. After the writer exits there is nothing left to wait for.
func (x *Index) flush(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case x.queue <- indexItem{done: done}:
	case <-x.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-x.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (x *Index) writeLoop() {
	for {
		select {
		case item := <-x.queue:
			x.writeBatch(item)
		case <-x.stop:
			for {
				select {
				case item := <-x.queue:
					x.writeBatch(item)
				default:
					return
				}
			}
		}
	}
}

// writeBatch writes first and the messages queued behind it, up to
// maxBatch, then closes the flush markers among them.
func (x *Index) writeBatch(first indexItem) {
	var (
		msgs    []*canonical.Message
		flushes []chan struct{}
	)
	take := func(item indexItem) {
		if item.m != nil {
			msgs = append(msgs, item.m)
		} else {
			flushes = append(flushes, item.done)
		}
	}
	take(first)
gather:
	for len(msgs) < maxBatch {
		select {
		case item := <-x.queue:
			take(item)
		default:
			break gather
		}
	}
	if len(msgs) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		if err := x.addAll(ctx, msgs); err != nil {
			// One message may spoil a batch; add each alone.
			for _, m := range msgs {
				if err := x.Add(ctx, m); err != nil {
					x.logFailure(err, m)
				}
			}
		}
		cancel()
	}
	for _, done := range flushes {
		close(done)
	}
}
