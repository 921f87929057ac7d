package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema change. Files are named NNNN_name.sql; a
// NNNN_name.postgres.sql beside one replaces it on Postgres.
type Migration struct {
	Version   int
	Name      string
	AppliedAt *time.Time
}

type migrationSource struct {
	Migration
	sql string
}

// migrationLockKey is the Postgres advisory lock that serializes migrators.
const migrationLockKey = 7_303_411_201

func (d Dialect) migrations() ([]migrationSource, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migrationSource{}
	for _, e := range entries {
		file := e.Name()
		base := strings.TrimSuffix(file, ".sql")
		override := ""
		if b, ok := strings.CutSuffix(base, ".postgres"); ok {
			base, override = b, string(Postgres)
		}
		if override != "" && Dialect(override) != d {
			continue
		}
		num, name, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", file)
		}
		body, err := migrationFiles.ReadFile("migrations/" + file)
		if err != nil {
			return nil, err
		}
		m := byVersion[version]
		if m != nil && m.Name != name {
			return nil, fmt.Errorf("migration %d has two names: %s and %s", version, m.Name, name)
		}
		if m == nil || override != "" {
			byVersion[version] = &migrationSource{Migration: Migration{Version: version, Name: name}, sql: string(body)}
		}
	}
	out := make([]migrationSource, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS krowoc_migrations (
	version    BIGINT PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at BIGINT NOT NULL
)`

// Migrate applies every pending migration in order, each in its own
// transaction, and returns the ones it applied. It is safe to run again and
// safe to run from several processes at once.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	applied, err := db.migrateTo(ctx, math.MaxInt)
	if err != nil {
		return applied, err
	}
	if err := db.migrateJobs(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// migrateTo applies the pending migrations up to version, in order.
func (db *DB) migrateTo(ctx context.Context, version int) ([]Migration, error) {
	all, err := db.dialect.migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("create migrations table: %w", err)
	}
	var applied []Migration
	for _, m := range all {
		if m.Version > version {
			break
		}
		done := false
		err := db.Update(ctx, func(tx *Tx) error {
			if db.dialect == Postgres {
				if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLockKey); err != nil {
					return err
				}
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM krowoc_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO krowoc_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, toMillis(tx.now)); err != nil {
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if done {
			applied = append(applied, m.Migration)
		}
	}
	return applied, nil
}

// migrateJobs brings River's job tables to the version this binary's River
// expects. River keeps its own migration history (river_migration).
func (db *DB) migrateJobs(ctx context.Context) error {
	var err error
	if db.dialect == Postgres {
		var m *rivermigrate.Migrator[*sql.Tx]
		if m, err = rivermigrate.New(riverdatabasesql.New(db.write), nil); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	} else {
		var m *rivermigrate.Migrator[*sql.Tx]
		if m, err = rivermigrate.New(riversqlite.New(db.write), nil); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("job queue tables: %w", err)
	}
	return nil
}

// MigrationStatus lists every known migration with the time it was applied,
// or nil for pending ones.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	all, err := db.dialect.migrations()
	if err != nil {
		return nil, err
	}
	appliedAt := map[int]time.Time{}
	rows, err := db.reader().query(ctx, `SELECT version, applied_at FROM krowoc_migrations`)
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var v int
			var at int64
			if err := rows.Scan(&v, &at); err != nil {
				return nil, err
			}
			appliedAt[v] = fromMillis(at)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	} else if !db.isMissingTable(err) {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	out := make([]Migration, len(all))
	for i, m := range all {
		out[i] = m.Migration
		if at, ok := appliedAt[m.Version]; ok {
			out[i].AppliedAt = &at
		}
	}
	return out, nil
}

func (db *DB) isMissingTable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "does not exist")
}
