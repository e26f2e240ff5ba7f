package routestoretest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/routestore"
)

// documentTemplate is a valid routes document whose version label and
// second route's condition vary.
const documentTemplate = `version: %s
destinations:
  - name: ecourts
    agency: courts
    url: http://127.0.0.1:9/ecf
  - name: cctns
    agency: police
    url: http://127.0.0.1:9/notifications
routes:
  - name: chargesheet-to-court
    when: message.type == "chargesheet"
    to: [ecourts]
  - name: cnr-to-police
    when: %s
    to: [cctns]
`

// document returns a routes document labelled label whose route
// cnr-to-police has the condition when.
func document(label, when string) []byte {
	return fmt.Appendf(nil, documentTemplate, label, when)
}

// documentN returns a distinct valid document for each n.
func documentN(n int) []byte {
	return document(fmt.Sprintf("test-%d", n),
		fmt.Sprintf(`message.type == "court_registration" && size(message.source) > %d`, n))
}

// waitTimeout bounds every wait for a Watcher. The watchers in the suite
// read every pollInterval, so a pass takes a few of those.
const (
	waitTimeout  = 10 * time.Second
	pollInterval = 20 * time.Millisecond
)

func save(t *testing.T, s routestore.Store, c routestore.Change) routestore.Version {
	t.Helper()
	if c.By == "" {
		c.By = "admin@test"
	}
	v, err := s.Save(context.Background(), c)
	if err != nil {
		t.Fatalf("Save(expect %d): %v", c.Expect, err)
	}
	return v
}

// saveN saves documentN(1) to documentN(n) as versions 1 to n.
func saveN(t *testing.T, s routestore.Store, n int) []routestore.Version {
	t.Helper()
	var vs []routestore.Version
	for i := 1; i <= n; i++ {
		vs = append(vs, save(t, s, routestore.Change{
			Document: documentN(i),
			Comment:  fmt.Sprintf("change %d", i),
			Expect:   i - 1,
		}))
	}
	return vs
}

func current(t *testing.T, s routestore.Store) routestore.Version {
	t.Helper()
	v, err := s.Current(context.Background())
	if err != nil {
		t.Fatalf("Current: %v", err)
	}
	return v
}

func list(t *testing.T, s routestore.Store, limit int) []routestore.Info {
	t.Helper()
	infos, err := s.List(context.Background(), limit, 0)
	if err != nil {
		t.Fatalf("List(%d): %v", limit, err)
	}
	return infos
}

// numbers returns the version numbers of infos, in order.
func numbers(infos []routestore.Info) []int {
	out := make([]int, 0, len(infos))
	for _, info := range infos {
		out = append(out, info.Number)
	}
	return out
}

// diffVersion returns how got differs from want, or "" when it does not.
func diffVersion(got, want routestore.Version) string {
	if !bytes.Equal(got.Document, want.Document) {
		return fmt.Sprintf("document %q, want %q", got.Document, want.Document)
	}
	return diffInfo(got.Info, want.Info)
}

func diffInfo(got, want routestore.Info) string {
	switch {
	case got.Number != want.Number:
		return fmt.Sprintf("number %d, want %d", got.Number, want.Number)
	case got.By != want.By:
		return fmt.Sprintf("by %q, want %q", got.By, want.By)
	case got.Comment != want.Comment:
		return fmt.Sprintf("comment %q, want %q", got.Comment, want.Comment)
	case !got.CreatedAt.Equal(want.CreatedAt):
		return fmt.Sprintf("created_at %s, want %s", got.CreatedAt, want.CreatedAt)
	case got.CreatedAt.Location() != time.UTC:
		return fmt.Sprintf("created_at in %s, want UTC", got.CreatedAt.Location())
	case got.RestoredFrom != want.RestoredFrom:
		return fmt.Sprintf("restored_from %d, want %d", got.RestoredFrom, want.RestoredFrom)
	}
	return ""
}

// requireConflict fails t unless err is a *ConflictError with the given
// numbers.
func requireConflict(t *testing.T, err error, expect, current int) {
	t.Helper()
	if !errors.Is(err, routestore.ErrConflict) {
		t.Fatalf("error = %v, want ErrConflict", err)
	}
	var conflict *routestore.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("error %v is not a *ConflictError", err)
	}
	if conflict.Expect != expect || conflict.Current != current {
		t.Errorf("conflict = expect %d, current %d; want expect %d, current %d",
			conflict.Expect, conflict.Current, expect, current)
	}
}

// logBuffer collects the text logs of a Watcher.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
