package store_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/sketch"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// run is one execution as the usage tests record it.
type run struct {
	at                                        time.Time
	prompt                                    string
	version                                   int // 0: the draft
	model, cred                               string
	status                                    krowoc.ExecutionStatus
	code                                      string
	latency, ttft                             *int64
	in, out, cached, cacheCreation, reasoning int64
	cost                                      int64
}

func ms(v int64) *int64 { return &v }

// record starts and finishes r's execution, with the store's clock at r.at.
func record(t *testing.T, db *store.DB, ws string, r run) *krowoc.Execution {
	t.Helper()
	ctx := context.Background()
	now := r.at
	db.Now = func() time.Time { return now }
	defer func() { db.Now = time.Now }()
	provider, _, _ := strings.Cut(r.model, ":")
	x := &krowoc.Execution{WorkspaceID: ws, UserID: "ada", PromptID: r.prompt, Model: r.model, Provider: provider, CredentialID: r.cred}
	if r.version > 0 {
		v := r.version
		x.PromptVersion = &v
	}
	if err := db.StartExecution(ctx, x); err != nil {
		t.Fatal(err)
	}
	x.Status, x.ErrorCode, x.LatencyMillis, x.TTFTMillis = r.status, r.code, r.latency, r.ttft
	x.Usage = krowoc.Usage{InputTokens: r.in, OutputTokens: r.out, CachedInputTokens: r.cached, CacheCreationTokens: r.cacheCreation, ReasoningTokens: r.reasoning}
	x.CostMicros = r.cost
	if r.latency != nil {
		now = now.Add(time.Duration(*r.latency) * time.Millisecond)
	}
	if err := db.FinishExecution(ctx, x); err != nil {
		t.Fatal(err)
	}
	return x
}

// randomRuns returns n executions spread over the days from start, across
// two prompts with versions, three models and two keys, with every status.
func randomRuns(r *rand.Rand, n int, start time.Time, days int, promptA, promptB string) []run {
	models := []string{"openai:gpt-4o-mini", "openai:gpt-4o", "anthropic:claude-haiku-4-5"}
	out := make([]run, 0, n)
	for i := range n {
		x := run{
			at:     start.Add(time.Duration(r.Int64N(int64(days) * int64(24*time.Hour)))),
			prompt: promptA, version: r.IntN(4), model: models[r.IntN(len(models))],
			in: 1 + r.Int64N(2000), out: r.Int64N(800), cached: r.Int64N(50), cacheCreation: r.Int64N(5), reasoning: r.Int64N(30),
			cost: r.Int64N(9000),
		}
		if r.IntN(3) == 0 {
			x.prompt, x.version = promptB, r.IntN(2)
		}
		x.cred = "key-openai"
		if strings.HasPrefix(x.model, "anthropic") {
			x.cred = "key-anthropic"
		}
		if i%10 == 0 {
			// A burst in one hour: more than a histogram collects before it
			// is compacted.
			x.at = start.Add(90*time.Minute + time.Duration(i)*time.Second)
			x.prompt, x.version, x.model, x.cred = promptA, 1, models[0], "key-openai"
		}
		latency := int64(math.Exp(6.5 + 0.9*r.NormFloat64()))
		x.latency = &latency
		switch k := r.IntN(20); {
		case k < 14:
			x.status = krowoc.ExecSucceeded
			x.ttft = ms(latency / (1 + r.Int64N(5)))
		case k < 17:
			x.status, x.code = krowoc.ExecFailed, []string{"provider_rate_limited", "provider_server", "provider_auth"}[r.IntN(3)]
			x.out, x.cost, x.reasoning = 0, 0, 0
		case k < 18:
			x.status, x.code = krowoc.ExecCancelled, "cancelled"
			x.ttft = ms(latency / 2)
		default:
			x.status, x.code = krowoc.ExecTimedOut, []string{"timeout", "first_token_timeout"}[r.IntN(2)]
		}
		out = append(out, x)
	}
	return out
}

// want is the usage of a group computed straight from the runs.
type want struct {
	counts        krowoc.UsageCounts
	latency, ttft []int64
}

func (w *want) add(x run) {
	w.counts.Executions++
	switch x.status {
	case krowoc.ExecSucceeded:
		w.counts.Succeeded++
	case krowoc.ExecFailed:
		w.counts.Failed++
	case krowoc.ExecCancelled:
		w.counts.Cancelled++
	case krowoc.ExecTimedOut:
		w.counts.TimedOut++
	}
	w.counts.InputTokens += x.in
	w.counts.OutputTokens += x.out
	w.counts.CachedInputTokens += x.cached
	w.counts.CacheCreationTokens += x.cacheCreation
	w.counts.ReasoningTokens += x.reasoning
	w.counts.CostMicros += x.cost
	if x.latency != nil {
		w.counts.LatencyCount++
		w.counts.LatencySumMs += *x.latency
		w.latency = append(w.latency, *x.latency)
	}
	if x.ttft != nil {
		w.counts.TTFTCount++
		w.counts.TTFTSumMs += *x.ttft
		w.ttft = append(w.ttft, *x.ttft)
	}
}

// quantile is what a histogram must answer for q: the bucket value of the
// true nearest-rank value.
func quantile(values []int64, q float64) (int64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(q * float64(len(s))))
	v := s[max(1, min(rank, len(s)))-1]
	return sketch.Value(sketch.Index(v)), true
}

func matches(f store.UsageFilter, x run) bool {
	switch {
	case x.at.Before(f.From) || !x.at.Before(f.To):
		return false
	case f.PromptID != "" && x.prompt != f.PromptID:
		return false
	case f.Version != nil && x.version != *f.Version:
		return false
	case f.Model != "" && x.model != f.Model:
		return false
	case f.CredentialID != "" && x.cred != f.CredentialID:
		return false
	}
	return true
}

// groupName names a group as both the store's answer and the runs see it.
func groupName(dims store.UsageDims, bucket int64, prompt string, version int, model, provider, cred string) string {
	var parts []string
	if bucket != 0 {
		parts = append(parts, time.UnixMilli(bucket).UTC().Format(time.RFC3339))
	}
	if dims&(store.ByPrompt|store.ByVersion) != 0 {
		parts = append(parts, prompt)
	}
	if dims&store.ByVersion != 0 {
		parts = append(parts, fmt.Sprint("v", version))
	}
	if dims&store.ByModel != 0 {
		parts = append(parts, model)
	}
	if dims&(store.ByModel|store.ByProvider|store.ByKey) != 0 {
		parts = append(parts, provider)
	}
	if dims&store.ByKey != 0 {
		parts = append(parts, cred)
	}
	return strings.Join(parts, " ")
}

func runGroup(dims store.UsageDims, bucket int64, x run) string {
	provider, _, _ := strings.Cut(x.model, ":")
	return groupName(dims, bucket, x.prompt, x.version, x.model, provider, x.cred)
}

// checkGroups compares the store's groups with the ones computed from runs.
func checkGroups(t *testing.T, what string, got []krowoc.UsageGroup, wants map[string]*want, dims store.UsageDims, percentiles bool) {
	t.Helper()
	if len(got) != len(wants) {
		names := []string{}
		for _, g := range got {
			names = append(names, groupName(dims, g.BucketMs, g.PromptID, g.Version, g.Model, g.Provider, g.CredentialID))
		}
		t.Fatalf("%s: %d groups %v, want %d", what, len(got), names, len(wants))
	}
	for _, g := range got {
		name := groupName(dims, g.BucketMs, g.PromptID, g.Version, g.Model, g.Provider, g.CredentialID)
		w := wants[name]
		if w == nil {
			t.Fatalf("%s: unexpected group %q", what, name)
		}
		if g.Counts != w.counts {
			t.Fatalf("%s, group %q:\n got %+v\nwant %+v", what, name, g.Counts, w.counts)
		}
		if !percentiles {
			continue
		}
		for _, q := range []float64{0.5, 0.95} {
			gotL, okL := g.Latency.Quantile(q)
			wantL, wokL := quantile(w.latency, q)
			gotT, okT := g.TTFT.Quantile(q)
			wantT, wokT := quantile(w.ttft, q)
			if gotL != wantL || okL != wokL || gotT != wantT || okT != wokT {
				t.Fatalf("%s, group %q, p%g: latency %d/%v ttft %d/%v, want %d/%v and %d/%v", what, name, q*100,
					gotL, okL, gotT, okT, wantL, wokL, wantT, wokT)
			}
		}
	}
}

var base = time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC) // a Friday; New York moves its clocks on Sunday the 8th

// checkUsage compares what the store answers for many ranges, filters and
// breakdowns with what the runs say.
func checkUsage(t *testing.T, db *store.DB, ws string, runs []run) {
	t.Helper()
	ctx := context.Background()
	v1, draft := 1, 0
	filters := []store.UsageFilter{
		{},
		{PromptID: "prompt-a"},
		{PromptID: "prompt-a", Version: &v1},
		{PromptID: "prompt-b", Version: &draft},
		{Model: "openai:gpt-4o-mini"},
		{CredentialID: "key-anthropic"},
		{Model: "openai:gpt-4o", CredentialID: "key-openai"},
		{PromptID: "prompt-b", Model: "anthropic:claude-haiku-4-5"},
	}
	ranges := [][2]time.Time{
		{base.Add(-24 * time.Hour), base.Add(6 * 24 * time.Hour)}, // everything, whole days
		{base.Add(5 * time.Hour), base.Add(3*24*time.Hour + 7*time.Hour)},
		{base.Add(time.Hour), base.Add(2 * time.Hour)}, // the burst's hour
		{base.Add(30 * time.Hour), base.Add(54 * time.Hour)},
	}
	dimsList := []store.UsageDims{0, store.ByModel, store.ByProvider, store.ByKey, store.ByPrompt, store.ByVersion, store.ByModel | store.ByKey}
	for _, rg := range ranges {
		for fi, f := range filters {
			f.WorkspaceID, f.From, f.To = ws, rg[0], rg[1]
			for _, dims := range dimsList {
				wants := map[string]*want{}
				for _, x := range runs {
					if matches(f, x) {
						name := runGroup(dims, 0, x)
						if wants[name] == nil {
							wants[name] = &want{}
						}
						wants[name].add(x)
					}
				}
				percentiles := dims != store.ByPrompt
				got, err := db.UsageBreakdown(ctx, f, dims, percentiles)
				if err != nil {
					t.Fatal(err)
				}
				checkGroups(t, fmt.Sprintf("range %v–%v, filter %d, dims %b", rg[0], rg[1], fi, dims), got, wants, dims, percentiles)
			}

			wantCodes := map[string]int64{}
			for _, x := range runs {
				if matches(f, x) && x.status != krowoc.ExecSucceeded {
					wantCodes[x.code]++
				}
			}
			codes, err := db.UsageErrors(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			gotCodes := map[string]int64{}
			for i, c := range codes {
				gotCodes[c.Code] = c.Executions
				if i > 0 && codes[i-1].Executions < c.Executions {
					t.Fatalf("error codes are not sorted: %v", codes)
				}
			}
			if fmt.Sprint(gotCodes) != fmt.Sprint(wantCodes) {
				t.Fatalf("range %v–%v, filter %d: error codes %v, want %v", rg[0], rg[1], fi, gotCodes, wantCodes)
			}
		}
	}
}

// roll runs the roller as if it were now and checks the watermark.
func roll(t *testing.T, db *store.DB, ws string, now time.Time, wantRolled time.Time) {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return now }
	defer func() { db.Now = time.Now }()
	if _, err := db.RollUsage(ctx); err != nil {
		t.Fatal(err)
	}
	rolled, err := db.UsageRolledUntil(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if rolled != wantRolled.UnixMilli() {
		t.Fatalf("rolled up until %v, want %v", fromMs(rolled), wantRolled)
	}
}

func TestUsageMatchesTheExecutions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		other := workspace(t, db, "eve")
		r := rand.New(rand.NewPCG(11, 12))
		runs := randomRuns(r, 400, base, 4, "prompt-a", "prompt-b")
		for _, x := range runs {
			record(t, db, ws, x)
		}
		// Another tenant's runs, with the same prompt and key ids, never show.
		for _, x := range randomRuns(r, 30, base, 4, "prompt-a", "prompt-b") {
			record(t, db, other, x)
		}
		// A run still under way counts nothing, and holds the roller back
		// from its hour.
		blockedAt := base.Add(29*time.Hour + 10*time.Minute)
		db.Now = func() time.Time { return blockedAt }
		pending := &krowoc.Execution{WorkspaceID: ws, UserID: "ada", PromptID: "prompt-a", Model: "openai:gpt-4o", Provider: "openai", CredentialID: "key-openai"}
		if err := db.StartExecution(ctx, pending); err != nil {
			t.Fatal(err)
		}
		db.Now = time.Now

		// Nothing rolled up: every answer comes from the hour rows.
		checkUsage(t, db, ws, runs)
		// Rolled up to the running execution's hour.
		roll(t, db, ws, base.Add(50*time.Hour), blockedAt.Truncate(time.Hour))
		checkUsage(t, db, ws, runs)

		// It finishes, within the day: the roller takes its hour next.
		pending.Status, pending.LatencyMillis, pending.TTFTMillis, pending.CostMicros = krowoc.ExecSucceeded, ms(640), ms(90), 11
		db.Now = func() time.Time { return base.Add(50*time.Hour + time.Minute) }
		if err := db.FinishExecution(ctx, pending); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run{at: blockedAt, prompt: "prompt-a", model: "openai:gpt-4o", cred: "key-openai",
			status: krowoc.ExecSucceeded, latency: ms(640), ttft: ms(90), cost: 11})
		// A straggler starts on day 4 and is still running days later, when
		// the roller passes its hour as abandoned; then it finishes after
		// all and still counts once everywhere.
		straggler := &krowoc.Execution{WorkspaceID: ws, UserID: "ada", PromptID: "prompt-b", Model: "anthropic:claude-haiku-4-5", Provider: "anthropic", CredentialID: "key-anthropic"}
		stragglerAt := base.Add(3*24*time.Hour + 5*time.Hour)
		db.Now = func() time.Time { return stragglerAt }
		if err := db.StartExecution(ctx, straggler); err != nil {
			t.Fatal(err)
		}
		later := base.Add(10 * 24 * time.Hour)
		roll(t, db, ws, later, later.Add(-time.Hour))
		checkUsage(t, db, ws, runs)
		straggler.Status, straggler.ErrorCode, straggler.LatencyMillis = krowoc.ExecTimedOut, "timeout", ms(30_000)
		db.Now = func() time.Time { return later.Add(90 * time.Minute) }
		if err := db.FinishExecution(ctx, straggler); err != nil {
			t.Fatal(err)
		}
		db.Now = time.Now
		runs = append(runs, run{at: stragglerAt, prompt: "prompt-b", model: "anthropic:claude-haiku-4-5", cred: "key-anthropic",
			status: krowoc.ExecTimedOut, code: "timeout", latency: ms(30_000)})
		checkUsage(t, db, ws, runs)

		// Deleting an execution from the history leaves the ledger as it was.
		before, err := db.UsageLedger(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		x := record(t, db, ws, run{at: later.Add(30 * time.Minute), prompt: "prompt-a", model: "openai:gpt-4o", cred: "key-openai",
			status: krowoc.ExecSucceeded, latency: ms(100), ttft: ms(50), in: 1, out: 1, cost: 7})
		withRun, _ := db.UsageLedger(ctx, ws)
		if err := db.DeleteExecution(ctx, x.ID); err != nil {
			t.Fatal(err)
		}
		afterDelete, _ := db.UsageLedger(ctx, ws)
		if slices.Equal(before, withRun) || !slices.Equal(withRun, afterDelete) {
			t.Fatal("deleting an execution changed the usage ledger")
		}
		// Rebuilding from the executions gives back exactly the incremental,
		// rolled-up ledger (the deleted run drops out), histograms included.
		db.Now = func() time.Time { return later.Add(2 * time.Hour) }
		n, err := db.RebuildUsage(ctx, ws)
		db.Now = time.Now
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(runs)) {
			t.Fatalf("rebuild counted %d executions, want %d", n, len(runs))
		}
		rebuilt, err := db.UsageLedger(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) < 100 || !slices.Equal(before, rebuilt) {
			for i := range min(len(before), len(rebuilt)) {
				if before[i] != rebuilt[i] {
					t.Fatalf("rebuilt ledger differs at row %d:\nincremental %s\nrebuilt     %s", i, before[i], rebuilt[i])
				}
			}
			t.Fatalf("rebuilt ledger has %d rows, incremental %d", len(rebuilt), len(before))
		}
		checkUsage(t, db, ws, runs)
		// The other tenant's ledger is untouched by the rebuild.
		if l, _ := db.UsageLedger(ctx, other); len(l) == 0 {
			t.Fatal("the other workspace lost its usage")
		}
	})
}

func TestUsageSeriesBucketsAndTimeZones(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		r := rand.New(rand.NewPCG(21, 22))
		runs := randomRuns(r, 250, base, 5, "prompt-a", "prompt-b")
		// Both sides of a UTC midnight and of an hour.
		edge := base.Add(48 * time.Hour)
		for _, at := range []time.Time{edge.Add(-time.Millisecond), edge, edge.Add(time.Hour - time.Millisecond), edge.Add(time.Hour)} {
			runs = append(runs, run{at: at, prompt: "prompt-a", model: "openai:gpt-4o", cred: "key-openai", status: krowoc.ExecSucceeded,
				latency: ms(300), ttft: ms(100), in: 10, out: 5, cost: 3})
		}
		for _, x := range runs {
			record(t, db, ws, x)
		}

		zones := []string{"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Europe/Berlin"}
		for _, rolled := range []bool{false, true} {
			if rolled {
				// Day rows now answer whole UTC days; those split between two
				// local days are corrected with hour rows.
				roll(t, db, ws, base.Add(30*24*time.Hour), base.Add(30*24*time.Hour-time.Hour))
			}
			for _, zone := range zones {
				loc, err := time.LoadLocation(zone)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []store.Series{{Interval: store.IntervalHour}, {Interval: store.IntervalDay, Location: loc}} {
					for _, rg := range [][2]time.Time{
						{base.Add(-48 * time.Hour), base.Add(7 * 24 * time.Hour)},
						{base.Add(13 * time.Hour), base.Add(4*24*time.Hour + 2*time.Hour)},
					} {
						f := store.UsageFilter{WorkspaceID: ws, From: rg[0], To: rg[1]}
						buckets := s.Buckets(f.From, f.To)
						// bucketOf is the bucket an hour belongs to per the docs:
						// hours are UTC; a day is the local day the hour starts in,
						// the first starting at the range's start.
						bucketOf := func(at time.Time) int64 {
							hour := at.Truncate(time.Hour)
							if s.Interval == store.IntervalHour {
								return hour.UnixMilli()
							}
							y, m, d := hour.In(loc).Date()
							return max(time.Date(y, m, d, 0, 0, 0, 0, loc).UnixMilli(), f.From.UnixMilli())
						}
						wants := map[string]*want{}
						for _, x := range runs {
							if matches(f, x) {
								name := runGroup(store.ByKey, bucketOf(x.at), x)
								if wants[name] == nil {
									wants[name] = &want{}
								}
								wants[name].add(x)
								if !slices.ContainsFunc(buckets, func(b time.Time) bool { return b.UnixMilli() == bucketOf(x.at) }) {
									t.Fatalf("%s %s: bucket %v of a run at %v is not among the series' buckets", zone, s.Interval, fromMs(bucketOf(x.at)), x.at)
								}
							}
						}
						got, err := db.UsageSeries(ctx, f, s, store.ByKey)
						if err != nil {
							t.Fatal(err)
						}
						checkGroups(t, fmt.Sprintf("%s %s series %v–%v (rolled up: %v)", zone, s.Interval, rg[0], rg[1], rolled), got, wants, store.ByKey, false)

						// One prompt's series (read from the per-version rows).
						pf := f
						pf.PromptID = "prompt-b"
						promptWants := map[string]*want{}
						for _, x := range runs {
							if matches(pf, x) {
								name := runGroup(0, bucketOf(x.at), x)
								if promptWants[name] == nil {
									promptWants[name] = &want{}
								}
								promptWants[name].add(x)
							}
						}
						pgot, err := db.UsageSeries(ctx, pf, s, 0)
						if err != nil {
							t.Fatal(err)
						}
						checkGroups(t, fmt.Sprintf("%s %s series of one prompt (rolled up: %v)", zone, s.Interval, rolled), pgot, promptWants, 0, false)
						for i := 1; i < len(got); i++ {
							if got[i].BucketMs < got[i-1].BucketMs {
								t.Fatal("series is not in time order")
							}
						}
					}
				}
			}
		}

		// The edge runs: different UTC days and hours; one New York day.
		day := store.Series{Interval: store.IntervalDay, Location: time.UTC}
		f := store.UsageFilter{WorkspaceID: ws, From: edge.Add(-time.Hour), To: edge.Add(2 * time.Hour), Model: "openai:gpt-4o", PromptID: "prompt-a", Version: new(int)}
		counts := func(s store.Series) []int64 {
			got, err := db.UsageSeries(ctx, f, s, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, g := range got {
				out = append(out, g.Counts.Executions)
			}
			return out
		}
		edgeRuns := func(from, to time.Time) int64 {
			var n int64
			for _, x := range runs {
				ff := f
				ff.From, ff.To = from, to
				if matches(ff, x) {
					n++
				}
			}
			return n
		}
		if got, want := counts(day), []int64{edgeRuns(f.From, edge), edgeRuns(edge, f.To)}; !slices.Equal(got, want) {
			t.Fatalf("UTC days around midnight: %v, want %v", got, want)
		}
		ny, _ := time.LoadLocation("America/New_York")
		if got, want := counts(store.Series{Interval: store.IntervalDay, Location: ny}), []int64{edgeRuns(f.From, f.To)}; !slices.Equal(got, want) {
			t.Fatalf("New York day around UTC midnight: %v, want %v", got, want)
		}
		hours := counts(store.Series{Interval: store.IntervalHour})
		if want := []int64{edgeRuns(f.From, edge), edgeRuns(edge, edge.Add(time.Hour)), edgeRuns(edge.Add(time.Hour), f.To)}; !slices.Equal(hours, want) {
			t.Fatalf("hours around midnight: %v, want %v", hours, want)
		}

		// New York's clocks move on March 8: that local day has 23 hours.
		bs := store.Series{Interval: store.IntervalDay, Location: ny}.Buckets(time.Date(2026, 3, 7, 5, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC))
		var lens []time.Duration
		for i := 1; i < len(bs); i++ {
			lens = append(lens, bs[i].Sub(bs[i-1]))
		}
		if len(bs) != 3 || !slices.Equal(lens, []time.Duration{24 * time.Hour, 23 * time.Hour}) {
			t.Fatalf("New York days around the clock change: %v (%v)", bs, lens)
		}
	})
}

func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }

func TestRecentExecutions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		p := create(t, db, ws, "ada", content(t, "Greeter", "Say hi"))
		var ids []string
		for i := range 7 {
			x := record(t, db, ws, run{at: base.Add(time.Duration(i) * time.Minute), prompt: p.ID, model: "openai:gpt-4o",
				status: krowoc.ExecSucceeded, latency: ms(int64(100 + i)), cost: int64(i)})
			ids = append(ids, x.ID)
		}
		record(t, db, workspace(t, db, "eve"), run{at: base.Add(time.Hour), prompt: "x", model: "openai:gpt-4o", status: krowoc.ExecFailed, code: "provider_auth"})
		got, err := db.RecentExecutions(ctx, ws, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 || got[0].ID != ids[6] || got[4].ID != ids[2] || got[0].PromptTitle != "Greeter" || got[0].CostMicros != 6 || *got[0].LatencyMillis != 106 {
			t.Fatalf("recent = %+v", got)
		}
	})
}

// On Postgres the rollup upsert returns each row's count of values since
// its last compaction, so a row is compacted exactly when it has collected
// 32 (SQLite compacts at one finish in 32 by execution id, on average).
func TestUsageHistogramsStayCompact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		var runs []run
		for i := range 100 {
			x := run{at: base.Add(time.Duration(i) * time.Second), prompt: "prompt-a", model: "openai:gpt-4o", cred: "key-openai",
				status: krowoc.ExecSucceeded, latency: ms(int64(100 + i)), ttft: ms(int64(10 + i)), in: 1, out: 1, cost: 1}
			record(t, db, ws, x)
			runs = append(runs, x)
		}
		checkUsage(t, db, ws, runs)
		pending, err := db.UsagePending(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.Postgres && pending != 100%32 {
			t.Fatalf("the row holds %d values since its last compaction, want %d", pending, 100%32)
		}
	})
}
