package api_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/sketch"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// expected is what the usage API must say about a set of executions,
// computed from the execution records themselves.
type expected struct {
	executions, succeeded, failed, cancelled, timedOut int64
	input, output, cached, cacheCreation, reasoning    int64
	cost                                               int64
	latency, ttft                                      []int64
	codes                                              map[string]int64
}

func (w *expected) add(x map[string]any) {
	n := func(m map[string]any, k string) int64 { v, _ := m[k].(float64); return int64(v) }
	w.executions++
	switch x["status"] {
	case "succeeded":
		w.succeeded++
	case "failed":
		w.failed++
	case "cancelled":
		w.cancelled++
	case "timed_out":
		w.timedOut++
	}
	u := x["usage"].(map[string]any)
	w.input += n(u, "inputTokens")
	w.output += n(u, "outputTokens")
	w.cached += n(u, "cachedInputTokens")
	w.cacheCreation += n(u, "cacheCreationTokens")
	w.reasoning += n(u, "reasoningTokens")
	w.cost += n(x, "costMicros")
	if x["latencyMs"] != nil {
		w.latency = append(w.latency, n(x, "latencyMs"))
	}
	if x["ttftMs"] != nil {
		w.ttft = append(w.ttft, n(x, "ttftMs"))
	}
	if x["status"] != "succeeded" {
		if w.codes == nil {
			w.codes = map[string]int64{}
		}
		w.codes[x["errorCode"].(string)]++
	}
}

// nearestRank is what the API's histogram answers for q: the value of the
// true nearest-rank quantile's bucket, within 2% of it.
func nearestRank(values []int64, q float64) float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(q * float64(len(s))))
	return float64(sketch.Value(sketch.Index(s[max(1, min(rank, len(s)))-1])))
}

// check compares a usage stats object with the expectation.
func (w *expected) check(t *testing.T, what string, got map[string]any, percentiles bool) {
	t.Helper()
	want := map[string]float64{
		"executions": float64(w.executions), "succeeded": float64(w.succeeded), "failed": float64(w.failed),
		"cancelled": float64(w.cancelled), "timedOut": float64(w.timedOut), "inputTokens": float64(w.input),
		"outputTokens": float64(w.output), "cachedInputTokens": float64(w.cached), "cacheCreationTokens": float64(w.cacheCreation),
		"reasoningTokens": float64(w.reasoning), "totalTokens": float64(w.input + w.output), "costMicros": float64(w.cost),
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: %s = %v, want %v (%v)", what, k, got[k], v, got)
		}
	}
	if w.executions > 0 && got["successRate"] != float64(w.succeeded)/float64(w.executions) {
		t.Fatalf("%s: successRate = %v, want %d/%d", what, got["successRate"], w.succeeded, w.executions)
	}
	for _, tm := range []struct {
		name   string
		values []int64
	}{{"latencyMs", w.latency}, {"ttftMs", w.ttft}} {
		m, _ := got[tm.name].(map[string]any)
		if len(tm.values) == 0 {
			if m != nil {
				t.Fatalf("%s: %s = %v, want null", what, tm.name, m)
			}
			continue
		}
		var sum int64
		for _, v := range tm.values {
			sum += v
		}
		if m["count"] != float64(len(tm.values)) || m["avg"] != math.Round(float64(sum)/float64(len(tm.values))) {
			t.Fatalf("%s: %s = %v, want count %d and avg of %v", what, tm.name, m, len(tm.values), tm.values)
		}
		if !percentiles {
			continue
		}
		if m["p50"] != nearestRank(tm.values, 0.5) || m["p95"] != nearestRank(tm.values, 0.95) {
			t.Fatalf("%s: %s p50/p95 = %v/%v, want %v/%v from %v", what, tm.name, m["p50"], m["p95"],
				nearestRank(tm.values, 0.5), nearestRank(tm.values, 0.95), tm.values)
		}
	}
}

func listAll(t *testing.T, e *env, tok, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, x := range e.do("GET", "/api/v1/executions?perPage=200&"+query, tok, nil).json(t)["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func run1(t *testing.T, e *execEnv, promptID string, body map[string]any, stream bool) {
	t.Helper()
	if stream {
		e.do("POST", "/api/v1/prompts/"+promptID+"/executions", e.tok, body, "Accept", "text/event-stream")
		return
	}
	e.do("POST", "/api/v1/prompts/"+promptID+"/executions", e.tok, body)
}

func TestUsageMatchesTheRunsThroughTheSimulator(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			ctx := context.Background()
			me := e.do("GET", "/api/v1/me", e.tok, nil).json(t)
			ws := me["workspaces"].([]any)[0].(map[string]any)["id"].(string)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Greeter", "promptText": "Say hello to {{name}} please", "variableDefaults": map[string]any{"name": "Ada"}})
			id := p["id"].(string)
			other := createPrompt(t, e.env, e.tok, map[string]any{"title": "Other", "promptText": "Count one two three"})["id"].(string)
			if r := e.do("POST", "/api/v1/prompts/"+id+"/publish", e.tok, map[string]any{}); r.status != 200 {
				t.Fatalf("publish: %d %s", r.status, r.body)
			}
			e.do("PATCH", "/api/v1/prompts/"+id, e.tok, map[string]any{"promptText": "Say a long hello to {{name}} and their friends"})
			e.do("POST", "/api/v1/prompts/"+id+"/publish", e.tok, map[string]any{})

			models := []string{"openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5", "gemini:gemini-2.5-flash"}
			for i := range 9 {
				body := map[string]any{"model": models[i%3], "variables": map[string]string{"name": strings.Repeat("Bob ", 1+i)}, "version": 1 + i%2}
				if i%4 == 3 {
					body["version"] = "draft"
				}
				run1(t, e, id, body, i%2 == 0)
			}
			run1(t, e, id, map[string]any{"models": []string{"openai:gpt-4o", "anthropic:claude-haiku-4-5"}}, true)
			run1(t, e, other, map[string]any{"model": "openai:gpt-4o-mini"}, false)
			// Failures: a bad key, a stream cut half-way, a slow first token.
			e.sim.Sim.PushFaults(llmsim.Fault401)
			run1(t, e, id, map[string]any{"model": "openai:gpt-4o-mini"}, false)
			e.sim.Sim.PushFaults(llmsim.FaultCut)
			run1(t, e, id, map[string]any{"model": "anthropic:claude-sonnet-4-5"}, true)
			e.sim.Sim.PushFaults(llmsim.Fault401)
			run1(t, e, other, map[string]any{"model": "gemini:gemini-2.5-flash"}, true)

			all := listAll(t, e.env, e.tok, "")
			if len(all) != 15 {
				t.Fatalf("%d executions recorded, want 15", len(all))
			}
			groups := func(key func(x map[string]any) string) map[string]*expected {
				out := map[string]*expected{}
				for _, x := range all {
					k := key(x)
					if out[k] == nil {
						out[k] = &expected{}
					}
					out[k].add(x)
				}
				return out
			}
			total := groups(func(map[string]any) string { return "" })[""]
			if total.failed != 3 || total.succeeded != 12 {
				t.Fatalf("runs: %d succeeded, %d failed; want 12 and 3", total.succeeded, total.failed)
			}

			checkAll := func(when string) {
				t.Helper()
				sum := e.do("GET", "/api/v1/usage/summary", e.tok, nil).json(t)
				total.check(t, when+" summary", sum["totals"].(map[string]any), true)
				if rng := sum["range"].(map[string]any); rng["historyDays"] != float64(7) || rng["clampedFrom"] != nil || rng["tz"] != "UTC" {
					t.Fatalf("%s: range = %v", when, rng)
				}

				byKey := map[string]func(map[string]any) string{
					"model":    func(x map[string]any) string { return x["model"].(string) },
					"provider": func(x map[string]any) string { return x["provider"].(string) },
					"prompt":   func(x map[string]any) string { return x["promptId"].(string) },
					"key":      func(x map[string]any) string { return x["credentialId"].(string) },
				}
				for by, key := range byKey {
					want := groups(key)
					r := e.do("GET", "/api/v1/usage/breakdown?by="+by, e.tok, nil).json(t)
					items := r["items"].([]any)
					if len(items) != len(want) || r["totalGroups"] != float64(len(want)) {
						t.Fatalf("%s by %s: %d groups, want %d: %v", when, by, len(items), len(want), items)
					}
					for i, it := range items {
						item := it.(map[string]any)
						w := want[item["key"].(string)]
						if w == nil {
							t.Fatalf("%s by %s: unexpected group %v", when, by, item["key"])
						}
						w.check(t, when+" by "+by+" "+item["key"].(string), item, by != "prompt")
						if i > 0 && items[i-1].(map[string]any)["executions"].(float64) < item["executions"].(float64) {
							t.Fatalf("%s by %s: not sorted by executions", when, by)
						}
						switch by {
						case "prompt":
							if (item["key"] == id) != (item["label"] == "Greeter") {
								t.Fatalf("prompt label = %v", item)
							}
						case "key":
							if item["label"] != item["provider"] { // the keys are labelled by provider
								t.Fatalf("key label = %v", item)
							}
						case "model":
							if item["label"] == "" || item["label"] == item["key"] {
								t.Fatalf("model label = %v", item)
							}
						}
					}
				}

				// One prompt, by version: v1, v2 and the draft.
				versions := groups(func(x map[string]any) string {
					if x["promptId"] != id {
						return "-"
					}
					if v, ok := x["promptVersion"].(float64); ok {
						return strconv.Itoa(int(v))
					}
					return "draft"
				})
				r := e.do("GET", "/api/v1/usage/breakdown?by=version&prompt="+id, e.tok, nil).json(t)
				seen := []string{}
				for _, it := range r["items"].([]any) {
					item := it.(map[string]any)
					versions[item["key"].(string)].check(t, when+" version "+item["key"].(string), item, true)
					seen = append(seen, item["key"].(string)+"="+item["label"].(string))
				}
				slices.Sort(seen)
				if strings.Join(seen, " ") != "1=v1 2=v2 draft=Draft" {
					t.Fatalf("%s: versions %v", when, seen)
				}
				// Filtered by version: the same numbers as that version's row.
				v2 := e.do("GET", "/api/v1/usage/summary?prompt="+id+"&version=2", e.tok, nil).json(t)
				versions["2"].check(t, when+" summary of v2", v2["totals"].(map[string]any), true)

				errs := e.do("GET", "/api/v1/usage/errors", e.tok, nil).json(t)
				got := map[string]int64{}
				for _, it := range errs["items"].([]any) {
					got[it.(map[string]any)["code"].(string)] = int64(it.(map[string]any)["executions"].(float64))
				}
				if fmt.Sprint(got) != fmt.Sprint(total.codes) || errs["failures"] != float64(3) {
					t.Fatalf("%s: errors %v (failures %v), want %v", when, got, errs["failures"], total.codes)
				}

				series := e.do("GET", "/api/v1/usage/series?interval=hour&from="+url.QueryEscape(time.Now().Add(-3*time.Hour).Format(time.RFC3339)), e.tok, nil).json(t)
				buckets := series["buckets"].([]any)
				var execs, cost float64
				for i, b := range buckets {
					bm := b.(map[string]any)
					execs += bm["executions"].(float64)
					cost += bm["costMicros"].(float64)
					if i > 0 {
						prev, _ := time.Parse(time.RFC3339, buckets[i-1].(map[string]any)["start"].(string))
						cur, _ := time.Parse(time.RFC3339, bm["start"].(string))
						if cur.Sub(prev) != time.Hour {
							t.Fatalf("%s: hourly buckets %v then %v", when, prev, cur)
						}
					}
				}
				if len(buckets) < 3 || execs != float64(total.executions) || cost != float64(total.cost) {
					t.Fatalf("%s: series of %d buckets sums to %v runs and %v cost, want %d and %d", when, len(buckets), execs, cost, total.executions, total.cost)
				}

				keys := e.do("GET", "/api/v1/usage/keys", e.tok, nil).json(t)
				byCred := groups(byKey["key"])
				for _, it := range keys["items"].([]any) {
					k := it.(map[string]any)
					w := byCred[k["credentialId"].(string)]
					var trend float64
					for _, pt := range k["trend"].([]any) {
						trend += pt.(map[string]any)["executions"].(float64)
					}
					if w == nil || k["executions"] != float64(w.executions) || k["costMicros"] != float64(w.cost) ||
						k["totalTokens"] != float64(w.input+w.output) || trend != float64(w.executions) {
						t.Fatalf("%s: key usage %v, want %+v", when, k, w)
					}
				}
			}
			checkAll("as recorded")
			// Rolled up (as the server does every minute once an hour is
			// over), the answers are the same.
			now := time.Now()
			e.db.Now = func() time.Time { return now.Add(3 * time.Hour) }
			if _, err := e.db.RollUsage(ctx); err != nil {
				t.Fatal(err)
			}
			e.db.Now = func() time.Time { return now }
			checkAll("rolled up")

			recent := e.do("GET", "/api/v1/usage/recent", e.tok, nil).json(t)["items"].([]any)
			if len(recent) != 5 {
				t.Fatalf("recent = %v", recent)
			}
			for i, it := range recent {
				x := it.(map[string]any)
				if x["id"] != all[i]["id"] || x["costMicros"] != all[i]["costMicros"] || x["status"] != all[i]["status"] || x["promptTitle"] == "" {
					t.Fatalf("recent %d = %v, want %v", i, x, all[i])
				}
			}

			// The CSV export holds the same numbers.
			r := e.do("GET", "/api/v1/usage/export?interval=hour&from="+url.QueryEscape(time.Now().Add(-3*time.Hour).Format(time.RFC3339)), e.tok, nil)
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("export: %d %s", r.status, r.body)
			}
			rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
			if err != nil || len(rows) < 2 || rows[0][0] != "bucket_start" || rows[0][8] != "executions" || rows[0][18] != "cost_micros" {
				t.Fatalf("export: %v %v", rows, err)
			}
			var csvExecs, csvCost int64
			for _, row := range rows[1:] {
				n, _ := strconv.ParseInt(row[8], 10, 64)
				c, _ := strconv.ParseInt(row[18], 10, 64)
				csvExecs, csvCost = csvExecs+n, csvCost+c
				if row[1] == id && row[2] != "Greeter" {
					t.Fatalf("export row without its prompt title: %v", row)
				}
			}
			if csvExecs != total.executions || csvCost != total.cost {
				t.Fatalf("export sums to %d runs, %d cost; want %d, %d", csvExecs, csvCost, total.executions, total.cost)
			}

			// A deleted key keeps its usage, named as deleted.
			anthropic := groups(func(x map[string]any) string { return x["provider"].(string) + " " + x["credentialId"].(string) })
			var anthropicKey string
			for k := range anthropic {
				if strings.HasPrefix(k, "anthropic ") {
					anthropicKey = strings.TrimPrefix(k, "anthropic ")
				}
			}
			if r := e.do("DELETE", "/api/v1/credentials/"+anthropicKey, e.tok, nil); r.status != 204 {
				t.Fatalf("delete key: %d %s", r.status, r.body)
			}
			found := false
			for _, it := range e.do("GET", "/api/v1/usage/breakdown?by=key", e.tok, nil).json(t)["items"].([]any) {
				item := it.(map[string]any)
				if item["key"] == anthropicKey {
					found = item["label"] == "Deleted key" && item["deleted"] == true && item["executions"].(float64) > 0
				}
			}
			for _, it := range e.do("GET", "/api/v1/usage/keys", e.tok, nil).json(t)["items"].([]any) {
				if k := it.(map[string]any); k["credentialId"] == anthropicKey && (k["label"] != "Deleted key" || k["deleted"] != true) {
					t.Fatalf("deleted key in the key usage: %v", k)
				}
			}
			if !found {
				t.Fatal("the deleted key's usage is not listed as a deleted key")
			}

			// Deleting runs from the history does not change the usage.
			e.do("DELETE", "/api/v1/executions/"+all[0]["id"].(string), e.tok, nil)
			if got := e.do("GET", "/api/v1/usage/summary", e.tok, nil).json(t)["totals"].(map[string]any)["executions"]; got != float64(15) {
				t.Fatalf("after deleting a run: %v executions, want 15", got)
			}

			// Another user sees none of it, and cannot ask for it.
			_, eve := e.user("eve@example.com")
			for _, path := range []string{"summary", "series", "breakdown?by=model&", "errors", "keys", "recent", "export"} {
				sep := "?"
				if strings.HasSuffix(path, "&") {
					sep = ""
				}
				wantProblem(t, e.do("GET", "/api/v1/usage/"+path+sep+"workspace="+ws, eve, nil), 404, "not_found")
			}
			if got := e.do("GET", "/api/v1/usage/summary", eve, nil).json(t)["totals"].(map[string]any)["executions"]; got != float64(0) {
				t.Fatalf("eve's own usage = %v executions", got)
			}
			if got := e.do("GET", "/api/v1/usage/summary?prompt="+id, eve, nil).json(t)["totals"].(map[string]any)["executions"]; got != float64(0) {
				t.Fatalf("eve filtering by ada's prompt sees %v executions", got)
			}
		})
	}
}

// TestUsageBucketsAndTimeZones runs executions on both sides of a UTC
// midnight and asks for days in several time zones and for hours.
func TestUsageBucketsAndTimeZones(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	setTier(t, e.env, e.tok, krowoc.TierPower) // hourly series of a month reach past a free account's week
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "ping"})
	midnight := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{midnight.Add(-2 * time.Hour), midnight.Add(-time.Millisecond), midnight, midnight.Add(90 * time.Minute)} {
		e.db.Now = func() time.Time { return at }
		run1(t, e, p["id"].(string), map[string]any{"model": "openai:gpt-4o-mini"}, false)
	}
	e.db.Now = func() time.Time { return midnight.Add(3 * time.Hour) }
	q := "&from=" + url.QueryEscape(midnight.Add(-4*time.Hour).Format(time.RFC3339)) + "&to=" + url.QueryEscape(midnight.Add(3*time.Hour).Format(time.RFC3339))
	counts := func(query string) (dates []string, n []float64) {
		t.Helper()
		r := e.do("GET", "/api/v1/usage/series?"+query+q, e.tok, nil)
		if r.status != 200 {
			t.Fatalf("series %s: %d %s", query, r.status, r.body)
		}
		for _, b := range r.json(t)["buckets"].([]any) {
			bm := b.(map[string]any)
			if bm["executions"].(float64) > 0 {
				label, _ := bm["date"].(string)
				if label == "" {
					label = bm["start"].(string)
				}
				dates, n = append(dates, label), append(n, bm["executions"].(float64))
			}
		}
		return dates, n
	}
	cases := []struct {
		query string
		dates []string
		n     []float64
	}{
		{"interval=day&tz=UTC", []string{"2026-03-07", "2026-03-08"}, []float64{2, 2}},
		// 17:00 to 20:30 on March 7 in New York (UTC-5).
		{"interval=day&tz=America/New_York", []string{"2026-03-07"}, []float64{4}},
		// Tokyo is UTC+9: all four fall on March 8 there.
		{"interval=day&tz=Asia/Tokyo", []string{"2026-03-08"}, []float64{4}},
		{"interval=hour", []string{"2026-03-07T22:00:00Z", "2026-03-07T23:00:00Z", "2026-03-08T00:00:00Z", "2026-03-08T01:00:00Z"}, []float64{1, 1, 1, 1}},
	}
	for _, c := range cases {
		dates, n := counts(c.query)
		if !slices.Equal(dates, c.dates) || !slices.Equal(n, c.n) {
			t.Errorf("%s: %v %v, want %v %v", c.query, dates, n, c.dates, c.n)
		}
	}
	// A day bucket starts at local midnight, in the zone's offset.
	r := e.do("GET", "/api/v1/usage/series?interval=day&tz=America/New_York"+q, e.tok, nil).json(t)
	if first := r["buckets"].([]any)[0].(map[string]any); first["start"] != "2026-03-07T15:00:00-05:00" || first["date"] != "2026-03-07" {
		t.Fatalf("first New York bucket = %v (the range starts at 20:00 UTC)", first)
	}

	bad := []struct{ query, field string }{
		{"tz=Mars/Olympus", "tz"},
		{"tz=Local", "tz"},
		{"from=yesterday", "from"},
		{"from=2026-03-09T00:00:00Z&to=2026-03-08T00:00:00Z", "from"},
		{"interval=week", "interval"},
		{"interval=hour&from=2026-01-01T00:00:00Z&to=2026-03-08T00:00:00Z", "interval"},
		{"version=2", "version"},
		{"prompt=x&version=0", "version"},
	}
	for _, b := range bad {
		pr := wantProblem(t, e.do("GET", "/api/v1/usage/series?"+b.query, e.tok, nil), 400, "validation_failed")
		if _, ok := fieldErrors(t, pr)[b.field]; !ok {
			t.Errorf("%s: errors %v, want one on %s", b.query, pr["errors"], b.field)
		}
	}
	for _, b := range []struct{ path, field string }{
		{"breakdown?by=color", "by"},
		{"breakdown?by=version", "by"},
		{"breakdown?by=model&limit=0", "limit"},
		{"recent?limit=1000", "limit"},
	} {
		pr := wantProblem(t, e.do("GET", "/api/v1/usage/"+b.path, e.tok, nil), 400, "validation_failed")
		if _, ok := fieldErrors(t, pr)[b.field]; !ok {
			t.Errorf("%s: errors %v, want one on %s", b.path, pr["errors"], b.field)
		}
	}
}

// TestUsageHistoryFollowsTheTier: a free account sees seven days back and
// is told when it asked for more; Power and Team see everything.
func TestUsageHistoryFollowsTheTier(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "ping"})
	now := time.Date(2026, 3, 20, 12, 30, 0, 0, time.UTC)
	for _, at := range []time.Time{now.Add(-20 * 24 * time.Hour), now.Add(-time.Hour)} {
		e.db.Now = func() time.Time { return at }
		run1(t, e, p["id"].(string), map[string]any{"model": "openai:gpt-4o-mini"}, false)
	}
	e.db.Now = func() time.Time { return now }
	asked := now.Add(-30 * 24 * time.Hour)
	query := "/api/v1/usage/summary?from=" + url.QueryEscape(asked.Format(time.RFC3339))

	r := e.do("GET", query, e.tok, nil).json(t)
	rng := r["range"].(map[string]any)
	if rng["from"] != "2026-03-13T12:00:00Z" || rng["clampedFrom"] != "2026-02-18T12:00:00Z" || rng["historyDays"] != float64(7) {
		t.Fatalf("free range = %v", rng)
	}
	if got := r["totals"].(map[string]any)["executions"]; got != float64(1) {
		t.Fatalf("free account sees %v executions of the last 30 days, want the 1 of the last 7", got)
	}
	// A range entirely before the window is empty, not an error.
	old := e.do("GET", "/api/v1/usage/summary?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", e.tok, nil)
	if old.status != 200 || old.json(t)["totals"].(map[string]any)["executions"] != float64(0) {
		t.Fatalf("old range for a free account: %d %s", old.status, old.body)
	}

	setTier(t, e.env, e.tok, krowoc.TierPower)
	r = e.do("GET", query, e.tok, nil).json(t)
	rng = r["range"].(map[string]any)
	if rng["from"] != "2026-02-18T12:00:00Z" || rng["clampedFrom"] != nil || rng["historyDays"] != nil {
		t.Fatalf("power range = %v", rng)
	}
	if got := r["totals"].(map[string]any)["executions"]; got != float64(2) {
		t.Fatalf("power account sees %v executions, want 2", got)
	}
}

// setTier changes the tier of the token's user, as a superuser does.
func setTier(t *testing.T, e *env, tok string, tier krowoc.Tier) {
	t.Helper()
	id := e.do("GET", "/api/v1/me", tok, nil).json(t)["user"].(map[string]any)["id"].(string)
	rec, err := e.app.FindRecordById(accounts.Collection, id)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("tier", string(tier))
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
}

// TestUsageRoles: every member may read a workspace's usage, viewers too.
func TestUsageRoles(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	ctx := context.Background()
	ownerID, _ := e.user("owner@example.com")
	viewerID, viewer := e.user("viewer@example.com")
	team, err := e.db.CreateTeamWorkspace(ctx, ownerID, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetMemberRole(ctx, team.ID, viewerID, krowoc.RoleViewer); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"summary", "series", "breakdown?by=prompt&", "errors", "keys", "recent", "export"} {
		sep := "?"
		if strings.HasSuffix(path, "&") {
			sep = ""
		}
		if r := e.do("GET", "/api/v1/usage/"+path+sep+"workspace="+team.ID, viewer, nil); r.status != 200 {
			t.Errorf("viewer GET %s: %d %s", path, r.status, r.body)
		}
	}
}
