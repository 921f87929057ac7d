package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// waitExecution polls an execution until it leaves running.
func (e *execEnv) waitExecution(t *testing.T, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		x := e.do("GET", "/api/v1/executions/"+id, e.tok, nil).json(t)
		if x["status"] != "running" {
			return x
		}
		if time.Now().After(deadline) {
			t.Fatalf("execution %s still running: %v", id, x)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *execEnv) asyncRun(t *testing.T, promptID string, body map[string]any) map[string]any {
	t.Helper()
	body["async"] = true
	r := e.do("POST", "/api/v1/prompts/"+promptID+"/executions", e.tok, body)
	if r.status != 202 {
		t.Fatalf("async run: %d %s", r.status, r.body)
	}
	x := r.json(t)
	if x["status"] != "running" || r.header.Get("Location") != "/api/v1/executions/"+x["id"].(string) {
		t.Fatalf("202 answer = %v, Location %q", x, r.header.Get("Location"))
	}
	return x
}

func (e *execEnv) deadLetters(t *testing.T) []any {
	t.Helper()
	r := e.do("GET", "/api/v1/dead-letters", e.tok, nil)
	if r.status != 200 {
		t.Fatalf("dead letters: %d %s", r.status, r.body)
	}
	return r.json(t)["items"].([]any)
}

func TestAsyncExecution(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Greeter", "promptText": "Say hello to {{name}}"})
			id := p["id"].(string)

			// Checks still run before anything is queued.
			r := e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{"model": "openai:gpt-4o-mini", "async": true})
			if r.status != 422 || r.json(t)["code"] != "missing_variables" {
				t.Fatalf("missing variables: %d %s", r.status, r.body)
			}

			x := e.asyncRun(t, id, map[string]any{"model": "openai:gpt-4o-mini", "variables": map[string]string{"name": "Bob"}})
			done := e.waitExecution(t, x["id"].(string))
			if done["status"] != "succeeded" || done["responseText"] != "Echo: Say hello to Bob" || done["attempts"] != float64(1) {
				t.Fatalf("finished = %v", done)
			}
			wantCost(t, "openai:gpt-4o-mini", done)

			// Following a finished execution answers its outcome at once.
			events := readSSE(t, e.do("GET", "/api/v1/executions/"+x["id"].(string)+"/events", e.tok, nil).body)
			if len(events) != 2 || events[0].name != "usage" || events[1].name != "done" {
				t.Fatalf("follow finished: %v", events)
			}

			// Side by side, in the background.
			r = e.do("POST", "/api/v1/prompts/"+id+"/executions", e.tok, map[string]any{
				"models": []string{"openai:gpt-4o-mini", "gemini:gemini-2.5-flash"}, "variables": map[string]string{"name": "Cy"}, "async": true})
			if r.status != 202 {
				t.Fatalf("side by side async: %d %s", r.status, r.body)
			}
			for _, item := range r.json(t)["executions"].([]any) {
				got := e.waitExecution(t, item.(map[string]any)["id"].(string))
				if got["status"] != "succeeded" {
					t.Fatalf("side by side: %v", got)
				}
			}
		})
	}
}

func TestAsyncExecutionFollowLive(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Slow", "promptText": "Tell a long story about rivers and queues"})
			e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
			x := e.asyncRun(t, p["id"].(string), map[string]any{"model": "openai:gpt-4o-mini"})
			events := readSSE(t, e.do("GET", "/api/v1/executions/"+x["id"].(string)+"/events", e.tok, nil).body)
			names := []string{}
			for _, ev := range events {
				names = append(names, ev.name)
				if ev.data["executionId"] != x["id"] {
					t.Fatalf("event %s not tagged with the execution: %v", ev.name, ev.data)
				}
			}
			joined := strings.Join(names, ",")
			if !strings.HasPrefix(joined, "start,") || !strings.Contains(joined, "delta") || !strings.HasSuffix(joined, "usage,done") {
				t.Fatalf("live events: %s", joined)
			}
		})
	}
}

func TestAsyncExecutionRetriesAndDeadLetters(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Flaky", "promptText": "Hi"})
			id := p["id"].(string)

			// Two retryable failures, then success: three attempts, no dead letter.
			e.sim.Sim.PushFaults(llmsim.Fault503, llmsim.Fault429)
			x := e.waitExecution(t, e.asyncRun(t, id, map[string]any{"model": "openai:gpt-4o-mini"})["id"].(string))
			if x["status"] != "succeeded" || x["attempts"] != float64(3) {
				t.Fatalf("after two retries: %v", x)
			}
			if n := len(e.deadLetters(t)); n != 0 {
				t.Fatalf("dead letters = %d", n)
			}

			// Three retryable failures exhaust the attempts.
			e.sim.Sim.PushFaults(llmsim.Fault503, llmsim.Fault503, llmsim.Fault503)
			x = e.waitExecution(t, e.asyncRun(t, id, map[string]any{"model": "openai:gpt-4o-mini"})["id"].(string))
			if x["status"] != "failed" || x["attempts"] != float64(3) || x["errorCode"] != "provider_server" {
				t.Fatalf("exhausted: %v", x)
			}
			// A refused key is not retried.
			e.sim.Sim.PushFaults(llmsim.Fault401)
			y := e.waitExecution(t, e.asyncRun(t, id, map[string]any{"model": "openai:gpt-4o-mini"})["id"].(string))
			if y["status"] != "failed" || y["attempts"] != float64(1) {
				t.Fatalf("non-retryable: %v", y)
			}

			var letters []any
			deadline := time.Now().Add(10 * time.Second)
			for len(letters) < 2 && time.Now().Before(deadline) {
				letters = e.deadLetters(t)
				time.Sleep(20 * time.Millisecond)
			}
			if len(letters) != 2 {
				t.Fatalf("dead letters = %v", letters)
			}
			// Newest first: the refused key, then the exhausted one.
			refused, exhausted := letters[0].(map[string]any), letters[1].(map[string]any)
			if refused["kind"] != "execution" || refused["attempts"] != float64(1) || exhausted["attempts"] != float64(3) {
				t.Fatalf("dead letters = %v", letters)
			}
			if len(exhausted["errors"].([]any)) != 3 || !strings.Contains(string(mustJSON(t, exhausted["payload"])), x["id"].(string)) {
				t.Fatalf("exhausted dead letter = %v", exhausted)
			}

			// Another user cannot see or touch them.
			_, other := e.user("eve@example.com")
			if r := e.do("GET", "/api/v1/dead-letters/"+exhausted["id"].(string), other, nil); r.status != 404 {
				t.Fatalf("other tenant get: %d", r.status)
			}
			if r := e.do("POST", "/api/v1/dead-letters/"+exhausted["id"].(string)+"/requeue", other, nil); r.status != 404 {
				t.Fatalf("other tenant requeue: %d", r.status)
			}

			// Requeue runs it again as a new execution, which now succeeds.
			before := e.do("GET", "/api/v1/executions?prompt="+id, e.tok, nil).json(t)["total"].(float64)
			r := e.do("POST", "/api/v1/dead-letters/"+exhausted["id"].(string)+"/requeue", e.tok, nil)
			if r.status != 200 || r.json(t)["status"] != "requeued" {
				t.Fatalf("requeue: %d %s", r.status, r.body)
			}
			if r := e.do("POST", "/api/v1/dead-letters/"+exhausted["id"].(string)+"/requeue", e.tok, nil); r.status != 409 {
				t.Fatalf("requeue twice: %d %s", r.status, r.body)
			}
			deadline = time.Now().Add(10 * time.Second)
			for {
				list := e.do("GET", "/api/v1/executions?prompt="+id, e.tok, nil).json(t)
				newest := list["items"].([]any)[0].(map[string]any)
				if list["total"].(float64) == before+1 && newest["status"] == "succeeded" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("requeued execution did not succeed: %v", list)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if r := e.do("POST", "/api/v1/dead-letters/"+refused["id"].(string)+"/discard", e.tok, nil); r.status != 200 || r.json(t)["status"] != "discarded" {
				t.Fatalf("discard: %d %s", r.status, r.body)
			}
			if r := e.do("GET", "/api/v1/dead-letters?status=open", e.tok, nil); len(r.json(t)["items"].([]any)) != 0 {
				t.Fatalf("open after requeue and discard: %s", r.body)
			}
		})
	}
}

func TestCancelAsyncExecution(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnvWith(t, d, nil)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Slow", "promptText": "Tell a long story about rivers and queues and more"})
			e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
			x := e.asyncRun(t, p["id"].(string), map[string]any{"model": "openai:gpt-4o-mini"})
			r := e.do("POST", "/api/v1/executions/"+x["id"].(string)+"/cancel", e.tok, nil)
			if r.status != 200 || r.json(t)["status"] != "cancelled" {
				t.Fatalf("cancel: %d %s", r.status, r.body)
			}
			// The worker's end does not overwrite the cancellation.
			time.Sleep(300 * time.Millisecond)
			got := e.waitExecution(t, x["id"].(string))
			if got["status"] != "cancelled" {
				t.Fatalf("after cancel: %v", got)
			}
			if r := e.do("POST", "/api/v1/executions/"+x["id"].(string)+"/cancel", e.tok, nil); r.status != 409 {
				t.Fatalf("cancel twice: %d %s", r.status, r.body)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunsAreRateLimited(t *testing.T) {
	e := newExecEnvWith(t, "sqlite", func(o *api.Options) { o.ExecutionsPerMinute = 8 }) // bursts of 2
	p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Hi", "promptText": "Hi"})
	run := func(body map[string]any) response {
		return e.do("POST", "/api/v1/prompts/"+p["id"].(string)+"/executions", e.tok, body)
	}
	if r := run(map[string]any{"model": "openai:gpt-4o-mini"}); r.status != 200 {
		t.Fatalf("first run: %d %s", r.status, r.body)
	}
	// A side-by-side run of two models needs two tokens; one is left.
	r := run(map[string]any{"models": []string{"openai:gpt-4o-mini", "gemini:gemini-2.5-flash"}})
	if r.status != 429 || r.json(t)["code"] != "rate_limited" || r.header.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d %s (Retry-After %q)", r.status, r.body, r.header.Get("Retry-After"))
	}
	// Refused runs write nothing.
	if n := e.do("GET", "/api/v1/executions", e.tok, nil).json(t)["total"]; n != float64(1) {
		t.Fatalf("executions recorded = %v, want 1", n)
	}
	// Another user from the same address has their own budget.
	_, other := e.user("bo@example.com")
	if r := e.do("POST", "/api/v1/credentials", other, map[string]any{"provider": "openai", "label": "sim", "key": simKey}); r.status != 201 {
		t.Fatalf("add key: %d %s", r.status, r.body)
	}
	q := createPrompt(t, e.env, other, map[string]any{"title": "Hi", "promptText": "Hi"})
	if r := e.do("POST", "/api/v1/prompts/"+q["id"].(string)+"/executions", other, map[string]any{"model": "openai:gpt-4o-mini"}); r.status != 200 {
		t.Fatalf("other user: %d %s", r.status, r.body)
	}
}
