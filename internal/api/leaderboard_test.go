package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// verify marks a user's e-mail address as verified, as Pocketbase does
// after the confirmation link.
func (e *env) verify(id string) {
	e.t.Helper()
	rec, err := e.app.FindRecordById(accounts.Collection, id)
	if err != nil {
		e.t.Fatal(err)
	}
	rec.SetVerified(true)
	if err := e.app.Save(rec); err != nil {
		e.t.Fatal(err)
	}
}

// superuser returns a Pocketbase superuser's session token.
func (e *env) superuser() string {
	e.t.Helper()
	col, err := e.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		e.t.Fatal(err)
	}
	su := core.NewRecord(col)
	su.SetEmail("root@example.com")
	su.SetPassword("correct horse battery")
	if err := e.app.Save(su); err != nil {
		e.t.Fatal(err)
	}
	tok, err := su.NewAuthToken()
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// publicPrompt creates and publishes a public prompt and returns its id.
func publicPrompt(t *testing.T, e *env, tok, title, text string, tags ...string) string {
	t.Helper()
	if tags == nil {
		tags = []string{}
	}
	id := createPrompt(t, e, tok, map[string]any{"title": title, "promptText": text, "tags": tags})["id"].(string)
	if r := e.do("POST", "/api/v1/prompts/"+id+"/publish", tok, map[string]any{"visibility": "public"}); r.status != 200 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	return id
}

func TestPublicPromptsNeverLeak(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			_, ann := e.user("ann@example.com")
			_, bob := e.user("bob@example.com")
			su := e.superuser()

			pub := publicPrompt(t, e, ann, "Public one", "Published text", "writing")
			// The draft of a public prompt moves on privately.
			if r := e.do("PATCH", "/api/v1/prompts/"+pub, ann, map[string]any{"title": "Secret draft title", "promptText": "Secret draft text"}); r.status != 200 {
				t.Fatalf("edit: %d %s", r.status, r.body)
			}
			draft := createPrompt(t, e, ann, map[string]any{"title": "Secret draft", "promptText": "Secret"})["id"].(string)
			private := createPrompt(t, e, ann, map[string]any{"title": "Secret private", "promptText": "Secret"})["id"].(string)
			e.do("POST", "/api/v1/prompts/"+private+"/publish", ann, map[string]any{"visibility": "private"})
			trashed := publicPrompt(t, e, ann, "Secret trashed", "Secret")
			e.do("DELETE", "/api/v1/prompts/"+trashed, ann, nil)
			archived := publicPrompt(t, e, ann, "Secret archived", "Secret")
			e.do("POST", "/api/v1/prompts/"+archived+"/archive", ann, nil)

			if r := e.do("POST", "/api/v1/leaderboard/runs", su, nil); r.status != 201 {
				t.Fatalf("run: %d %s", r.status, r.body)
			}
			for _, tok := range []string{"", bob, ann, "not-a-token"} {
				r := e.do("GET", "/api/v1/leaderboard", tok, nil)
				if r.status != 200 {
					t.Fatalf("leaderboard with token %q: %d %s", tok, r.status, r.body)
				}
				if strings.Contains(string(r.body), "Secret") || strings.Count(string(r.body), `"rank":`) != 1 {
					t.Fatalf("leaderboard leaks or misses: %s", r.body)
				}
				got := e.do("GET", "/api/v1/public/prompts/"+pub, tok, nil)
				if got.status != 200 {
					t.Fatalf("public prompt: %d %s", got.status, got.body)
				}
				if strings.Contains(string(got.body), "Secret") || !strings.Contains(string(got.body), "Published text") {
					t.Fatalf("public prompt shows the draft: %s", got.body)
				}
				for _, id := range []string{draft, private, trashed, archived, "missing"} {
					wantProblem(t, e.do("GET", "/api/v1/public/prompts/"+id, tok, nil), 404, "not_found")
					if tok != "" && tok != "not-a-token" {
						wantProblem(t, e.do("POST", "/api/v1/public/prompts/"+id+"/fork", tok, nil), 404, "not_found")
						wantProblem(t, e.do("POST", "/api/v1/public/prompts/"+id+"/executions", tok, map[string]any{"model": "openai:gpt-4o-mini"}), 404, "not_found")
					}
				}
			}
			// Author names come from Pocketbase; e-mail addresses never show.
			p := e.do("GET", "/api/v1/public/prompts/"+pub, "", nil).json(t)
			if p["author"].(map[string]any)["name"] != "ann" || strings.Contains(string(e.do("GET", "/api/v1/public/prompts/"+pub, "", nil).body), "@example.com") {
				t.Fatalf("author = %v", p["author"])
			}
			// A rename shows at once: Pocketbase's update hook drops the cached name.
			rec, err := e.app.FindAuthRecordByEmail(accounts.Collection, "ann@example.com")
			if err != nil {
				t.Fatal(err)
			}
			rec.Set("name", "Ann Renamed")
			if err := e.app.Save(rec); err != nil {
				t.Fatal(err)
			}
			if got := e.do("GET", "/api/v1/public/prompts/"+pub, "", nil).json(t)["author"].(map[string]any)["name"]; got != "Ann Renamed" {
				t.Fatalf("author after rename = %v", got)
			}
		})
	}
}

func TestVoteRulesOverHTTP(t *testing.T) {
	e := newEnvWith(t, store.SQLite, func(o *api.Options) {
		o.VoteLimits = api.VoteLimits{UserBurst: 3, UserEvery: time.Hour, IPBurst: 100, IPEvery: time.Second}
	})
	annID, ann := e.user("ann@example.com")
	bobID, bob := e.user("bob@example.com")
	_, eve := e.user("eve@example.com")
	id := publicPrompt(t, e, ann, "Voted", "text")
	path := "/api/v1/public/prompts/" + id + "/vote"

	wantProblem(t, e.do("PUT", path, "", map[string]any{"value": 1}), 401, "unauthorized")
	p := wantProblem(t, e.do("PUT", path, eve, map[string]any{"value": 1}), 403, "forbidden")
	if p["reason"] != "unverified" {
		t.Fatalf("unverified vote: %v", p)
	}
	e.verify(annID)
	e.verify(bobID)
	p = wantProblem(t, e.do("PUT", path, ann, map[string]any{"value": 1}), 403, "forbidden")
	if p["reason"] != "own_prompt" {
		t.Fatalf("own vote: %v", p)
	}
	wantProblem(t, e.do("PUT", path, bob, map[string]any{"value": 0}), 400, "validation_failed")

	r := e.do("PUT", path, bob, map[string]any{"value": 1})
	if r.status != 200 || r.json(t)["up"] != float64(1) || r.json(t)["mine"] != float64(1) {
		t.Fatalf("vote: %d %s", r.status, r.body)
	}
	r = e.do("PUT", path, bob, map[string]any{"value": -1})
	if v := r.json(t); v["up"] != float64(0) || v["down"] != float64(1) || v["mine"] != float64(-1) {
		t.Fatalf("changed vote: %s", r.body)
	}
	shown := e.do("GET", "/api/v1/public/prompts/"+id, bob, nil).json(t)["votes"].(map[string]any)
	if shown["mine"] != float64(-1) {
		t.Fatalf("own vote on the public page = %v", shown)
	}
	if anon := e.do("GET", "/api/v1/public/prompts/"+id, "", nil).json(t)["votes"].(map[string]any); anon["mine"] != float64(0) || anon["down"] != float64(1) {
		t.Fatalf("anonymous sees %v", anon)
	}
	r = e.do("DELETE", path, bob, nil)
	if v := r.json(t); r.status != 200 || v["down"] != float64(0) || v["mine"] != float64(0) {
		t.Fatalf("retract: %d %s", r.status, r.body)
	}
	// The bucket held 3 votes (own-prompt and invalid attempts do not reach it).
	r = e.do("PUT", path, bob, map[string]any{"value": 1})
	p = wantProblem(t, r, 429, "rate_limited")
	if r.header.Get("Retry-After") == "" || p["retryAfter"] == nil {
		t.Fatalf("429 without Retry-After: %v %v", r.header, p)
	}
}

func TestForkOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			annID, ann := e.user("ann@example.com")
			_, bob := e.user("bob@example.com")
			id := publicPrompt(t, e, ann, "Origin", "Hello {{name}}", "greeting")
			r := e.do("POST", "/api/v1/public/prompts/"+id+"/fork", bob, nil)
			if r.status != 201 {
				t.Fatalf("fork: %d %s", r.status, r.body)
			}
			fork := r.json(t)
			origin, _ := fork["forkedFrom"].(map[string]any)
			if origin["promptId"] != id || origin["version"] != float64(1) || origin["authorId"] != annID ||
				fork["status"] != "draft" || fork["visibility"] != "private" || fork["promptText"] != "Hello {{name}}" {
				t.Fatalf("fork = %v", fork)
			}
			got := e.do("GET", "/api/v1/prompts/"+fork["id"].(string), bob, nil).json(t)
			if got["forkedFrom"] == nil {
				t.Fatalf("the fork forgot its origin: %v", got)
			}
			if n := e.do("GET", "/api/v1/public/prompts/"+id, "", nil).json(t)["stats"].(map[string]any)["forks"]; n != float64(1) {
				t.Fatalf("forks = %v", n)
			}
			// Another user's workspace is not_found; the quota applies.
			ws := e.do("GET", "/api/v1/me", ann, nil).json(t)["workspaces"].([]any)[0].(map[string]any)["id"]
			wantProblem(t, e.do("POST", "/api/v1/public/prompts/"+id+"/fork", bob, map[string]any{"workspaceId": ws}), 404, "not_found")
			for i := 1; i < 50; i++ {
				createPrompt(t, e, bob, map[string]any{"title": "filler", "promptText": "x"})
			}
			p := wantProblem(t, e.do("POST", "/api/v1/public/prompts/"+id+"/fork", bob, nil), 403, "quota_exceeded")
			if p["limit"] != float64(50) || p["count"] != float64(50) {
				t.Fatalf("quota problem = %v", p)
			}
		})
	}
}

func TestLeaderboardOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			x := newExecEnv(t, d) // ada, with keys
			e := x.env
			annID, ann := e.user("ann@example.com")
			bobID, bob := e.user("bob@example.com")
			e.verify(annID)
			e.verify(bobID)
			su := e.superuser()
			first := publicPrompt(t, e, ann, "First", "Say one", "alpha")
			second := publicPrompt(t, e, ann, "Second", "Say two", "beta")

			wantProblem(t, e.do("POST", "/api/v1/leaderboard/runs", "", nil), 401, "unauthorized")
			wantProblem(t, e.do("POST", "/api/v1/leaderboard/runs", bob, nil), 403, "forbidden")
			empty := e.do("GET", "/api/v1/leaderboard", "", nil).json(t)
			if empty["run"] != nil || len(empty["items"].([]any)) != 0 {
				t.Fatalf("before any run: %v", empty)
			}
			wantProblem(t, e.do("GET", "/api/v1/leaderboard?sort=best", "", nil), 400, "validation_failed")
			wantProblem(t, e.do("GET", "/api/v1/leaderboard?limit=51", "", nil), 400, "validation_failed")

			// Ada runs Second with her own keys; it is recorded in her workspace.
			r := e.do("POST", "/api/v1/public/prompts/"+second+"/executions", x.tok, map[string]any{"model": "openai:gpt-4o-mini"})
			if r.status != 200 || r.json(t)["responseText"] != "Echo: Say two" || r.json(t)["promptVersion"] != float64(1) {
				t.Fatalf("public run: %d %s", r.status, r.body)
			}
			wantProblem(t, e.do("POST", "/api/v1/public/prompts/"+second+"/executions", x.tok, map[string]any{"model": "openai:gpt-4o-mini", "version": "draft"}), 400, "validation_failed")
			hist := e.do("GET", "/api/v1/executions", x.tok, nil).json(t)
			if hist["total"] != float64(1) {
				t.Fatalf("ada's history = %v", hist)
			}
			// Ann (without keys) cannot run it on her workspace: no_credential.
			wantProblem(t, e.do("POST", "/api/v1/public/prompts/"+second+"/executions", ann, map[string]any{"model": "openai:gpt-4o-mini"}), 422, "no_credential")

			if r := e.do("POST", "/api/v1/leaderboard/runs", su, nil); r.status != 201 {
				t.Fatalf("run: %d %s", r.status, r.body)
			}
			board := e.do("GET", "/api/v1/leaderboard", "", nil).json(t)
			items := board["items"].([]any)
			top := items[0].(map[string]any)
			if len(items) != 2 || top["prompt"].(map[string]any)["id"] != second || top["executions24h"] != float64(1) || top["movement"] != nil {
				t.Fatalf("first board = %v", board)
			}

			// Bob likes First and Ada runs it three times; the next run reorders.
			e.do("PUT", "/api/v1/public/prompts/"+first+"/vote", bob, map[string]any{"value": 1})
			for range 3 {
				if r := e.do("POST", "/api/v1/public/prompts/"+first+"/executions", x.tok, map[string]any{"model": "openai:gpt-4o-mini"}); r.status != 200 {
					t.Fatalf("public run: %d %s", r.status, r.body)
				}
			}
			time.Sleep(5 * time.Millisecond) // runs are ordered by time
			if r := e.do("POST", "/api/v1/leaderboard/runs", su, nil); r.status != 201 {
				t.Fatalf("run: %d %s", r.status, r.body)
			}
			board = e.do("GET", "/api/v1/leaderboard", bob, nil).json(t)
			items = board["items"].([]any)
			top = items[0].(map[string]any)
			if top["prompt"].(map[string]any)["id"] != first || top["movement"] != float64(1) || top["previousRank"] != float64(2) ||
				top["votes"].(map[string]any)["mine"] != float64(1) || top["author"].(map[string]any)["name"] != "ann" {
				t.Fatalf("second board top = %v", top)
			}
			if board["previousRunAt"] == nil || len(top["activity"].([]any)) != 24 {
				t.Fatalf("board = %v", board)
			}
			// Sorts and the tag filter re-order and narrow the same run.
			byE := e.do("GET", "/api/v1/leaderboard?sort=executions", "", nil).json(t)["items"].([]any)
			if byE[0].(map[string]any)["executions24h"] != float64(3) {
				t.Fatalf("sort=executions = %v", byE)
			}
			newest := e.do("GET", "/api/v1/leaderboard?sort=newest", "", nil).json(t)["items"].([]any)
			if newest[0].(map[string]any)["prompt"].(map[string]any)["id"] != second {
				t.Fatalf("sort=newest = %v", newest)
			}
			tagged := e.do("GET", "/api/v1/leaderboard?tag=BETA&limit=5", "", nil).json(t)
			if tagged["total"] != float64(1) || tagged["items"].([]any)[0].(map[string]any)["prompt"].(map[string]any)["id"] != second {
				t.Fatalf("tag=beta = %v", tagged)
			}
			// The public page ranks and counts the prompt.
			pp := e.do("GET", "/api/v1/public/prompts/"+second, "", nil).json(t)
			if pp["rank"] != float64(2) || pp["executions24h"] != float64(1) || pp["stats"].(map[string]any)["executions"] != float64(1) {
				t.Fatalf("public page = %v", pp)
			}
			// Prompt lists sort by usage and votes.
			list := e.do("GET", "/api/v1/prompts?sort=votes", ann, nil).json(t)["items"].([]any)
			if list[0].(map[string]any)["id"] != first || list[0].(map[string]any)["votes"] != float64(1) {
				t.Fatalf("sort=votes = %v", list)
			}
			list = e.do("GET", "/api/v1/prompts?sort=usage", ann, nil).json(t)["items"].([]any)
			if list[0].(map[string]any)["id"] != first || list[0].(map[string]any)["executions"] != float64(3) {
				t.Fatalf("sort=usage = %v", list)
			}
			// Re-running a public run works from the runner's history.
			xid := hist["items"].([]any)[0].(map[string]any)["id"].(string)
			if r := e.do("POST", "/api/v1/executions/"+xid+"/rerun", x.tok, nil); r.status != 200 || r.json(t)["promptId"] != second {
				t.Fatalf("rerun: %d %s", r.status, r.body)
			}
		})
	}
}
