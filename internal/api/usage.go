package api

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA time zones for the tz parameter, also where the system has none

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/sketch"
	"github.com/krowoc/krowoc/internal/store"
)

// Usage limits: how many buckets an hourly series may have, how many
// groups a breakdown returns at most, and how many recent runs.
const (
	maxHourlyBuckets = 31 * 24
	maxUsageRange    = 10 * 366 * 24 * time.Hour
	maxBreakdown     = 500
	maxRecent        = 50
)

func bindUsageAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/usage/summary", s.handleUsageSummary)
	g.handle(http.MethodGet, "/usage/series", s.handleUsageSeries)
	g.handle(http.MethodGet, "/usage/breakdown", s.handleUsageBreakdown)
	g.handle(http.MethodGet, "/usage/errors", s.handleUsageErrors)
	g.handle(http.MethodGet, "/usage/keys", s.handleUsageKeys)
	g.handle(http.MethodGet, "/usage/recent", s.handleUsageRecent)
	g.handle(http.MethodGet, "/usage/export", s.handleUsageExport)
}

// usageRange is the range a usage answer covers, as every answer says it.
type usageRange struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	TZ   string    `json:"tz"`
	// ClampedFrom is the start the caller asked for when the tier's
	// analytics history moved it later.
	ClampedFrom *time.Time `json:"clampedFrom,omitempty"`
	// HistoryDays is how far back the caller's tier sees; nil is all.
	HistoryDays *int `json:"historyDays"`
}

// lastWeek is the default start of a usage range: seven days before now.
func lastWeek(now time.Time, _ *time.Location) time.Time { return now.Add(-7 * 24 * time.Hour) }

// monthStart is the start of the month of now in loc.
func monthStart(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	return time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
}

// usageQuery is a parsed usage request.
type usageQuery struct {
	filter store.UsageFilter
	loc    *time.Location
	rng    usageRange
}

// parseUsageQuery reads the parameters every usage endpoint shares:
// workspace, from, to, tz, prompt, version, model and key. to defaults to
// now and from to defaultFrom (of now, in tz); both are widened to whole
// hours. A range older than the caller's tier allows is clamped (and says
// so), never refused.
func (s *Server) parseUsageQuery(e *core.RequestEvent, defaultFrom func(now time.Time, loc *time.Location) time.Time) (*usageQuery, error) {
	q := e.Request.URL.Query()
	var v krowoc.Validation
	now := s.db.Now().UTC()
	loc := time.UTC
	tz := q.Get("tz")
	if tz == "" {
		tz = "UTC"
	} else if l, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		v.Add("tz", "invalid", "tz must be an IANA time zone name such as Europe/Paris.")
	} else {
		loc = l
	}
	parseTime := func(name string, def time.Time) time.Time {
		raw := q.Get(name)
		if raw == "" {
			return def
		}
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			v.Add(name, "format", name+" must be an RFC 3339 date-time.")
			return def
		}
		return t.UTC()
	}
	to := parseTime("to", now)
	from := parseTime("from", defaultFrom(now, loc).UTC())
	from = from.Truncate(time.Hour)
	if t := to.Truncate(time.Hour); !t.Equal(to) {
		to = t.Add(time.Hour)
	}
	switch {
	case !from.Before(to):
		v.Add("from", "range", "from must be before to.")
	case to.Sub(from) > maxUsageRange:
		v.Add("from", "range", "The range may span at most ten years.")
	}
	f := store.UsageFilter{PromptID: q.Get("prompt"), Model: q.Get("model"), CredentialID: q.Get("key")}
	if raw := q.Get("version"); raw != "" {
		n, err := strconv.Atoi(raw)
		switch {
		case raw == "draft":
			n = 0
		case err != nil || n < 1:
			v.Add("version", "invalid", `version must be a version number or "draft".`)
		}
		if f.PromptID == "" {
			v.Add("version", "requires_prompt", "version needs prompt.")
		}
		f.Version = &n
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ws, err := s.workspaceFor(e, q.Get("workspace"), krowoc.ActionRead)
	if err != nil {
		return nil, err
	}
	f.WorkspaceID = ws

	rng := usageRange{TZ: tz}
	if days := krowoc.AnalyticsHistoryDays(callerOf(e).user.Tier); days > 0 {
		rng.HistoryDays = &days
		earliest := now.Add(-time.Duration(days) * 24 * time.Hour).Truncate(time.Hour)
		if from.Before(earliest) {
			asked := from
			rng.ClampedFrom = &asked
			from = earliest
			if to.Before(from) {
				to = from
			}
		}
	}
	f.From, f.To = from, to
	rng.From, rng.To = from, to
	return &usageQuery{filter: f, loc: loc, rng: rng}, nil
}

// timing is the latency (or time to first token) of a group, in ms: the
// average over the runs that have one, and percentiles from the histogram
// (within 2%; null when not computed for the group).
type timing struct {
	Count int64  `json:"count"`
	Avg   int64  `json:"avg"`
	P50   *int64 `json:"p50"`
	P95   *int64 `json:"p95"`
}

// usageStats are the numbers of a group of executions.
type usageStats struct {
	Executions          int64    `json:"executions"`
	Succeeded           int64    `json:"succeeded"`
	Failed              int64    `json:"failed"`
	Cancelled           int64    `json:"cancelled"`
	TimedOut            int64    `json:"timedOut"`
	SuccessRate         *float64 `json:"successRate"`
	InputTokens         int64    `json:"inputTokens"`
	OutputTokens        int64    `json:"outputTokens"`
	CachedInputTokens   int64    `json:"cachedInputTokens"`
	CacheCreationTokens int64    `json:"cacheCreationTokens"`
	ReasoningTokens     int64    `json:"reasoningTokens"`
	TotalTokens         int64    `json:"totalTokens"`
	CostMicros          int64    `json:"costMicros"`
	LatencyMs           *timing  `json:"latencyMs"`
	TTFTMs              *timing  `json:"ttftMs"`
}

func newTiming(count, sum int64, h *sketch.Histogram) *timing {
	if count == 0 {
		return nil
	}
	t := &timing{Count: count, Avg: int64(math.Round(float64(sum) / float64(count)))}
	if h != nil {
		if p, ok := h.Quantile(0.5); ok {
			t.P50 = &p
		}
		if p, ok := h.Quantile(0.95); ok {
			t.P95 = &p
		}
	}
	return t
}

func statsOf(g krowoc.UsageGroup) usageStats {
	c := g.Counts
	st := usageStats{
		Executions: c.Executions, Succeeded: c.Succeeded, Failed: c.Failed, Cancelled: c.Cancelled, TimedOut: c.TimedOut,
		InputTokens: c.InputTokens, OutputTokens: c.OutputTokens, CachedInputTokens: c.CachedInputTokens,
		CacheCreationTokens: c.CacheCreationTokens, ReasoningTokens: c.ReasoningTokens,
		TotalTokens: c.InputTokens + c.OutputTokens, CostMicros: c.CostMicros,
		LatencyMs: newTiming(c.LatencyCount, c.LatencySumMs, g.Latency),
		TTFTMs:    newTiming(c.TTFTCount, c.TTFTSumMs, g.TTFT),
	}
	if c.Executions > 0 {
		rate := float64(c.Succeeded) / float64(c.Executions)
		st.SuccessRate = &rate
	}
	return st
}

type usageSummaryResponse struct {
	Range  usageRange `json:"range"`
	Totals usageStats `json:"totals"`
}

// handleUsageSummary answers the totals of the range, with percentiles.
func (s *Server) handleUsageSummary(e *core.RequestEvent) error {
	q, err := s.parseUsageQuery(e, lastWeek)
	if err != nil {
		return err
	}
	groups, err := s.db.UsageBreakdown(e.Request.Context(), q.filter, 0, true)
	if err != nil {
		return err
	}
	total := krowoc.UsageGroup{}
	if len(groups) > 0 {
		total = groups[0]
	}
	return writeJSON(e, http.StatusOK, usageSummaryResponse{Range: q.rng, Totals: statsOf(total)})
}

// parseInterval reads the series interval. Without one it is def, or when
// def is "", hour for ranges up to two days and day beyond.
func parseInterval(e *core.RequestEvent, q *usageQuery, def store.Interval) (store.Interval, error) {
	var v krowoc.Validation
	interval := store.Interval(e.Request.URL.Query().Get("interval"))
	if interval == "" {
		interval = def
	}
	switch interval {
	case "":
		interval = store.IntervalDay
		if q.filter.To.Sub(q.filter.From) <= 48*time.Hour {
			interval = store.IntervalHour
		}
	case store.IntervalHour:
		if q.filter.To.Sub(q.filter.From) > maxHourlyBuckets*time.Hour {
			v.Add("interval", "too_many", "Hourly series span at most 31 days; use interval=day.")
		}
	case store.IntervalDay:
	default:
		v.Add("interval", "invalid", "interval must be hour or day.")
	}
	return interval, v.Err()
}

type usageBucket struct {
	Start time.Time `json:"start"`
	// Date is the local date of a day bucket (YYYY-MM-DD in tz).
	Date string `json:"date,omitempty"`
	usageStats
}

type usageSeriesResponse struct {
	Range    usageRange     `json:"range"`
	Interval store.Interval `json:"interval"`
	Buckets  []usageBucket  `json:"buckets"`
}

// handleUsageSeries answers the range bucket by bucket: UTC hours, or days
// of tz. Every bucket is listed, empty ones with zeros.
func (s *Server) handleUsageSeries(e *core.RequestEvent) error {
	q, err := s.parseUsageQuery(e, lastWeek)
	if err != nil {
		return err
	}
	interval, err := parseInterval(e, q, "")
	if err != nil {
		return err
	}
	series := store.Series{Interval: interval, Location: q.loc}
	groups, err := s.db.UsageSeries(e.Request.Context(), q.filter, series, 0)
	if err != nil {
		return err
	}
	byStart := make(map[int64]krowoc.UsageGroup, len(groups))
	for _, g := range groups {
		byStart[g.BucketMs] = g
	}
	starts := series.Buckets(q.filter.From, q.filter.To)
	out := usageSeriesResponse{Range: q.rng, Interval: interval, Buckets: make([]usageBucket, len(starts))}
	for i, start := range starts {
		b := usageBucket{Start: start.In(q.loc), usageStats: statsOf(byStart[start.UnixMilli()])}
		if interval == store.IntervalDay {
			b.Date = start.In(q.loc).Format(time.DateOnly)
		}
		out.Buckets[i] = b
	}
	return writeJSON(e, http.StatusOK, out)
}

// breakdownItem is one group of a breakdown.
type breakdownItem struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Provider string `json:"provider,omitempty"`
	// Deleted marks a prompt or key that no longer exists (or a prompt in
	// the trash); its usage stays.
	Deleted bool `json:"deleted,omitempty"`
	usageStats
}

type breakdownResponse struct {
	Range usageRange      `json:"range"`
	By    string          `json:"by"`
	Items []breakdownItem `json:"items"`
	// TotalGroups counts every group, also those past limit.
	TotalGroups int `json:"totalGroups"`
}

var breakdownDims = map[string]store.UsageDims{
	"model":    store.ByModel,
	"provider": store.ByProvider,
	"prompt":   store.ByPrompt,
	"version":  store.ByVersion,
	"key":      store.ByKey,
}

// handleUsageBreakdown answers the range grouped by model, provider,
// prompt, version (of one prompt) or key, most executions first.
func (s *Server) handleUsageBreakdown(e *core.RequestEvent) error {
	params := e.Request.URL.Query()
	by := params.Get("by")
	dims, ok := breakdownDims[by]
	var v krowoc.Validation
	if !ok {
		v.Add("by", "invalid", "by must be model, provider, prompt, version or key.")
	}
	if by == "version" && params.Get("prompt") == "" {
		v.Add("by", "requires_prompt", "by=version needs prompt.")
	}
	limit := parseLimit(params, &v, "limit", 100, maxBreakdown)
	if err := v.Err(); err != nil {
		return err
	}
	q, err := s.parseUsageQuery(e, lastWeek)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	// Percentiles per prompt would read every prompt's histograms; the
	// prompt's own page asks by version instead.
	groups, err := s.db.UsageBreakdown(ctx, q.filter, dims, dims != store.ByPrompt)
	if err != nil {
		return err
	}
	out := breakdownResponse{Range: q.rng, By: by, Items: []breakdownItem{}, TotalGroups: len(groups)}
	groups = groups[:min(len(groups), limit)]
	labels, err := s.usageLabels(e, q.filter.WorkspaceID, dims, groups)
	if err != nil {
		return err
	}
	for _, g := range groups {
		item := breakdownItem{Provider: g.Provider, usageStats: statsOf(g)}
		switch dims {
		case store.ByModel:
			item.Key = g.Model
		case store.ByProvider:
			item.Key = g.Provider
		case store.ByPrompt:
			item.Key = g.PromptID
		case store.ByVersion:
			item.Key = versionKey(g.Version)
		case store.ByKey:
			item.Key = g.CredentialID
		}
		l := labels(g)
		item.Label, item.Deleted = l.label, l.deleted
		out.Items = append(out.Items, item)
	}
	return writeJSON(e, http.StatusOK, out)
}

func versionKey(v int) string {
	if v == 0 {
		return "draft"
	}
	return strconv.Itoa(v)
}

type usageLabel struct {
	label   string
	deleted bool
}

// usageLabels returns a function naming a group: the model's or provider's
// name from the catalog, the prompt's title, "v3" or "Draft", the key's
// label, or a word saying the prompt or key is gone.
func (s *Server) usageLabels(e *core.RequestEvent, workspaceID string, dims store.UsageDims, groups []krowoc.UsageGroup) (func(krowoc.UsageGroup) usageLabel, error) {
	ctx := e.Request.Context()
	var prompts map[string]store.PromptRef
	if dims&(store.ByPrompt|store.ByVersion) != 0 {
		var ids []string
		for _, g := range groups {
			if !slices.Contains(ids, g.PromptID) {
				ids = append(ids, g.PromptID)
			}
		}
		var err error
		if prompts, err = s.db.PromptRefs(ctx, workspaceID, ids); err != nil {
			return nil, err
		}
	}
	keys := map[string]string{}
	if dims&store.ByKey != 0 {
		list, err := s.db.ListCredentials(ctx, workspaceID)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			keys[c.ID] = c.Label
		}
	}
	return func(g krowoc.UsageGroup) usageLabel {
		switch {
		case dims&store.ByVersion != 0:
			if g.Version == 0 {
				return usageLabel{label: "Draft"}
			}
			return usageLabel{label: "v" + strconv.Itoa(g.Version)}
		case dims&store.ByPrompt != 0:
			ref, ok := prompts[g.PromptID]
			if !ok {
				return usageLabel{label: "Deleted prompt", deleted: true}
			}
			return usageLabel{label: ref.Title, deleted: ref.Deleted}
		case dims&store.ByKey != 0:
			if g.CredentialID == "" {
				return usageLabel{label: "No key"}
			}
			if label, ok := keys[g.CredentialID]; ok {
				return usageLabel{label: label}
			}
			return usageLabel{label: "Deleted key", deleted: true}
		case dims&store.ByModel != 0:
			if m, ok := s.catalog.Model(g.Model); ok && m.Name != "" {
				return usageLabel{label: m.Name}
			}
			return usageLabel{label: g.Model}
		case dims&store.ByProvider != 0:
			if p, ok := s.catalog.Provider(g.Provider); ok && p.Name != "" {
				return usageLabel{label: p.Name}
			}
			return usageLabel{label: g.Provider}
		}
		return usageLabel{}
	}, nil
}

// parseLimit reads a positive integer parameter, def when absent.
func parseLimit(params url.Values, v *krowoc.Validation, name string, def, most int) int {
	raw := params.Get(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > most {
		v.Add(name, "invalid", fmt.Sprintf("%s must be a whole number from 1 to %d.", name, most))
		return def
	}
	return n
}

type usageErrorsResponse struct {
	Range usageRange          `json:"range"`
	Items []krowoc.ErrorCount `json:"items"`
	// Failures is how many executions did not succeed: the sum of items.
	Failures int64 `json:"failures"`
}

// handleUsageErrors answers why runs of the range did not succeed: their
// error codes by count, most first.
func (s *Server) handleUsageErrors(e *core.RequestEvent) error {
	var v krowoc.Validation
	limit := parseLimit(e.Request.URL.Query(), &v, "limit", 10, maxBreakdown)
	if err := v.Err(); err != nil {
		return err
	}
	q, err := s.parseUsageQuery(e, lastWeek)
	if err != nil {
		return err
	}
	codes, err := s.db.UsageErrors(e.Request.Context(), q.filter)
	if err != nil {
		return err
	}
	out := usageErrorsResponse{Range: q.rng, Items: codes[:min(len(codes), limit)]}
	for _, c := range codes {
		out.Failures += c.Executions
	}
	return writeJSON(e, http.StatusOK, out)
}

// keyTrendPoint is one day of a key's month.
type keyTrendPoint struct {
	Date       string `json:"date"`
	Executions int64  `json:"executions"`
	CostMicros int64  `json:"costMicros"`
}

type keyUsage struct {
	CredentialID string          `json:"credentialId"`
	Label        string          `json:"label"`
	Provider     string          `json:"provider"`
	Deleted      bool            `json:"deleted"`
	Executions   int64           `json:"executions"`
	InputTokens  int64           `json:"inputTokens"`
	OutputTokens int64           `json:"outputTokens"`
	TotalTokens  int64           `json:"totalTokens"`
	CostMicros   int64           `json:"costMicros"`
	Trend        []keyTrendPoint `json:"trend"`
}

type keyUsageResponse struct {
	Range usageRange `json:"range"`
	Items []keyUsage `json:"items"`
}

// handleUsageKeys answers each key's usage this month (in tz; or from–to),
// with a daily trend: every key of the workspace, and deleted keys that
// were used.
func (s *Server) handleUsageKeys(e *core.RequestEvent) error {
	q, err := s.parseUsageQuery(e, monthStart)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	series := store.Series{Interval: store.IntervalDay, Location: q.loc}
	groups, err := s.db.UsageSeries(ctx, q.filter, series, store.ByKey)
	if err != nil {
		return err
	}
	creds, err := s.db.ListCredentials(ctx, q.filter.WorkspaceID)
	if err != nil {
		return err
	}
	starts := series.Buckets(q.filter.From, q.filter.To)
	index := map[string]*keyUsage{}
	var order []string
	item := func(id, provider string) *keyUsage {
		if k, ok := index[id]; ok {
			return k
		}
		k := &keyUsage{CredentialID: id, Provider: provider, Trend: make([]keyTrendPoint, len(starts))}
		for i, st := range starts {
			k.Trend[i].Date = st.In(q.loc).Format(time.DateOnly)
		}
		index[id] = k
		order = append(order, id)
		return k
	}
	for _, c := range creds {
		if q.filter.CredentialID == "" || q.filter.CredentialID == c.ID {
			item(c.ID, c.Provider).Label = c.Label
		}
	}
	pos := make(map[int64]int, len(starts))
	for i, st := range starts {
		pos[st.UnixMilli()] = i
	}
	for _, g := range groups {
		k, known := index[g.CredentialID]
		if !known {
			k = item(g.CredentialID, g.Provider)
			k.Label, k.Deleted = "Deleted key", true
			if g.CredentialID == "" {
				k.Label, k.Deleted = "No key", false
			}
		}
		c := g.Counts
		k.Executions += c.Executions
		k.InputTokens += c.InputTokens
		k.OutputTokens += c.OutputTokens
		k.TotalTokens += c.InputTokens + c.OutputTokens
		k.CostMicros += c.CostMicros
		if i, ok := pos[g.BucketMs]; ok {
			k.Trend[i].Executions += c.Executions
			k.Trend[i].CostMicros += c.CostMicros
		}
	}
	out := keyUsageResponse{Range: q.rng, Items: make([]keyUsage, 0, len(order))}
	for _, id := range order {
		out.Items = append(out.Items, *index[id])
	}
	slices.SortStableFunc(out.Items, func(a, b keyUsage) int {
		return cmp.Or(cmp.Compare(b.CostMicros, a.CostMicros), cmp.Compare(b.Executions, a.Executions), strings.Compare(a.Label, b.Label))
	})
	return writeJSON(e, http.StatusOK, out)
}

type recentResponse struct {
	Items []store.RecentExecution `json:"items"`
}

// handleUsageRecent answers the workspace's latest runs, newest first.
func (s *Server) handleUsageRecent(e *core.RequestEvent) error {
	params := e.Request.URL.Query()
	var v krowoc.Validation
	limit := parseLimit(params, &v, "limit", 5, maxRecent)
	if err := v.Err(); err != nil {
		return err
	}
	ws, err := s.workspaceFor(e, params.Get("workspace"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	items, err := s.db.RecentExecutions(e.Request.Context(), ws, limit)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, recentResponse{Items: items})
}

// usageCSVHeader names the columns of the usage export.
var usageCSVHeader = []string{
	"bucket_start", "prompt_id", "prompt_title", "prompt_version", "model", "provider", "key_id", "key_label",
	"executions", "succeeded", "failed", "cancelled", "timed_out", "input_tokens", "output_tokens",
	"cached_input_tokens", "cache_creation_tokens", "reasoning_tokens", "cost_micros",
	"latency_avg_ms", "latency_p50_ms", "latency_p95_ms", "ttft_avg_ms", "ttft_p50_ms", "ttft_p95_ms",
}

// handleUsageExport streams the rollups behind the dashboards as CSV: one
// line per bucket (interval hour or day, default day) and prompt, version,
// model and key.
func (s *Server) handleUsageExport(e *core.RequestEvent) error {
	q, err := s.parseUsageQuery(e, lastWeek)
	if err != nil {
		return err
	}
	interval, err := parseInterval(e, q, store.IntervalDay)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	creds, err := s.db.ListCredentials(ctx, q.filter.WorkspaceID)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	for _, c := range creds {
		keys[c.ID] = c.Label
	}
	titles := map[string]string{}

	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="krowoc-usage-%s-%s.csv"`,
		q.filter.From.Format("20060102T15"), q.filter.To.Format("20060102T15")))
	if q.rng.ClampedFrom != nil {
		h.Set("X-Krowoc-Clamped-From", q.rng.ClampedFrom.Format(time.RFC3339))
	}
	e.Response.WriteHeader(http.StatusOK)
	w := csv.NewWriter(e.Response)
	_ = w.Write(usageCSVHeader)
	num := func(n int64) string { return strconv.FormatInt(n, 10) }
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return num(*p)
	}
	timingCols := func(t *timing) []string {
		if t == nil {
			return []string{"", "", ""}
		}
		return []string{num(t.Avg), opt(t.P50), opt(t.P95)}
	}
	err = s.db.ExportUsage(ctx, q.filter, store.Series{Interval: interval, Location: q.loc}, func(g krowoc.UsageGroup) error {
		title, ok := titles[g.PromptID]
		if !ok {
			refs, err := s.db.PromptRefs(ctx, q.filter.WorkspaceID, []string{g.PromptID})
			if err != nil {
				return err
			}
			title = refs[g.PromptID].Title
			titles[g.PromptID] = title
		}
		st := statsOf(g)
		row := []string{
			time.UnixMilli(g.BucketMs).In(q.loc).Format(time.RFC3339), g.PromptID, title, versionKey(g.Version), g.Model,
			g.Provider, g.CredentialID, keys[g.CredentialID], num(st.Executions), num(st.Succeeded), num(st.Failed),
			num(st.Cancelled), num(st.TimedOut), num(st.InputTokens), num(st.OutputTokens), num(st.CachedInputTokens),
			num(st.CacheCreationTokens), num(st.ReasoningTokens), num(st.CostMicros),
		}
		row = append(row, timingCols(st.LatencyMs)...)
		row = append(row, timingCols(st.TTFTMs)...)
		return w.Write(row)
	})
	w.Flush()
	if err != nil {
		// The status line is out; the log has the cause and the file ends short.
		s.log.ErrorContext(ctx, "export usage", "error", err)
	}
	return nil
}
