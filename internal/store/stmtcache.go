package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
)

// maxCachedStatements bounds each pool's statement cache. Queries are
// written once with a fixed shape, so a few hundred cover the whole store;
// the bound only guards against query texts built from input.
const maxCachedStatements = 1000

// stmtCache keeps SQLite statements prepared, one cache per pool. modernc's
// SQLite parses an unprepared statement anew on every call, and parsing cost
// more than running the small statements of the execution path. Postgres
// needs none: pgx prepares and caches statements per connection itself.
//
// A statement missed on the read pool is prepared at once. One missed inside
// a write transaction runs unprepared and is prepared after the transaction
// ends: the write pool has one connection, which the transaction holds.
type stmtCache struct {
	pool *sql.DB

	mu sync.RWMutex
	// stmts maps a query to its statement, or to nil when it cannot be
	// prepared (it is then never tried again).
	stmts map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}}
}

// cacheable reports whether q is one plain statement worth preparing: not a
// script, a pragma or DDL.
func cacheable(q string) bool {
	if strings.Contains(q, ";") {
		return false
	}
	head := strings.TrimLeft(q, " \t\r\n")
	for _, kw := range [...]string{"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"} {
		if len(head) > len(kw) && strings.EqualFold(head[:len(kw)], kw) {
			return true
		}
	}
	return false
}

// lookup returns q's statement and whether q has been seen. A nil cache
// (Postgres) has nothing.
func (c *stmtCache) lookup(q string) (st *sql.Stmt, known bool) {
	if c == nil {
		return nil, true
	}
	c.mu.RLock()
	st, known = c.stmts[q]
	c.mu.RUnlock()
	return st, known
}

// prepare prepares q on the pool unless it is known already, and returns its
// statement (nil when it cannot be prepared or the cache is full). It must
// not be called while holding the pool's only connection. No lock is held
// while preparing: a transaction holding that connection looks statements up.
func (c *stmtCache) prepare(ctx context.Context, q string) *sql.Stmt {
	if st, known := c.lookup(q); known {
		return st
	}
	c.mu.RLock()
	full := len(c.stmts) >= maxCachedStatements
	c.mu.RUnlock()
	if full || !cacheable(q) {
		return nil
	}
	st, err := c.pool.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		st = nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if first, known := c.stmts[q]; known { // prepared meanwhile by another caller
		if st != nil {
			_ = st.Close()
		}
		return first
	}
	c.stmts[q] = st
	return st
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.stmts {
		if st != nil {
			err = errors.Join(err, st.Close())
		}
		delete(c.stmts, q)
	}
	return err
}

// stmt returns q's statement bound to the transaction, or nil when q is not
// prepared yet; q is then prepared once the transaction has ended.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	st, known := t.stmts.lookup(q)
	if st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if !known {
		t.missed = append(t.missed, q)
	}
	return nil
}

// prepareMissed prepares the statements a transaction ran unprepared. It
// runs after the transaction ended, when the write connection is free.
func (db *DB) prepareMissed(ctx context.Context, t *Tx) {
	for _, q := range t.missed {
		db.writeStmts.prepare(ctx, q)
	}
}
