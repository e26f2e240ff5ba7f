//go:build unix

package delivery_test

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// TestHandleTokenFileReplacedByNamedPipe replaces a destination's token
// file with a named pipe that no process writes to. The attempt fails
// at once with a reason that names the file, and the delivery waits for
// a retry, as it does while the file is missing.
func TestHandleTokenFileReplacedByNamedPipe(t *testing.T) {
	dest := newGuardedDestination(t, "Bearer "+testToken)
	path := secretFile(t, testToken)
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 3,
		settings: "    bearer_token_file: " + path + "\n"})
	d := f.acceptFIR(t)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("making a named pipe: %v", err)
	}

	handled := make(chan error, 1)
	go func() { handled <- f.handle(context.Background(), d) }()
	select {
	case err := <-handled:
		if err != nil {
			t.Fatalf("Handle: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Handle still waits for a writer to the named pipe after a minute")
	}

	got := f.reload(t, d)
	if got.Status != journal.StatusPending {
		t.Errorf("status = %q, want pending, to try again once the file is regular", got.Status)
	}
	want := `not sent: destination "station": bearer_token_file: ` + path +
		" is a named pipe, not a regular file"
	if len(got.Attempts) != 1 || !strings.HasPrefix(got.Attempts[0].Error, want) {
		t.Errorf("attempts = %+v, want one whose error starts with %q", got.Attempts, want)
	}
	if n := len(dest.headers()); n != 0 {
		t.Errorf("destination received %d requests, want none", n)
	}
}
