package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
)

// Outbox topics: where the relay sends a row. The relay maps them to Kafka
// topic names.
const (
	TopicEvents = "events"
	TopicDLQ    = "dlq"
)

const outboxColumns = `seq, id, type, schema_version, aggregate_id, workspace_id, actor, request_id,
	occurred_at, payload, topic, delivered_at, attempts, last_error`

// OutboxEvent is an event as the outbox keeps it: the event and its
// delivery state.
type OutboxEvent struct {
	krowoc.Event
	// Seq orders the outbox: the relay publishes in seq order.
	Seq   int64
	Topic string
	// Attempts counts publish attempts, the successful one included.
	Attempts    int
	LastError   string
	DeliveredAt *time.Time
}

// Emit writes an event to the outbox in this transaction, so it is published
// if and only if the transaction commits. The store sets its id, time (the
// transaction's clock), schema version and request id (from ctx); events of
// type deadletter.created go to the dead-letter topic. Emit the event after
// the write that changes (and so locks) the aggregate's row: then events of
// one aggregate are in commit order on Postgres too. It returns an error when
// the draft has no type or aggregate id, or the data cannot be marshalled.
func (t *Tx) Emit(ctx context.Context, d krowoc.EventDraft) error {
	return t.emitAll(ctx, []krowoc.EventDraft{d}, []string{logging.RequestID(ctx)})
}

const outboxInsertColumns = `id, type, schema_version, aggregate_id, workspace_id, actor, request_id, occurred_at, payload, topic`

var outboxInserts upsertTexts

// emitAll writes events to the outbox in order, with multi-row inserts;
// requestIDs[i] is the request id of drafts[i]. See Emit.
func (t *Tx) emitAll(ctx context.Context, drafts []krowoc.EventDraft, requestIDs []string) error {
	const perRow = 10
	args := make([]any, 0, len(drafts)*perRow)
	for i, d := range drafts {
		if d.Type == "" || d.AggregateID == "" {
			return fmt.Errorf("emit %q: an event needs a type and an aggregate id", d.Type)
		}
		data := []byte("{}")
		if d.Data != nil {
			var err error
			if data, err = json.Marshal(d.Data); err != nil {
				return fmt.Errorf("emit %s: encode data: %w", d.Type, err)
			}
		}
		topic := TopicEvents
		if d.Type == krowoc.EventDeadLetterCreated {
			topic = TopicDLQ
		}
		actor := d.Actor
		if actor == "" {
			actor = krowoc.ActorSystem
		}
		args = append(args, newID(), d.Type, krowoc.EventSchemaVersion, d.AggregateID, d.WorkspaceID, actor, requestIDs[i],
			toMillis(t.now), string(data), topic)
	}
	err := execInChunks(ctx, t, args, perRow, func(n int) string {
		return outboxInserts.get(n, func(n int) string { return multiRowInsert("outbox", outboxInsertColumns, perRow, n) })
	})
	if err != nil {
		if len(drafts) == 1 {
			return fmt.Errorf("emit %s: %w", drafts[0].Type, err)
		}
		return fmt.Errorf("emit %d events: %w", len(drafts), err)
	}
	t.emitted = true
	return nil
}

// multiRowInsert returns an INSERT of n rows of perRow placeholders.
func multiRowInsert(table, columns string, perRow, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", perRow), ", ") + ")"
	return "INSERT INTO " + table + " (" + columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// Emit writes one event to the outbox in a transaction of its own, for
// changes made outside the domain store (a tier changed in Pocketbase).
func (db *DB) Emit(ctx context.Context, d krowoc.EventDraft) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.Emit(ctx, d) })
}

// outboxSignal wakes the relay of this process when a transaction that
// emitted events commits, so it need not wait for its next poll. Its zero
// value is ready to use.
type outboxSignal struct {
	once sync.Once
	ch   chan struct{}
}

func (s *outboxSignal) channel() chan struct{} {
	s.once.Do(func() { s.ch = make(chan struct{}, 1) })
	return s.ch
}

func (s *outboxSignal) notify() {
	select {
	case s.channel() <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// OutboxWritten returns a channel that receives a value after a transaction
// of this process that emitted events commits. Wake-ups coalesce and there
// is one channel per store: it is meant for the one relay of the process.
// Writes by other processes are not signalled; poll for them.
func (db *DB) OutboxWritten() <-chan struct{} { return db.outbox.channel() }

// PendingEvents returns up to limit undelivered events, oldest (lowest seq)
// first.
func (db *DB) PendingEvents(ctx context.Context, limit int) ([]OutboxEvent, error) {
	rows, err := db.reader().query(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE delivered_at IS NULL ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read pending events: %w", err)
	}
	return scanOutboxEvents(rows)
}

// MarkDelivered records that the events with these seqs were published. It
// leaves events already marked alone, so two relays racing each other do
// not move a delivery time.
func (db *DB) MarkDelivered(ctx context.Context, seqs []int64) error {
	return db.updateSeqs(ctx, seqs, func(tx *Tx, match string, args []any) error {
		_, err := tx.exec(ctx, `UPDATE outbox SET delivered_at = ?, attempts = attempts + 1
			WHERE delivered_at IS NULL AND (`+match+`)`, append([]any{toMillis(tx.now)}, args...)...)
		return err
	})
}

// maxLastError bounds the error text kept on an outbox row.
const maxLastError = 500

// MarkFailed records a failed attempt to publish the events with these
// seqs and why.
func (db *DB) MarkFailed(ctx context.Context, seqs []int64, cause error) error {
	msg := "unknown error"
	if cause != nil {
		msg = cause.Error()
	}
	if len(msg) > maxLastError {
		msg = msg[:maxLastError]
		for !utf8.ValidString(msg) {
			msg = msg[:len(msg)-1]
		}
	}
	return db.updateSeqs(ctx, seqs, func(tx *Tx, match string, args []any) error {
		_, err := tx.exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?
			WHERE delivered_at IS NULL AND (`+match+`)`, append([]any{msg}, args...)...)
		return err
	})
}

// runsPerStatement bounds the seq ranges one statement matches.
const runsPerStatement = 100

// updateSeqs runs update (or delete), in one short transaction, with a
// condition matching exactly the rows of seqs. Consecutive seqs become one range
// (seq BETWEEN first AND last): a batch read in seq order is usually one
// range, so the statement stays short to parse and plan however large the
// batch. A range holds only seqs of the batch, so it can never match a row
// that was not read, such as one committed late on Postgres.
func (db *DB) updateSeqs(ctx context.Context, seqs []int64, update func(tx *Tx, match string, args []any) error) error {
	if len(seqs) == 0 {
		return nil
	}
	sorted := slices.Clone(seqs)
	slices.Sort(sorted)
	var runs [][2]int64
	for _, s := range slices.Compact(sorted) {
		if n := len(runs); n > 0 && runs[n-1][1] == s-1 {
			runs[n-1][1] = s
			continue
		}
		runs = append(runs, [2]int64{s, s})
	}
	return db.Update(ctx, func(tx *Tx) error {
		for start := 0; start < len(runs); start += runsPerStatement {
			chunk := runs[start:min(start+runsPerStatement, len(runs))]
			match := strings.TrimSuffix(strings.Repeat("seq BETWEEN ? AND ? OR ", len(chunk)), " OR ")
			args := make([]any, 0, 2*len(chunk))
			for _, r := range chunk {
				args = append(args, r[0], r[1])
			}
			if err := update(tx, match, args); err != nil {
				return fmt.Errorf("update outbox: %w", err)
			}
		}
		return nil
	})
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// DeleteDeliveredEvents deletes up to limit events delivered before cutoff,
// oldest first, and returns how many it deleted. Undelivered events are
// never deleted.
func (db *DB) DeleteDeliveredEvents(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	// Two steps rather than DELETE … WHERE seq IN (SELECT …): Postgres may
	// plan that as a join over the whole table, while the seqs found in the
	// delivery index and deleted by range touch only the rows that go.
	rows, err := db.reader().query(ctx, `SELECT seq FROM outbox
		WHERE delivered_at IS NOT NULL AND delivered_at < ? ORDER BY delivered_at LIMIT ?`, toMillis(cutoff), limit)
	if err != nil {
		return 0, fmt.Errorf("find expired events: %w", err)
	}
	var seqs []int64
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, err
		}
		seqs = append(seqs, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var n int64
	err = db.updateSeqs(ctx, seqs, func(tx *Tx, match string, args []any) error {
		res, err := tx.exec(ctx, `DELETE FROM outbox WHERE delivered_at IS NOT NULL AND (`+match+`)`, args...)
		if err != nil {
			return err
		}
		affected, _ := res.RowsAffected()
		n += affected
		return nil
	})
	return int(n), err
}

// OutboxBacklog is what is waiting to be published.
type OutboxBacklog struct {
	// Count is the number of undelivered events.
	Count int64
	// Oldest is when the oldest undelivered event happened; nil when
	// nothing waits.
	Oldest *time.Time
}

// Backlog counts the undelivered events and finds the oldest one's time.
func (db *DB) Backlog(ctx context.Context) (OutboxBacklog, error) {
	var b OutboxBacklog
	r := db.reader()
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL`).Scan(&b.Count); err != nil {
		return b, fmt.Errorf("count pending events: %w", err)
	}
	if b.Count == 0 {
		return b, nil
	}
	var at int64
	err := r.queryRow(ctx, `SELECT occurred_at FROM outbox WHERE delivered_at IS NULL ORDER BY seq LIMIT 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil // delivered in between
	}
	if err != nil {
		return b, fmt.Errorf("read oldest pending event: %w", err)
	}
	b.Oldest = new(fromMillis(at))
	return b, nil
}

// EventFilter selects events the outbox still keeps.
type EventFilter struct {
	// AfterID starts after this event; "" starts at the oldest event kept.
	AfterID     string
	AggregateID string
	Types       []string
	// Limit is 100 when 0, at most 1000.
	Limit int
}

// ListEvents returns events in outbox order, delivered or not: delivered
// events are kept for the retention, so a consumer that fell behind can
// read what it missed after the last event id it saw. It returns not_found
// when AfterID is no longer (or never was) in the outbox.
func (db *DB) ListEvents(ctx context.Context, f EventFilter) ([]OutboxEvent, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	r := db.reader()
	where, args := "seq > ?", []any{int64(0)}
	if f.AfterID != "" {
		var after int64
		if err := r.queryRow(ctx, `SELECT seq FROM outbox WHERE id = ?`, f.AfterID).Scan(&after); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, krowoc.NotFound("event")
			}
			return nil, fmt.Errorf("find event %s: %w", f.AfterID, err)
		}
		args[0] = after
	}
	if f.AggregateID != "" {
		where += " AND aggregate_id = ?"
		args = append(args, f.AggregateID)
	}
	if len(f.Types) > 0 {
		where += " AND type IN (" + placeholders(len(f.Types)) + ")"
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	rows, err := r.query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE `+where+` ORDER BY seq LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return scanOutboxEvents(rows)
}

func scanOutboxEvents(rows *sql.Rows) ([]OutboxEvent, error) {
	defer rows.Close()
	out := []OutboxEvent{}
	for rows.Next() {
		var e OutboxEvent
		var at int64
		var payload string
		var delivered sql.NullInt64
		var lastError sql.NullString
		if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.SchemaVersion, &e.AggregateID, &e.WorkspaceID, &e.Actor,
			&e.RequestID, &at, &payload, &e.Topic, &delivered, &e.Attempts, &lastError); err != nil {
			return nil, err
		}
		e.Time, e.Data, e.DeliveredAt, e.LastError = fromMillis(at), json.RawMessage(payload), fromNullMillis(delivered), lastError.String
		out = append(out, e)
	}
	return out, rows.Err()
}

// ErrOutboxLocked means another relay holds the outbox lock.
var ErrOutboxLocked = errors.New("another relay holds the outbox lock")

// outboxLockClass is the first key of the outbox's Postgres advisory lock;
// the second is a hash of the schema, so installations sharing a database in
// different schemas do not exclude each other.
const outboxLockClass = 0x6b726f77 // "krow"

// OutboxLock is the right to publish the outbox: on Postgres a session
// advisory lock held on a dedicated connection. Release it when done.
type OutboxLock struct {
	conn *sql.Conn
}

// TryOutboxLock takes the outbox lock without waiting, so that only one
// relay per database publishes. It returns ErrOutboxLocked when another
// session holds it. On SQLite, where one process owns the file, it always
// succeeds.
func (db *DB) TryOutboxLock(ctx context.Context) (*OutboxLock, error) {
	if db.dialect != Postgres {
		return &OutboxLock{}, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("outbox lock: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, hashtext(current_schema()))`, int32(outboxLockClass)).Scan(&got); err != nil {
		discard(conn)
		return nil, fmt.Errorf("outbox lock: %w", err)
	}
	if !got {
		_ = conn.Close()
		return nil, ErrOutboxLocked
	}
	return &OutboxLock{conn: conn}, nil
}

// Check returns an error when the lock may have been lost: the session that
// holds it no longer answers.
func (l *OutboxLock) Check(ctx context.Context) error {
	if l.conn == nil {
		return nil
	}
	var one int
	if err := l.conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("outbox lock session: %w", err)
	}
	return nil
}

// Release gives the lock up. The connection is closed rather than returned
// to the pool, so the lock ends with its session even if the unlock fails.
func (l *OutboxLock) Release() {
	if l.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, int32(outboxLockClass))
	discard(l.conn)
	l.conn = nil
}

// discard closes a dedicated connection's session instead of pooling it.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
