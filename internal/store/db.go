// Package store is Krowoc's domain store: one API over database/sql for the
// embedded SQLite file and for Postgres, each query written once.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver Pocketbase uses too
)

// SQLiteFile is the name of the domain database inside the data folder.
const SQLiteFile = "krowoc.db"

// DB is an open domain store. On SQLite, writes go through a single
// connection so they are serialized, while reads use a pool; on Postgres both
// are the same pool.
type DB struct {
	read  *sql.DB
	write *sql.DB
	// lookup is a second read pool for the few-row reads a run makes
	// before it calls the provider (lookups); on Postgres, read again.
	lookup  *sql.DB
	dialect Dialect
	counts  *countCache
	// pg is the connection configuration on Postgres, for the job
	// queue's LISTEN connections; nil on SQLite.
	pg     *pgx.ConnConfig
	outbox outboxSignal
	// readStmts and writeStmts keep SQLite's statements prepared per pool;
	// nil on Postgres.
	readStmts, writeStmts, lookupStmts *stmtCache
	// recorder writes live executions' records in batches (recorder.go).
	recorder *recorder
	// searchCountCap replaces SearchCountCap when set (tests lower it).
	searchCountCap int
	// Now returns the current time; tests freeze it.
	Now func() time.Time
}

// Options select and tune the database to open.
type Options struct {
	// DataDir holds krowoc.db when URL is empty.
	DataDir string
	// URL is a postgres:// URL; empty means the embedded SQLite file.
	URL string
	// PostgresSchema, when set, is created if missing and put first on the
	// search path. Tests use it to isolate each test in one database.
	PostgresSchema string
}

// Open opens the store selected by opts and checks that it answers, but does
// not migrate it. It returns an error naming the setting when the URL is
// malformed or the database cannot be reached.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.URL != "" {
		return openPostgres(ctx, opts)
	}
	return openSQLite(ctx, opts.DataDir)
}

func openSQLite(ctx context.Context, dataDir string) (*DB, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, SQLiteFile)
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

	// The writer keeps 16 MiB of pages too (SQLite's default is 2 MiB): a
	// batch of runs touches executions, events and usage rows, and with the
	// default the page cache churned on every batch
	// (BenchmarkRecorder: 81 -> 62 µs per finish with usage).
	write, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-16384)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)

	// Readers map the file and keep a larger page cache: list pages and
	// searches touch many rows.
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=mmap_size(268435456)&_pragma=cache_size(-16384)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	conns := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(conns)
	read.SetMaxIdleConns(conns)
	read.SetConnMaxLifetime(0)

	// Lookups do not map the file. A connection whose file changed since
	// its last read drops its cache, and with a mapping it also unmaps the
	// file (munmap: about a third of such a read); a run's reads come right
	// after the previous run's writes and touch a few pages each, which
	// read(2) fetches for less.
	lookup, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	lookup.SetMaxOpenConns(conns)
	lookup.SetMaxIdleConns(conns)
	lookup.SetConnMaxLifetime(0)

	db := &DB{read: read, write: write, lookup: lookup, dialect: SQLite, counts: newCountCache(), Now: time.Now,
		readStmts: newStmtCache(read), writeStmts: newStmtCache(write), lookupStmts: newStmtCache(lookup)}
	db.recorder = newRecorder(db)
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	cfg, err := ParsePostgresURL(opts.URL)
	if err != nil {
		return nil, err
	}
	if opts.PostgresSchema != "" {
		cfg.RuntimeParams["search_path"] = opts.PostgresSchema
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	pool.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	pool.SetConnMaxIdleTime(5 * time.Minute)

	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if opts.PostgresSchema != "" {
		if _, err := pool.ExecContext(pingCtx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{opts.PostgresSchema}.Sanitize()); err != nil {
			pool.Close()
			return nil, fmt.Errorf("create schema %s: %w", opts.PostgresSchema, err)
		}
	}
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach the database at %s: %w", describeHost(cfg), unwrapConnectError(err))
	}
	db := &DB{read: pool, write: pool, lookup: pool, dialect: Postgres, counts: newCountCache(), pg: cfg, Now: time.Now}
	db.recorder = newRecorder(db)
	return db, nil
}

// ParsePostgresURL parses a postgres:// URL into a pgx configuration. Its
// error never contains the password.
func ParsePostgresURL(raw string) (*pgx.ConnConfig, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, errors.New("malformed: want postgres://user:password@host:port/database")
	}
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return nil, errors.New("malformed: want postgres://user:password@host:port/database")
	}
	cfg.ConnectTimeout = 5 * time.Second
	return cfg, nil
}

func describeHost(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}

// unwrapConnectError keeps the last, most specific part of a pgx connect error
// ("connection refused", "database \"x\" does not exist").
func unwrapConnectError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return errors.New(pgErr.Message)
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return errors.New(msg[i+2:])
	}
	return err
}

// Optimize refreshes the statistics the query planner uses for tables
// whose size changed a lot since they were last measured. On SQLite it runs
// a sampled PRAGMA optimize (cheap when nothing changed); Postgres's
// autovacuum does this itself. Do not run it on a new, empty database: the
// statistics would tell the planner every table is tiny.
func (db *DB) Optimize(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002")
	return err
}

// Dialect returns the SQL dialect of the store.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every connection of the store.
func (db *DB) Close() error {
	db.recorder.close()
	err := errors.Join(db.readStmts.close(), db.writeStmts.close(), db.lookupStmts.close(), db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close(), db.lookup.Close())
	}
	return err
}

// Ping checks that the store answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// newID returns a new time-ordered unique id (UUIDv7).
func newID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Tx is a write transaction whose queries use ? placeholders on every dialect.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	stmts   *stmtCache
	missed  []string // queries run unprepared, to prepare after the transaction
	now     time.Time
	emitted bool // the transaction wrote to the outbox
	// skipUsage leaves the usage rollups out (a benchmark's baseline).
	skipUsage bool
}

// Update runs fn in one write transaction, committing when it returns nil.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{tx: tx, dialect: db.dialect, stmts: db.writeStmts, now: db.Now().UTC()}
	defer db.prepareMissed(ctx, t)
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if t.emitted {
		db.outbox.notify()
	}
	return nil
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = t.dialect.Rebind(q)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// query runs unprepared: a statement iterated while the same statement runs
// again in the transaction would be reset under the outer loop.
func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.dialect.Rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = t.dialect.Rebind(q)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// queryer is what read helpers need: a transaction or the read pool.
type queryer interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// reader runs reads on the read pool.
type reader struct {
	db      *sql.DB
	dialect Dialect
	stmts   *stmtCache
}

func (r reader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = r.dialect.Rebind(q)
	if r.stmts != nil {
		if st := r.stmts.prepare(ctx, q); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return r.db.QueryContext(ctx, q, args...)
}

func (r reader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = r.dialect.Rebind(q)
	if r.stmts != nil {
		if st := r.stmts.prepare(ctx, q); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return r.db.QueryRowContext(ctx, q, args...)
}

func (db *DB) reader() reader { return reader{db: db.read, dialect: db.dialect, stmts: db.readStmts} }

// lookups reads a few rows by key, as a run does before it calls the
// provider: on SQLite through the pool that does not map the file.
func (db *DB) lookups() reader {
	return reader{db: db.lookup, dialect: db.dialect, stmts: db.lookupStmts}
}

// DropSchema drops a Postgres schema and everything in it; tests use it to
// clean up. It is an error on SQLite.
func (db *DB) DropSchema(ctx context.Context, schema string) error {
	if db.dialect != Postgres {
		return errors.New("drop schema: not a Postgres store")
	}
	_, err := db.write.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
	return err
}

// WriteStats exposes the write pool for database/sql statistics.
func (db *DB) WriteStats() *sql.DB { return db.write }

// Writer is the pool every write goes through: on SQLite its single
// connection. The job queue shares it so jobs are enqueued in the same
// transactions as the domain writes that cause them.
func (db *DB) Writer() *sql.DB { return db.write }

// ListenerPool opens a pgx pool on the same Postgres database and schema,
// for the job queue's LISTEN/NOTIFY wake-ups. It is an error on SQLite.
func (db *DB) ListenerPool(ctx context.Context) (*pgxpool.Pool, error) {
	if db.pg == nil {
		return nil, errors.New("listener pool: not a Postgres store")
	}
	cfg, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig = db.pg.Copy()
	cfg.MaxConns = 2
	return pgxpool.NewWithConfig(ctx, cfg)
}

// SQL is the transaction under t, for enqueueing jobs inside it.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// Now is the transaction's clock reading.
func (t *Tx) Now() time.Time { return t.now }

// RawExec runs a statement on the write connection as is. It exists for
// tests and maintenance that must reach under the store's API; application
// code never uses it.
func (db *DB) RawExec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, db.dialect.Rebind(query), args...)
	return err
}
