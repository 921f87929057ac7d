package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
)

const executionColumns = `id, workspace_id, user_id, prompt_id, prompt_version, model, provider, credential_id,
	variables, params, status, error_code, error_message, attempts, ttft_ms, latency_ms, input_tokens,
	output_tokens, cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost_micros, response_text,
	request_id, created_at, finished_at`

// StartExecution records a new running execution and returns it with its id
// and creation time set. Each of then runs in the same transaction, after
// the insert: background runs enqueue their job there.
func (db *DB) StartExecution(ctx context.Context, x *krowoc.Execution, then ...func(*Tx) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		if err := InsertExecution(ctx, tx, x); err != nil {
			return err
		}
		for _, fn := range then {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return emitExecutionStarted(ctx, tx, x)
	})
}

// InsertExecution records x as a new running execution inside tx, setting
// its id and creation time.
func InsertExecution(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	x.ID = newID()
	x.Status = krowoc.ExecRunning
	x.CreatedAt = fromMillis(toMillis(tx.now))
	return insertExecutionRow(ctx, tx, x)
}

// insertExecutionRow writes x as it stands: a running execution, or one
// that started and finished between two writes of the recorder.
func insertExecutionRow(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	return insertExecutionRows(ctx, tx, []*krowoc.Execution{x})
}

const executionInsertColumns = `id, workspace_id, user_id, prompt_id, prompt_version, model, provider, credential_id,
	variables, params, status, error_code, error_message, attempts, ttft_ms, latency_ms, input_tokens, output_tokens,
	cached_input_tokens, cache_creation_tokens, reasoning_tokens, cost_micros, response_text, request_id, created_at,
	finished_at`

var executionInserts upsertTexts

// insertExecutionRows writes executions as they stand, with multi-row
// inserts.
func insertExecutionRows(ctx context.Context, tx *Tx, xs []*krowoc.Execution) error {
	const perRow = 26
	args := make([]any, 0, len(xs)*perRow)
	for _, x := range xs {
		vars, _ := json.Marshal(x.Variables)
		params, _ := json.Marshal(x.Params)
		u := x.Usage
		args = append(args, x.ID, x.WorkspaceID, x.UserID, x.PromptID, toNullInt(x.PromptVersion), x.Model, x.Provider,
			nullString(x.CredentialID), string(vars), string(params), string(x.Status), nullString(x.ErrorCode),
			nullString(x.ErrorMessage), x.Attempts, nullInt64(x.TTFTMillis), nullInt64(x.LatencyMillis), u.InputTokens,
			u.OutputTokens, u.CachedInputTokens, u.CacheCreationTokens, u.ReasoningTokens, x.CostMicros, x.ResponseText,
			x.RequestID, toMillis(x.CreatedAt), toNullMillis(x.FinishedAt))
	}
	err := execInChunks(ctx, tx, args, perRow, func(n int) string {
		return executionInserts.get(n, func(n int) string { return multiRowInsert("executions", executionInsertColumns, perRow, n) })
	})
	if err != nil {
		return fmt.Errorf("insert execution: %w", err)
	}
	return nil
}

// GetExecutionTx reads an execution inside tx.
func GetExecutionTx(ctx context.Context, tx *Tx, id string) (*krowoc.Execution, error) {
	x, err := scanExecution(tx.queryRow(ctx, `SELECT `+executionColumns+` FROM executions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("execution")
	}
	return x, err
}

// ErrExecutionFinished is returned when recording the outcome of an
// execution that is no longer running: it was cancelled meanwhile, or
// another attempt already recorded it. The first outcome stands.
var ErrExecutionFinished = errors.New("the execution has already finished")

// FinishExecution records an execution's outcome: status, error, timings,
// usage, cost and response. It also marks the credential as used and adds
// the execution to the usage rollups. Call it once per execution.
func (db *DB) FinishExecution(ctx context.Context, x *krowoc.Execution) error {
	return db.Update(ctx, func(tx *Tx) error { return finishExecution(ctx, tx, x) })
}

func finishExecution(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	if err := markFinished(ctx, tx, x); err != nil {
		return err
	}
	return afterFinish(ctx, tx, x)
}

// markFinished writes the outcome of the running execution x into its row;
// ErrExecutionFinished when it is not running any more.
func markFinished(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	finished := fromMillis(toMillis(tx.now))
	x.FinishedAt = &finished
	u := x.Usage
	res, err := tx.exec(ctx, `UPDATE executions SET status = ?, error_code = ?, error_message = ?, attempts = ?,
		ttft_ms = ?, latency_ms = ?, input_tokens = ?, output_tokens = ?, cached_input_tokens = ?,
		cache_creation_tokens = ?, reasoning_tokens = ?, cost_micros = ?, response_text = ?, finished_at = ?
		WHERE id = ? AND status = 'running'`,
		string(x.Status), nullString(x.ErrorCode), nullString(x.ErrorMessage), x.Attempts, nullInt64(x.TTFTMillis),
		nullInt64(x.LatencyMillis), u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.CacheCreationTokens,
		u.ReasoningTokens, x.CostMicros, x.ResponseText, toMillis(tx.now), x.ID)
	if err != nil {
		return fmt.Errorf("finish execution %s: %w", x.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrExecutionFinished
	}
	return nil
}

// afterFinish records what follows from a finished execution: its event,
// its key's last use, its prompt's execution count and its usage.
func afterFinish(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	return afterFinishes(ctx, tx, []*krowoc.Execution{x})
}

// afterFinishes is afterFinish for many executions at once: one event
// each, but one write per key, per prompt and per usage rollup row however
// many executions share it. On Postgres those writes go as one statement
// (afterFinishesPostgres): one round trip instead of one per key, prompt
// and kind of usage row.
func afterFinishes(ctx context.Context, tx *Tx, xs []*krowoc.Execution) error {
	events, requestIDs := make([]krowoc.EventDraft, len(xs)), make([]string, len(xs))
	for i, x := range xs {
		events[i], requestIDs[i] = executionFinished(x), executionRequestID(ctx, x)
	}
	if err := tx.emitAll(ctx, events, requestIDs); err != nil {
		return err
	}
	var creds, prompts []string
	succeeded := map[string]int64{}
	for _, x := range xs {
		if x.CredentialID != "" && !slices.Contains(creds, x.CredentialID) {
			creds = append(creds, x.CredentialID)
		}
		if x.Status == krowoc.ExecSucceeded {
			if succeeded[x.PromptID] == 0 {
				prompts = append(prompts, x.PromptID)
			}
			succeeded[x.PromptID]++
		}
	}
	// Keys and prompts in order, like the usage rows, so that concurrent
	// transactions lock them in the same order.
	slices.Sort(creds)
	slices.Sort(prompts)
	var usage []*executionUsage
	if !tx.skipUsage {
		var err error
		if usage, err = usageRows(ctx, tx, xs); err != nil {
			return err
		}
	}
	if tx.dialect == Postgres {
		return afterFinishesPostgres(ctx, tx, creds, prompts, succeeded, usage)
	}
	for _, id := range creds {
		if _, err := tx.exec(ctx, `UPDATE credentials SET last_used_at = ? WHERE id = ?`, toMillis(tx.now), id); err != nil {
			return err
		}
	}
	for _, id := range prompts {
		if err := bumpPromptStats(ctx, tx, id, succeeded[id]); err != nil {
			return err
		}
	}
	if len(usage) == 0 {
		return nil
	}
	if err := addRows(ctx, tx, usage); err != nil {
		return fmt.Errorf("record usage: %w", err)
	}
	return nil
}

// CancelExecution records a running execution as cancelled and returns it.
// Cancelling one that has finished is a conflict.
func (db *DB) CancelExecution(ctx context.Context, id string) (*krowoc.Execution, error) {
	var x *krowoc.Execution
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if x, err = GetExecutionTx(ctx, tx, id); err != nil {
			return err
		}
		if x.Status != krowoc.ExecRunning {
			return krowoc.Errorf(krowoc.ECodeConflict, "The execution has already finished (%s).", x.Status)
		}
		return cancelExecution(ctx, tx, x)
	})
	return x, err
}

// cancelExecution records the running execution x as cancelled inside tx.
func cancelExecution(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	x.Status, x.ErrorCode, x.ErrorMessage = krowoc.ExecCancelled, "cancelled", "Cancelled before it finished."
	if x.LatencyMillis == nil {
		ms := tx.now.Sub(x.CreatedAt).Milliseconds()
		x.LatencyMillis = &ms
	}
	return finishExecution(ctx, tx, x)
}

// SetExecutionAttempts records how many calls a background execution has
// made so far, between its retries.
func (db *DB) SetExecutionAttempts(ctx context.Context, id string, attempts int) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE executions SET attempts = ? WHERE id = ? AND status = 'running'`, attempts, id)
		return err
	})
}

// ExecutionFilter selects executions of one workspace.
type ExecutionFilter struct {
	WorkspaceID string
	PromptID    string
	Model       string
	Status      krowoc.ExecutionStatus
	From, To    *time.Time
}

// ListExecutions returns a page of executions, newest first, and the total.
func (db *DB) ListExecutions(ctx context.Context, f ExecutionFilter, page Page) ([]krowoc.Execution, int, error) {
	where := "workspace_id = ?"
	args := []any{f.WorkspaceID}
	if f.PromptID != "" {
		where += " AND prompt_id = ?"
		args = append(args, f.PromptID)
	}
	if f.Model != "" {
		where += " AND model = ?"
		args = append(args, f.Model)
	}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, string(f.Status))
	}
	if f.From != nil {
		where += " AND created_at >= ?"
		args = append(args, toMillis(*f.From))
	}
	if f.To != nil {
		where += " AND created_at < ?"
		args = append(args, toMillis(*f.To))
	}
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM executions WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count executions: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+executionColumns+` FROM executions WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list executions: %w", err)
	}
	defer rows.Close()
	out := []krowoc.Execution{}
	for rows.Next() {
		x, err := scanExecution(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *x)
	}
	return out, total, rows.Err()
}

// GetExecution returns an execution, or not_found.
func (db *DB) GetExecution(ctx context.Context, id string) (*krowoc.Execution, error) {
	x, err := scanExecution(db.reader().queryRow(ctx, `SELECT `+executionColumns+` FROM executions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("execution")
	}
	if err != nil {
		return nil, fmt.Errorf("get execution: %w", err)
	}
	return x, nil
}

// DeleteExecution removes an execution from the history. The usage rollups
// keep counting it: they are the ledger of what was spent.
func (db *DB) DeleteExecution(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM executions WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("execution")
		}
		return nil
	})
}

func scanExecution(s scanner) (*krowoc.Execution, error) {
	var x krowoc.Execution
	var version, ttft, latency, finished sql.NullInt64
	var credential, code, message sql.NullString
	var vars, params string
	var created int64
	err := s.Scan(&x.ID, &x.WorkspaceID, &x.UserID, &x.PromptID, &version, &x.Model, &x.Provider, &credential,
		&vars, &params, &x.Status, &code, &message, &x.Attempts, &ttft, &latency, &x.Usage.InputTokens,
		&x.Usage.OutputTokens, &x.Usage.CachedInputTokens, &x.Usage.CacheCreationTokens, &x.Usage.ReasoningTokens,
		&x.CostMicros, &x.ResponseText, &x.RequestID, &created, &finished)
	if err != nil {
		return nil, err
	}
	x.PromptVersion = nullInt(version)
	x.CredentialID, x.ErrorCode, x.ErrorMessage = credential.String, code.String, message.String
	x.Variables = map[string]string{}
	_ = json.Unmarshal([]byte(vars), &x.Variables)
	_ = json.Unmarshal([]byte(params), &x.Params)
	if ttft.Valid {
		x.TTFTMillis = &ttft.Int64
	}
	if latency.Valid {
		x.LatencyMillis = &latency.Int64
	}
	x.CreatedAt, x.FinishedAt = fromMillis(created), fromNullMillis(finished)
	return &x, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt64(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}
