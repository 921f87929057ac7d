// Package storetest opens real domain stores for tests: a fresh SQLite file
// always, and a fresh Postgres schema when KROWOC_TEST_DATABASE_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/krowoc/krowoc/internal/store"
)

// EnvPostgresURL names the variable that enables the Postgres runs.
const EnvPostgresURL = "KROWOC_TEST_DATABASE_URL"

// Dialects returns the dialects every store test runs on: SQLite always,
// Postgres when KROWOC_TEST_DATABASE_URL is set.
func Dialects() []store.Dialect {
	if os.Getenv(EnvPostgresURL) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	return []store.Dialect{store.SQLite}
}

// Run runs fn as a subtest on a fresh, migrated store of every dialect.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open opens a fresh, migrated store of dialect d that is removed when the
// test ends.
func Open(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	db := OpenEmpty(tb, d)
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s store: %v", d, err)
	}
	return db
}

// OpenEmpty opens a fresh store of dialect d without migrating it, for
// tests of migrations; it is removed when the test ends.
func OpenEmpty(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	ctx := context.Background()
	opts := store.Options{DataDir: tb.TempDir()}
	var schema string
	if d == store.Postgres {
		opts.URL = os.Getenv(EnvPostgresURL)
		if opts.URL == "" {
			tb.Fatalf("%s is not set", EnvPostgresURL)
		}
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		schema = "t_" + hex.EncodeToString(b)
		opts.PostgresSchema = schema
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		tb.Fatalf("open %s store: %v", d, err)
	}
	tb.Cleanup(func() {
		if schema != "" {
			_ = db.DropSchema(context.Background(), schema)
		}
		_ = db.Close()
	})
	return db
}
