package api

import (
	"fmt"
	"io"
	"net/http"

	"github.com/sangam-hub/sangam/internal/ingest"
)

// DefaultInboundBudget is the memory, in bytes, that the bodies of
// inbound posts in flight may take together when Server.InboundBudget is
// zero: 32 bodies of DefaultMaxBody, 256 MiB.
const DefaultInboundBudget = 32 * DefaultMaxBody

// minReadBuffer is the first buffer of a body sent without a
// Content-Length.
const minReadBuffer = 512

// readInbound reads r's body, at most limit bytes, into a buffer whose
// every byte up to limit it reserves from the inbound budget. Once the
// reservations of the bodies in flight would pass the budget, it stops
// reading and returns an error that wraps ingest.ErrBusy. A body whose
// Content-Length passes limit gets an *http.MaxBytesError at once, as
// it can never be accepted, however free the budget. The caller must
// call release, whatever the error, once it no longer holds the body.
func (s *Server) readInbound(w http.ResponseWriter, r *http.Request, limit int64) (
	body []byte, release func(), err error) {
	var reserved int64
	release = func() { s.inboundBytes.Add(-reserved) }
	if r.ContentLength > limit {
		return nil, release, &http.MaxBytesError{Limit: limit}
	}
	budget := s.inboundBudget()
	reserve := func(n int64) error {
		// The buffer's byte past limit only reads the body's end, and
		// is not counted, so that a budget of limit bytes fits a body
		// of limit bytes.
		n = min(n, limit-reserved)
		if n <= 0 {
			return nil
		}
		if s.inboundBytes.Add(n) > budget {
			s.inboundBytes.Add(-n)
			return fmt.Errorf("%w: the bodies being read or decoded take the inbound memory "+
				"budget of %s", ingest.ErrBusy, humanBytes(budget))
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
