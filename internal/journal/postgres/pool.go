package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool returns the store's connection pool, for a bus that must publish
// and subscribe on the same database. The store still owns the pool:
// Close closes it.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
