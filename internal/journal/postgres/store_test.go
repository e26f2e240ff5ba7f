package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"testing"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus/pgbus"
	"github.com/sangam-hub/sangam/internal/journal/journaltest"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func TestConformance(t *testing.T) {
	journaltest.Run(t, openHarness)
}

// TestConformanceLazyAttempts runs the conformance suite on a store that
// records attempts as the hub does on the PostgreSQL bus.
func TestConformanceLazyAttempts(t *testing.T) {
	journaltest.Run(t, func(t *testing.T, schema string) journaltest.Harness {
		h := openHarness(t, schema)
		h.Store.(*Store).lazyAttempts = true
		return h
	})
}

func TestSchedulerConformance(t *testing.T) {
	journaltest.RunScheduler(t, openHarness)
}

// openHarness opens a store in schema, or in a fresh schema when schema is
// empty.
func openHarness(t *testing.T, schema string) journaltest.Harness {
	if schema == "" {
		schema = freshSchema(t)
	}
	announced := &journaltest.Announcements{}
	store, err := Open(context.Background(), Config{
		DSN: pgtest.WithSearchPath(t, testDSN(), schema), Published: announced.Published,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })

	return journaltest.Harness{
		Announced:       announced,
		Store:           store,
		Storage:         schema,
		InitializeTopic: func(t *testing.T, topic string) { initializeTopic(t, store.pool, topic) },
		Outbox:          func(t *testing.T, topic string) []*message.Message { return readTopic(t, store.pool, topic) },
	}
}

// testDSN returns the server to test against, from SANGAM_TEST_POSTGRES.
// openFreshStore opens a Store on a schema of its own, which it closes
// when t ends.
func openFreshStore(t *testing.T) *Store {
	t.Helper()
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	store, err := Open(context.Background(), Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

func testDSN() string {
	if dsn := os.Getenv("SANGAM_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return defaultTestDSN
}

// freshSchema creates a schema of a random name, drops it when t ends and
// returns its name. It skips t when the server is unreachable.
func freshSchema(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	base := testDSN()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Skipf("PostgreSQL unreachable at %s, set SANGAM_TEST_POSTGRES: %v", redact(base), err)
	}
	defer conn.Close(ctx)

	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "journal_test_" + hex.EncodeToString(suffix)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connecting to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "the configured server"
}

// initializeTopic creates topic's bus tables in the store's schema.
func initializeTopic(t *testing.T, pool *pgxpool.Pool, topic string) {
	t.Helper()
	if err := pgbus.InitializeTopic(context.Background(), pool, topic); err != nil {
		t.Fatalf("initializing topic %s: %v", topic, err)
	}
}

// readTopic returns the messages in topic's table, oldest first.
func readTopic(t *testing.T, pool *pgxpool.Pool, topic string) []*message.Message {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT uuid, payload, metadata FROM `+
		wsql.PostgreSQLQueueSchema{}.MessagesTable(topic)+` ORDER BY "offset"`)
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
