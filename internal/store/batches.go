package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
)

const batchColumns = `id, workspace_id, prompt_id, prompt_version, models, credentials, variable_names, params, status,
	rows_count, total, succeeded, failed, cancelled, input_tokens, output_tokens, cost_micros, created_by, request_id,
	created_at, started_at, finished_at`

const batchItemColumns = `id, batch_id, workspace_id, row_no, model, credential_id, variables, status, execution_id, finished_at`

// batchInsertChunk is how many items one INSERT statement carries: well
// under SQLite's and Postgres's limits on bound parameters.
const batchInsertChunk = 500

// CreateBatch records a new queued batch and its items, setting their ids
// and times. then runs in the same transaction after the inserts: the API
// enqueues one job per item there, so the batch and its jobs commit
// together or not at all.
func (db *DB) CreateBatch(ctx context.Context, b *krowoc.Batch, items []krowoc.BatchItem, then func(*Tx) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		b.ID = newID()
		b.Status = krowoc.BatchQueued
		b.Total = len(items)
		b.Remaining = len(items)
		b.CreatedAt = fromMillis(toMillis(tx.now))
		models, _ := json.Marshal(b.Models)
		creds, _ := json.Marshal(b.Credentials)
		names, _ := json.Marshal(b.VariableNames)
		params, _ := json.Marshal(b.Params)
		_, err := tx.exec(ctx, `INSERT INTO batches (id, workspace_id, prompt_id, prompt_version, models, credentials,
			variable_names, params, status, rows_count, total, created_by, request_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.WorkspaceID, b.PromptID, toNullInt(b.PromptVersion), string(models), string(creds), string(names),
			string(params), string(b.Status), b.Rows, b.Total, b.CreatedBy, b.RequestID, toMillis(tx.now))
		if err != nil {
			return fmt.Errorf("insert batch: %w", err)
		}
		for start := 0; start < len(items); start += batchInsertChunk {
			chunk := items[start:min(start+batchInsertChunk, len(items))]
			var q strings.Builder
			q.WriteString(`INSERT INTO batch_items (id, batch_id, workspace_id, row_no, model, credential_id, variables, status) VALUES `)
			args := make([]any, 0, len(chunk)*8)
			for i := range chunk {
				it := &chunk[i]
				it.ID, it.BatchID, it.WorkspaceID, it.Status = newID(), b.ID, b.WorkspaceID, krowoc.ItemPending
				vars, _ := json.Marshal(it.Variables)
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, it.ID, it.BatchID, it.WorkspaceID, it.Row, it.Model, it.CredentialID, string(vars), string(it.Status))
			}
			if _, err := tx.exec(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("insert batch items: %w", err)
			}
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
}

// GetBatch returns a batch with its counters, or not_found.
func (db *DB) GetBatch(ctx context.Context, id string) (*krowoc.Batch, error) {
	r := db.reader()
	b, err := scanBatch(r.queryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("batch")
	}
	if err != nil {
		return nil, fmt.Errorf("get batch: %w", err)
	}
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM batch_items WHERE batch_id = ? AND status = 'running'`, id).Scan(&b.Running); err != nil {
		return nil, fmt.Errorf("count running items: %w", err)
	}
	return b, nil
}

// BatchFilter selects batches of one workspace.
type BatchFilter struct {
	WorkspaceID string
	PromptID    string
	Status      krowoc.BatchStatus
}

// ListBatches returns a page of a workspace's batches, newest first, and
// the total.
func (db *DB) ListBatches(ctx context.Context, f BatchFilter, page Page) ([]krowoc.Batch, int, error) {
	where, args := `workspace_id = ?`, []any{f.WorkspaceID}
	if f.PromptID != "" {
		where += ` AND prompt_id = ?`
		args = append(args, f.PromptID)
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM batches WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count batches: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+batchColumns+` FROM batches WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list batches: %w", err)
	}
	defer rows.Close()
	out := []krowoc.Batch{}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *b)
	}
	return out, total, rows.Err()
}

// resultColumns are a batch item joined with its execution's outcome.
const resultColumns = `i.id, i.batch_id, i.workspace_id, i.row_no, i.model, i.credential_id, i.variables, i.status,
	i.execution_id, i.finished_at, COALESCE(x.response_text, ''), COALESCE(x.input_tokens, 0), COALESCE(x.output_tokens, 0),
	COALESCE(x.cached_input_tokens, 0), COALESCE(x.cache_creation_tokens, 0), COALESCE(x.reasoning_tokens, 0),
	COALESCE(x.cost_micros, 0), x.latency_ms, COALESCE(x.attempts, 0), x.error_code, x.error_message`

// ListBatchResults returns a page of a batch's items with their outcomes,
// in row order (then model), and the total; status, when set, selects
// items in that state.
func (db *DB) ListBatchResults(ctx context.Context, batchID string, status krowoc.BatchItemStatus, page Page) ([]krowoc.BatchResult, int, error) {
	where, args := `i.batch_id = ?`, []any{batchID}
	if status != "" {
		where += ` AND i.status = ?`
		args = append(args, string(status))
	}
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM batch_items i WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count batch items: %w", err)
	}
	out := []krowoc.BatchResult{}
	err := db.eachResult(ctx, where+` ORDER BY i.row_no, i.model LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset()), func(res *krowoc.BatchResult) error {
		out = append(out, *res)
		return nil
	})
	return out, total, err
}

// EachBatchResult calls fn with every item of a batch and its outcome, in
// row order (then model), without holding them all in memory.
func (db *DB) EachBatchResult(ctx context.Context, batchID string, fn func(*krowoc.BatchResult) error) error {
	return db.eachResult(ctx, `i.batch_id = ? ORDER BY i.row_no, i.model`, []any{batchID}, fn)
}

func (db *DB) eachResult(ctx context.Context, whereOrder string, args []any, fn func(*krowoc.BatchResult) error) error {
	rows, err := db.reader().query(ctx, `SELECT `+resultColumns+` FROM batch_items i
		LEFT JOIN executions x ON x.id = i.execution_id WHERE `+whereOrder, args...)
	if err != nil {
		return fmt.Errorf("batch results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var res krowoc.BatchResult
		var latency sql.NullInt64
		var code, message sql.NullString
		it, err := scanBatchItem(rows, &res.ResponseText, &res.Usage.InputTokens, &res.Usage.OutputTokens,
			&res.Usage.CachedInputTokens, &res.Usage.CacheCreationTokens, &res.Usage.ReasoningTokens, &res.CostMicros,
			&latency, &res.Attempts, &code, &message)
		if err != nil {
			return err
		}
		res.BatchItem = *it
		if latency.Valid {
			res.LatencyMillis = &latency.Int64
		}
		res.ErrorCode, res.ErrorMessage = code.String, message.String
		if err := fn(&res); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Errors of the batch item lifecycle. Neither is a failure of the item.
var (
	// ErrBatchItemSettled: the item is no longer pending (it finished, was
	// cancelled, or another attempt holds it), so there is nothing to do.
	ErrBatchItemSettled = errors.New("the batch item has already settled")
	// ErrNoBatchSlot: the workspace or the key has as many items in
	// flight as allowed; try again shortly.
	ErrNoBatchSlot = errors.New("no free batch slot")
)

// BatchLimits bound the batch items in flight at once.
type BatchLimits struct {
	// Workspace is the most items of one workspace in flight at once.
	Workspace int
	// Key is the most items using one provider key in flight at once.
	Key int
	// Lease is how long a claimed item counts as in flight: longer than
	// any attempt, so a process that dies mid-call frees its slots.
	Lease time.Duration
}

// ClaimBatchItem starts a pending item when a slot is free: it counts the
// items in flight in the item's workspace and on its key (under a lock on
// the workspace's slot row, so processes sharing a database count one at
// a time), and when both are under limits marks the item running with a
// lease, creating its execution with newExec on first use. It returns the
// item and its execution, ErrNoBatchSlot when the limits are reached, or
// ErrBatchItemSettled when the item is not pending.
func (db *DB) ClaimBatchItem(ctx context.Context, itemID string, limits BatchLimits,
	newExec func(*krowoc.Batch, *krowoc.BatchItem) *krowoc.Execution) (*krowoc.BatchItem, *krowoc.Execution, error) {
	var item *krowoc.BatchItem
	var x *krowoc.Execution
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		item, err = scanBatchItem(tx.queryRow(ctx, `SELECT `+batchItemColumns+` FROM batch_items WHERE id = ?`, itemID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBatchItemSettled // its batch was deleted
		}
		if err != nil {
			return fmt.Errorf("claim batch item: %w", err)
		}
		if tx.dialect == Postgres {
			// Claims queue on the slot row's lock, so each waiting for the
			// disk would idle the slots; a claim lost in a crash leaves its
			// item pending for its job's next run, and the outcome's commit,
			// which waits for the disk, flushes the claim before it.
			if _, err := tx.exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
				return err
			}
		}
		now := toMillis(tx.now)
		if item.Status != krowoc.ItemPending && !(item.Status == krowoc.ItemRunning && leaseExpired(ctx, tx, itemID, now)) {
			return ErrBatchItemSettled
		}
		if _, err := tx.exec(ctx, `INSERT INTO batch_slots (workspace_id, touched_at) VALUES (?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET touched_at = excluded.touched_at`, item.WorkspaceID, now); err != nil {
			return fmt.Errorf("lock batch slots: %w", err)
		}
		var inWorkspace, onKey int
		if err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN credential_id = ? THEN 1 ELSE 0 END), 0)
			FROM batch_items WHERE workspace_id = ? AND status = 'running' AND lease_until > ? AND id <> ?`,
			item.CredentialID, item.WorkspaceID, now, itemID).Scan(&inWorkspace, &onKey); err != nil {
			return fmt.Errorf("count batch items in flight: %w", err)
		}
		if inWorkspace >= limits.Workspace || onKey >= limits.Key {
			return ErrNoBatchSlot
		}
		b, err := scanBatch(tx.queryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = ?`, item.BatchID))
		if err != nil {
			return fmt.Errorf("claim batch item: batch: %w", err)
		}
		if item.ExecutionID != "" {
			if x, err = GetExecutionTx(ctx, tx, item.ExecutionID); err != nil {
				return err
			}
		}
		if x == nil || x.Status != krowoc.ExecRunning {
			// First attempt, or the execution was deleted or cancelled from
			// the history meanwhile: run it as a new one.
			x = newExec(b, item)
			if err := InsertExecution(ctx, tx, x); err != nil {
				return err
			}
			item.ExecutionID = x.ID
		}
		// Conditional on the status read above: a cancel that committed
		// meanwhile wins, and this claim rolls back.
		res, err := tx.exec(ctx, `UPDATE batch_items SET status = 'running', execution_id = ?, lease_until = ? WHERE id = ? AND status = ?`,
			item.ExecutionID, now+limits.Lease.Milliseconds(), itemID, string(item.Status))
		if err != nil {
			return fmt.Errorf("claim batch item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBatchItemSettled
		}
		item.Status = krowoc.ItemRunning
		if b.Status == krowoc.BatchQueued {
			if _, err := tx.exec(ctx, `UPDATE batches SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`,
				now, b.ID); err != nil {
				return fmt.Errorf("start batch: %w", err)
			}
		}
		return nil
	})
	return item, x, err
}

func leaseExpired(ctx context.Context, tx *Tx, itemID string, now int64) bool {
	var lease sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT lease_until FROM batch_items WHERE id = ?`, itemID).Scan(&lease); err != nil {
		return false
	}
	return !lease.Valid || lease.Int64 <= now
}

// ReleaseBatchItem puts a running item back to pending between retries, so
// it holds no slot while it waits, and records its execution's attempts.
func (db *DB) ReleaseBatchItem(ctx context.Context, itemID string, x *krowoc.Execution) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE batch_items SET status = 'pending', lease_until = NULL WHERE id = ? AND status = 'running'`,
			itemID); err != nil {
			return fmt.Errorf("release batch item: %w", err)
		}
		_, err := tx.exec(ctx, `UPDATE executions SET attempts = ? WHERE id = ? AND status = 'running'`, x.Attempts, x.ID)
		return err
	})
}

// FinishBatchItem records the outcome of a running item's execution, the
// item's status and the batch's counters and cost in one transaction, and
// settles the batch when it was the last item. When the execution was
// already finished elsewhere (cancelled from the history), its recorded
// outcome counts. It returns ErrBatchItemSettled when the item is not
// running.
func (db *DB) FinishBatchItem(ctx context.Context, itemID string, x *krowoc.Execution) error {
	return db.Update(ctx, func(tx *Tx) error {
		err := finishExecution(ctx, tx, x)
		if errors.Is(err, ErrExecutionFinished) {
			var stored *krowoc.Execution
			if stored, err = GetExecutionTx(ctx, tx, x.ID); err == nil {
				*x = *stored
			}
		}
		if err != nil {
			return err
		}
		status := krowoc.ItemFailed
		if x.Status == krowoc.ExecSucceeded {
			status = krowoc.ItemSucceeded
		}
		res, err := tx.exec(ctx, `UPDATE batch_items SET status = ?, lease_until = NULL, finished_at = ? WHERE id = ? AND status = 'running'`,
			string(status), toMillis(tx.now), itemID)
		if err != nil {
			return fmt.Errorf("finish batch item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBatchItemSettled
		}
		var batchID string
		if err := tx.queryRow(ctx, `SELECT batch_id FROM batch_items WHERE id = ?`, itemID).Scan(&batchID); err != nil {
			return err
		}
		ok, failed := 0, 0
		if status == krowoc.ItemSucceeded {
			ok = 1
		} else {
			failed = 1
		}
		if _, err := tx.exec(ctx, `UPDATE batches SET succeeded = succeeded + ?, failed = failed + ?,
			input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, cost_micros = cost_micros + ? WHERE id = ?`,
			ok, failed, x.Usage.InputTokens, x.Usage.OutputTokens, x.CostMicros, batchID); err != nil {
			return fmt.Errorf("count batch item: %w", err)
		}
		return settleBatch(ctx, tx, batchID)
	})
}

// FailBatchItem records a pending or running item as failed without an
// outcome from its provider (Krowoc could not run it), with code and
// message on its execution when it has one.
func (db *DB) FailBatchItem(ctx context.Context, itemID, code, message string) error {
	return db.Update(ctx, func(tx *Tx) error {
		now := toMillis(tx.now)
		if _, err := tx.exec(ctx, `UPDATE executions SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?
			WHERE status = 'running' AND id IN (SELECT execution_id FROM batch_items WHERE id = ?)`, code, message, now, itemID); err != nil {
			return fmt.Errorf("fail batch execution: %w", err)
		}
		res, err := tx.exec(ctx, `UPDATE batch_items SET status = 'failed', lease_until = NULL, finished_at = ?
			WHERE id = ? AND status IN ('pending', 'running')`, now, itemID)
		if err != nil {
			return fmt.Errorf("fail batch item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBatchItemSettled
		}
		var batchID string
		if err := tx.queryRow(ctx, `SELECT batch_id FROM batch_items WHERE id = ?`, itemID).Scan(&batchID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE batches SET failed = failed + 1 WHERE id = ?`, batchID); err != nil {
			return err
		}
		return settleBatch(ctx, tx, batchID)
	})
}

// settleBatch ends a batch whose items have all settled: cancelled if it
// was cancelled, else by how its items ended.
func settleBatch(ctx context.Context, tx *Tx, batchID string) error {
	_, err := tx.exec(ctx, `UPDATE batches SET finished_at = ?, status = CASE
			WHEN status = 'cancelled' THEN 'cancelled'
			WHEN failed = 0 THEN 'succeeded'
			WHEN succeeded = 0 THEN 'failed'
			ELSE 'completed_with_failures' END
		WHERE id = ? AND finished_at IS NULL AND succeeded + failed + cancelled = total`, toMillis(tx.now), batchID)
	if err != nil {
		return fmt.Errorf("settle batch: %w", err)
	}
	return nil
}

// CancelBatch cancels a queued or running batch: its pending items are
// cancelled at once and never run (an execution waiting to retry is
// recorded as cancelled), while items already running finish and count as
// they end. Cancelling a finished batch is a conflict.
func (db *DB) CancelBatch(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		var status string
		err := tx.queryRow(ctx, `SELECT status FROM batches WHERE id = ?`, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return krowoc.NotFound("batch")
		}
		if err != nil {
			return err
		}
		if !krowoc.BatchStatus(status).Active() {
			return krowoc.Errorf(krowoc.ECodeConflict, "The batch has already ended (%s).", status)
		}
		now := toMillis(tx.now)
		if _, err := tx.exec(ctx, `UPDATE executions SET status = 'cancelled', error_code = 'cancelled',
			error_message = 'The batch was cancelled.', finished_at = ?
			WHERE status = 'running' AND id IN (SELECT execution_id FROM batch_items WHERE batch_id = ? AND status = 'pending')`,
			now, id); err != nil {
			return fmt.Errorf("cancel waiting executions: %w", err)
		}
		res, err := tx.exec(ctx, `UPDATE batch_items SET status = 'cancelled', finished_at = ? WHERE batch_id = ? AND status = 'pending'`, now, id)
		if err != nil {
			return fmt.Errorf("cancel batch items: %w", err)
		}
		n, _ := res.RowsAffected()
		if _, err := tx.exec(ctx, `UPDATE batches SET status = 'cancelled', cancelled = cancelled + ? WHERE id = ?`, n, id); err != nil {
			return fmt.Errorf("cancel batch: %w", err)
		}
		return settleBatch(ctx, tx, id)
	})
}

// DeleteBatch removes a finished batch and its items; their executions
// stay in the history. Deleting a batch that has not ended is a conflict.
func (db *DB) DeleteBatch(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		var finished sql.NullInt64
		err := tx.queryRow(ctx, `SELECT finished_at FROM batches WHERE id = ?`, id).Scan(&finished)
		if errors.Is(err, sql.ErrNoRows) {
			return krowoc.NotFound("batch")
		}
		if err != nil {
			return err
		}
		if !finished.Valid {
			return krowoc.Errorf(krowoc.ECodeConflict, "Cancel the batch and let it end before deleting it.")
		}
		if _, err := tx.exec(ctx, `DELETE FROM batch_items WHERE batch_id = ?`, id); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM batches WHERE id = ?`, id)
		return err
	})
}

func scanBatch(s scanner) (*krowoc.Batch, error) {
	var b krowoc.Batch
	var version, started, finished sql.NullInt64
	var models, creds, names, params, status string
	var created int64
	err := s.Scan(&b.ID, &b.WorkspaceID, &b.PromptID, &version, &models, &creds, &names, &params, &status,
		&b.Rows, &b.Total, &b.Succeeded, &b.Failed, &b.Cancelled, &b.InputTokens, &b.OutputTokens, &b.CostMicros,
		&b.CreatedBy, &b.RequestID, &created, &started, &finished)
	if err != nil {
		return nil, err
	}
	b.PromptVersion = nullInt(version)
	b.Status = krowoc.BatchStatus(status)
	_ = json.Unmarshal([]byte(models), &b.Models)
	b.Credentials = map[string]string{}
	_ = json.Unmarshal([]byte(creds), &b.Credentials)
	_ = json.Unmarshal([]byte(names), &b.VariableNames)
	_ = json.Unmarshal([]byte(params), &b.Params)
	if b.Models == nil {
		b.Models = []string{}
	}
	if b.VariableNames == nil {
		b.VariableNames = []string{}
	}
	b.Remaining = b.Total - b.Succeeded - b.Failed - b.Cancelled
	b.CreatedAt, b.StartedAt, b.FinishedAt = fromMillis(created), fromNullMillis(started), fromNullMillis(finished)
	return &b, nil
}

// scanBatchItem scans the batch item columns, then extra.
func scanBatchItem(s scanner, extra ...any) (*krowoc.BatchItem, error) {
	var it krowoc.BatchItem
	var vars, status string
	var execution sql.NullString
	var finished sql.NullInt64
	dest := append([]any{&it.ID, &it.BatchID, &it.WorkspaceID, &it.Row, &it.Model, &it.CredentialID, &vars, &status,
		&execution, &finished}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	it.Variables = map[string]string{}
	_ = json.Unmarshal([]byte(vars), &it.Variables)
	it.Status = krowoc.BatchItemStatus(status)
	it.ExecutionID = execution.String
	it.FinishedAt = fromNullMillis(finished)
	return &it, nil
}
