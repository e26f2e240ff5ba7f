//go:build unix

package sqlitebus_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// crashStepEnv selects the step a child process of TestCrash runs, and
// crashPathEnv names its database file.
const (
	crashStepEnv = "SANGAM_SQLITEBUS_CRASH_STEP"
	crashPathEnv = "SANGAM_SQLITEBUS_CRASH_DB"
	crashTopic   = "crash"
)

// TestMain runs a TestCrash step instead of the tests when the test binary
// is started as a child process.
func TestMain(m *testing.M) {
	if step := os.Getenv(crashStepEnv); step != "" {
		if err := runCrashStep(step, os.Getenv(crashPathEnv)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(3) // a step ends by killing itself, so this is a failure
	}
	os.Exit(m.Run())
}

// TestCrash kills processes that use the bus with SIGKILL, which skips
// every deferred close and cleanup:
//  1. a child publishes one message and commits, then publishes a second
//     message in a transaction it never ends, and dies;
//  2. a child receives the committed message and dies without acking;
//  3. this process receives the committed message again, acks it, and
//     the next message it receives is a new one, not the uncommitted one.
func TestCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")

	committed := runCrashChild(t, "publish", path)
	if committed == "" {
		t.Fatal("publishing child reported no message id")
	}
	delivered := runCrashChild(t, "consume", path)
	if delivered != committed {
		t.Fatalf("consuming child received %q, want the committed message %q", delivered, committed)
	}

	db := openPath(t, path)
	_, messages := subscribe(t, db, fastConfig, crashTopic)
	again := receive(t, messages)
	if again.UUID != committed {
		t.Fatalf("after the crashes received %s %q, want the committed message %s",
			again.UUID, again.Payload, committed)
	}
	again.Ack()

	sentinel := publish(t, db, crashTopic, "sentinel")
	next := receive(t, messages)
	if next.UUID != sentinel.UUID {
		t.Errorf("after the ack received %s %q, want the sentinel %s", next.UUID, next.Payload, sentinel.UUID)
	}
	next.Ack()
}

// runCrashChild runs one step in a child process, checks that SIGKILL
// ended it, and returns the message id the step printed.
func runCrashChild(t *testing.T, step, path string) string {
	t.Helper()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
	cmd.Env = append(os.Environ(), crashStepEnv+"="+step, crashPathEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()

	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("step %s: want the child killed, got error %v, stderr: %s", step, err, stderr.String())
	}
	status, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok || !status.Signaled() || status.Signal() != syscall.SIGKILL {
		t.Fatalf("step %s: child ended with %v, want SIGKILL; stderr: %s", step, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// runCrashStep runs step in the child process. It prints the id of the
// message it published or received and kills its own process.
func runCrashStep(step, path string) error {
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}

	var id string
	switch step {
	case "publish":
		id, err = publishThenCrash(db)
	case "consume":
		id, err = receiveOne(db)
	default:
		err = fmt.Errorf("unknown step %q", step)
	}
	if err != nil {
		return fmt.Errorf("step %s: %w", step, err)
	}

	stdout := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(stdout, id)
	if err := stdout.Flush(); err != nil {
		return err
	}
	return syscall.Kill(os.Getpid(), syscall.SIGKILL)
}

// publishThenCrash commits one message and leaves a second one in an open
// transaction. It returns the committed message's id.
func publishThenCrash(db *sql.DB) (string, error) {
	ctx := context.Background()
	if err := sqlitebus.InitializeTopic(ctx, db, crashTopic); err != nil {
		return "", err
	}

	publisher, err := sqlitebus.NewPublisher(db, nil)
	if err != nil {
		return "", err
	}
	committed := message.NewMessage(watermill.NewUUID(), []byte("committed"))
	if err := publisher.Publish(crashTopic, committed); err != nil {
		return "", err
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	txPublisher, err := sqlitebus.NewPublisher(tx, nil)
	if err != nil {
		return "", err
	}
	uncommitted := message.NewMessage(watermill.NewUUID(), []byte("uncommitted"))
	if err := txPublisher.Publish(crashTopic, uncommitted); err != nil {
		return "", err
	}
	return committed.UUID, nil
}

// receiveOne receives one message and leaves it unacknowledged.
func receiveOne(db *sql.DB) (string, error) {
	subscriber, err := sqlitebus.NewSubscriber(db, fastConfig, nil)
	if err != nil {
		return "", err
	}
	messages, err := subscriber.Subscribe(context.Background(), crashTopic)
	if err != nil {
		return "", err
	}
	msg, ok := <-messages
	if !ok {
		return "", errors.New("message channel closed")
	}
	return msg.UUID, nil
}
