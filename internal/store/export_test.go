package store

import (
	"context"
	"fmt"

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
