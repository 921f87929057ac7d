package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/secret"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

const simKey = "sk-test-secret-9876"

func credentialEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	sim := llmsim.NewServer(llmsim.Options{APIKey: simKey})
	t.Cleanup(sim.Close)
	return newEnvWith(t, d, func(o *api.Options) {
		o.ProviderBaseURLs = map[string]string{"openai": sim.OpenAIBaseURL(), "anthropic": sim.AnthropicBaseURL(), "gemini": sim.GeminiBaseURL()}
	})
}

func TestCredentials(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := credentialEnv(t, d)
			_, tok := e.user("ada@example.com")
			r := e.do("POST", "/api/v1/credentials", tok, map[string]any{"provider": "openai", "label": " Main ", "key": " " + simKey + " "})
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			c := r.json(t)
			id := c["id"].(string)
			if c["label"] != "Main" || c["last4"] != "9876" || c["verifyStatus"] != nil {
				t.Fatalf("created = %v", c)
			}
			v := e.do("POST", "/api/v1/credentials/"+id+"/verify", tok, nil).json(t)
			if v["verifyStatus"] != "ok" || v["verifiedAt"] == nil {
				t.Fatalf("verify = %v", v)
			}

			wrong := e.do("POST", "/api/v1/credentials", tok, map[string]any{"provider": "anthropic", "label": "Wrong", "key": "sk-ant-wrong-0000"}).json(t)
			wv := e.do("POST", "/api/v1/credentials/"+wrong["id"].(string)+"/verify", tok, nil).json(t)
			if wv["verifyStatus"] != "failed" || !strings.Contains(wv["verifyMessage"].(string), "rejected") {
				t.Fatalf("verify wrong key = %v", wv)
			}

			if r := e.do("PATCH", "/api/v1/credentials/"+id, tok, map[string]any{"label": "Renamed"}); r.status != 200 || r.json(t)["label"] != "Renamed" {
				t.Fatalf("rename: %d %s", r.status, r.body)
			}
			list := e.do("GET", "/api/v1/credentials", tok, nil)
			if list.json(t)["total"] != float64(2) {
				t.Fatalf("list = %s", list.body)
			}
			if r := e.do("DELETE", "/api/v1/credentials/"+wrong["id"].(string), tok, nil); r.status != 204 {
				t.Fatalf("delete: %d", r.status)
			}

			// The key never comes back, and never reaches the logs.
			for _, body := range [][]byte{r.body, list.body} {
				if strings.Contains(string(body), simKey) {
					t.Fatal("a response contains the key")
				}
			}
			if strings.Contains(e.logs.String(), simKey) || strings.Contains(e.logs.String(), "sk-ant-wrong") {
				t.Fatal("the logs contain a key")
			}
		})
	}
}

func TestCredentialValidationAndAccess(t *testing.T) {
	e := credentialEnv(t, store.SQLite)
	ownerID, owner := e.user("owner@example.com")
	editorID, editor := e.user("editor@example.com")
	viewerID, viewer := e.user("viewer@example.com")
	_, stranger := e.user("stranger@example.com")
	ctx := context.Background()
	team, _ := e.db.CreateTeamWorkspace(ctx, ownerID, "Acme")
	e.db.SetMemberRole(ctx, team.ID, editorID, krowoc.RoleEditor)
	e.db.SetMemberRole(ctx, team.ID, viewerID, krowoc.RoleViewer)

	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown provider", map[string]any{"provider": "mistral", "label": "x", "key": "k-12345"}, "provider"},
		{"no label", map[string]any{"provider": "openai", "label": " ", "key": "k-12345"}, "label"},
		{"no key", map[string]any{"provider": "openai", "label": "x", "key": ""}, "key"},
		{"key with spaces", map[string]any{"provider": "openai", "label": "x", "key": "sk a b"}, "key"},
		{"compatible without base URL", map[string]any{"provider": "openai-compatible", "label": "x", "key": "k"}, "baseUrl"},
		{"base URL for openai", map[string]any{"provider": "openai", "label": "x", "key": "k-12345", "baseUrl": "http://x"}, "baseUrl"},
		{"bad base URL", map[string]any{"provider": "openai-compatible", "label": "x", "key": "k", "baseUrl": "file:///etc/passwd"}, "baseUrl"},
	}
	for _, c := range cases {
		p := wantProblem(t, e.do("POST", "/api/v1/credentials", owner, c.body), 400, "validation_failed")
		if _, ok := fieldErrors(t, p)[c.field]; !ok {
			t.Errorf("%s: errors = %v, want one on %s", c.name, p["errors"], c.field)
		}
	}

	created := e.do("POST", "/api/v1/credentials", owner, map[string]any{"workspaceId": team.ID, "provider": "openai", "label": "Team key", "key": simKey})
	if created.status != 201 {
		t.Fatalf("owner create: %d %s", created.status, created.body)
	}
	id := created.json(t)["id"].(string)
	if r := e.do("GET", "/api/v1/credentials?workspace="+team.ID, editor, nil); r.status != 200 {
		t.Fatalf("editor cannot list: %d", r.status)
	}
	wantProblem(t, e.do("GET", "/api/v1/credentials?workspace="+team.ID, viewer, nil), 403, "forbidden")
	wantProblem(t, e.do("POST", "/api/v1/credentials", editor, map[string]any{"workspaceId": team.ID, "provider": "openai", "label": "x", "key": "k-12345"}), 403, "forbidden")
	wantProblem(t, e.do("DELETE", "/api/v1/credentials/"+id, editor, nil), 403, "forbidden")
	for _, call := range []struct{ method, path string }{
		{"PATCH", "/api/v1/credentials/" + id},
		{"DELETE", "/api/v1/credentials/" + id},
		{"POST", "/api/v1/credentials/" + id + "/verify"},
		{"GET", "/api/v1/credentials?workspace=" + team.ID},
	} {
		var body any
		if call.method == "PATCH" {
			body = map[string]any{"label": "pwned"}
		}
		wantProblem(t, e.do(call.method, call.path, stranger, body), 404, "not_found")
	}
}

// TestBaseURLAllowList: with KROWOC_ALLOWED_BASE_URLS set, an
// OpenAI-compatible key outside the list is refused when added, and a key
// stored before the list was set is refused before any call, for runs and
// for verification.
func TestBaseURLAllowList(t *testing.T) {
	keys, _ := secret.New(secret.NewMasterKey())
	sim := llmsim.NewServer(llmsim.Options{APIKey: simKey})
	t.Cleanup(sim.Close)
	policy, err := provider.NewURLPolicy([]string{sim.OpenAIBaseURL()})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, store.SQLite, func(o *api.Options) { o.Secrets, o.AllowedBaseURLs = keys, policy })
	owner, tok := e.user("ada@example.com")

	wantProblem(t, e.do("POST", "/api/v1/credentials", tok, map[string]any{"provider": "openai-compatible", "label": "metadata",
		"key": "k", "baseUrl": "http://169.254.169.254/latest"}), 400, "validation_failed")
	allowed := e.do("POST", "/api/v1/credentials", tok, map[string]any{"provider": "openai-compatible", "label": "sim",
		"key": simKey, "baseUrl": sim.OpenAIBaseURL()})
	if allowed.status != 201 {
		t.Fatalf("allowed base URL: %d %s", allowed.status, allowed.body)
	}
	if r := e.do("POST", "/api/v1/credentials/"+allowed.json(t)["id"].(string)+"/verify", tok, nil); r.status != 200 || r.json(t)["verifyStatus"] != "ok" {
		t.Fatalf("verify an allowed key: %d %s", r.status, r.body)
	}

	// A key stored before the list was set (written to the store directly).
	ws, err := e.db.EnsurePersonalWorkspace(context.Background(), owner, "ada")
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.db.CreateCredential(context.Background(), keys, store.NewCredential{WorkspaceID: ws.ID, UserID: owner,
		Provider: "openai-compatible", Label: "old", BaseURL: "http://10.0.0.1:8000/v1", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.do("POST", "/api/v1/credentials/"+old.ID+"/verify", tok, nil), 422, "base_url_not_allowed")
	p := createPrompt(t, e, tok, map[string]any{"title": "T", "promptText": "hello"})
	before := sim.Sim.Requests()
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+p["id"].(string)+"/executions", tok,
		map[string]any{"model": "openai-compatible:llama3", "credentialId": old.ID}), 422, "base_url_not_allowed")
	if sim.Sim.Requests() != before {
		t.Fatal("a refused key reached a provider")
	}
}
