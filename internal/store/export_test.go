package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/sketch"
)

// StartRecord and FinishRecord make the recorder's records without handing
// them over; WriteRecords writes records as one batch of the recorder, as if
// they had been handed over together.
func (db *DB) StartRecord(x *krowoc.Execution) *Pending { return db.startRecord(x) }

func FinishRecord(x *krowoc.Execution, start *Pending) *Pending { return finishRecord(x, start) }

func (db *DB) WriteRecords(records ...*Pending) { db.recorder.write(records) }

// UsageLedger returns every usage rollup and error-count row of a workspace
// as text, in key order, with histograms in canonical form: what a test
// compares before and after a rebuild.
func (db *DB) UsageLedger(ctx context.Context, workspaceID string) ([]string, error) {
	var out []string
	rows, err := db.reader().query(ctx, `SELECT level, grain_hours, bucket, prompt_id, prompt_version, model, provider, credential_id,
		executions, succeeded, failed, cancelled, timed_out, input_tokens, output_tokens, cached_input_tokens,
		cache_creation_tokens, reasoning_tokens, cost_micros, latency_count, latency_sum_ms, ttft_count, ttft_sum_ms,
		latency_sketch, ttft_sketch
		FROM usage_rollups WHERE workspace_id = ?
		ORDER BY level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id`, workspaceID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var level, grain, version int
		var bucket int64
		var prompt, model, provider, cred, lat, ttft string
		var sums [15]int64
		dests := []any{&level, &grain, &bucket, &prompt, &version, &model, &provider, &cred}
		for i := range sums {
			dests = append(dests, &sums[i])
		}
		dests = append(dests, &lat, &ttft)
		if err := rows.Scan(dests...); err != nil {
			rows.Close()
			return nil, err
		}
		l, err := sketch.Parse(lat)
		if err != nil {
			rows.Close()
			return nil, err
		}
		t, err := sketch.Parse(ttft)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, fmt.Sprintf("rollup %d %d %d %s v%d %s %s %q %v latency[%s] ttft[%s]",
			level, grain, bucket, prompt, version, model, provider, cred, sums, l, t))
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = db.reader().query(ctx, `SELECT level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id,
		error_code, executions FROM usage_errors WHERE workspace_id = ?
		ORDER BY level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id, error_code`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var level, grain, version int
		var bucket, n int64
		var prompt, model, cred, code string
		if err := rows.Scan(&level, &grain, &bucket, &prompt, &version, &model, &cred, &code, &n); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("error %d %d %d %s v%d %s %q %s %d", level, grain, bucket, prompt, version, model, cred, code, n))
	}
	return out, rows.Err()
}

// BenchmarkUpdate runs fn in one write transaction, giving it the
// transaction's exec: benchmarks build baselines with it.
func (db *DB) BenchmarkUpdate(ctx context.Context, fn func(exec func(q string, args ...any) error) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		return fn(func(q string, args ...any) error {
			_, err := tx.exec(ctx, q, args...)
			return err
		})
	})
}

// UsageRolledUntil is how far the workspace's usage is rolled up.
func (db *DB) UsageRolledUntil(ctx context.Context, workspaceID string) (int64, error) {
	return db.usageRolledUntil(ctx, workspaceID)
}

// RecordWithoutUsage makes the recorder leave the usage rollups out: the
// baseline of BenchmarkRecorder.
func (db *DB) RecordWithoutUsage() { db.recorder.skipUsage = true }

// RecordsPerBatch is the mean number of records the recorder wrote per
// transaction so far.
func (db *DB) RecordsPerBatch() float64 {
	return float64(db.recorder.records.Load()) / float64(max(1, db.recorder.batches.Load()))
}

// MigrateTo applies the pending migrations up to version only, so that a
// test can write data the way an older schema held it and then migrate.
func (db *DB) MigrateTo(ctx context.Context, version int) error {
	_, err := db.migrateTo(ctx, version)
	return err
}

// TagRowsOutOfStep describes every way prompt_tags differs from the
// prompts: a tag row whose copies of its prompt's columns (workspace, sort
// keys, status, visibility, trash time) differ from the prompt row, a tag
// row the prompt's tag list does not name, a named tag with no row, and a
// tag row without a prompt. Nil means in step.
func (db *DB) TagRowsOutOfStep(ctx context.Context) ([]string, error) {
	r := db.reader()
	rows, err := r.query(ctx, `SELECT p.id, p.tags, p.workspace_id, p.title_key, p.status, p.visibility, p.created_at, p.updated_at, p.deleted_at,
		g.tag, g.workspace_id, g.title_key, g.status, g.visibility, g.created_at, g.updated_at, g.deleted_at
		FROM prompts p LEFT JOIN prompt_tags g ON g.prompt_id = p.id ORDER BY p.id, g.tag`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	rowTags := map[string][]string{}
	namedTags := map[string][]string{}
	for rows.Next() {
		var id, tags string
		var pCols [7]sql.NullString
		var tag sql.NullString
		var gCols [7]sql.NullString
		dests := []any{&id, &tags}
		for i := range pCols {
			dests = append(dests, &pCols[i])
		}
		dests = append(dests, &tag)
		for i := range gCols {
			dests = append(dests, &gCols[i])
		}
		if err := rows.Scan(dests...); err != nil {
			return nil, err
		}
		named := decodeStrings(tags)
		slices.Sort(named)
		namedTags[id] = named
		if !tag.Valid {
			continue
		}
		rowTags[id] = append(rowTags[id], tag.String)
		if pCols != gCols {
			out = append(out, fmt.Sprintf("prompt %s tag %s: row %v, prompt %v", id, tag.String, gCols, pCols))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, named := range namedTags {
		got := rowTags[id]
		slices.Sort(got)
		if !slices.Equal(got, named) {
			out = append(out, fmt.Sprintf("prompt %s: tag rows %v, tags %v", id, got, named))
		}
	}
	var orphans int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM prompt_tags WHERE prompt_id NOT IN (SELECT id FROM prompts)`).Scan(&orphans); err != nil {
		return nil, err
	}
	if orphans > 0 {
		out = append(out, fmt.Sprintf("%d tag rows without a prompt", orphans))
	}
	return out, nil
}

// SearchIndexRows counts the rows of SQLite's full-text index; Postgres
// has none (its search vector is a column of prompts) and answers 0.
func (db *DB) SearchIndexRows(ctx context.Context) (int, error) {
	if db.dialect != SQLite {
		return 0, nil
	}
	var n int
	err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM prompts_fts`).Scan(&n)
	return n, err
}

// SetSearchCountCap makes searches count at most n matches instead of
// SearchCountCap, so that a test can pass the cap with a few prompts.
func (db *DB) SetSearchCountCap(n int) { db.searchCountCap = n }

// UsagePending returns the most values any rollup row of a workspace holds
// in its histograms' text since it was last compacted.
func (db *DB) UsagePending(ctx context.Context, workspaceID string) (int64, error) {
	var n int64
	err := db.reader().queryRow(ctx, `SELECT COALESCE(MAX(sketch_pending), 0) FROM usage_rollups WHERE workspace_id = ?`, workspaceID).Scan(&n)
	return n, err
}
