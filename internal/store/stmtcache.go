package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// hotStatements are run by the execution path on every finish. On SQLite
// they are prepared once on the write connection: modernc's SQLite parses an
// unprepared statement anew on every call, which costs more than the small
// upsert it runs. Postgres needs no help: pgx caches statements itself.
var hotStatements = []string{addHourRollupSQL, addHourErrorSQL}

// stmtCache holds the write connection's prepared hot statements.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// prepareHot prepares the hot statements on SQLite's write connection. It
// runs after migrations, outside any transaction: the write pool has one
// connection, which a transaction would hold.
func (db *DB) prepareHot(ctx context.Context) error {
	if db.dialect != SQLite {
		return nil
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	if db.stmts.stmts == nil {
		db.stmts.stmts = map[string]*sql.Stmt{}
	}
	for _, q := range hotStatements {
		if db.stmts.stmts[q] != nil {
			continue
		}
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		db.stmts.stmts[q] = st
	}
	return nil
}

func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[q]
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.stmts {
		err = errors.Join(err, st.Close())
		delete(c.stmts, q)
	}
	return err
}

// execHot runs one of hotStatements, prepared when it can be.
func (t *Tx) execHot(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.exec(ctx, q, args...)
}
