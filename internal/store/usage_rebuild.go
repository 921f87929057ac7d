package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// rebuildBatch is how many rows one INSERT of a rebuild or roll writes.
const rebuildBatch = 200

type errorKey struct {
	usageKey
	code string
}

// RebuildUsage recomputes the usage rollups of one workspace from its
// finished executions, in one transaction, and returns how many executions
// it counted: the level-0 hour rows from the executions (read a day at a
// time), then everything the roller derives from them. Executions deleted
// from the history drop out of the rebuilt numbers (the rollups otherwise
// keep them: they are the usage ledger). On Postgres, finishing executions
// wait for the rebuild to commit and then count on top of it; on SQLite the
// rebuild holds the write lock throughout. A workspace that does not exist
// is not_found.
func (db *DB) RebuildUsage(ctx context.Context, workspaceID string) (int64, error) {
	var counted int64
	err := db.Update(ctx, func(tx *Tx) error {
		counted = 0
		var id string
		if err := tx.queryRow(ctx, `SELECT id FROM workspaces WHERE id = ?`, workspaceID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return krowoc.NotFound("workspace")
		} else if err != nil {
			return fmt.Errorf("find workspace: %w", err)
		}
		if db.dialect == Postgres {
			// Finishers take ROW EXCLUSIVE on the rollups: they wait here,
			// so none counts in both the old rows and the rebuilt ones.
			if _, err := tx.exec(ctx, `LOCK TABLE usage_rollups, usage_errors IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("lock usage rollups: %w", err)
			}
		}
		for _, table := range []string{"usage_rollups", "usage_errors", "usage_watermarks"} {
			if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE workspace_id = ?`, workspaceID); err != nil {
				return fmt.Errorf("clear %s: %w", table, err)
			}
		}
		var first, last sql.NullInt64
		if err := tx.queryRow(ctx, `SELECT MIN(created_at), MAX(created_at) FROM executions WHERE workspace_id = ?`,
			workspaceID).Scan(&first, &last); err != nil {
			return fmt.Errorf("execution range: %w", err)
		}
		if !first.Valid {
			return nil
		}
		for day := floorTo(first.Int64, dayMs); day <= last.Int64; day += dayMs {
			n, err := rebuildDay(ctx, tx, workspaceID, day)
			if err != nil {
				return err
			}
			counted += n
		}
		upto := floorTo(toMillis(tx.now.Add(-usageRollLag)), hourMs)
		for {
			more, err := rollChunk(ctx, tx, workspaceID, upto, tx.now)
			if err != nil || !more {
				return err
			}
		}
	})
	return counted, err
}

// rebuildDay writes the level-0 hour rows of the executions that started
// in one UTC day.
func rebuildDay(ctx context.Context, tx *Tx, workspaceID string, day int64) (int64, error) {
	rows, err := tx.query(ctx, `SELECT created_at, prompt_id, prompt_version, model, provider, COALESCE(credential_id, ''),
		status, COALESCE(error_code, ''), ttft_ms, latency_ms, input_tokens, output_tokens, cached_input_tokens,
		cache_creation_tokens, reasoning_tokens, cost_micros
		FROM executions WHERE workspace_id = ? AND created_at >= ? AND created_at < ? AND status <> 'running'`,
		workspaceID, day, day+dayMs)
	if err != nil {
		return 0, fmt.Errorf("read executions: %w", err)
	}
	hours := map[usageKey]*rollupAcc{}
	errs := map[errorKey]int64{}
	var n int64
	for rows.Next() {
		var x krowoc.Execution
		var created int64
		var version, ttft, latency sql.NullInt64
		if err := rows.Scan(&created, &x.PromptID, &version, &x.Model, &x.Provider, &x.CredentialID, &x.Status, &x.ErrorCode,
			&ttft, &latency, &x.Usage.InputTokens, &x.Usage.OutputTokens, &x.Usage.CachedInputTokens,
			&x.Usage.CacheCreationTokens, &x.Usage.ReasoningTokens, &x.CostMicros); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read executions: %w", err)
		}
		x.CreatedAt, x.PromptVersion = fromMillis(created), nullInt(version)
		if ttft.Valid {
			x.TTFTMillis = &ttft.Int64
		}
		if latency.Valid {
			x.LatencyMillis = &latency.Int64
		}
		n++
		k := hourKeyOf(&x)
		acc := hours[k]
		if acc == nil {
			acc = &rollupAcc{provider: x.Provider}
			hours[k] = acc
		}
		acc.counts.Add(krowoc.UsageOf(&x))
		if x.LatencyMillis != nil {
			acc.latency.Add(*x.LatencyMillis)
		}
		if x.TTFTMillis != nil {
			acc.ttft.Add(*x.TTFTMillis)
		}
		if code := krowoc.UsageErrorCode(&x); code != "" {
			errs[errorKey{k, code}]++
		}
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("read executions: %w", err)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read executions: %w", err)
	}
	if err := writeRollups(ctx, tx, workspaceID, hours, rollupInsert); err != nil {
		return 0, err
	}
	if err := writeErrorCounts(ctx, tx, workspaceID, errs, rollupInsert); err != nil {
		return 0, err
	}
	return n, nil
}

// writeRollups writes rollup rows in batches, in key order.
func writeRollups(ctx context.Context, tx *Tx, workspaceID string, rollups map[usageKey]*rollupAcc, mode rollupWrite) error {
	keys := make([]usageKey, 0, len(rollups))
	for k := range rollups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return usageKeyLess(keys[i], keys[j]) })
	full := rollupInsertSQL(rebuildBatch, mode)
	for start := 0; start < len(keys); start += rebuildBatch {
		chunk := keys[start:min(start+rebuildBatch, len(keys))]
		q := full
		if len(chunk) < rebuildBatch {
			q = rollupInsertSQL(len(chunk), mode)
		}
		args := make([]any, 0, len(chunk)*(12+len(rollupSumColumns)))
		for _, k := range chunk {
			acc := rollups[k]
			args = append(args, workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, acc.provider, k.credentialID)
			args = sumArgs(args, &acc.counts)
			args = append(args, acc.latency.String(), acc.ttft.String(), 0)
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("write usage rollups: %w", err)
		}
	}
	return nil
}

// writeErrorCounts writes error-count rows in batches, in key order.
func writeErrorCounts(ctx context.Context, tx *Tx, workspaceID string, errs map[errorKey]int64, mode rollupWrite) error {
	keys := make([]errorKey, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].usageKey != keys[j].usageKey {
			return usageKeyLess(keys[i].usageKey, keys[j].usageKey)
		}
		return keys[i].code < keys[j].code
	})
	for start := 0; start < len(keys); start += rebuildBatch {
		chunk := keys[start:min(start+rebuildBatch, len(keys))]
		args := make([]any, 0, len(chunk)*10)
		for _, k := range chunk {
			args = append(args, workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, k.credentialID, k.code, errs[k])
		}
		if _, err := tx.exec(ctx, errorInsertSQL(len(chunk), mode), args...); err != nil {
			return fmt.Errorf("write usage errors: %w", err)
		}
	}
	return nil
}

func usageKeyLess(a, b usageKey) bool {
	switch {
	case a.level != b.level:
		return a.level < b.level
	case a.grain != b.grain:
		return a.grain < b.grain
	case a.bucket != b.bucket:
		return a.bucket < b.bucket
	case a.promptID != b.promptID:
		return a.promptID < b.promptID
	case a.version != b.version:
		return a.version < b.version
	case a.model != b.model:
		return a.model < b.model
	}
	return a.credentialID < b.credentialID
}

func joinColumns(cols []string) string { return strings.Join(cols, ", ") }

// WorkspaceIDs returns the id of every workspace.
func (db *DB) WorkspaceIDs(ctx context.Context) ([]string, error) {
	rows, err := db.reader().query(ctx, `SELECT id FROM workspaces ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
