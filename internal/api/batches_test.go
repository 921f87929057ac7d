package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// batchEnv is a server whose providers are a simulator that answers after
// latency and accepts any key, so each credential can have its own key and
// the simulator can tell them apart.
type batchEnv struct {
	*env
	sim *llmsim.Server
	tok string
}

type batchEnvOptions struct {
	workspaceMax, keyMax int
	latency              time.Duration
	retryBase            time.Duration
}

func newBatchEnv(t *testing.T, d store.Dialect, o batchEnvOptions) *batchEnv {
	t.Helper()
	sim := llmsim.NewServer(llmsim.Options{Latency: o.latency, RetryAfter: 10 * time.Millisecond})
	t.Cleanup(sim.Close)
	if o.retryBase == 0 {
		o.retryBase = 20 * time.Millisecond
	}
	e := newEnvJobs(t, d, jobs.Options{Work: true, RetryBase: o.retryBase, PollInterval: 50 * time.Millisecond}, func(opts *api.Options) {
		opts.ProviderBaseURLs = map[string]string{"openai": sim.OpenAIBaseURL(), "anthropic": sim.AnthropicBaseURL(), "gemini": sim.GeminiBaseURL()}
		opts.BatchWorkspaceConcurrency, opts.BatchKeyConcurrency = o.workspaceMax, o.keyMax
	})
	_, tok := e.user("ada@example.com")
	for _, p := range []string{"openai", "anthropic"} {
		if r := e.do("POST", "/api/v1/credentials", tok, map[string]any{"provider": p, "label": p, "key": "key-of-" + p}); r.status != 201 {
			t.Fatalf("add %s key: %d %s", p, r.status, r.body)
		}
	}
	return &batchEnv{env: e, sim: sim, tok: tok}
}

// topicRows returns n rows {"topic": "topic i"}.
func topicRows(n int) []map[string]any {
	rows := make([]map[string]any, n)
	for i := range rows {
		rows[i] = map[string]any{"topic": fmt.Sprintf("topic %d", i+1)}
	}
	return rows
}

func (e *batchEnv) startBatch(t *testing.T, promptID string, body map[string]any) map[string]any {
	t.Helper()
	r := e.do("POST", "/api/v1/prompts/"+promptID+"/batches", e.tok, body)
	if r.status != 202 {
		t.Fatalf("start batch: %d %s", r.status, r.body)
	}
	b := r.json(t)
	if b["status"] != "queued" || r.header.Get("Location") != "/api/v1/batches/"+b["id"].(string) {
		t.Fatalf("202 answer = %v, Location %q", b, r.header.Get("Location"))
	}
	return b
}

// waitBatch polls a batch until it has finished.
func (e *batchEnv) waitBatch(t *testing.T, id string, within time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		b := e.do("GET", "/api/v1/batches/"+id, e.tok, nil).json(t)
		if b["finishedAt"] != nil {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s did not finish: %v", id, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *batchEnv) results(t *testing.T, id string) []map[string]any {
	t.Helper()
	r := e.do("GET", "/api/v1/batches/"+id+"/results?format=json", e.tok, nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "krowoc-batch-"+id+".json") {
		t.Fatalf("results: %d %v %s", r.status, r.header, r.body)
	}
	var out []map[string]any
	for _, it := range r.json(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func num(v any) int64 { return int64(v.(float64)) }

// TestBatchThousandRowsWithFaults runs 1,000 rows through the simulator
// with 30 refused keys (not retried) and 40 overloads (retried, then
// answered): the batch ends with exactly 970 done and 30 failed, its cost
// is the sum of its items' costs, and every item is in the history.
func TestBatchThousandRowsWithFaults(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			// Retries wait about 400 ms: by then every injected fault has
			// been taken, so no item meets a second one.
			e := newBatchEnv(t, d, batchEnvOptions{workspaceMax: 8, keyMax: 8, retryBase: 400 * time.Millisecond})
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Explain", "promptText": "Explain {{topic}} briefly"})
			faults := make([]llmsim.Fault, 0, 70)
			for range 30 {
				faults = append(faults, llmsim.Fault401)
			}
			for range 40 {
				faults = append(faults, llmsim.Fault503)
			}
			e.sim.Sim.PushFaults(faults...)
			b := e.startBatch(t, p["id"].(string), map[string]any{"models": []string{"openai:gpt-4o-mini"}, "rows": topicRows(1000)})
			if num(b["total"]) != 1000 || num(b["remaining"]) != 1000 {
				t.Fatalf("queued batch = %v", b)
			}
			done := e.waitBatch(t, b["id"].(string), 3*time.Minute)
			if done["status"] != "completed_with_failures" || num(done["succeeded"]) != 970 || num(done["failed"]) != 30 ||
				num(done["cancelled"]) != 0 || num(done["remaining"]) != 0 || num(done["running"]) != 0 {
				t.Fatalf("finished batch = %v", done)
			}
			if got := e.sim.Sim.Requests(); got != 1040 {
				t.Fatalf("provider calls = %d, want 1040 (1000 + 40 retries)", got)
			}

			items := e.results(t, b["id"].(string))
			if len(items) != 1000 {
				t.Fatalf("results = %d items", len(items))
			}
			var cost, retried int64
			for i, it := range items {
				if num(it["row"]) != int64(i+1) {
					t.Fatalf("item %d has row %v", i, it["row"])
				}
				cost += num(it["costMicros"])
				switch it["status"] {
				case "succeeded":
					want := fmt.Sprintf("Echo: Explain topic %d briefly", i+1)
					if it["responseText"] != want || num(it["costMicros"]) <= 0 {
						t.Fatalf("item %d = %v", i, it)
					}
					if num(it["attempts"]) == 2 {
						retried++
					}
				case "failed":
					if it["errorCode"] != "provider_auth" || num(it["costMicros"]) != 0 || num(it["attempts"]) != 1 {
						t.Fatalf("failed item %d = %v", i, it)
					}
				default:
					t.Fatalf("item %d status %v", i, it["status"])
				}
			}
			if cost != num(done["costMicros"]) || cost == 0 {
				t.Fatalf("batch cost %v, items cost %d", done["costMicros"], cost)
			}
			if retried != 40 {
				t.Fatalf("items that needed a retry = %d, want 40", retried)
			}
			// Every item is an execution in the history (usage counts it).
			hist := e.do("GET", "/api/v1/executions?prompt="+p["id"].(string)+"&perPage=1", e.tok, nil).json(t)
			if num(hist["total"]) != 1000 {
				t.Fatalf("history has %v executions, want 1000", hist["total"])
			}
			// Failed items are in the results, not dead letters.
			if r := e.do("GET", "/api/v1/dead-letters", e.tok, nil).json(t); num(r["total"]) != 0 {
				t.Fatalf("dead letters = %v", r)
			}
		})
	}
}

// TestBatchConcurrencyBounds runs a batch on two models, each with its own
// key, against a slow simulator: at no moment are more items in flight
// than the workspace allows, nor more on one key than a key allows.
func TestBatchConcurrencyBounds(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newBatchEnv(t, d, batchEnvOptions{workspaceMax: 3, keyMax: 2, latency: 40 * time.Millisecond})
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Explain", "promptText": "Explain {{topic}}"})
			b := e.startBatch(t, p["id"].(string), map[string]any{
				"models": []string{"openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5"}, "rows": topicRows(40)})
			done := e.waitBatch(t, b["id"].(string), 2*time.Minute)
			if done["status"] != "succeeded" || num(done["succeeded"]) != 80 {
				t.Fatalf("batch = %v", done)
			}
			overall, byKey := e.sim.Sim.MaxInFlight()
			if overall > 3 || overall < 2 {
				t.Fatalf("most requests at once = %d, want 2 or 3 (workspace bound 3)", overall)
			}
			for key, n := range byKey {
				if n > 2 {
					t.Fatalf("most requests at once on %s = %d, want at most 2", key, n)
				}
			}
			if len(byKey) != 2 {
				t.Fatalf("keys seen = %v, want both", byKey)
			}
		})
	}
}

// TestBatchCancel cancels a batch part-way: pending items never run, the
// items already running finish, and the counts add up exactly.
func TestBatchCancel(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newBatchEnv(t, d, batchEnvOptions{workspaceMax: 2, keyMax: 2, latency: 30 * time.Millisecond})
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Explain", "promptText": "Explain {{topic}}"})
			b := e.startBatch(t, p["id"].(string), map[string]any{"models": []string{"openai:gpt-4o-mini"}, "rows": topicRows(200)})
			id := b["id"].(string)
			deadline := time.Now().Add(time.Minute)
			for num(e.do("GET", "/api/v1/batches/"+id, e.tok, nil).json(t)["succeeded"]) < 5 {
				if time.Now().After(deadline) {
					t.Fatal("the batch did not start")
				}
				time.Sleep(20 * time.Millisecond)
			}
			r := e.do("POST", "/api/v1/batches/"+id+"/cancel", e.tok, nil)
			if r.status != 200 || r.json(t)["status"] != "cancelled" {
				t.Fatalf("cancel: %d %s", r.status, r.body)
			}
			done := e.waitBatch(t, id, time.Minute)
			ok, failed, cancelled := num(done["succeeded"]), num(done["failed"]), num(done["cancelled"])
			if done["status"] != "cancelled" || ok+failed+cancelled != 200 || cancelled == 0 || ok < 5 || num(done["remaining"]) != 0 {
				t.Fatalf("cancelled batch = %v", done)
			}
			time.Sleep(200 * time.Millisecond) // jobs of cancelled items find nothing to do
			if calls := e.sim.Sim.Requests(); calls != ok+failed {
				t.Fatalf("provider calls = %d, want %d: a cancelled item ran", calls, ok+failed)
			}
			counts := map[string]int64{}
			for _, it := range e.results(t, id) {
				counts[it["status"].(string)]++
			}
			if counts["succeeded"] != ok || counts["cancelled"] != cancelled || counts["failed"] != failed {
				t.Fatalf("result statuses %v, batch %v", counts, done)
			}
			if again := e.do("GET", "/api/v1/batches/"+id, e.tok, nil).json(t); num(again["succeeded"]) != ok {
				t.Fatalf("counts moved after the end: %v", again)
			}
			wantProblem(t, e.do("POST", "/api/v1/batches/"+id+"/cancel", e.tok, nil), 409, "conflict")
			running := e.do("GET", "/api/v1/executions?status=running", e.tok, nil).json(t)
			if num(running["total"]) != 0 {
				t.Fatalf("executions still running: %v", running)
			}
		})
	}
}

// TestBatchUploadsAndResults starts batches from a CSV body and a
// multipart JSON file, follows one's progress and downloads its results
// as CSV.
func TestBatchUploadsAndResults(t *testing.T) {
	e := newBatchEnv(t, store.SQLite, batchEnvOptions{workspaceMax: 4, keyMax: 4})
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Greet", "promptText": "Greet {{name}} from {{city}}",
		"variableDefaults": map[string]any{"city": "Paris"}})
	id := p["id"].(string)

	csvBody := "name,city\nAda,London\n\"Bob, Jr.\",\nCy,Rome\n"
	r := e.do("POST", "/api/v1/prompts/"+id+"/batches?models=openai:gpt-4o-mini,anthropic:claude-sonnet-4-5", e.tok, csvBody,
		"Content-Type", "text/csv")
	if r.status != 202 {
		t.Fatalf("csv batch: %d %s", r.status, r.body)
	}
	b := r.json(t)
	if num(b["rows"]) != 3 || num(b["total"]) != 6 || fmt.Sprint(b["variableNames"]) != "[name city]" {
		t.Fatalf("csv batch = %v", b)
	}
	events := readSSE(t, e.do("GET", "/api/v1/batches/"+b["id"].(string)+"/events", e.tok, nil).body)
	last := events[len(events)-1]
	if last.name != "done" || num(last.data["succeeded"]) != 6 || last.data["status"] != "succeeded" {
		t.Fatalf("events end with %s %v", last.name, last.data)
	}
	for _, ev := range events[:len(events)-1] {
		if ev.name != "progress" {
			t.Fatalf("event %s before done", ev.name)
		}
	}

	res := e.do("GET", "/api/v1/batches/"+b["id"].(string)+"/results?format=csv", e.tok, nil)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv results: %d %v", res.status, res.header)
	}
	recs, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "row,model,name,city,status,response,input_tokens,output_tokens,cost_micros,latency_ms,attempts,error_code,error_message,execution_id"
	if len(recs) != 7 || strings.Join(recs[0], ",") != wantHeader {
		t.Fatalf("csv = %v", recs)
	}
	// Row 2's empty city takes the default; rows are in order, then models.
	if recs[3][0] != "2" || recs[3][1] != "anthropic:claude-sonnet-4-5" || recs[3][2] != "Bob, Jr." || recs[3][3] != "" ||
		recs[3][4] != "succeeded" || recs[3][5] != "Echo: Greet Bob, Jr. from Paris" {
		t.Fatalf("row 2 = %v", recs[3])
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("models", "openai:gpt-4o-mini")
	fw, _ := mw.CreateFormFile("file", "rows.json")
	_, _ = fw.Write([]byte(`[{"name": "Di", "city": "Oslo"}, {"name": "Ed", "age": 7}]`))
	_ = mw.Close()
	r = e.do("POST", "/api/v1/prompts/"+id+"/batches", e.tok, body.String(), "Content-Type", mw.FormDataContentType())
	if r.status != 202 {
		t.Fatalf("multipart batch: %d %s", r.status, r.body)
	}
	items := e.results(t, e.waitBatch(t, r.json(t)["id"].(string), time.Minute)["id"].(string))
	if len(items) != 2 || items[1]["responseText"] != "Echo: Greet Ed from Paris" {
		t.Fatalf("multipart results = %v", items)
	}

	list := e.do("GET", "/api/v1/batches?prompt="+id, e.tok, nil).json(t)
	if num(list["total"]) != 2 {
		t.Fatalf("batches = %v", list)
	}
	page := e.do("GET", "/api/v1/batches/"+b["id"].(string)+"/items?perPage=2&page=2", e.tok, nil).json(t)
	got := page["items"].([]any)
	if num(page["total"]) != 6 || len(got) != 2 || num(got[0].(map[string]any)["row"]) != 2 {
		t.Fatalf("items page = %v", page)
	}
}

// TestBatchValidationWritesNothing refuses bad batches whole.
func TestBatchValidationWritesNothing(t *testing.T) {
	e := newBatchEnv(t, store.SQLite, batchEnvOptions{workspaceMax: 4, keyMax: 4})
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Greet", "promptText": "Greet {{name}} from {{city}}"})
	path := "/api/v1/prompts/" + p["id"].(string) + "/batches"
	model := []string{"openai:gpt-4o-mini"}

	rows := []map[string]any{{"name": "A", "city": "B"}, {"name": "A"}, {"name": "A", "city": "B"}, {"city": map[string]any{}}}
	prob := wantProblem(t, e.do("POST", path, e.tok, map[string]any{"models": model, "rows": rows}), 422, "invalid_rows")
	bad := prob["rows"].([]any)
	if num(prob["invalidRows"]) != 2 || len(bad) != 2 || num(bad[0].(map[string]any)["row"]) != 2 || num(bad[1].(map[string]any)["row"]) != 4 {
		t.Fatalf("row errors = %v", prob)
	}
	fields := map[string]bool{}
	for _, fe := range bad[1].(map[string]any)["errors"].([]any) {
		fields[fe.(map[string]any)["field"].(string)+":"+fe.(map[string]any)["code"].(string)] = true
	}
	if !fields["city:type"] || !fields["name:missing"] {
		t.Fatalf("row 4 errors = %v", bad[1])
	}

	csvPath := path + "?models=openai:gpt-4o-mini"
	wantProblem(t, e.do("POST", csvPath, e.tok, "name,city\n\"Ada,London\n", "Content-Type", "text/csv"), 422, "invalid_rows")
	wantProblem(t, e.do("POST", csvPath, e.tok, "name,city\nAda\n", "Content-Type", "text/csv"), 422, "invalid_rows")
	wantProblem(t, e.do("POST", csvPath, e.tok, "", "Content-Type", "text/csv"), 422, "invalid_rows")
	wantProblem(t, e.do("POST", csvPath, e.tok, "name,name\nA,B\n", "Content-Type", "text/csv"), 422, "invalid_rows")
	wantProblem(t, e.do("POST", path, e.tok, map[string]any{"models": model, "rows": []any{}}), 422, "invalid_rows")
	var big strings.Builder
	big.WriteString("name,city\n")
	for i := range 10_001 {
		fmt.Fprintf(&big, "n%d,c\n", i)
	}
	prob = wantProblem(t, e.do("POST", csvPath, e.tok, big.String(), "Content-Type", "text/csv"), 422, "invalid_rows")
	if !strings.Contains(prob["detail"].(string), "10000") {
		t.Fatalf("too many rows: %v", prob)
	}
	wantProblem(t, e.do("POST", path, e.tok, map[string]any{"models": []string{"openai:nope"}, "rows": topicRows(1)}), 400, "validation_failed")
	wantProblem(t, e.do("POST", path, e.tok, map[string]any{"models": []string{"gemini:gemini-2.5-flash"}, "rows": topicRows(1)}), 422, "no_credential")
	wantProblem(t, e.do("POST", path, e.tok, map[string]any{"models": []string{"openai:gpt-4o-mini", "openai:gpt-4o-mini"}, "rows": topicRows(1)}), 400, "validation_failed")

	list := e.do("GET", "/api/v1/batches", e.tok, nil).json(t)
	if num(list["total"]) != 0 {
		t.Fatalf("batches after refusals = %v", list)
	}
	if hist := e.do("GET", "/api/v1/executions", e.tok, nil).json(t); num(hist["total"]) != 0 || e.sim.Sim.Requests() != 0 {
		t.Fatalf("executions after refusals = %v", hist)
	}
}

// TestBatchAccess: viewers read a team's batches but cannot start or
// cancel them; another tenant sees none of it.
func TestBatchAccess(t *testing.T) {
	e := newBatchEnv(t, store.SQLite, batchEnvOptions{workspaceMax: 4, keyMax: 4})
	ctx := context.Background()
	ownerID, owner := e.user("owner@example.com")
	viewerID, viewer := e.user("viewer@example.com")
	_, stranger := e.user("stranger@example.com")
	team, err := e.db.CreateTeamWorkspace(ctx, ownerID, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetMemberRole(ctx, team.ID, viewerID, krowoc.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if r := e.do("POST", "/api/v1/credentials", owner, map[string]any{"workspaceId": team.ID, "provider": "openai", "label": "k", "key": "team-key"}); r.status != 201 {
		t.Fatalf("team key: %d %s", r.status, r.body)
	}
	p := createPrompt(t, e.env, owner, map[string]any{"workspaceId": team.ID, "title": "T", "promptText": "Say {{topic}}"})
	path := "/api/v1/prompts/" + p["id"].(string) + "/batches"
	body := map[string]any{"models": []string{"openai:gpt-4o-mini"}, "rows": topicRows(3)}
	wantProblem(t, e.do("POST", path, viewer, body), 403, "forbidden")
	wantProblem(t, e.do("POST", path, stranger, body), 404, "not_found")
	r := e.do("POST", path, owner, body)
	if r.status != 202 {
		t.Fatalf("owner start: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	if r := e.do("GET", "/api/v1/batches/"+id, viewer, nil); r.status != 200 {
		t.Fatalf("viewer get: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/batches?workspace="+team.ID, viewer, nil); r.status != 200 || num(r.json(t)["total"]) != 1 {
		t.Fatalf("viewer list: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/api/v1/batches/"+id+"/cancel", viewer, nil), 403, "forbidden")
	for _, call := range []struct{ method, path string }{
		{"GET", "/api/v1/batches/" + id},
		{"GET", "/api/v1/batches/" + id + "/items"},
		{"GET", "/api/v1/batches/" + id + "/events"},
		{"GET", "/api/v1/batches/" + id + "/results?format=csv"},
		{"POST", "/api/v1/batches/" + id + "/cancel"},
		{"DELETE", "/api/v1/batches/" + id},
	} {
		wantProblem(t, e.do(call.method, call.path, stranger, nil), 404, "not_found")
	}
	wantProblem(t, e.do("GET", "/api/v1/batches?workspace="+team.ID, stranger, nil), 404, "not_found")
	if r := e.do("GET", "/api/v1/batches", stranger, nil); num(r.json(t)["total"]) != 0 {
		t.Fatalf("stranger's own list: %s", r.body)
	}
	done := e.waitBatchAs(t, owner, id)
	if done["status"] != "succeeded" {
		t.Fatalf("team batch = %v", done)
	}
	if r := e.do("DELETE", "/api/v1/batches/"+id, owner, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("GET", "/api/v1/batches/"+id, owner, nil), 404, "not_found")
}

func (e *batchEnv) waitBatchAs(t *testing.T, tok, id string) map[string]any {
	t.Helper()
	saved := e.tok
	e.tok = tok
	defer func() { e.tok = saved }()
	return e.waitBatch(t, id, time.Minute)
}

// TestCancelBatchItemFromHistory cancels a running item's execution from
// the history: its call stops, it is not retried, and the item counts as
// failed so the batch still ends.
func TestCancelBatchItemFromHistory(t *testing.T) {
	e := newBatchEnv(t, store.SQLite, batchEnvOptions{workspaceMax: 4, keyMax: 4, latency: 2 * time.Second})
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Explain", "promptText": "Explain {{topic}}"})
	b := e.startBatch(t, p["id"].(string), map[string]any{"models": []string{"openai:gpt-4o-mini"}, "rows": topicRows(1)})
	id := b["id"].(string)
	var executionID string
	deadline := time.Now().Add(20 * time.Second)
	for executionID == "" {
		items := e.do("GET", "/api/v1/batches/"+id+"/items?status=running", e.tok, nil).json(t)["items"].([]any)
		if len(items) == 1 {
			executionID, _ = items[0].(map[string]any)["executionId"].(string)
		}
		if time.Now().After(deadline) {
			t.Fatal("the item did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := e.do("POST", "/api/v1/executions/"+executionID+"/cancel", e.tok, nil); r.status != 200 {
		t.Fatalf("cancel execution: %d %s", r.status, r.body)
	}
	done := e.waitBatch(t, id, 20*time.Second)
	if done["status"] != "failed" || num(done["failed"]) != 1 {
		t.Fatalf("batch = %v", done)
	}
	items := e.results(t, id)
	if items[0]["errorCode"] != "cancelled" || items[0]["executionId"] != executionID {
		t.Fatalf("item = %v", items[0])
	}
	// A retry would run as a new execution.
	time.Sleep(300 * time.Millisecond)
	if hist := e.do("GET", "/api/v1/executions?prompt="+p["id"].(string), e.tok, nil).json(t); num(hist["total"]) != 1 {
		t.Fatalf("history = %v, want the one cancelled execution", hist)
	}
}
