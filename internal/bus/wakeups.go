package bus

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

// Wakeups signals idle subscriptions that their topic has new messages,
// so that they query at once instead of after their poll interval. A wake-up
// only shortens a wait: a subscription that misses one finds the messages
// at its next poll. The zero value is ready to use, and a nil *Wakeups
// wakes nothing.
type Wakeups struct {
	mu      sync.Mutex
	waiting map[string]map[chan struct{}]struct{}
}

// Wake signals every subscription of each topic.
func (w *Wakeups) Wake(topics []string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, topic := range topics {
		for ch := range w.waiting[topic] {
			signal(ch)
		}
	}
}

// watch returns the channel on which a subscription of topic is signaled,
// and the function that stops the signals. A signal sent while no wait
// runs is kept, one at most, so the next wait ends at once. A nil
// *Wakeups returns a nil channel.
func (w *Wakeups) watch(topic string) (<-chan struct{}, func()) {
	if w == nil {
		return nil, func() {}
	}
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiting == nil {
		w.waiting = make(map[string]map[chan struct{}]struct{})
	}
	if w.waiting[topic] == nil {
		w.waiting[topic] = make(map[chan struct{}]struct{})
	}
	w.waiting[topic][ch] = struct{}{}
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.waiting[topic], ch)
		if len(w.waiting[topic]) == 0 {
			delete(w.waiting, topic)
		}
	}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// wakingBackoff is the backoff of a subscription with wake-ups. After a
// query that found no message it waits for a wake-up, the poll interval
// with jitter, the subscriber's closing or the end of the subscription's context,
// whichever comes first. After a wake-up or the poll interval the next
// query runs at once.
type wakingBackoff struct {
	backoff
	wake    <-chan struct{}
	closing <-chan struct{}
	ended   <-chan struct{}
}

// HandleError returns how long the subscriber waits before its next query,
// after waiting itself when the query found no message.
func (b wakingBackoff) HandleError(logger watermill.LoggerAdapter, noMsg bool, err error) time.Duration {
	if err != nil || !noMsg {
		return b.backoff.HandleError(logger, noMsg, err)
	}
	timer := time.NewTimer(jittered(b.poll))
	defer timer.Stop()
	select {
	case <-b.wake:
	case <-timer.C:
	case <-b.closing:
	case <-b.ended:
	}
	// At the end, a wait lets watermill-sql's loop see it, even when a
	// wake-up came at the same time. With none, the loop picks at random
	// between the end and its next query, and that query could hand a
	// message out again while its first handler still runs.
	if done(b.closing) || done(b.ended) {
		return b.poll
	}
	return 0
}

// jittered returns a wait drawn uniformly from 3/4 to 5/4 of poll, whose
// mean is poll. Subscriptions that start together would otherwise keep
// querying at the same moments, and on PostgreSQL each query of each
// subscription then needs its own pool connection at once.
func jittered(poll time.Duration) time.Duration {
	if poll <= 0 {
		return poll
	}
	return poll*3/4 + rand.N(poll/2+1)
}

// done reports whether ch is closed. A nil ch never is.
func done(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
