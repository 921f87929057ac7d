package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/sketch"
)

// UsageFilter selects the usage of one workspace in a time range.
type UsageFilter struct {
	WorkspaceID string
	// From and To bound the range [From, To); both are rounded down to whole
	// hours, the resolution of the rollups.
	From, To time.Time
	// PromptID, when set, keeps one prompt; Version one of its versions
	// (0: the draft).
	PromptID string
	Version  *int
	// Model and CredentialID, when set, keep one model and one key.
	Model        string
	CredentialID string
}

// UsageDims are the dimensions usage is grouped by; combine them with |.
type UsageDims uint8

// The dimensions of a breakdown.
const (
	ByPrompt   UsageDims = 1 << iota // prompt
	ByVersion                        // prompt and version
	ByModel                          // model (and its provider)
	ByProvider                       // provider
	ByKey                            // credential (and its provider)
)

// Interval is the width of a usage series' buckets.
type Interval string

// The intervals of a series.
const (
	IntervalHour Interval = "hour"
	IntervalDay  Interval = "day"
)

// Series splits a range into buckets: UTC hours, or the days of Location.
// An hour belongs to the local day it starts in, so in a time zone whose
// offset is not a whole number of hours the days are shifted by the
// fraction. The first bucket starts at the range's start.
type Series struct {
	Interval Interval
	Location *time.Location
}

// bucketOf returns the start of the series bucket that holds the hour (or
// UTC day) starting at ms, for a range starting at fromMs.
func (s Series) bucketOf(ms, fromMs int64) int64 {
	if s.Interval != IntervalDay {
		return ms
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := time.UnixMilli(ms).In(loc).Date()
	return max(time.Date(y, m, d, 0, 0, 0, 0, loc).UnixMilli(), fromMs)
}

// majority returns the series bucket that holds most hours of the UTC day
// starting at day, and the hours of that day that belong to other buckets.
func (s Series) majority(day, fromMs int64) (int64, []int64) {
	count := map[int64]int{}
	for h := day; h < day+dayMs; h += hourMs {
		count[s.bucketOf(h, fromMs)]++
	}
	var major int64
	best := -1
	for b, n := range count {
		if n > best || (n == best && b < major) {
			major, best = b, n
		}
	}
	var moved []int64
	for h := day; h < day+dayMs; h += hourMs {
		if s.bucketOf(h, fromMs) != major {
			moved = append(moved, h)
		}
	}
	return major, moved
}

// Buckets returns the start of every bucket of [from, to), with from and to
// rounded down to whole hours.
func (s Series) Buckets(from, to time.Time) []time.Time {
	f, t := floorTo(toMillis(from), hourMs), floorTo(toMillis(to), hourMs)
	var out []time.Time
	last := int64(-1 << 62)
	for h := f; h < t; h += hourMs {
		if b := s.bucketOf(h, f); b != last {
			out = append(out, fromMillis(b))
			last = b
		}
	}
	return out
}

// usageSegment is a part of a range read from rows of one level and
// grain: the buckets of [from, to), or the listed buckets.
type usageSegment struct {
	level, grain int
	from, to     int64
	buckets      []int64
	route        usageRoute
}

// usageRoute says which series bucket a row of a segment counts in.
type usageRoute int

const (
	// routeNatural: the bucket its hour (or UTC day) belongs to.
	routeNatural usageRoute = iota
	// routeMajority: a UTC day row counts whole in the series bucket that
	// holds most of its hours...
	routeMajority
	// routeMoved: ...and each hour of that day that belongs to another
	// bucket counts there and is taken back out of the day's bucket.
	routeMoved
)

// usagePlan splits [from, to) into stretches of whole UTC days, read from
// day rows, and hours around them. dayOK says whether a day may be read
// from its day row (it may not when it is split between series buckets).
func usagePlan(from, to int64, dayOK func(day int64) bool) []usageSegment {
	var out []usageSegment
	add := func(grain int, a, b int64) {
		if n := len(out); n > 0 && out[n-1].grain == grain && out[n-1].to == a {
			out[n-1].to = b
			return
		}
		out = append(out, usageSegment{grain: grain, from: a, to: b})
	}
	for at := from; at < to; {
		if at%dayMs == 0 && at+dayMs <= to && dayOK(at) {
			add(24, at, at+dayMs)
			at += dayMs
			continue
		}
		next := min(floorTo(at, dayMs)+dayMs, to)
		add(1, at, next)
		at = next
	}
	return out
}

// usageRead is one read of the rollups.
type usageRead struct {
	f      UsageFilter
	dims   UsageDims
	series *Series
	// sketches reads the histograms too (for percentiles).
	sketches bool
	// errors reads the error counts, which have no level 2.
	errors bool
}

// level picks the narrowest rollup level that answers the read: per key
// unless a prompt is involved; per prompt and version when no model or key
// is, and no histogram is needed; else the full detail of level 0.
func (q usageRead) level() int {
	prompt := q.f.PromptID != "" || q.f.Version != nil || q.dims&(ByPrompt|ByVersion) != 0
	if !prompt {
		return usageLevelKey
	}
	keyed := q.f.Model != "" || q.f.CredentialID != "" || q.dims&(ByModel|ByProvider|ByKey) != 0
	if !keyed && !q.sketches && !q.errors {
		return usageLevelVersion
	}
	return usageLevelPrompt
}

// columns lists the rollup columns the read groups by.
func (q usageRead) columns() []string {
	var cols []string
	if q.series != nil {
		cols = append(cols, "bucket")
	}
	if q.dims&(ByPrompt|ByVersion) != 0 {
		cols = append(cols, "prompt_id")
	}
	if q.dims&ByVersion != 0 {
		cols = append(cols, "prompt_version")
	}
	if q.dims&ByModel != 0 {
		cols = append(cols, "model")
	}
	if q.dims&(ByModel|ByProvider|ByKey) != 0 {
		cols = append(cols, "provider")
	}
	if q.dims&ByKey != 0 {
		cols = append(cols, "credential_id")
	}
	return cols
}

// where returns the condition and arguments selecting one segment's rows.
func (q usageRead) where(seg usageSegment) (string, []any) {
	var b strings.Builder
	b.WriteString("workspace_id = ?")
	args := []any{q.f.WorkspaceID}
	if q.f.PromptID != "" {
		b.WriteString(" AND prompt_id = ?")
		args = append(args, q.f.PromptID)
	}
	// The grain is written out, not bound: the partial index on one
	// prompt's days applies only where the query says grain_hours = 24.
	fmt.Fprintf(&b, " AND level = ? AND grain_hours = %d", seg.grain)
	args = append(args, seg.level)
	if seg.buckets != nil {
		b.WriteString(" AND bucket IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(seg.buckets)), ", ") + ")")
		for _, bk := range seg.buckets {
			args = append(args, bk)
		}
	} else {
		b.WriteString(" AND bucket >= ? AND bucket < ?")
		args = append(args, seg.from, seg.to)
	}
	if q.f.Version != nil {
		b.WriteString(" AND prompt_version = ?")
		args = append(args, *q.f.Version)
	}
	if q.f.Model != "" {
		b.WriteString(" AND model = ?")
		args = append(args, q.f.Model)
	}
	if q.f.CredentialID != "" {
		b.WriteString(" AND credential_id = ?")
		args = append(args, q.f.CredentialID)
	}
	return b.String(), args
}

// plan returns the segments of the read's range, given that hours before
// rolled are rolled up: there the read's level is used, with day rows for
// whole days; after it, only level-0 hour rows exist.
//
// A series of days in a time zone other than UTC splits UTC days between
// two local days. Without histograms to read, such a day is still read
// from its day row, counted in the local day that holds most of its hours,
// when the other hours are few: those are read as hour rows, counted in
// their own day and taken out of the majority's (counters subtract;
// histograms do not, so reads with them use hour rows).
func (q usageRead) plan(rolled int64) []usageSegment {
	from, to := floorTo(toMillis(q.f.From), hourMs), floorTo(toMillis(q.f.To), hourMs)
	level := q.level()
	s := q.series
	dayOK := func(int64) bool { return true }
	var splitDays, movedHours []int64
	if s != nil {
		if s.Interval == IntervalHour {
			dayOK = func(int64) bool { return false }
		} else {
			dayOK = func(day int64) bool {
				if s.bucketOf(day, from) == s.bucketOf(day+dayMs-hourMs, from) {
					return true
				}
				if q.sketches {
					return false
				}
				_, moved := s.majority(day, from)
				if len(moved) > maxMovedHours {
					return false
				}
				splitDays = append(splitDays, day)
				movedHours = append(movedHours, moved...)
				return true
			}
		}
	}
	var segs []usageSegment
	for _, seg := range usagePlan(from, min(to, rolled), dayOK) {
		seg.level = level
		if seg.grain == 24 && len(splitDays) > 0 {
			// Whole days in their natural bucket, and split ones.
			var whole []int64
			for day := seg.from; day < seg.to; day += dayMs {
				if !slices.Contains(splitDays, day) {
					whole = append(whole, day)
				}
			}
			for _, chunk := range chunks(whole) {
				segs = append(segs, usageSegment{level: level, grain: 24, buckets: chunk, route: routeNatural})
			}
			continue
		}
		segs = append(segs, seg)
	}
	for _, chunk := range chunks(splitDays) {
		segs = append(segs, usageSegment{level: level, grain: 24, buckets: chunk, route: routeMajority})
	}
	for _, chunk := range chunks(movedHours) {
		segs = append(segs, usageSegment{level: level, grain: 1, buckets: chunk, route: routeMoved})
	}
	if open := max(from, rolled); open < to {
		segs = append(segs, usageSegment{level: usageLevelPrompt, grain: 1, from: open, to: to, route: routeNatural})
	}
	return segs
}

// maxMovedHours is how many hours of a UTC day may belong to another local
// day for the day to be read from its day row.
const maxMovedHours = 8

// chunks splits bucket lists for IN lists of at most 500.
func chunks(buckets []int64) [][]int64 {
	var out [][]int64
	for len(buckets) > 0 {
		n := min(500, len(buckets))
		out = append(out, buckets[:n])
		buckets = buckets[n:]
	}
	return out
}

// usageRolledUntil returns how far the workspace's usage is rolled up (0:
// not at all).
func (db *DB) usageRolledUntil(ctx context.Context, workspaceID string) (int64, error) {
	var rolled int64
	err := db.reader().queryRow(ctx, `SELECT rolled_until FROM usage_watermarks WHERE workspace_id = ?`, workspaceID).Scan(&rolled)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("usage watermark: %w", err)
	}
	return rolled, nil
}

// groupKey identifies a group of a read.
type groupKey struct {
	bucket   int64
	prompt   string
	version  int
	model    string
	provider string
	cred     string
}

// usageRow is one row as a read scans it.
type usageRow struct {
	key           groupKey
	counts        krowoc.UsageCounts
	latency, ttft string
	fromMs        int64
	series        *Series
	cols          []string
	dests         []any
	withSketches  bool
}

func newUsageRow(q usageRead) *usageRow {
	r := &usageRow{series: q.series, cols: q.columns(), withSketches: q.sketches, fromMs: floorTo(toMillis(q.f.From), hourMs)}
	for _, c := range r.cols {
		switch c {
		case "bucket":
			r.dests = append(r.dests, &r.key.bucket)
		case "prompt_id":
			r.dests = append(r.dests, &r.key.prompt)
		case "prompt_version":
			r.dests = append(r.dests, &r.key.version)
		case "model":
			r.dests = append(r.dests, &r.key.model)
		case "provider":
			r.dests = append(r.dests, &r.key.provider)
		case "credential_id":
			r.dests = append(r.dests, &r.key.cred)
		}
	}
	r.dests = append(r.dests, sumDests(&r.counts)...)
	if q.sketches {
		r.dests = append(r.dests, &r.latency, &r.ttft)
	}
	return r
}

// groupOf returns the key of the group the scanned row belongs to.
func (r *usageRow) groupOf() groupKey {
	k := r.key
	if r.series != nil {
		k.bucket = r.series.bucketOf(k.bucket, r.fromMs)
	}
	return k
}

// usageGroups accumulates the groups of a read.
type usageGroups struct {
	m     map[groupKey]*krowoc.UsageGroup
	order []groupKey
}

func (g *usageGroups) add(k groupKey, r *usageRow) error {
	grp := g.m[k]
	if grp == nil {
		grp = &krowoc.UsageGroup{BucketMs: k.bucket, PromptID: k.prompt, Version: k.version, Model: k.model,
			Provider: k.provider, CredentialID: k.cred}
		if r.withSketches {
			grp.Latency, grp.TTFT = &sketch.Histogram{}, &sketch.Histogram{}
		}
		if g.m == nil {
			g.m = map[groupKey]*krowoc.UsageGroup{}
		}
		g.m[k] = grp
		g.order = append(g.order, k)
	}
	grp.Counts.Add(r.counts)
	if r.withSketches {
		if err := grp.Latency.AddText(r.latency); err != nil {
			return fmt.Errorf("usage latency sketch: %w", err)
		}
		if err := grp.TTFT.AddText(r.ttft); err != nil {
			return fmt.Errorf("usage ttft sketch: %w", err)
		}
	}
	return nil
}

// sumSelect is the select list of summed counters.
func sumSelect() string {
	parts := make([]string, len(rollupSumColumns))
	for i, c := range rollupSumColumns {
		parts[i] = "CAST(COALESCE(SUM(" + c + "), 0) AS BIGINT)"
	}
	return strings.Join(parts, ", ")
}

var rollupSumSelect = sumSelect()

// readUsage runs a read segment by segment and returns its groups in the
// order they were first met. Counters are summed by the database; with
// sketches, rows are summed here, where the histograms are merged.
func (db *DB) readUsage(ctx context.Context, q usageRead) (*usageGroups, error) {
	rolled, err := db.usageRolledUntil(ctx, q.f.WorkspaceID)
	if err != nil {
		return nil, err
	}
	groups := &usageGroups{}
	row := newUsageRow(q)
	cols := strings.Join(row.cols, ", ")
	majority := map[int64]int64{}
	majorityOf := func(day int64) int64 {
		b, ok := majority[day]
		if !ok {
			b, _ = q.series.majority(day, row.fromMs)
			majority[day] = b
		}
		return b
	}
	for _, seg := range q.plan(rolled) {
		where, args := q.where(seg)
		var sqlText string
		switch {
		case q.sketches:
			sel := strings.Join(rollupSumColumns, ", ") + ", latency_sketch, ttft_sketch"
			if cols != "" {
				sel = cols + ", " + sel
			}
			sqlText = "SELECT " + sel + " FROM usage_rollups WHERE " + where
		case cols != "":
			sqlText = "SELECT " + cols + ", " + rollupSumSelect + " FROM usage_rollups WHERE " + where + " GROUP BY " + cols
		default:
			sqlText = "SELECT " + rollupSumSelect + " FROM usage_rollups WHERE " + where
		}
		rows, err := db.reader().query(ctx, sqlText, args...)
		if err != nil {
			return nil, fmt.Errorf("read usage: %w", err)
		}
		for rows.Next() {
			if err := rows.Scan(row.dests...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read usage: %w", err)
			}
			if row.counts.Executions == 0 {
				continue // the sum over no rows
			}
			k := row.groupOf()
			switch seg.route {
			case routeMajority:
				k.bucket = majorityOf(row.key.bucket)
			case routeMoved:
				if err := groups.add(k, row); err != nil {
					rows.Close()
					return nil, err
				}
				k.bucket = majorityOf(floorTo(row.key.bucket, dayMs))
				row.counts.Negate()
			}
			if err := groups.add(k, row); err != nil {
				rows.Close()
				return nil, err
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("read usage: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read usage: %w", err)
		}
	}
	return groups, nil
}

// list returns the groups sorted by executions, most first (ties by key),
// or by bucket for series.
func (g *usageGroups) list(byTime bool) []krowoc.UsageGroup {
	out := make([]krowoc.UsageGroup, 0, len(g.order))
	for _, k := range g.order {
		if grp := g.m[k]; grp.Counts.Executions != 0 { // a split day can leave a bucket at zero
			out = append(out, *grp)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if byTime && a.BucketMs != b.BucketMs {
			return a.BucketMs < b.BucketMs
		}
		if !byTime && a.Counts.Executions != b.Counts.Executions {
			return a.Counts.Executions > b.Counts.Executions
		}
		if a.PromptID != b.PromptID {
			return a.PromptID < b.PromptID
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		if a.Model != b.Model {
			return a.Model < b.Model
		}
		if a.Provider != b.Provider {
			return a.Provider < b.Provider
		}
		return a.CredentialID < b.CredentialID
	})
	return out
}

// UsageBreakdown returns the usage of f grouped by dims, most executions
// first: one group without dims, none when nothing finished in the range.
// With percentiles, each group carries its latency and TTFT histograms.
func (db *DB) UsageBreakdown(ctx context.Context, f UsageFilter, dims UsageDims, percentiles bool) ([]krowoc.UsageGroup, error) {
	g, err := db.readUsage(ctx, usageRead{f: f, dims: dims, sketches: percentiles})
	if err != nil {
		return nil, err
	}
	return g.list(false), nil
}

// UsageSeries returns the usage of f per bucket of s (and per dims), in
// time order. Buckets where nothing finished are left out.
func (db *DB) UsageSeries(ctx context.Context, f UsageFilter, s Series, dims UsageDims) ([]krowoc.UsageGroup, error) {
	g, err := db.readUsage(ctx, usageRead{f: f, dims: dims, series: &s})
	if err != nil {
		return nil, err
	}
	return g.list(true), nil
}

// UsageErrors returns how many executions of f failed with each error code,
// most first.
func (db *DB) UsageErrors(ctx context.Context, f UsageFilter) ([]krowoc.ErrorCount, error) {
	q := usageRead{f: f, errors: true}
	rolled, err := db.usageRolledUntil(ctx, f.WorkspaceID)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, seg := range q.plan(rolled) {
		where, args := q.where(seg)
		rows, err := db.reader().query(ctx, `SELECT error_code, CAST(SUM(executions) AS BIGINT) FROM usage_errors WHERE `+where+
			` GROUP BY error_code`, args...)
		if err != nil {
			return nil, fmt.Errorf("read usage errors: %w", err)
		}
		for rows.Next() {
			var code string
			var n int64
			if err := rows.Scan(&code, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read usage errors: %w", err)
			}
			counts[code] += n
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]krowoc.ErrorCount, 0, len(counts))
	for code, n := range counts {
		out = append(out, krowoc.ErrorCount{Code: code, Executions: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Executions != out[j].Executions {
			return out[i].Executions > out[j].Executions
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

// ExportUsage calls fn with the usage of f per bucket of s and per prompt,
// version, model and key, with percentiles, bucket by bucket in time order.
// It holds one bucket's groups in memory at a time.
func (db *DB) ExportUsage(ctx context.Context, f UsageFilter, s Series, fn func(krowoc.UsageGroup) error) error {
	q := usageRead{f: f, dims: ByVersion | ByModel | ByKey, series: &s, sketches: true}
	row := newUsageRow(q)
	sel := strings.Join(row.cols, ", ") + ", " + strings.Join(rollupSumColumns, ", ") + ", latency_sketch, ttft_sketch"
	rolled, err := db.usageRolledUntil(ctx, f.WorkspaceID)
	if err != nil {
		return err
	}
	groups := &usageGroups{}
	current := int64(-1 << 62)
	flush := func() error {
		for _, g := range groups.list(false) {
			if err := fn(g); err != nil {
				return err
			}
		}
		groups = &usageGroups{}
		return nil
	}
	for _, seg := range q.plan(rolled) {
		where, args := q.where(seg)
		rows, err := db.reader().query(ctx, "SELECT "+sel+" FROM usage_rollups WHERE "+where+" ORDER BY bucket", args...)
		if err != nil {
			return fmt.Errorf("export usage: %w", err)
		}
		for rows.Next() {
			if err := rows.Scan(row.dests...); err != nil {
				rows.Close()
				return fmt.Errorf("export usage: %w", err)
			}
			k := row.groupOf()
			if k.bucket != current {
				if err := flush(); err != nil {
					rows.Close()
					return err
				}
				current = k.bucket
			}
			if err := groups.add(k, row); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("export usage: %w", err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("export usage: %w", err)
		}
	}
	return flush()
}

// RecentExecution is an execution as lists of recent runs show it.
type RecentExecution struct {
	ID            string                 `json:"id"`
	PromptID      string                 `json:"promptId"`
	PromptTitle   string                 `json:"promptTitle"`
	PromptVersion *int                   `json:"promptVersion"`
	Model         string                 `json:"model"`
	Provider      string                 `json:"provider"`
	CredentialID  string                 `json:"credentialId"`
	Status        krowoc.ExecutionStatus `json:"status"`
	ErrorCode     string                 `json:"errorCode,omitempty"`
	InputTokens   int64                  `json:"inputTokens"`
	OutputTokens  int64                  `json:"outputTokens"`
	CostMicros    int64                  `json:"costMicros"`
	LatencyMillis *int64                 `json:"latencyMs"`
	CreatedAt     time.Time              `json:"createdAt"`
}

// RecentExecutions returns the workspace's latest executions, newest first,
// with their prompt's title ("" when the prompt is gone).
func (db *DB) RecentExecutions(ctx context.Context, workspaceID string, limit int) ([]RecentExecution, error) {
	rows, err := db.reader().query(ctx, `SELECT e.id, e.prompt_id, COALESCE(p.title, ''), e.prompt_version, e.model, e.provider,
		COALESCE(e.credential_id, ''), e.status, COALESCE(e.error_code, ''), e.input_tokens, e.output_tokens, e.cost_micros,
		e.latency_ms, e.created_at
		FROM executions e LEFT JOIN prompts p ON p.id = e.prompt_id
		WHERE e.workspace_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT ?`, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("recent executions: %w", err)
	}
	defer rows.Close()
	out := []RecentExecution{}
	for rows.Next() {
		var x RecentExecution
		var version, latency sql.NullInt64
		var created int64
		if err := rows.Scan(&x.ID, &x.PromptID, &x.PromptTitle, &version, &x.Model, &x.Provider, &x.CredentialID, &x.Status,
			&x.ErrorCode, &x.InputTokens, &x.OutputTokens, &x.CostMicros, &latency, &created); err != nil {
			return nil, fmt.Errorf("recent executions: %w", err)
		}
		x.PromptVersion = nullInt(version)
		if latency.Valid {
			x.LatencyMillis = &latency.Int64
		}
		x.CreatedAt = fromMillis(created)
		out = append(out, x)
	}
	return out, rows.Err()
}

// PromptRef names a prompt in usage lists.
type PromptRef struct {
	Title   string
	Deleted bool
}

// PromptRefs returns the titles of the workspace's prompts among ids;
// prompts that no longer exist are missing from the map.
func (db *DB) PromptRefs(ctx context.Context, workspaceID string, ids []string) (map[string]PromptRef, error) {
	out := map[string]PromptRef{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{workspaceID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.reader().query(ctx, `SELECT id, title, deleted_at FROM prompts WHERE workspace_id = ? AND id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("prompt titles: %w", err)
		}
		for rows.Next() {
			var id string
			var ref PromptRef
			var deleted sql.NullInt64
			if err := rows.Scan(&id, &ref.Title, &deleted); err != nil {
				rows.Close()
				return nil, fmt.Errorf("prompt titles: %w", err)
			}
			ref.Deleted = deleted.Valid
			out[id] = ref
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
