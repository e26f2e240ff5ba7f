package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// withBodyDeadlines returns h with the read deadlines of bodyDeadlines on
// the body of every request, whatever endpoint reads it. A request that
// h responds to before reading its body to the end, such as one without
// a valid token, gets its response without waiting for the rest of the
// body, and its connection is closed after the response.
func (s *Server) withBodyDeadlines(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		body := &deadlineBody{ReadCloser: r.Body, deadlines: s.newBodyDeadlines(w),
			readTimeout: s.ReadTimeout}
		r.Body = body
		out := &unreadBodyWriter{ResponseWriter: w, body: body}
		h.ServeHTTP(out, r)
		// net/http writes the response of a handler that wrote nothing,
		// and would read the rest of the body first.
		out.beforeResponse()
	})
}

// deadlineBody is a request body that sets the connection's read
// deadline before each read, and names the deadline that a read missed.
type deadlineBody struct {
	io.ReadCloser
	deadlines   *bodyDeadlines
	readTimeout time.Duration
	// sawEOF is set once a read returned io.EOF.
	sawEOF atomic.Bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	stallDeadline := b.deadlines.beforeRead()
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.sawEOF.Store(true)
		b.deadlines.afterBody()
	case stallDeadline && errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("no byte of the body arrived for %s, so the hub stopped "+
			"reading it", b.deadlines.stall)
	case errors.Is(err, os.ErrDeadlineExceeded) && b.readTimeout > 0:
		err = fmt.Errorf("the body did not arrive within %s of the request's start, "+
			"so the hub stopped reading it", b.readTimeout)
	}
	return n, err
}

// unreadBodyWriter is the response to a request with a body. When the
// response starts before the handler has read the body to its end, it
// has the connection closed after the response, and sets the
// connection's read deadline to the present. Without that, net/http
// would read the rest of the body, up to 256 KiB, before it writes the
// response and after it, and wait up to the server's ReadTimeout for a
// body that has stalled.
type unreadBodyWriter struct {
	http.ResponseWriter
	body      *deadlineBody
	responded bool
}

func (u *unreadBodyWriter) WriteHeader(code int) {
	if code >= http.StatusOK {
		u.beforeResponse()
	}
	u.ResponseWriter.WriteHeader(code)
}

func (u *unreadBodyWriter) Write(p []byte) (int, error) {
	u.beforeResponse()
	return u.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (u *unreadBodyWriter) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// beforeResponse stops the reading of the body's rest, once, unless the
// handler has read it to its end.
func (u *unreadBodyWriter) beforeResponse() {
	if u.responded || u.body.sawEOF.Load() {
		return
	}
	u.responded = true
	closeAfterResponse(u.ResponseWriter)
	_ = http.NewResponseController(u.ResponseWriter).SetReadDeadline(time.Now())
}

// closeAfterResponse has net/http close w's connection after the
// response, as it does once a body passes a MaxBytesReader's limit. It
// then sets Connection: close and closes the connection's write side a
// moment before the rest, so that the client reads the response before
// the reset that closing a connection with unread bytes sends. A
// Connection: close header alone closes the connection at once, so a
// client still sending the body gets that reset instead of the response.
func closeAfterResponse(w http.ResponseWriter) {
	for {
		inner, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = inner.Unwrap()
	}
	// One byte passes a limit of none.
	over := http.MaxBytesReader(w, io.NopCloser(strings.NewReader(" ")), 0)
	_, _ = over.Read(make([]byte, 1))
}
