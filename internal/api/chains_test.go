package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// chainPrompts creates the three prompts of threeSteps.
func chainPrompts(t *testing.T, e *execEnv) []string {
	t.Helper()
	p1 := createPrompt(t, e.env, e.tok, map[string]any{"title": "Outline", "promptText": "Outline {{topic}}"})
	p2 := createPrompt(t, e.env, e.tok, map[string]any{"title": "Draft", "promptText": "Draft {{outline}} with {{tone}}"})
	p3 := createPrompt(t, e.env, e.tok, map[string]any{"title": "Review", "promptText": "Review {{draft}} about {{topic}}"})
	return []string{p1["id"].(string), p2["id"].(string), p3["id"].(string)}
}

// threeSteps is the definition of a chain over the prompts ids: step 2
// reads step 1's output, step 3 reads step 2's output and the chain's
// input again.
func threeSteps(ids []string) map[string]any {
	p1, p2, p3 := map[string]any{"id": ids[0]}, map[string]any{"id": ids[1]}, map[string]any{"id": ids[2]}
	return map[string]any{
		"name":   "Write an article",
		"inputs": []string{"topic"},
		"steps": []map[string]any{
			{"promptId": p1["id"], "model": "openai:gpt-4o-mini", "bindings": map[string]any{"topic": map[string]any{"input": "topic"}}},
			{"promptId": p2["id"], "model": "anthropic:claude-sonnet-4-5", "bindings": map[string]any{
				"outline": map[string]any{"step": 1}, "tone": map[string]any{"literal": "care"}}},
			{"promptId": p3["id"], "model": "gemini:gemini-2.5-flash", "bindings": map[string]any{
				"draft": map[string]any{"step": 2}, "topic": map[string]any{"input": "topic"}}},
		},
	}
}

func (e *execEnv) createChain(t *testing.T, def map[string]any) map[string]any {
	t.Helper()
	r := e.do("POST", "/api/v1/chains", e.tok, def)
	if r.status != 201 {
		t.Fatalf("create chain: %d %s", r.status, r.body)
	}
	return r.json(t)
}

func (e *execEnv) runChain(t *testing.T, chainID string, inputs map[string]string) map[string]any {
	t.Helper()
	r := e.do("POST", "/api/v1/chains/"+chainID+"/runs", e.tok, map[string]any{"inputs": inputs})
	if r.status != 202 {
		t.Fatalf("run chain: %d %s", r.status, r.body)
	}
	run := r.json(t)
	if run["status"] != "queued" || r.header.Get("Location") != "/api/v1/chain-runs/"+run["id"].(string) {
		t.Fatalf("202 answer = %v, Location %q", run, r.header.Get("Location"))
	}
	return run
}

// waitChainRun polls a run until it has finished.
func (e *execEnv) waitChainRun(t *testing.T, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		run := e.do("GET", "/api/v1/chain-runs/"+id, e.tok, nil).json(t)
		switch run["status"] {
		case "succeeded", "failed", "cancelled":
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("chain run %s still %v: %v", id, run["status"], run)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func runSteps(run map[string]any) []map[string]any {
	var out []map[string]any
	for _, s := range run["steps"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func TestChainPassesOutputsAlong(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			chain := e.createChain(t, threeSteps(chainPrompts(t, e)))
			before := e.do("GET", "/api/v1/executions", e.tok, nil).json(t)["total"].(float64)

			run := e.waitChainRun(t, e.runChain(t, chain["id"].(string), map[string]string{"topic": "rivers"})["id"].(string))
			if run["status"] != "succeeded" || run["errorStep"] != nil || run["currentStep"] != float64(3) || run["finishedAt"] == nil {
				t.Fatalf("run = %v", run)
			}
			want := []struct{ output, model string }{
				{"Echo: Outline rivers", "openai:gpt-4o-mini"},
				{"Echo: Draft Echo: Outline rivers with care", "anthropic:claude-sonnet-4-5"},
				{"Echo: Review Echo: Draft Echo: Outline rivers with care about rivers", "gemini:gemini-2.5-flash"},
			}
			steps := runSteps(run)
			if len(steps) != 3 {
				t.Fatalf("steps = %v", steps)
			}
			for i, st := range steps {
				if st["position"] != float64(i+1) || st["status"] != "succeeded" || st["output"] != want[i].output || st["model"] != want[i].model {
					t.Fatalf("step %d = %v, want output %q", i+1, st, want[i].output)
				}
				// Each step is an execution in the history, with its usage and cost.
				x := e.do("GET", "/api/v1/executions/"+st["executionId"].(string), e.tok, nil).json(t)
				if x["status"] != "succeeded" || x["responseText"] != want[i].output || x["model"] != want[i].model {
					t.Fatalf("step %d execution = %v", i+1, x)
				}
				wantCost(t, want[i].model, x)
			}
			x2 := e.do("GET", "/api/v1/executions/"+steps[1]["executionId"].(string), e.tok, nil).json(t)
			if vars := x2["variables"].(map[string]any); vars["outline"] != want[0].output || vars["tone"] != "care" {
				t.Fatalf("step 2 variables = %v", vars)
			}
			after := e.do("GET", "/api/v1/executions", e.tok, nil).json(t)["total"].(float64)
			if after != before+3 {
				t.Fatalf("executions %v → %v, want 3 more", before, after)
			}

			// Following a finished run answers it at once.
			events := readSSE(t, e.do("GET", "/api/v1/chain-runs/"+run["id"].(string)+"/events", e.tok, nil).body)
			if len(events) != 1 || events[0].name != "done" || events[0].data["run"].(map[string]any)["status"] != "succeeded" {
				t.Fatalf("follow finished run: %v", events)
			}
			list := e.do("GET", "/api/v1/chains/"+chain["id"].(string)+"/runs", e.tok, nil).json(t)
			if list["total"] != float64(1) || list["items"].([]any)[0].(map[string]any)["id"] != run["id"] {
				t.Fatalf("runs = %v", list)
			}
		})
	}
}

func TestChainFailsAtBrokenStep(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			chain := e.createChain(t, threeSteps(chainPrompts(t, e)))
			before := e.do("GET", "/api/v1/executions", e.tok, nil).json(t)["total"].(float64)

			// Step 1 is answered, step 2's key is refused: not retried.
			e.sim.Sim.PushFaults(llmsim.FaultNone, llmsim.Fault401)
			run := e.waitChainRun(t, e.runChain(t, chain["id"].(string), map[string]string{"topic": "rivers"})["id"].(string))
			if run["status"] != "failed" || run["errorStep"] != float64(2) || run["errorCode"] != "provider_auth" || run["errorMessage"] == "" {
				t.Fatalf("run = %v", run)
			}
			steps := runSteps(run)
			if steps[0]["status"] != "succeeded" || steps[0]["output"] != "Echo: Outline rivers" {
				t.Fatalf("step 1 = %v", steps[0])
			}
			if steps[1]["status"] != "failed" || steps[1]["errorCode"] != "provider_auth" || steps[1]["output"] != nil {
				t.Fatalf("step 2 = %v", steps[1])
			}
			x := e.do("GET", "/api/v1/executions/"+steps[1]["executionId"].(string), e.tok, nil).json(t)
			if x["status"] != "failed" || x["errorCode"] != "provider_auth" || x["attempts"] != float64(1) {
				t.Fatalf("step 2 execution = %v", x)
			}
			// Step 3 never ran: no execution, and nothing more reached the provider.
			if steps[2]["status"] != "cancelled" || steps[2]["executionId"] != nil || steps[2]["startedAt"] != nil {
				t.Fatalf("step 3 = %v", steps[2])
			}
			time.Sleep(200 * time.Millisecond)
			if after := e.do("GET", "/api/v1/executions", e.tok, nil).json(t)["total"].(float64); after != before+2 {
				t.Fatalf("executions %v → %v, want 2 more", before, after)
			}

			// The failed step is a dead letter; requeueing it resumes the run
			// from step 2, which now succeeds, and step 3 runs.
			var letter map[string]any
			deadline := time.Now().Add(10 * time.Second)
			for letter == nil && time.Now().Before(deadline) {
				for _, l := range e.deadLetters(t) {
					if l.(map[string]any)["kind"] == "chain_step" {
						letter = l.(map[string]any)
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
			if letter == nil {
				t.Fatal("no dead letter for the failed step")
			}
			if r := e.do("POST", "/api/v1/dead-letters/"+letter["id"].(string)+"/requeue", e.tok, nil); r.status != 200 {
				t.Fatalf("requeue: %d %s", r.status, r.body)
			}
			run = e.waitChainRun(t, run["id"].(string))
			steps = runSteps(run)
			if run["status"] != "succeeded" || run["errorStep"] != nil || steps[0]["executionId"] == nil ||
				steps[2]["output"] != "Echo: Review Echo: Draft Echo: Outline rivers with care about rivers" {
				t.Fatalf("resumed run = %v", run)
			}
		})
	}
}

func TestChainValidation(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			ids := chainPrompts(t, e)
			def := threeSteps(ids)
			steps := def["steps"].([]map[string]any)
			limited := createPrompt(t, e.env, e.tok, map[string]any{"title": "Only Claude", "promptText": "Hi",
				"modelWhitelist": []string{"anthropic:claude-sonnet-4-5"}})
			cases := []struct {
				name  string
				edit  func(def map[string]any)
				field string
				code  string
			}{
				{"forward binding", func(def map[string]any) {
					steps[0]["bindings"] = map[string]any{"topic": map[string]any{"step": 2}}
				}, "steps[0].bindings.topic", "forward_reference"},
				{"self binding", func(def map[string]any) {
					steps[1]["bindings"].(map[string]any)["outline"] = map[string]any{"step": 2}
				}, "steps[1].bindings.outline", "forward_reference"},
				{"unbound variable", func(def map[string]any) {
					delete(steps[2]["bindings"].(map[string]any), "draft")
				}, "steps[2].bindings.draft", "unbound"},
				{"unknown input", func(def map[string]any) {
					steps[0]["bindings"] = map[string]any{"topic": map[string]any{"input": "subject"}}
				}, "steps[0].bindings.topic", "unknown_input"},
				{"two sources", func(def map[string]any) {
					steps[0]["bindings"] = map[string]any{"topic": map[string]any{"input": "topic", "literal": "x"}}
				}, "steps[0].bindings.topic", "invalid"},
				{"unknown variable", func(def map[string]any) {
					steps[0]["bindings"].(map[string]any)["mood"] = map[string]any{"literal": "x"}
				}, "steps[0].bindings.mood", "unknown_variable"},
				{"unknown model", func(def map[string]any) { steps[1]["model"] = "openai:gpt-9" }, "steps[1].model", "unknown_model"},
				{"model not allowed", func(def map[string]any) {
					steps[2] = map[string]any{"promptId": limited["id"], "model": "openai:gpt-4o-mini"}
				}, "steps[2].model", "model_not_allowed"},
				{"unknown prompt", func(def map[string]any) { steps[1]["promptId"] = "nope" }, "steps[1].promptId", "not_found"},
				{"missing version", func(def map[string]any) { steps[0]["version"] = 7 }, "steps[0].version", "not_found"},
				{"no steps", func(def map[string]any) { def["steps"] = []any{} }, "steps", "required"},
				{"bad input name", func(def map[string]any) { def["inputs"] = []string{"topic", "two words"} }, "inputs[1]", "invalid"},
				{"no name", func(def map[string]any) { def["name"] = " " }, "name", "required"},
			}
			for _, c := range cases {
				def := threeSteps(ids)
				steps = def["steps"].([]map[string]any)
				c.edit(def)
				p := wantProblem(t, e.do("POST", "/api/v1/chains", e.tok, def), 400, "validation_failed")
				if got := fieldErrors(t, p)[c.field]; got != c.code {
					t.Errorf("%s: field %s = %q, want %q (%v)", c.name, c.field, got, c.code, p["errors"])
				}
			}
			// A stranger's prompt is not_found, like a missing one.
			_, eve := e.user("eve@example.com")
			theirs := createPrompt(t, e.env, eve, map[string]any{"title": "Theirs", "promptText": "Hi"})
			def = threeSteps(ids)
			def["steps"].([]map[string]any)[0] = map[string]any{"promptId": theirs["id"], "model": "openai:gpt-4o-mini"}
			p := wantProblem(t, e.do("POST", "/api/v1/chains", e.tok, def), 400, "validation_failed")
			if fieldErrors(t, p)["steps[0].promptId"] != "not_found" {
				t.Fatalf("stranger's prompt: %v", p["errors"])
			}
			// Nothing was written.
			if list := e.do("GET", "/api/v1/chains", e.tok, nil).json(t); list["total"] != float64(0) {
				t.Fatalf("chains after refusals = %v", list)
			}

			// Replacing a chain is validated the same way and changes nothing when refused.
			chain := e.createChain(t, threeSteps(ids))
			bad := threeSteps(ids)
			bad["steps"].([]map[string]any)[0]["bindings"] = map[string]any{"topic": map[string]any{"step": 3}}
			wantProblem(t, e.do("PUT", "/api/v1/chains/"+chain["id"].(string), e.tok, bad), 400, "validation_failed")
			got := e.do("GET", "/api/v1/chains/"+chain["id"].(string), e.tok, nil).json(t)
			if fmt.Sprint(got["steps"]) != fmt.Sprint(chain["steps"]) {
				t.Fatalf("steps changed by a refused update: %v", got["steps"])
			}

			// Runs check their inputs.
			r := e.do("POST", "/api/v1/chains/"+chain["id"].(string)+"/runs", e.tok, map[string]any{"inputs": map[string]string{"subject": "x"}})
			errs := fieldErrors(t, wantProblem(t, r, 400, "validation_failed"))
			if errs["inputs.topic"] != "required" || errs["inputs.subject"] != "unknown" {
				t.Fatalf("run inputs: %v", errs)
			}
			if list := e.do("GET", "/api/v1/chains/"+chain["id"].(string)+"/runs", e.tok, nil).json(t); list["total"] != float64(0) {
				t.Fatalf("runs after a refused run = %v", list)
			}
		})
	}
}

func TestChainAccess(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			chain := e.createChain(t, threeSteps(chainPrompts(t, e)))
			id := chain["id"].(string)
			// A slow first step keeps the run under way while eve knocks.
			e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
			run := e.runChain(t, id, map[string]string{"topic": strings.Repeat("rivers and queues ", 15)})
			runID := run["id"].(string)

			_, eve := e.user("eve@example.com")
			for _, req := range []struct{ method, path string }{
				{"GET", "/api/v1/chains/" + id},
				{"PUT", "/api/v1/chains/" + id},
				{"DELETE", "/api/v1/chains/" + id},
				{"GET", "/api/v1/chains/" + id + "/runs"},
				{"POST", "/api/v1/chains/" + id + "/runs"},
				{"GET", "/api/v1/chain-runs/" + runID},
				{"POST", "/api/v1/chain-runs/" + runID + "/cancel"},
				{"GET", "/api/v1/chain-runs/" + runID + "/events"},
			} {
				var body any
				if req.method == "PUT" || req.method == "POST" {
					body = map[string]any{"inputs": map[string]string{"topic": "x"}}
				}
				wantProblem(t, e.do(req.method, req.path, eve, body), 404, "not_found")
			}
			if list := e.do("GET", "/api/v1/chains", eve, nil).json(t); list["total"] != float64(0) {
				t.Fatalf("eve's chains = %v", list)
			}

			// A run under way cannot be deleted with its chain; cancel it first.
			wantProblem(t, e.do("DELETE", "/api/v1/chains/"+id, e.tok, nil), 409, "conflict")
			r := e.do("POST", "/api/v1/chain-runs/"+runID+"/cancel", e.tok, nil)
			if r.status != 200 || r.json(t)["status"] != "cancelled" {
				t.Fatalf("cancel: %d %s", r.status, r.body)
			}
			wantProblem(t, e.do("POST", "/api/v1/chain-runs/"+runID+"/cancel", e.tok, nil), 409, "conflict")
			time.Sleep(300 * time.Millisecond)
			got := e.waitChainRun(t, runID)
			for _, st := range runSteps(got) {
				if st["status"] != "cancelled" {
					t.Fatalf("after cancel: %v", got)
				}
			}
			if r := e.do("DELETE", "/api/v1/chains/"+id, e.tok, nil); r.status != 204 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
			wantProblem(t, e.do("GET", "/api/v1/chain-runs/"+runID, e.tok, nil), 404, "not_found")
		})
	}
}

func TestChainRoles(t *testing.T) {
	e := newExecEnv(t, "sqlite")
	ctx := context.Background()
	ownerID, owner := e.user("owner@example.com")
	viewerID, viewer := e.user("viewer@example.com")
	team, err := e.db.CreateTeamWorkspace(ctx, ownerID, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetMemberRole(ctx, team.ID, viewerID, krowoc.RoleViewer); err != nil {
		t.Fatal(err)
	}
	p := createPrompt(t, e.env, owner, map[string]any{"title": "Hi", "promptText": "Hi", "workspaceId": team.ID})
	def := map[string]any{"workspaceId": team.ID, "name": "One", "steps": []map[string]any{{"promptId": p["id"], "model": "openai:gpt-4o-mini"}}}
	r := e.do("POST", "/api/v1/chains", owner, def)
	if r.status != 201 {
		t.Fatalf("owner creates: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	if r := e.do("GET", "/api/v1/chains/"+id, viewer, nil); r.status != 200 {
		t.Fatalf("viewer reads: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/chains?workspace="+team.ID, viewer, nil); r.json(t)["total"] != float64(1) {
		t.Fatalf("viewer lists: %s", r.body)
	}
	wantProblem(t, e.do("POST", "/api/v1/chains", viewer, def), 403, "forbidden")
	wantProblem(t, e.do("PUT", "/api/v1/chains/"+id, viewer, def), 403, "forbidden")
	wantProblem(t, e.do("POST", "/api/v1/chains/"+id+"/runs", viewer, map[string]any{}), 403, "forbidden")
	wantProblem(t, e.do("DELETE", "/api/v1/chains/"+id, viewer, nil), 403, "forbidden")
}

func TestFollowChainRun(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			chain := e.createChain(t, threeSteps(chainPrompts(t, e)))
			// A slow first step: the follower sees the run under way first.
			e.sim.Sim.PushFaults(llmsim.FaultSlowChunks)
			run := e.runChain(t, chain["id"].(string), map[string]string{"topic": "rivers and queues"})
			events := readSSE(t, e.do("GET", "/api/v1/chain-runs/"+run["id"].(string)+"/events", e.tok, nil).body)
			if len(events) < 2 || events[0].name != "run" || events[len(events)-1].name != "done" {
				t.Fatalf("events: %v", events)
			}
			last := events[len(events)-1].data["run"].(map[string]any)
			if last["status"] != "succeeded" || len(last["steps"].([]any)) != 3 {
				t.Fatalf("done: %v", last)
			}
			for _, ev := range events[:len(events)-1] {
				if ev.name != "run" || ev.data["run"].(map[string]any)["status"] == "succeeded" {
					t.Fatalf("event before done: %s %v", ev.name, ev.data)
				}
			}
		})
	}
}
