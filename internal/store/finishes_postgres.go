package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// afterFinishesPostgres writes what follows from a batch of finishes —
// keys' last use, prompts' execution counts, the usage rollup rows and
// their error counts — as one statement of data-modifying CTEs, each fed
// by arrays: one round trip and one prepared statement whatever the batch
// holds. On Postgres a round trip costs more than the rows it writes (see
// docs/performance.md). Every CTE writes a different table, so none sees
// or races another's rows.
//
// The rollup CTE returns the rows whose histograms have collected
// sketchCompactOneIn values since they were last compacted; those are
// compacted right after, in the same transaction, which still holds their
// row locks.
func afterFinishesPostgres(ctx context.Context, tx *Tx, creds, prompts []string, succeeded map[string]int64, usage []*executionUsage) error {
	if len(creds) == 0 && len(prompts) == 0 && len(usage) == 0 {
		return nil
	}
	counts := make([]int64, len(prompts))
	for i, id := range prompts {
		counts[i] = succeeded[id]
	}
	args := []any{toMillis(tx.now), creds, prompts, counts}
	if len(usage) == 0 {
		_, err := tx.exec(ctx, finishesSQL, args...)
		return err
	}
	args = append(args, usageArrays(usage)...)
	rows, err := tx.query(ctx, finishesWithUsageSQL, args...)
	if err != nil {
		return fmt.Errorf("record usage: %w", err)
	}
	type due struct {
		workspaceID   string
		key           usageKey
		latency, ttft string
	}
	var compact []due
	for rows.Next() {
		d := due{key: usageKey{level: usageLevelPrompt, grain: 1}}
		k := &d.key
		if err := rows.Scan(&d.workspaceID, &k.bucket, &k.promptID, &k.version, &k.model, &k.credentialID, &d.latency, &d.ttft); err != nil {
			_ = rows.Close()
			return fmt.Errorf("read usage rows to compact: %w", err)
		}
		compact = append(compact, d)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("record usage: %w", err)
	}
	for _, d := range compact {
		if err := writeCompactSketches(ctx, tx, d.workspaceID, d.key, d.latency, d.ttft); err != nil {
			return err
		}
	}
	return nil
}

// usageArrays returns level-0 hour rows as the column arrays
// finishesWithUsageSQL takes: the key, the sums, the histograms, then the
// error counts as rows of their own.
func usageArrays(usage []*executionUsage) []any {
	n := len(usage)
	workspaces, prompts, models, providers, keys := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	buckets, versions := make([]int64, n), make([]int32, n)
	latencies, ttfts := make([]string, n), make([]string, n)
	sums := make([][]int64, len(rollupSumColumns))
	for c := range sums {
		sums[c] = make([]int64, n)
	}
	var errWorkspaces, errPrompts, errModels, errKeys, errCodes []string
	var errBuckets, errCounts []int64
	var errVersions []int32
	values := make([]any, 0, len(rollupSumColumns))
	for i, u := range usage {
		k := u.key
		workspaces[i], buckets[i], prompts[i], versions[i] = u.workspaceID, k.bucket, k.promptID, int32(k.version)
		models[i], providers[i], keys[i] = k.model, u.provider, k.credentialID
		latencies[i], ttfts[i] = u.latency, u.ttft
		values = sumArgs(values[:0], &u.counts)
		for c, v := range values {
			sums[c][i] = v.(int64)
		}
		for _, code := range slices.Sorted(maps.Keys(u.errors)) {
			count := u.errors[code]
			errWorkspaces, errBuckets, errPrompts = append(errWorkspaces, u.workspaceID), append(errBuckets, k.bucket), append(errPrompts, k.promptID)
			errVersions, errModels, errKeys = append(errVersions, int32(k.version)), append(errModels, k.model), append(errKeys, k.credentialID)
			errCodes, errCounts = append(errCodes, code), append(errCounts, count)
		}
	}
	args := []any{workspaces, buckets, prompts, versions, models, providers, keys}
	for _, s := range sums {
		args = append(args, s)
	}
	return append(args, latencies, ttfts, errWorkspaces, errBuckets, errPrompts, errVersions, errModels, errKeys, errCodes, errCounts)
}

var finishesSQL, finishesWithUsageSQL = finishesStatements()

// finishesStatements returns afterFinishesPostgres's statement without and
// with the usage rows. Parameters: the time, the keys used, the prompts
// run and their counts; then usageArrays.
func finishesStatements() (plain, withUsage string) {
	head := `WITH used AS (
		UPDATE credentials SET last_used_at = $1 WHERE id = ANY($2::text[])
	), counted AS (
		UPDATE prompt_stats s SET executions = s.executions + v.n, last_executed_at = $1
		FROM unnest($3::text[], $4::bigint[]) AS v (prompt_id, n) WHERE s.prompt_id = v.prompt_id
	)`
	sums := strings.Join(rollupSumColumns, ", ")
	arrays := []string{"$5::text[]", "$6::bigint[]", "$7::text[]", "$8::integer[]", "$9::text[]", "$10::text[]", "$11::text[]"}
	next := 12
	for range rollupSumColumns {
		arrays = append(arrays, fmt.Sprintf("$%d::bigint[]", next))
		next++
	}
	arrays = append(arrays, fmt.Sprintf("$%d::text[]", next), fmt.Sprintf("$%d::text[]", next+1))
	next += 2
	var set strings.Builder
	for _, c := range rollupSumColumns {
		fmt.Fprintf(&set, "%s = usage_rollups.%s + excluded.%s, ", c, c, c)
	}
	errArrays := make([]string, 0, 8)
	for _, t := range []string{"text", "bigint", "text", "integer", "text", "text", "text", "bigint"} {
		errArrays = append(errArrays, fmt.Sprintf("$%d::%s[]", next, t))
		next++
	}
	withUsage = head + `, rolled AS (
		INSERT INTO usage_rollups (` + "workspace_id, level, grain_hours, bucket, prompt_id, prompt_version, model, provider, credential_id, " + sums +
		`, latency_sketch, ttft_sketch, sketch_pending)
		SELECT workspace_id, 0, 1, bucket, prompt_id, prompt_version, model, provider, credential_id, ` + sums + `, latency_sketch, ttft_sketch, executions
		FROM unnest(` + strings.Join(arrays, ", ") + `)
			AS v (workspace_id, bucket, prompt_id, prompt_version, model, provider, credential_id, ` + sums + `, latency_sketch, ttft_sketch)
		ON CONFLICT (` + rollupKeyColumns + `) DO UPDATE SET ` + set.String() +
		`latency_sketch = usage_rollups.latency_sketch || excluded.latency_sketch,
			ttft_sketch = usage_rollups.ttft_sketch || excluded.ttft_sketch,
			sketch_pending = usage_rollups.sketch_pending + excluded.sketch_pending
		RETURNING workspace_id, bucket, prompt_id, prompt_version, model, credential_id, latency_sketch, ttft_sketch, sketch_pending
	), counted_errors AS (
		INSERT INTO usage_errors (` + rollupKeyColumns + `, error_code, executions)
		SELECT workspace_id, 0, 1, bucket, prompt_id, prompt_version, model, credential_id, error_code, executions
		FROM unnest(` + strings.Join(errArrays, ", ") + `)
			AS e (workspace_id, bucket, prompt_id, prompt_version, model, credential_id, error_code, executions)
		ON CONFLICT (` + rollupKeyColumns + `, error_code) DO UPDATE SET executions = usage_errors.executions + excluded.executions
	)
	SELECT workspace_id, bucket, prompt_id, prompt_version, model, credential_id, latency_sketch, ttft_sketch
	FROM rolled WHERE sketch_pending >= ` + fmt.Sprint(sketchCompactOneIn)
	return head + ` SELECT 1`, withUsage
}
