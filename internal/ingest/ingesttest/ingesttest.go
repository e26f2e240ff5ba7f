// Package ingesttest builds the ingest service that the tests of the
// hub's checks post documents to: the shipped adapters over a SQLite
// journal in a temporary folder.
package ingesttest

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/routes"
)

// NoRoutes is a routes document that sends nothing anywhere.
const NoRoutes = "version: no-routes\ndestinations: []\nroutes: []\n"

// Service returns an ingest service with the shipped adapters, routing
// by routesDoc, over a SQLite journal in a temporary folder of t, and
// that journal. The bus topics of the routes' destinations exist, so a
// routed message can be journaled. The caller adds its enrichers and
// claimers.
func Service(t *testing.T, routesDoc string) (*ingest.Service, journal.Store) {
	t.Helper()
	ctx := context.Background()
	db, err := hubsqlite.Open(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	log := slog.New(slog.DiscardHandler)
	store, err := journalsqlite.New(ctx, db, journalsqlite.Config{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	table, err := routes.Load([]byte(routesDoc))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range table.Config().Destinations {
		for shard := range d.Concurrency {
			if err := sqlitebus.InitializeTopic(ctx, db, delivery.Topic(d.Name, shard)); err != nil {
				t.Fatal(err)
			}
		}
	}
	set, err := registry.Default(registry.Options{AadhaarKey: []byte("ingest test key of 32 bytes, ok!")})
	if err != nil {
		t.Fatal(err)
	}
	return &ingest.Service{
		Adapters: set, Store: store, Log: log,
		Routes: func() *routes.Table { return table },
	}, store
}

// Sample returns the file at path with each text of pairs, given as old
// and new, replaced once. It fails t when an old text is missing, so that
// a test never posts a sample it did not change.
func Sample(t *testing.T, path string, pairs ...string) []byte {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if !bytes.Contains(body, []byte(pairs[i])) {
			t.Fatalf("%s lacks %s", path, pairs[i])
		}
		body = bytes.Replace(body, []byte(pairs[i]), []byte(pairs[i+1]), 1)
	}
	return body
}
