package api

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sangam-hub/sangam/internal/ingest"
)

// DefaultInboundBudget is the memory, in bytes, that the bodies of
// inbound posts in flight may take together when Server.InboundBudget is
// zero: 32 bodies of DefaultMaxBody, 256 MiB.
const DefaultInboundBudget = 32 * DefaultMaxBody

// senderShareDivisor divides the inbound budget into the share that the
// bodies of one sender in flight may take. A sender who holds its posts
// open, or sends them slowly, thus leaves three quarters of the budget to
// the others.
const senderShareDivisor = 4

// DefaultBodyStall is Server.BodyStall when it is zero.
const DefaultBodyStall = 15 * time.Second

// minReadBuffer is the first buffer of a body sent without a
// Content-Length.
const minReadBuffer = 512

// inboundLedger counts the bytes that the bodies of inbound posts in
// flight have reserved, in all and by sender.
type inboundLedger struct {
	mu       sync.Mutex
	total    int64
	bySender map[string]int64
}

// shareError is the error of a reservation that would take the sender's
// bodies in flight past the sender's share of the budget. It wraps
// ingest.ErrBusy.
type shareError struct {
	sender string
	share  int64
}

func (e *shareError) Error() string {
	return fmt.Sprintf("%v: the bodies in flight of sender %s take its share of %s of the "+
		"inbound memory budget", ingest.ErrBusy, e.sender, humanBytes(e.share))
}

func (e *shareError) Unwrap() error { return ingest.ErrBusy }

// reserve adds n bytes to sender's reservations, or returns an error that
// wraps ingest.ErrBusy, a *shareError when it is sender's share that n
// would pass, and reserves nothing.
func (l *inboundLedger) reserve(sender string, n, budget, share int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bySender[sender]+n > share {
		return &shareError{sender: sender, share: share}
	}
	if l.total+n > budget {
		return fmt.Errorf("%w: the bodies being read or decoded take the inbound memory "+
			"budget of %s", ingest.ErrBusy, humanBytes(budget))
	}
	if l.bySender == nil {
		l.bySender = make(map[string]int64)
	}
	l.bySender[sender] += n
	l.total += n
	return nil
}

// release returns n bytes of sender's reservations.
func (l *inboundLedger) release(sender string, n int64) {
	if n == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total -= n
	if left := l.bySender[sender] - n; left > 0 {
		l.bySender[sender] = left
	} else {
		delete(l.bySender, sender)
	}
}

// readInbound reads r's body, at most limit bytes, into a buffer whose
// every byte up to limit it reserves from the inbound budget for r's
// sender. It stops reading and returns an error that wraps ingest.ErrBusy
// once the reservations of all bodies in flight would pass the budget, or
// those of the sender's bodies would pass its share (see senderShare). A
// body whose Content-Length passes limit gets an *http.MaxBytesError at
// once, as it can never be accepted, however free the budget. A body of
// which no byte arrives for BodyStall gets an error that names the stall
// (see withBodyDeadlines). The caller must call release, whatever the
// error, once it no longer holds the body.
func (s *Server) readInbound(w http.ResponseWriter, r *http.Request, limit int64) (
	body []byte, release func(), err error) {
	var reserved int64
	from := sender(r)
	release = func() { s.reservations.release(from, reserved) }
	if r.ContentLength > limit {
		return nil, release, &http.MaxBytesError{Limit: limit}
	}
	budget := s.inboundBudget()
	share := senderShare(budget, limit)
	reserve := func(n int64) error {
		// The buffer's byte past limit only reads the body's end, and
		// is not counted, so that a budget of limit bytes fits a body
		// of limit bytes.
		n = min(n, limit-reserved)
		if n <= 0 {
			return nil
		}
		if err := s.reservations.reserve(from, n, budget, share); err != nil {
			return err
		}
		reserved += n
		return nil
	}

	// One byte more than the body, so that reading its end needs no
	// larger buffer.
	size := int64(minReadBuffer)
	if r.ContentLength > 0 {
		size = min(r.ContentLength, limit) + 1
	}
	if err := reserve(size); err != nil {
		return nil, release, err
	}
	buf := make([]byte, 0, size)
	in := http.MaxBytesReader(w, r.Body, limit)
	for {
		if len(buf) == cap(buf) {
			// MaxBytesReader fails once the body passes limit, so the
			// buffer never needs more than limit+1 bytes.
			grow := max(min(int64(cap(buf)), limit+1-int64(cap(buf))), minReadBuffer)
			if err := reserve(grow); err != nil {
				return nil, release, err
			}
			larger := make([]byte, len(buf), int64(cap(buf))+grow)
			copy(larger, buf)
			buf = larger
		}
		n, err := in.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, release, nil
		}
		if err != nil {
			return nil, release, err
		}
	}
}

// inboundBudget returns InboundBudget, or DefaultInboundBudget when it is
// zero.
func (s *Server) inboundBudget() int64 {
	if s.InboundBudget == 0 {
		return DefaultInboundBudget
	}
	return s.InboundBudget
}

// bodyDeadlines sets the read deadlines of the connection of one request
// body, so that a body that makes no progress for stall is cut off before
// the server's ReadTimeout.
type bodyDeadlines struct {
	control *http.ResponseController
	stall   time.Duration
	// end is ReadTimeout after the handler started, or zero without a
	// ReadTimeout. No deadline that bodyDeadlines sets is later.
	end time.Time
}

// newBodyDeadlines returns the deadlines of the body that w responds to.
func (s *Server) newBodyDeadlines(w http.ResponseWriter) *bodyDeadlines {
	d := &bodyDeadlines{control: http.NewResponseController(w), stall: s.BodyStall}
	if d.stall == 0 {
		d.stall = DefaultBodyStall
	}
	if s.ReadTimeout > 0 {
		d.end = time.Now().Add(s.ReadTimeout)
	}
	return d
}

// beforeRead sets the connection's read deadline to stall from now, or to
// end when that is sooner. It reports whether the stall deadline is the
// one set, and false when the connection does not support deadlines.
func (d *bodyDeadlines) beforeRead() bool {
	deadline := time.Now().Add(d.stall)
	if !d.end.IsZero() && d.end.Before(deadline) {
		_ = d.control.SetReadDeadline(d.end)
		return false
	}
	return d.control.SetReadDeadline(deadline) == nil
}

// afterBody sets the connection's read deadline back to end, the one
// that holds while the handler decodes and stores the body. The server
// reads on in the background to learn whether the sender hangs up, and
// a stall deadline there would cancel the request's context.
func (d *bodyDeadlines) afterBody() {
	_ = d.control.SetReadDeadline(d.end)
}

// senderShare returns the part of budget that the bodies of one sender in
// flight may reserve together: a senderShareDivisor-th of budget, but at
// least limit, the largest body, and at most budget.
func senderShare(budget, limit int64) int64 {
	return min(max(budget/senderShareDivisor, limit), budget)
}

// sender returns the key under which r's body counts against its sender's
// share of the inbound budget: the name of the token holder, or, when the
// API runs without tokens, the address r comes from, without its port.
func sender(r *http.Request) string {
	if p, ok := principal(r); ok {
		return "token " + p.Name
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "address " + host
}

// isShareError reports whether err is that of a post beyond its sender's
// share of the inbound budget, and returns the share.
func isShareError(err error) (int64, bool) {
	var share *shareError
	if errors.As(err, &share) {
		return share.share, true
	}
	return 0, false
}
