package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/sketch"
)

// Usage rollups (migration 0005) sum finished executions per time bucket at
// two levels of detail; see docs/usage.md. Finishing an execution writes
// one row, its level-0 hour; the roller derives the rest (usage_roll.go).
const (
	// usageLevelPrompt rows are per prompt, version, model and key.
	usageLevelPrompt = 0
	// usageLevelKey rows are per model and key, over all prompts.
	usageLevelKey = 1
	// usageLevelVersion rows are per prompt and version, over all models
	// and keys, and carry counters only (no histograms): the narrow rows a
	// breakdown by prompt reads.
	usageLevelVersion = 2

	hourMs = int64(3_600_000)
	dayMs  = 24 * hourMs

	// sketchCompactOneIn: one finish in this many (chosen by its execution
	// id) rewrites its rows' histograms compactly, so each collects about
	// this many values by string concatenation in between. Reading a
	// counter back to decide costs more, on SQLite, than the upsert itself.
	// On Postgres the upsert returns its rows anyway (afterFinishesPostgres),
	// so a row is compacted once it has collected exactly this many.
	sketchCompactOneIn = 32

	// usageLateAfter is the age from which a finishing execution checks
	// whether its hour was rolled up already (and then adds itself to the
	// derived rows too). Runs last seconds; this is for the odd straggler.
	usageLateAfter = 24 * time.Hour
	// usageAbandonedAfter is the age from which the roller stops waiting
	// for a running execution: one still running then lost its server. It
	// is an hour past usageLateAfter, so a straggler finishing on a server
	// whose clock is a little off still takes the late path.
	usageAbandonedAfter = usageLateAfter + time.Hour
)

// usageKey identifies one rollup row.
type usageKey struct {
	level        int
	grain        int // hours per bucket: 1 or 24
	bucket       int64
	promptID     string
	version      int
	model        string
	credentialID string
}

// floorTo rounds ms down to a multiple of width.
func floorTo(ms, width int64) int64 {
	r := ms % width
	if r < 0 {
		r += width
	}
	return ms - r
}

// hourKeyOf returns the level-0 hour row an execution counts in: the hour
// it started in, like the history's time filters.
func hourKeyOf(x *krowoc.Execution) usageKey {
	version := 0
	if x.PromptVersion != nil {
		version = *x.PromptVersion
	}
	return usageKey{usageLevelPrompt, 1, floorTo(toMillis(x.CreatedAt), hourMs), x.PromptID, version, x.Model, x.CredentialID}
}

// derivedKeys returns the rows the roller derives from a level-0 hour row:
// its day at level 0, and its hour and day at levels 1 and 2.
func derivedKeys(k usageKey) [5]usageKey {
	day := floorTo(k.bucket, dayMs)
	return [5]usageKey{
		{usageLevelPrompt, 24, day, k.promptID, k.version, k.model, k.credentialID},
		{usageLevelKey, 1, k.bucket, "", 0, k.model, k.credentialID},
		{usageLevelKey, 24, day, "", 0, k.model, k.credentialID},
		{usageLevelVersion, 1, k.bucket, k.promptID, k.version, "", ""},
		{usageLevelVersion, 24, day, k.promptID, k.version, "", ""},
	}
}

// derivedErrorKeys returns the error-count rows derived from a level-0
// hour row: levels 0 and 1 (reads by prompt and version use level 0).
func derivedErrorKeys(k usageKey) [3]usageKey {
	d := derivedKeys(k)
	return [3]usageKey{d[0], d[1], d[2]}
}

// usageProvider is the provider a row of level stores: none at level 2.
func usageProvider(level int, provider string) string {
	if level == usageLevelVersion {
		return ""
	}
	return provider
}

// rollupSumColumns are the rollup columns that add up.
var rollupSumColumns = []string{
	"executions", "succeeded", "failed", "cancelled", "timed_out", "input_tokens", "output_tokens",
	"cached_input_tokens", "cache_creation_tokens", "reasoning_tokens", "cost_micros", "latency_count",
	"latency_sum_ms", "ttft_count", "ttft_sum_ms",
}

// sumArgs lists c in the order of rollupSumColumns.
func sumArgs(args []any, c *krowoc.UsageCounts) []any {
	return append(args, c.Executions, c.Succeeded, c.Failed, c.Cancelled, c.TimedOut, c.InputTokens, c.OutputTokens,
		c.CachedInputTokens, c.CacheCreationTokens, c.ReasoningTokens, c.CostMicros, c.LatencyCount, c.LatencySumMs,
		c.TTFTCount, c.TTFTSumMs)
}

// sumDests points at c's fields in the order of rollupSumColumns.
func sumDests(c *krowoc.UsageCounts) []any {
	return []any{&c.Executions, &c.Succeeded, &c.Failed, &c.Cancelled, &c.TimedOut, &c.InputTokens, &c.OutputTokens,
		&c.CachedInputTokens, &c.CacheCreationTokens, &c.ReasoningTokens, &c.CostMicros, &c.LatencyCount,
		&c.LatencySumMs, &c.TTFTCount, &c.TTFTSumMs}
}

const rollupKeyColumns = "workspace_id, level, grain_hours, bucket, prompt_id, prompt_version, model, credential_id"

// rollupWrite is what an INSERT of rollup rows does to rows that exist.
type rollupWrite int

const (
	rollupInsert  rollupWrite = iota // nothing may exist
	rollupAdd                        // add to them, appending histogram text
	rollupReplace                    // overwrite them
)

// rollupInsertSQL returns an INSERT of n rollup rows.
func rollupInsertSQL(n int, mode rollupWrite) string {
	cols := "workspace_id, level, grain_hours, bucket, prompt_id, prompt_version, model, provider, credential_id, " +
		strings.Join(rollupSumColumns, ", ") + ", latency_sketch, ttft_sketch, sketch_pending"
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", 9+len(rollupSumColumns)+3), ", ") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO usage_rollups (" + cols + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	switch mode {
	case rollupAdd:
		b.WriteString(" ON CONFLICT (" + rollupKeyColumns + ") DO UPDATE SET ")
		for _, c := range rollupSumColumns {
			fmt.Fprintf(&b, "%s = usage_rollups.%s + excluded.%s, ", c, c, c)
		}
		b.WriteString("latency_sketch = usage_rollups.latency_sketch || excluded.latency_sketch, " +
			"ttft_sketch = usage_rollups.ttft_sketch || excluded.ttft_sketch, " +
			"sketch_pending = usage_rollups.sketch_pending + excluded.sketch_pending")
	case rollupReplace:
		b.WriteString(" ON CONFLICT (" + rollupKeyColumns + ") DO UPDATE SET ")
		for _, c := range rollupSumColumns {
			fmt.Fprintf(&b, "%s = excluded.%s, ", c, c)
		}
		b.WriteString("latency_sketch = excluded.latency_sketch, ttft_sketch = excluded.ttft_sketch, sketch_pending = 0")
	}
	return b.String()
}

// errorInsertSQL returns an INSERT of n error-count rows, adding to rows
// that exist (add) or overwriting them (replace).
func errorInsertSQL(n int, mode rollupWrite) string {
	var b strings.Builder
	b.WriteString("INSERT INTO usage_errors (" + rollupKeyColumns + ", error_code, executions) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	switch mode {
	case rollupAdd:
		b.WriteString(" ON CONFLICT (" + rollupKeyColumns + ", error_code) DO UPDATE SET executions = usage_errors.executions + excluded.executions")
	case rollupReplace:
		b.WriteString(" ON CONFLICT (" + rollupKeyColumns + ", error_code) DO UPDATE SET executions = excluded.executions")
	}
	return b.String()
}

var (
	addHourRollupSQL    = rollupInsertSQL(1, rollupAdd)
	addHourErrorSQL     = errorInsertSQL(1, rollupAdd)
	addDerivedRollupSQL = rollupInsertSQL(5, rollupAdd)
	addDerivedErrorSQL  = errorInsertSQL(3, rollupAdd)
)

// usageRows returns what finished executions add to the usage rollups:
// their level-0 hour rows, executions sharing a row added up, in key
// order, so that two transactions upserting the same rows cannot
// deadlock. A running execution counts nothing. An execution old enough to
// be a straggler is recorded on its own here instead, and also checks
// whether its hour was rolled up already (recordLateUsage).
func usageRows(ctx context.Context, tx *Tx, xs []*krowoc.Execution) ([]*executionUsage, error) {
	var rows []*executionUsage
	for _, x := range xs {
		if x.Status == krowoc.ExecRunning {
			continue
		}
		u := usageOf(x)
		u.compact = compactsSketches(x.ID)
		u.key = hourKeyOf(x)
		if tx.now.Sub(x.CreatedAt) >= usageLateAfter {
			if err := u.add(ctx, tx, addHourRollupSQL, addHourErrorSQL, []usageKey{u.key}, []usageKey{u.key}); err != nil {
				return nil, fmt.Errorf("record usage of %s: %w", x.ID, err)
			}
			if err := recordLateUsage(ctx, tx, u, u.key); err != nil {
				return nil, fmt.Errorf("record late usage of %s: %w", x.ID, err)
			}
			continue
		}
		rows = append(rows, u)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(rows, compareUsage)
	merged := rows[:1]
	for _, u := range rows[1:] {
		last := merged[len(merged)-1]
		if compareUsage(last, u) == 0 {
			last.merge(u)
			continue
		}
		merged = append(merged, u)
	}
	return merged, nil
}

// compareUsage orders usage by workspace and rollup key.
func compareUsage(a, b *executionUsage) int {
	return cmp.Or(
		strings.Compare(a.workspaceID, b.workspaceID),
		cmp.Compare(a.key.level, b.key.level), cmp.Compare(a.key.grain, b.key.grain), cmp.Compare(a.key.bucket, b.key.bucket),
		strings.Compare(a.key.promptID, b.key.promptID), cmp.Compare(a.key.version, b.key.version),
		strings.Compare(a.key.model, b.key.model), strings.Compare(a.key.credentialID, b.key.credentialID),
	)
}

// addRows adds each usage to its level-0 hour row, and its error counts,
// with a few upserts of many rows each.
func addRows(ctx context.Context, tx *Tx, rows []*executionUsage) error {
	perRow := 12 + len(rollupSumColumns)
	args := make([]any, 0, len(rows)*perRow)
	for _, u := range rows {
		args = append(args, u.workspaceID, u.key.level, u.key.grain, u.key.bucket, u.key.promptID, u.key.version, u.key.model,
			usageProvider(u.key.level, u.provider), u.key.credentialID)
		args = sumArgs(args, &u.counts)
		args = append(args, u.latency, u.ttft, u.counts.Executions)
	}
	if err := execInChunks(ctx, tx, args, perRow, func(n int) string {
		return addRollupsSQL.get(n, func(n int) string { return rollupInsertSQL(n, rollupAdd) })
	}); err != nil {
		return err
	}
	args = args[:0]
	for _, u := range rows {
		if u.compact {
			if err := compactSketches(ctx, tx, u.workspaceID, u.key); err != nil {
				return err
			}
		}
		for _, code := range slices.Sorted(maps.Keys(u.errors)) {
			k := u.key
			args = append(args, u.workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, k.credentialID, code, u.errors[code])
		}
	}
	return execInChunks(ctx, tx, args, 10, func(n int) string {
		return addErrorsSQL.get(n, func(n int) string { return errorInsertSQL(n, rollupAdd) })
	})
}

// execInChunks runs a multi-row statement over args, perRow arguments a row.
// On Postgres, where every statement is a round trip, it sends as few as
// it can (37 rows: 32 and 5). On SQLite it uses chunks of powers of two
// (37 rows: 32, 4 and 1), so that few distinct statements stay prepared:
// exact sizes made BenchmarkRecorder's batches 15 µs a finish slower there.
func execInChunks(ctx context.Context, tx *Tx, args []any, perRow int, statement func(rows int) string) error {
	const maxRows = 32
	for rows := len(args) / perRow; rows > 0; {
		chunk := min(rows, maxRows)
		if tx.dialect == SQLite {
			chunk = 1
			for chunk*2 <= rows && chunk < maxRows {
				chunk *= 2
			}
		}
		if _, err := tx.exec(ctx, statement(chunk), args[:chunk*perRow]...); err != nil {
			return err
		}
		args, rows = args[chunk*perRow:], rows-chunk
	}
	return nil
}

// upsertTexts memoizes a multi-row statement by row count.
type upsertTexts struct {
	mu    sync.Mutex
	texts map[int]string
}

var addRollupsSQL, addErrorsSQL upsertTexts

func (t *upsertTexts) get(rows int, build func(rows int) string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.texts == nil {
		t.texts = map[int]string{}
	}
	q, ok := t.texts[rows]
	if !ok {
		q = build(rows)
		t.texts[rows] = q
	}
	return q
}

// executionUsage is what one execution adds to each rollup row it counts in.
type executionUsage struct {
	workspaceID, provider string
	counts                krowoc.UsageCounts
	latency, ttft         string // histogram text of the one value, or ""
	errorCode             string
	// compact rewrites the rows' histograms compactly after adding.
	compact bool

	// For recordUsage: the hour row, and the error counts by code of the
	// executions added up into this one.
	key    usageKey
	errors map[string]int64
}

// merge adds o, of the same row, to u.
func (u *executionUsage) merge(o *executionUsage) {
	u.counts.Add(o.counts)
	u.latency += o.latency
	u.ttft += o.ttft
	u.compact = u.compact || o.compact
	for code, n := range o.errors {
		u.errors[code] += n
	}
}

// compactsSketches tells whether the finish of an execution compacts the
// histograms of its rows: one in sketchCompactOneIn, by the random bits at
// the end of its id, so the same run decides the same way every time.
func compactsSketches(id string) bool {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return h.Sum32()%sketchCompactOneIn == 0
}

func usageOf(x *krowoc.Execution) *executionUsage {
	u := &executionUsage{workspaceID: x.WorkspaceID, provider: x.Provider, counts: krowoc.UsageOf(x), errorCode: krowoc.UsageErrorCode(x),
		errors: map[string]int64{}}
	if u.errorCode != "" {
		u.errors[u.errorCode] = 1
	}
	if x.LatencyMillis != nil {
		u.latency = sketch.Token(*x.LatencyMillis)
	}
	if x.TTFTMillis != nil {
		u.ttft = sketch.Token(*x.TTFTMillis)
	}
	return u
}

// add adds the execution to the rollup rows of keys with one upsert (and
// to the error-count rows of errorKeys with one more).
func (u *executionUsage) add(ctx context.Context, tx *Tx, rollupSQL, errorSQL string, keys, errorKeys []usageKey) error {
	args := make([]any, 0, len(keys)*(12+len(rollupSumColumns)))
	for _, k := range keys {
		latency, ttft := u.latency, u.ttft
		if k.level == usageLevelVersion {
			latency, ttft = "", ""
		}
		args = append(args, u.workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, usageProvider(k.level, u.provider), k.credentialID)
		args = sumArgs(args, &u.counts)
		args = append(args, latency, ttft, 1)
	}
	if _, err := tx.exec(ctx, rollupSQL, args...); err != nil {
		return err
	}
	if u.compact {
		for _, k := range keys {
			if k.level == usageLevelVersion {
				continue
			}
			if err := compactSketches(ctx, tx, u.workspaceID, k); err != nil {
				return err
			}
		}
	}
	if u.errorCode == "" {
		return nil
	}
	args = args[:0]
	for _, k := range errorKeys {
		args = append(args, u.workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, k.credentialID, u.errorCode, 1)
	}
	_, err := tx.exec(ctx, errorSQL, args...)
	return err
}

// recordLateUsage adds a straggler to the derived rows when the roller has
// rolled its hour up already. It serializes with the roller on the
// workspace row, so the straggler counts in the derived rows exactly once.
func recordLateUsage(ctx context.Context, tx *Tx, u *executionUsage, k usageKey) error {
	rolled, err := lockWatermark(ctx, tx, u.workspaceID)
	if err != nil {
		return err
	}
	if k.bucket >= rolled {
		return nil // the roller will count it
	}
	d, e := derivedKeys(k), derivedErrorKeys(k)
	return u.add(ctx, tx, addDerivedRollupSQL, addDerivedErrorSQL, d[:], e[:])
}

// lockWatermark returns how far the workspace's usage is rolled up (0:
// never), holding its workspace row against a concurrent roller on
// Postgres (SQLite's writes are serialized anyway).
func lockWatermark(ctx context.Context, tx *Tx, workspaceID string) (int64, error) {
	if tx.dialect == Postgres {
		var id string
		if err := tx.queryRow(ctx, `SELECT id FROM workspaces WHERE id = ? FOR NO KEY UPDATE`, workspaceID).Scan(&id); err != nil {
			return 0, fmt.Errorf("lock workspace %s: %w", workspaceID, err)
		}
	}
	var rolled int64
	err := tx.queryRow(ctx, `SELECT rolled_until FROM usage_watermarks WHERE workspace_id = ?`, workspaceID).Scan(&rolled)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("usage watermark: %w", err)
	}
	return rolled, nil
}

const rollupKeyWhere = `workspace_id = ? AND level = ? AND grain_hours = ? AND bucket = ? AND prompt_id = ?
	AND prompt_version = ? AND model = ? AND credential_id = ?`

// compactSketches rewrites a rollup's histograms compactly. The caller's
// upsert of the row holds its lock, so no value is lost in between.
func compactSketches(ctx context.Context, tx *Tx, workspaceID string, k usageKey) error {
	var latency, ttft string
	if err := tx.queryRow(ctx, `SELECT latency_sketch, ttft_sketch FROM usage_rollups WHERE `+rollupKeyWhere,
		workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, k.credentialID).Scan(&latency, &ttft); err != nil {
		return fmt.Errorf("read usage sketches: %w", err)
	}
	return writeCompactSketches(ctx, tx, workspaceID, k, latency, ttft)
}

// writeCompactSketches rewrites a rollup's histograms, read as latency and
// ttft under the row's lock, compactly.
func writeCompactSketches(ctx context.Context, tx *Tx, workspaceID string, k usageKey, latency, ttft string) error {
	l, err := sketch.Parse(latency)
	if err != nil {
		return fmt.Errorf("usage latency sketch: %w", err)
	}
	t, err := sketch.Parse(ttft)
	if err != nil {
		return fmt.Errorf("usage ttft sketch: %w", err)
	}
	_, err = tx.exec(ctx, `UPDATE usage_rollups SET latency_sketch = ?, ttft_sketch = ?, sketch_pending = 0 WHERE `+rollupKeyWhere,
		l.String(), t.String(), workspaceID, k.level, k.grain, k.bucket, k.promptID, k.version, k.model, k.credentialID)
	if err != nil {
		return fmt.Errorf("compact usage sketches: %w", err)
	}
	return nil
}
