package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/sketch"
)

// usageRollLag is how long after an hour ends the roller first tries it.
// Servers start executions by their own clocks: theirs must agree within
// this, or one running late could start an execution in an hour that is
// rolled up already.
const usageRollLag = 10 * time.Minute

// RollUsage rolls up the usage of every workspace with hours to roll up:
// for each hour that ended and whose executions have all finished, it
// derives the level-1 hour rows and adds the hour to the day rows of both
// levels. It returns how many workspaces moved on. Reads are right whether
// or not it ran; it makes long ranges fast.
func (db *DB) RollUsage(ctx context.Context) (int, error) {
	now := db.Now()
	upto := floorTo(toMillis(now.Add(-usageRollLag)), hourMs)
	// One index probe per workspace: is there a level-0 hour past its
	// watermark and before upto?
	rows, err := db.reader().query(ctx, `SELECT w.id FROM workspaces w WHERE EXISTS (
		SELECT 1 FROM usage_rollups r WHERE r.workspace_id = w.id AND r.level = 0 AND r.grain_hours = 1
			AND r.bucket >= COALESCE((SELECT m.rolled_until FROM usage_watermarks m WHERE m.workspace_id = w.id), 0)
			AND r.bucket < ?)`, upto)
	if err != nil {
		return 0, fmt.Errorf("find usage to roll up: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	moved := 0
	for _, id := range ids {
		advanced := false
		for {
			var more bool
			err := db.Update(ctx, func(tx *Tx) error {
				var err error
				more, err = rollChunk(ctx, tx, id, upto, now)
				return err
			})
			if err != nil {
				return moved, fmt.Errorf("roll up usage of workspace %s: %w", id, err)
			}
			if !more {
				break
			}
			advanced = true
		}
		if advanced {
			moved++
		}
	}
	return moved, nil
}

// rollChunk rolls one workspace's usage on from its watermark by at most
// one UTC day, stopping before upto and before the hour of any execution
// still running. It reports whether the watermark moved.
func rollChunk(ctx context.Context, tx *Tx, workspaceID string, upto int64, now time.Time) (bool, error) {
	start, err := lockWatermark(ctx, tx, workspaceID)
	if err != nil {
		return false, err
	}
	// The next hour with usage: skip the empty ones in one step.
	var next sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MIN(bucket) FROM usage_rollups
		WHERE workspace_id = ? AND level = 0 AND grain_hours = 1 AND bucket >= ?`, workspaceID, start).Scan(&next); err != nil {
		return false, fmt.Errorf("next usage hour: %w", err)
	}
	end := upto
	if next.Valid && next.Int64 < upto {
		if start == 0 {
			start = next.Int64
		}
		end = min(upto, floorTo(start, dayMs)+dayMs)
		if next.Int64 > start {
			end = next.Int64 // no usage in [start, next): move past it alone
		}
	}
	if start >= end {
		return false, nil
	}
	// An execution still running in the stretch will add to its hour when
	// it finishes: stop before that hour. One running for longer than any
	// run can last lost its server; stragglers check the watermark.
	var running sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MIN(created_at) FROM executions
		WHERE workspace_id = ? AND created_at >= ? AND created_at < ? AND status = 'running'`,
		workspaceID, max(start, toMillis(now.Add(-usageAbandonedAfter))), end).Scan(&running); err != nil {
		return false, fmt.Errorf("running executions: %w", err)
	}
	if running.Valid {
		end = floorTo(running.Int64, hourMs)
	}
	if start >= end {
		return false, nil
	}
	if next.Valid && next.Int64 < end {
		if err := deriveRollups(ctx, tx, workspaceID, start, end); err != nil {
			return false, err
		}
		if err := deriveErrorCounts(ctx, tx, workspaceID, start, end); err != nil {
			return false, err
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO usage_watermarks (workspace_id, rolled_until) VALUES (?, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET rolled_until = excluded.rolled_until`, workspaceID, end); err != nil {
		return false, fmt.Errorf("move usage watermark: %w", err)
	}
	return true, nil
}

// rollupAcc accumulates one rollup row in memory.
type rollupAcc struct {
	provider      string
	counts        krowoc.UsageCounts
	latency, ttft sketch.Histogram
}

// addText adds a row's counts and histogram text.
func (a *rollupAcc) addText(c krowoc.UsageCounts, latency, ttft string) error {
	a.counts.Add(c)
	if err := a.latency.AddText(latency); err != nil {
		return fmt.Errorf("usage latency sketch: %w", err)
	}
	if err := a.ttft.AddText(ttft); err != nil {
		return fmt.Errorf("usage ttft sketch: %w", err)
	}
	return nil
}

const rollupRowColumns = "level, grain_hours, bucket, prompt_id, prompt_version, model, provider, credential_id"

// readRollups adds the rows matched by where to accs.
func readRollups(ctx context.Context, tx *Tx, accs map[usageKey]*rollupAcc, where string, args ...any) error {
	rows, err := tx.query(ctx, `SELECT `+rollupRowColumns+`, `+joinColumns(rollupSumColumns)+`, latency_sketch, ttft_sketch
		FROM usage_rollups WHERE `+where, args...)
	if err != nil {
		return fmt.Errorf("read usage rollups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k usageKey
		var provider, latency, ttft string
		var c krowoc.UsageCounts
		dests := append([]any{&k.level, &k.grain, &k.bucket, &k.promptID, &k.version, &k.model, &provider, &k.credentialID}, sumDests(&c)...)
		if err := rows.Scan(append(dests, &latency, &ttft)...); err != nil {
			return fmt.Errorf("read usage rollups: %w", err)
		}
		acc := accs[k]
		if acc == nil {
			acc = &rollupAcc{provider: provider}
			accs[k] = acc
		}
		if err := acc.addText(c, latency, ttft); err != nil {
			return err
		}
	}
	return rows.Err()
}

// deriveRollups adds the level-0 hour rows of [from, to), all in one UTC
// day, to the derived rows: the day's rows at every level and the hour
// rows of levels 1 and 2.
func deriveRollups(ctx context.Context, tx *Tx, workspaceID string, from, to int64) error {
	day := floorTo(from, dayMs)
	derived := map[usageKey]*rollupAcc{}
	// What earlier stretches of the day put in the day rows, and anything
	// a straggler added.
	for _, level := range []int{usageLevelPrompt, usageLevelKey, usageLevelVersion} {
		if err := readRollups(ctx, tx, derived, `workspace_id = ? AND level = ? AND grain_hours = 24 AND bucket = ?`,
			workspaceID, level, day); err != nil {
			return err
		}
	}
	for _, level := range []int{usageLevelKey, usageLevelVersion} {
		if err := readRollups(ctx, tx, derived, `workspace_id = ? AND level = ? AND grain_hours = 1 AND bucket >= ? AND bucket < ?`,
			workspaceID, level, from, to); err != nil {
			return err
		}
	}
	hours := map[usageKey]*rollupAcc{}
	if err := readRollups(ctx, tx, hours, `workspace_id = ? AND level = 0 AND grain_hours = 1 AND bucket >= ? AND bucket < ?`,
		workspaceID, from, to); err != nil {
		return err
	}
	for k, h := range hours {
		for _, d := range derivedKeys(k) {
			acc := derived[d]
			if acc == nil {
				acc = &rollupAcc{provider: usageProvider(d.level, h.provider)}
				derived[d] = acc
			}
			acc.counts.Add(h.counts)
			if d.level != usageLevelVersion {
				acc.latency.Merge(&h.latency)
				acc.ttft.Merge(&h.ttft)
			}
		}
	}
	return writeRollups(ctx, tx, workspaceID, derived, rollupReplace)
}

// deriveErrorCounts is deriveRollups for the error counts.
func deriveErrorCounts(ctx context.Context, tx *Tx, workspaceID string, from, to int64) error {
	day := floorTo(from, dayMs)
	derived := map[errorKey]int64{}
	hours := map[errorKey]int64{}
	read := func(into map[errorKey]int64, where string, args ...any) error {
		rows, err := tx.query(ctx, `SELECT level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id, error_code, executions
			FROM usage_errors WHERE `+where, args...)
		if err != nil {
			return fmt.Errorf("read usage errors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k errorKey
			var n int64
			if err := rows.Scan(&k.level, &k.grain, &k.bucket, &k.promptID, &k.version, &k.model, &k.credentialID, &k.code, &n); err != nil {
				return fmt.Errorf("read usage errors: %w", err)
			}
			into[k] += n
		}
		return rows.Err()
	}
	for _, level := range []int{usageLevelPrompt, usageLevelKey} {
		if err := read(derived, `workspace_id = ? AND level = ? AND grain_hours = 24 AND bucket = ?`, workspaceID, level, day); err != nil {
			return err
		}
	}
	if err := read(derived, `workspace_id = ? AND level = 1 AND grain_hours = 1 AND bucket >= ? AND bucket < ?`, workspaceID, from, to); err != nil {
		return err
	}
	if err := read(hours, `workspace_id = ? AND level = 0 AND grain_hours = 1 AND bucket >= ? AND bucket < ?`, workspaceID, from, to); err != nil {
		return err
	}
	for k, n := range hours {
		for _, d := range derivedErrorKeys(k.usageKey) {
			derived[errorKey{d, k.code}] += n
		}
	}
	return writeErrorCounts(ctx, tx, workspaceID, derived, rollupReplace)
}
