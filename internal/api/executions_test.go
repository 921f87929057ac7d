package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

type execEnv struct {
	*env
	sim *llmsim.Server
	tok string
}

func newExecEnv(t *testing.T, d store.Dialect) *execEnv {
	t.Helper()
	return newExecEnvWith(t, d, nil)
}

func newExecEnvWith(t testing.TB, d store.Dialect, configure func(*api.Options)) *execEnv {
	t.Helper()
	sim := llmsim.NewServer(llmsim.Options{
		APIKey:     simKey,
		RetryAfter: 10 * time.Millisecond,
		Models: map[string]llmsim.ModelConfig{
			"gpt-4o-mini":       {CachedTokens: 3},
			"claude-sonnet-4-5": {CachedTokens: 2, CacheCreationTokens: 1},
			"gemini-2.5-flash":  {ReasoningTokens: 7},
		},
	})
	t.Cleanup(sim.Close)
	e := newEnvWith(t, d, func(o *api.Options) {
		o.ProviderBaseURLs = map[string]string{"openai": sim.OpenAIBaseURL(), "anthropic": sim.AnthropicBaseURL(), "gemini": sim.GeminiBaseURL()}
		if configure != nil {
			configure(o)
		}
	})
	_, tok := e.user("ada@example.com")
	for _, p := range []string{"openai", "anthropic", "gemini"} {
		if r := e.do("POST", "/api/v1/credentials", tok, map[string]any{"provider": p, "label": p, "key": simKey}); r.status != 201 {
			t.Fatalf("add %s key: %d %s", p, r.status, r.body)
		}
	}
	return &execEnv{env: e, sim: sim, tok: tok}
}

func wantCost(t *testing.T, model string, x map[string]any) {
	t.Helper()
	m, _ := catalog.Default().Model(model)
	price, _ := m.PriceAt(time.Now())
	u := x["usage"].(map[string]any)
	n := func(k string) int64 { return int64(u[k].(float64)) }
	want := price.CostMicros(n("inputTokens"), n("cachedInputTokens"), n("cacheCreationTokens"), n("outputTokens"), n("reasoningTokens"))
	if int64(x["costMicros"].(float64)) != want || n("inputTokens") == 0 || n("outputTokens") == 0 {
		t.Fatalf("%s: cost %v for usage %v, want %d", model, x["costMicros"], u, want)
	}
}

func TestExecuteEveryProvider(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Greeter", "promptText": "Say hello to {{name}}", "variableDefaults": map[string]any{"name": "Ada"}})
			id := p["id"].(string)
			for _, model := range []string{"openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5", "gemini:gemini-2.5-flash"} {
				// Whole JSON answer.
				r := e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": model, "variables": map[string]string{"name": "Bob"}})
				if r.status != 200 {
					t.Fatalf("%s: %d %s", model, r.status, r.body)
				}
				x := r.json(t)
				if x["status"] != "succeeded" || x["responseText"] != "Echo: Say hello to Bob" || x["attempts"] != float64(1) {
					t.Fatalf("%s: execution = %v", model, x)
				}
				wantCost(t, model, x)
				u := x["usage"].(map[string]any)
				switch model {
				case "openai:gpt-4o-mini":
					if u["cachedInputTokens"] != float64(3) {
						t.Errorf("openai cached = %v", u["cachedInputTokens"])
					}
				case "anthropic:claude-sonnet-4-5":
					if u["cachedInputTokens"] != float64(2) || u["cacheCreationTokens"] != float64(1) {
						t.Errorf("anthropic cache usage = %v", u)
					}
				case "gemini:gemini-2.5-flash":
					if u["reasoningTokens"] != float64(7) {
						t.Errorf("gemini reasoning = %v", u["reasoningTokens"])
					}
				}

				// Streamed: start, deltas, usage (from the last chunk), done.
				r = e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": model}, "Accept", "text/event-stream")
				events := readSSE(t, r.body)
				names := []string{}
				text := ""
				for _, ev := range events {
					names = append(names, ev.name)
					if ev.name == "delta" {
						text += ev.data["text"].(string)
					}
				}
				joined := strings.Join(names, ",")
				if !strings.HasPrefix(joined, "start,delta") || !strings.HasSuffix(joined, "usage,done") || text != "Echo: Say hello to Ada" {
					t.Fatalf("%s: events %s, text %q", model, joined, text)
				}
				done := events[len(events)-1].data["execution"].(map[string]any)
				wantCost(t, model, done)
				if done["ttftMs"] == nil || done["latencyMs"] == nil {
					t.Fatalf("%s: timings missing: %v", model, done)
				}
				stored := e.do("GET", "/api/v1/executions/"+done["id"].(string), e.tok, nil).json(t)
				if stored["costMicros"] != done["costMicros"] || stored["responseText"] != text {
					t.Fatalf("%s: stored %v", model, stored)
				}
			}
			list := e.do("GET", "/api/v1/executions?prompt="+id, e.tok, nil).json(t)
			if list["total"] != float64(6) {
				t.Fatalf("history has %v executions, want 6", list["total"])
			}
			// Re-run the oldest with the same inputs.
			oldest := list["items"].([]any)[5].(map[string]any)
			again := e.do("POST", "/api/v1/executions/"+oldest["id"].(string)+"/rerun", e.tok, nil).json(t)
			if again["id"] == oldest["id"] || again["model"] != oldest["model"] || again["responseText"] != "Echo: Say hello to Bob" {
				t.Fatalf("rerun = %v", again)
			}
			_, eve := e.user("eve@example.com")
			wantProblem(t, e.do("POST", "/api/v1/executions/"+oldest["id"].(string)+"/rerun", eve, nil), 404, "not_found")
			wantProblem(t, e.do("GET", "/api/v1/executions/"+oldest["id"].(string), eve, nil), 404, "not_found")
			wantProblem(t, e.do("DELETE", "/api/v1/executions/"+oldest["id"].(string), eve, nil), 404, "not_found")
			if r := e.do("DELETE", "/api/v1/executions/"+oldest["id"].(string), e.tok, nil); r.status != 204 {
				t.Fatalf("delete execution: %d", r.status)
			}
			if strings.Contains(e.logs.String(), simKey) {
				t.Fatal("the logs contain the provider key")
			}
		})
	}
}

func TestExecuteChecks(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "Hi {{a}} and {{b}}", "modelWhitelist": []string{"anthropic"}})
	id := p["id"].(string)
	pr := wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini", "variables": map[string]string{"a": "1", "b": "2"}}), 422, "model_not_allowed")
	if !strings.Contains(pr["detail"].(string), "anthropic") {
		t.Fatalf("model_not_allowed detail = %v", pr["detail"])
	}
	pr = wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "anthropic:claude-haiku-4-5", "variables": map[string]string{"a": "1"}}), 422, "missing_variables")
	if missing := pr["missing"].([]any); len(missing) != 1 || missing[0] != "b" {
		t.Fatalf("missing = %v", pr["missing"])
	}
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{}), 400, "validation_failed")
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "anthropic:claude-haiku-4-5", "variables": map[string]string{"a": "1", "b": "2"}, "params": map[string]any{"temperature": 9}}), 400, "validation_failed")

	// No key for the provider.
	_, bob := e.user("bob@example.com")
	q := createPrompt(t, e.env, bob, map[string]any{"title": "T", "promptText": "x"})
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+q["id"].(string)+"/executions", bob, map[string]any{"model": "openai:gpt-4o-mini"}), 422, "no_credential")
	// Another user's prompt is not found; nothing was recorded for any refusal.
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", bob, map[string]any{"model": "anthropic:claude-haiku-4-5"}), 404, "not_found")
	if l := e.do("GET", "/api/v1/executions", e.tok, nil).json(t); l["total"] != float64(0) {
		t.Fatalf("refused runs were recorded: %v", l["total"])
	}
	if e.sim.Sim.Requests() != 0 {
		t.Fatalf("the provider was called %d times for refused runs", e.sim.Sim.Requests())
	}
}

func TestExecuteRetriesAndFailures(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "ping"})
	id := p["id"].(string)

	// Two retryable failures, then success: three attempts, one execution.
	e.sim.Sim.PushFaults(llmsim.Fault429, llmsim.Fault500)
	r := e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini"})
	if x := r.json(t); r.status != 200 || x["attempts"] != float64(3) || x["status"] != "succeeded" {
		t.Fatalf("after two retryable failures: %d %v", r.status, x)
	}

	// Three in a row exhaust the retries.
	e.sim.Sim.PushFaults(llmsim.Fault503, llmsim.Fault503, llmsim.Fault503)
	pr := wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini"}), 502, "upstream_failed")
	x := e.do("GET", "/api/v1/executions/"+pr["executionId"].(string), e.tok, nil).json(t)
	if x["status"] != "failed" || x["attempts"] != float64(3) || !strings.HasPrefix(x["errorCode"].(string), "provider_") {
		t.Fatalf("exhausted retries recorded as %v", x)
	}

	// A non-retryable failure fails at once.
	e.sim.Sim.PushFaults(llmsim.Fault401)
	pr = wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini"}), 502, "upstream_failed")
	if pr["reason"] != "provider_auth" {
		t.Fatalf("bad key reason = %v", pr["reason"])
	}
	x = e.do("GET", "/api/v1/executions/"+pr["executionId"].(string), e.tok, nil).json(t)
	if x["attempts"] != float64(1) {
		t.Fatalf("a bad key was retried: %v", x)
	}

	// A stream cut half-way is a failure in the stream, never a success.
	e.sim.Sim.PushFaults(llmsim.FaultCut)
	events := readSSE(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini"}, "Accept", "text/event-stream").body)
	if last := events[len(events)-1]; last.name != "error" || last.data["code"] != "upstream_failed" {
		t.Fatalf("cut stream ended with %+v", last)
	}
}

func TestSideBySide(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "compare me"})
	id := p["id"].(string)
	models := []string{"openai:gpt-4o-mini", "anthropic:claude-haiku-4-5", "gemini:gemini-2.5-flash"}
	r := e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"models": models})
	if r.status != 200 {
		t.Fatalf("side by side: %d %s", r.status, r.body)
	}
	xs := r.json(t)["executions"].([]any)
	if len(xs) != 3 {
		t.Fatalf("executions = %v", xs)
	}
	for i, x := range xs {
		m := x.(map[string]any)
		if m["model"] != models[i] || m["status"] != "succeeded" {
			t.Fatalf("execution %d = %v", i, m)
		}
	}

	// Streamed: every event is tagged with its model; each model ends with done.
	events := readSSE(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"models": models}, "Accept", "text/event-stream").body)
	text := map[string]string{}
	done := map[string]bool{}
	for _, ev := range events {
		model, _ := ev.data["model"].(string)
		if model == "" {
			t.Fatalf("untagged event %s: %v", ev.name, ev.data)
		}
		switch ev.name {
		case "delta":
			text[model] += ev.data["text"].(string)
		case "done":
			done[model] = true
		}
	}
	for _, m := range models {
		if !done[m] || text[m] != "Echo: compare me" {
			t.Fatalf("%s: done %v, text %q", m, done[m], text[m])
		}
	}

	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"models": append(models, "openai:gpt-4o", "openai:gpt-4.1")}), 400, "validation_failed")
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"models": []string{"openai:gpt-4o", "openai:gpt-4o"}}), 400, "validation_failed")
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o", "models": models}), 400, "validation_failed")
}

func TestTimeoutsAndCancellation(t *testing.T) {
	e := newExecEnvWith(t, store.SQLite, func(o *api.Options) { o.FirstTokenTimeout = 200 * time.Millisecond })
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "slow one two three four five"})
	id := p["id"].(string)

	// A first token later than the first-token timeout ends the stream.
	e.sim.Sim.PushFaults(llmsim.FaultSlowFirstToken)
	events := readSSE(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini"}, "Accept", "text/event-stream").body)
	last := events[len(events)-1]
	if last.name != "error" || last.data["reason"] != "first_token_timeout" {
		t.Fatalf("slow first token ended with %+v", last)
	}
	x := e.do("GET", "/api/v1/executions/"+last.data["executionId"].(string), e.tok, nil).json(t)
	if x["status"] != "timed_out" {
		t.Fatalf("recorded as %v", x["status"])
	}

	// A client that goes away cancels the upstream call; the run is recorded as cancelled.
	e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/prompts/"+id+"/executions", strings.NewReader(`{"model":"openai:gpt-4o-mini"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+e.tok)
	finished := make(chan struct{})
	go func() {
		e.handler.ServeHTTP(httptest.NewRecorder(), req)
		close(finished)
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not stop after the client went away")
	}
	list := e.do("GET", "/api/v1/executions?status=cancelled", e.tok, nil).json(t)
	if list["total"] != float64(1) {
		t.Fatalf("cancelled runs = %v", list["total"])
	}

	// Cancelling a stream under way through the API stops its call and
	// ends the stream with the cancellation.
	e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
	streamed := make(chan []sseEvent)
	go func() {
		streamed <- readSSE(t, e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini"}, "Accept", "text/event-stream").body)
	}()
	var runID string
	for deadline := time.Now().Add(5 * time.Second); runID == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		running := e.do("GET", "/api/v1/executions?status=running", e.tok, nil).json(t)
		if items := running["items"].([]any); len(items) == 1 {
			runID = items[0].(map[string]any)["id"].(string)
		}
	}
	if runID == "" {
		t.Fatal("the stream never showed as running")
	}
	if r := e.do("POST", "/api/v1/executions/"+runID+"/cancel", e.tok, nil); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	select {
	case events := <-streamed:
		if last := events[len(events)-1]; last.name != "error" || last.data["reason"] != "cancelled" {
			t.Fatalf("cancelled stream ended with %+v", last)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream went on after it was cancelled")
	}
	if x := e.do("GET", "/api/v1/executions/"+runID, e.tok, nil).json(t); x["status"] != "cancelled" {
		t.Fatalf("recorded as %v", x["status"])
	}
}

func TestModelsMarkUsable(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	m := e.do("GET", "/api/v1/models", e.tok, nil).json(t)
	usable := map[string]bool{}
	for _, x := range m["models"].([]any) {
		mm := x.(map[string]any)
		usable[mm["id"].(string)] = mm["usable"].(bool)
	}
	if !usable["openai:gpt-4o-mini"] || !usable["gemini:gemini-2.5-flash"] {
		t.Fatalf("usable = %v", usable)
	}
	_, bob := e.user("bob@example.com")
	for _, x := range e.do("GET", "/api/v1/models", bob, nil).json(t)["models"].([]any) {
		if x.(map[string]any)["usable"] == true {
			t.Fatalf("bob has no keys but %v is usable", x)
		}
	}
}

// TestStartBeforeItsRecord: a stream's start event (and its first tokens)
// does not wait for the start record's commit, and a request about the
// execution in the same process waits for that commit instead of missing
// the run.
func TestStartBeforeItsRecord(t *testing.T) {
	e := newExecEnv(t, store.SQLite)
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "T", "promptText": "slow one two three four five"})
	srv := httptest.NewServer(e.handler)
	t.Cleanup(srv.Close)

	// Hold the one write connection, so no start record can be committed.
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = e.db.Update(context.Background(), func(*store.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()

	e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/v1/prompts/"+p["id"].(string)+"/executions", strings.NewReader(`{"model":"openai:gpt-4o-mini"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+e.tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	var start map[string]any
	for lines.Scan() && start == nil {
		if lines.Text() == "event: start" && lines.Scan() {
			if err := json.Unmarshal([]byte(strings.TrimPrefix(lines.Text(), "data: ")), &start); err != nil {
				t.Fatalf("start event: %v", err)
			}
		}
	}
	if start == nil {
		t.Fatal("no start event while the writer was held")
	}
	id := start["executionId"].(string)

	got := make(chan response)
	go func() { got <- e.do("GET", "/api/v1/executions/"+id, e.tok, nil) }()
	select {
	case r := <-got:
		t.Fatalf("answered before the start record was written: %d %s", r.status, r.body)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	released = true
	if r := <-got; r.status != 200 || r.json(t)["status"] != "running" {
		t.Fatalf("GET after the commit: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/executions/"+id+"/cancel", e.tok, nil); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
}
