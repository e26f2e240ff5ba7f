package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/journal/journaltest"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

func TestConformance(t *testing.T) {
	journaltest.Run(t, openHarness)
}

func TestSchedulerConformance(t *testing.T) {
	journaltest.RunScheduler(t, openHarness)
}

// openHarness opens a store on the database file at path, or on a new
// file when path is empty.
func openHarness(t *testing.T, path string) journaltest.Harness {
	if path == "" {
		path = filepath.Join(t.TempDir(), "journal.db")
	}
	db := openDB(t, path)
	announced := &journaltest.Announcements{}
	store, err := New(context.Background(), db, Config{Published: announced.Published})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })

	return journaltest.Harness{
		Announced: announced,
		Store:     store,
		Storage:   path,
		InitializeTopic: func(t *testing.T, topic string) {
			if err := sqlitebus.InitializeTopic(context.Background(), db, topic); err != nil {
				t.Fatalf("initializing topic %s: %v", topic, err)
			}
		},
		Outbox: func(t *testing.T, topic string) []*message.Message { return readTopic(t, db, topic) },
	}
}

func TestNewConcurrentMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}

	// Separate handles, as two processes would have.
	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		db := openDB(t, path)
		wg.Go(func() { _, errs[i] = New(context.Background(), db, Config{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("New %d: %v", i, err)
		}
	}

	var rows int
	err = openDB(t, path).QueryRow("SELECT count(*) FROM schema_migrations").Scan(&rows)
	if err != nil {
		t.Fatalf("reading schema_migrations: %v", err)
	}
	if rows != len(migrations) {
		t.Errorf("schema_migrations has %d rows, want %d, one per migration", rows, len(migrations))
	}
}

func TestNewAppliesNothingTwice(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "journal.db"))
	if _, err := New(context.Background(), db, Config{}); err != nil {
		t.Fatalf("first New: %v", err)
	}
	lock, err := hubsqlite.WriteLockFor(context.Background(), db)
	if err != nil {
		t.Fatalf("WriteLockFor: %v", err)
	}
	applied, err := migrate(context.Background(), db, lock)
	if err != nil {
		t.Fatalf("migrating again: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("migrating an up-to-date database applied %v, want nothing", applied)
	}
}

func TestNewWithoutDB(t *testing.T) {
	if _, err := New(context.Background(), nil, Config{}); err == nil {
		t.Errorf("New with a nil db succeeded, want an error")
	}
}

// openDB opens the database file at path as the hub does and closes it
// when t ends.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := hubsqlite.Open(path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// readTopic returns the messages in topic's table, oldest first.
func readTopic(t *testing.T, db *sql.DB, topic string) []*message.Message {
	t.Helper()
	rows, err := db.Query(`SELECT uuid, payload, metadata FROM ` +
		sqlitebus.Schema{}.MessagesTable(topic) + ` ORDER BY "offset"`)
	if err != nil {
		t.Fatalf("reading topic %s: %v", topic, err)
	}
	defer rows.Close()

	var msgs []*message.Message
	for rows.Next() {
		var id string
		var payload, metadata []byte
		if err := rows.Scan(&id, &payload, &metadata); err != nil {
			t.Fatalf("reading topic %s: %v", topic, err)
		}
		msg := message.NewMessage(id, payload)
		if err := json.Unmarshal(metadata, &msg.Metadata); err != nil {
			t.Fatalf("decoding metadata on topic %s: %v", topic, err)
		}
		msgs = append(msgs, msg)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading topic %s: %v", topic, err)
	}
	return msgs
}
