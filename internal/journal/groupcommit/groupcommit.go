// Package groupcommit lets a store commit concurrent writes, such as the
// journal's Accept calls, in shared transactions. A Committer hands each submitted row to one of
// a few goroutines. Each takes every row waiting at that moment, up to a
// maximum, and writes them in one transaction. Under load, many messages
// thus share one commit with its disk flush and round trips. A lone
// message still goes alone and at once.
//
// When a group's transaction fails, the committer writes its rows again
// one by one, so one bad row fails only its own call.
package groupcommit

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// ErrClosed is returned by Submit after Stop.
var ErrClosed = errors.New("journal store is closed")

// Store is the set of store operations a Committer calls, for rows of
// type R.
type Store[R any] struct {
	// Group writes rows in one transaction and reports which were new;
	// the others were duplicates and wrote nothing. An error means
	// nothing of the group was written.
	Group func(ctx context.Context, rows []R) ([]bool, error)
	// One writes one row in a transaction of its own.
	One func(ctx context.Context, row R) (journal.Receipt, error)
	// New returns the receipt of a row Group wrote.
	New func(row R) journal.Receipt
	// Original returns the receipt of a row Group found already written.
	Original func(ctx context.Context, row R) (journal.Receipt, error)
}

// Config sizes a Committer.
type Config struct {
	// Workers is how many groups may be written at once. Default 1.
	Workers int
	// MaxGroup is the most rows one transaction writes. Default 64.
	MaxGroup int
	// Timeout bounds one group's transactions. Default 30 s. Submit
	// waits for its group whatever its caller's context does, so that
	// its result always reports what was stored.
	Timeout time.Duration
	// OnGroup, when set, learns the size of each group before it is
	// written.
	OnGroup func(n int)
}

// Committer groups rows of type R. Its methods are safe for concurrent
// use.
type Committer[R any] struct {
	store   Store[R]
	cfg     Config
	queue   chan *pending[R]
	stop    chan struct{}
	once    sync.Once
	workers sync.WaitGroup
}

type pending[R any] struct {
	row  R
	done chan result
}

type result struct {
	receipt journal.Receipt
	err     error
}

// Start returns a Committer writing through store, with its goroutines
// running until Stop.
func Start[R any](store Store[R], cfg Config) *Committer[R] {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.MaxGroup <= 0 {
		cfg.MaxGroup = 64
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	c := &Committer[R]{store: store, cfg: cfg,
		queue: make(chan *pending[R]), stop: make(chan struct{})}
	for range cfg.Workers {
		c.workers.Go(c.loop)
	}
	return c
}

// Stop lets each goroutine finish its group and waits for them. Later
// Submit calls return ErrClosed.
func (c *Committer[R]) Stop() {
	c.once.Do(func() { close(c.stop) })
	c.workers.Wait()
}

// Submit writes row with whatever other rows are waiting, and returns its
// receipt. It gives up before the row is taken when ctx ends or the
// committer stops; once taken, it waits for the outcome.
func (c *Committer[R]) Submit(ctx context.Context, row R) (journal.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return journal.Receipt{}, err
	}
	p := &pending[R]{row: row, done: make(chan result, 1)}
	select {
	case c.queue <- p:
	case <-c.stop:
		return journal.Receipt{}, ErrClosed
	case <-ctx.Done():
		return journal.Receipt{}, ctx.Err()
	}
	r := <-p.done
	return r.receipt, r.err
}

func (c *Committer[R]) loop() {
	for {
		var first *pending[R]
		select {
		case first = <-c.queue:
		case <-c.stop:
			return
		}
		group := []*pending[R]{first}
	gather:
		for len(group) < c.cfg.MaxGroup {
			select {
			case p := <-c.queue:
				group = append(group, p)
			default:
				break gather
			}
		}
		c.commit(group)
	}
}

// commit writes group and sends each row's result to its submitter.
func (c *Committer[R]) commit(group []*pending[R]) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	if c.cfg.OnGroup != nil {
		c.cfg.OnGroup(len(group))
	}

	rows := make([]R, len(group))
	for i, p := range group {
		rows[i] = p.row
	}
	inserted, err := c.store.Group(ctx, rows)
	if err != nil {
		for _, p := range group {
			receipt, err := c.store.One(ctx, p.row)
			p.done <- result{receipt, err}
		}
		return
	}
	for i, p := range group {
		if inserted[i] {
			p.done <- result{receipt: c.store.New(p.row)}
			continue
		}
		receipt, err := c.store.Original(ctx, p.row)
		p.done <- result{receipt, err}
	}
}
