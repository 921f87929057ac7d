package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func createPrompt(t *testing.T, e *env, tok string, body map[string]any) map[string]any {
	t.Helper()
	r := e.do("POST", "/api/v1/prompts", tok, body)
	if r.status != 201 {
		t.Fatalf("create prompt: %d %s", r.status, r.body)
	}
	return r.json(t)
}

func TestPromptValidation(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, tok := e.user("ada@example.com")
	long := func(n int) string { return strings.Repeat("x", n) }
	tags := make([]string, 21)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"missing title", map[string]any{"promptText": "x"}, "title"},
		{"blank title", map[string]any{"title": "  ", "promptText": "x"}, "title"},
		{"long title", map[string]any{"title": long(201), "promptText": "x"}, "title"},
		{"long description", map[string]any{"title": "t", "description": long(2001), "promptText": "x"}, "description"},
		{"missing text", map[string]any{"title": "t"}, "promptText"},
		{"too many tags", map[string]any{"title": "t", "promptText": "x", "tags": tags}, "tags"},
		{"long tag", map[string]any{"title": "t", "promptText": "x", "tags": []string{long(33)}}, "tags"},
		{"unknown whitelist model", map[string]any{"title": "t", "promptText": "x", "modelWhitelist": []string{"openai:gpt-9"}}, "modelWhitelist"},
		{"unknown provider", map[string]any{"title": "t", "promptText": "x", "modelWhitelist": []string{"mistral"}}, "modelWhitelist"},
		{"unknown default model", map[string]any{"title": "t", "promptText": "x", "defaultModel": "openai"}, "defaultModel"},
		{"default model outside whitelist", map[string]any{"title": "t", "promptText": "x", "modelWhitelist": []string{"anthropic"}, "defaultModel": "openai:gpt-4o"}, "defaultModel"},
		{"temperature", map[string]any{"title": "t", "promptText": "x", "defaultParams": map[string]any{"temperature": 2.5}}, "defaultParams.temperature"},
		{"topP", map[string]any{"title": "t", "promptText": "x", "defaultParams": map[string]any{"topP": -0.1}}, "defaultParams.topP"},
		{"maxTokens", map[string]any{"title": "t", "promptText": "x", "defaultParams": map[string]any{"maxTokens": 0}}, "defaultParams.maxTokens"},
		{"system prompt", map[string]any{"title": "t", "promptText": "x", "defaultParams": map[string]any{"systemPrompt": long(20001)}}, "defaultParams.systemPrompt"},
		{"public draft", map[string]any{"title": "t", "promptText": "x", "visibility": "public"}, "visibility"},
		{"unknown field", map[string]any{"title": "t", "promptText": "x", "status": "published"}, "status"},
		{"wrong type", map[string]any{"title": "t", "promptText": "x", "tags": "a,b"}, "tags"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := wantProblem(t, e.do("POST", "/api/v1/prompts", tok, c.body), 400, "validation_failed")
			if _, ok := fieldErrors(t, p)[c.field]; !ok {
				t.Fatalf("errors = %v, want one on %s", p["errors"], c.field)
			}
		})
	}
	if me := e.do("GET", "/api/v1/me", tok, nil).json(t); me["promptCount"] != float64(0) {
		t.Fatalf("invalid creates wrote prompts: %v", me)
	}

	// The same rules hold for edits.
	p := createPrompt(t, e, tok, map[string]any{"title": "ok", "promptText": "Hi {{name}}", "variableDefaults": map[string]any{"name": "you"}})
	id := p["id"].(string)
	wantProblem(t, e.do("PATCH", "/api/v1/prompts/"+id, tok, map[string]any{"title": ""}), 400, "validation_failed")
	wantProblem(t, e.do("PATCH", "/api/v1/prompts/"+id, tok, map[string]any{"visibility": "public"}), 400, "validation_failed")
	wantProblem(t, e.do("PATCH", "/api/v1/prompts/"+id, tok, map[string]any{"visibility": "secret"}), 400, "validation_failed")
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/unarchive", tok, map[string]any{"to": "draft"}), 409, "conflict")
	wantProblem(t, e.do("GET", "/api/v1/prompts?status=gone", tok, nil), 400, "validation_failed")
	wantProblem(t, e.do("GET", "/api/v1/prompts?sort=random", tok, nil), 400, "validation_failed")
	wantProblem(t, e.do("GET", "/api/v1/prompts/"+id+"/diff?from=first", tok, nil), 400, "validation_failed")
	wantProblem(t, e.do("GET", "/api/v1/prompts/"+id+"/versions/zero", tok, nil), 404, "not_found")
	got := e.do("GET", "/api/v1/prompts/"+id, tok, nil).json(t)
	if got["title"] != "ok" {
		t.Fatalf("failed edits changed the prompt: %v", got)
	}
}

func TestPromptFlowOverHTTP(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			_, tok := e.user("ada@example.com")
			p := createPrompt(t, e, tok, map[string]any{
				"title": "Greeter", "promptText": "Say hi to {{name}}", "tags": []string{" Fun ", "fun", "Social"},
				"modelWhitelist": []string{"openai"}, "defaultModel": "openai:gpt-4o-mini",
				"defaultParams": map[string]any{"temperature": 0.7}, "variableDefaults": map[string]any{"name": "world"},
			})
			id := p["id"].(string)
			if fmt.Sprint(p["tags"]) != "[fun social]" || p["status"] != "draft" {
				t.Fatalf("created = %v", p)
			}
			vars := p["variables"].([]any)
			if len(vars) != 1 || vars[0].(map[string]any)["default"] != "world" {
				t.Fatalf("variables = %v", vars)
			}
			pub := e.do("POST", "/api/v1/prompts/"+id+"/publish", tok, nil).json(t)
			if pub["latestVersion"] != float64(1) || pub["status"] != "published" {
				t.Fatalf("publish = %v", pub)
			}
			wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/publish", tok, nil), 409, "conflict")
			edited := e.do("PATCH", "/api/v1/prompts/"+id, tok, map[string]any{"promptText": "Say hello to {{name}}"}).json(t)
			if edited["hasDraftChanges"] != true {
				t.Fatalf("edit = %v", edited)
			}
			v2 := e.do("POST", "/api/v1/prompts/"+id+"/publish", tok, map[string]any{"visibility": "public"}).json(t)
			if v2["latestVersion"] != float64(2) || v2["visibility"] != "public" {
				t.Fatalf("second publish = %v", v2)
			}
			diff := e.do("GET", "/api/v1/prompts/"+id+"/diff?from=1&to=2", tok, nil).json(t)
			lines := diff["lines"].([]any)
			if len(lines) != 2 || lines[0].(map[string]any)["op"] != "delete" || lines[1].(map[string]any)["text"] != "Say hello to {{name}}" {
				t.Fatalf("diff lines = %v", lines)
			}
			if vl := e.do("GET", "/api/v1/prompts/"+id+"/versions", tok, nil).json(t); vl["total"] != float64(2) {
				t.Fatalf("versions = %v", vl)
			}
			restored := e.do("POST", "/api/v1/prompts/"+id+"/versions/1/restore", tok, nil).json(t)
			if restored["promptText"] != "Say hi to {{name}}" || restored["publishedVersion"] != float64(2) {
				t.Fatalf("restore = %v", restored)
			}
			if a := e.do("POST", "/api/v1/prompts/"+id+"/archive", tok, nil).json(t); a["status"] != "archived" {
				t.Fatalf("archive = %v", a)
			}
			if u := e.do("POST", "/api/v1/prompts/"+id+"/unarchive", tok, map[string]any{"to": "published"}).json(t); u["status"] != "published" {
				t.Fatalf("unarchive = %v", u)
			}

			list := e.do("GET", "/api/v1/prompts?tag=fun&q=hello&sort=title", tok, nil).json(t)
			if list["total"] != float64(0) { // the draft text now says "hi" again
				t.Fatalf("search found the old text: %v", list)
			}
			list = e.do("GET", "/api/v1/prompts?tag=fun&tag=social&q=say+hi", tok, nil).json(t)
			if list["total"] != float64(1) || list["totalIsLowerBound"] != false {
				t.Fatalf("list = %v", list)
			}
			if tags := e.do("GET", "/api/v1/tags", tok, nil).json(t); fmt.Sprint(tags["items"]) != "[map[count:1 tag:fun] map[count:1 tag:social]]" {
				t.Fatalf("tags = %v", tags)
			}

			// Trash: delete, list it there, restore, delete for good.
			if r := e.do("DELETE", "/api/v1/prompts/"+id, tok, nil); r.status != 204 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
			if me := e.do("GET", "/api/v1/me", tok, nil).json(t); me["promptCount"] != float64(0) || me["promptLimit"] != float64(50) {
				t.Fatalf("me after delete = %v", me)
			}
			if trash := e.do("GET", "/api/v1/prompts?deleted=true", tok, nil).json(t); trash["total"] != float64(1) {
				t.Fatalf("trash = %v", trash)
			}
			wantProblem(t, e.do("PATCH", "/api/v1/prompts/"+id, tok, map[string]any{"title": "x"}), 404, "not_found")
			if r := e.do("POST", "/api/v1/prompts/"+id+"/undelete", tok, nil); r.status != 200 {
				t.Fatalf("undelete: %d %s", r.status, r.body)
			}
			wantProblem(t, e.do("DELETE", "/api/v1/prompts/"+id+"?permanent=true", tok, nil), 409, "conflict")
			e.do("DELETE", "/api/v1/prompts/"+id, tok, nil)
			if r := e.do("DELETE", "/api/v1/prompts/"+id+"?permanent=true", tok, nil); r.status != 204 {
				t.Fatalf("purge: %d %s", r.status, r.body)
			}
			wantProblem(t, e.do("GET", "/api/v1/prompts/"+id, tok, nil), 404, "not_found")
		})
	}
}

// TestPromptTenantIsolation tries every prompt endpoint on another
// workspace's prompt: all answer 404, and nothing changes.
func TestPromptTenantIsolation(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, ada := e.user("ada@example.com")
	_, eve := e.user("eve@example.com")
	p := createPrompt(t, e, ada, map[string]any{"title": "Secret", "promptText": "classified"})
	id := p["id"].(string)
	e.do("POST", "/api/v1/prompts/"+id+"/publish", ada, nil)
	adaWorkspace := p["workspaceId"].(string)

	doc := map[string]any{"format": "krowoc.prompts", "version": 1, "prompts": []any{map[string]any{"title": "x", "promptText": "y"}}}
	calls := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/prompts/" + id, nil},
		{"PATCH", "/api/v1/prompts/" + id, map[string]any{"title": "pwned"}},
		{"DELETE", "/api/v1/prompts/" + id, nil},
		{"DELETE", "/api/v1/prompts/" + id + "?permanent=true", nil},
		{"POST", "/api/v1/prompts/" + id + "/publish", nil},
		{"POST", "/api/v1/prompts/" + id + "/archive", nil},
		{"POST", "/api/v1/prompts/" + id + "/unarchive", map[string]any{"to": "draft"}},
		{"POST", "/api/v1/prompts/" + id + "/undelete", nil},
		{"GET", "/api/v1/prompts/" + id + "/versions", nil},
		{"GET", "/api/v1/prompts/" + id + "/versions/1", nil},
		{"POST", "/api/v1/prompts/" + id + "/versions/1/restore", nil},
		{"GET", "/api/v1/prompts/" + id + "/diff", nil},
		{"GET", "/api/v1/prompts/" + id + "/export", nil},
		{"GET", "/api/v1/prompts?workspace=" + adaWorkspace, nil},
		{"GET", "/api/v1/tags?workspace=" + adaWorkspace, nil},
		{"POST", "/api/v1/prompts/import?workspace=" + adaWorkspace, doc},
		{"POST", "/api/v1/prompts/export", map[string]any{"workspaceId": adaWorkspace}},
	}
	for _, c := range calls {
		r := e.do(c.method, c.path, eve, c.body)
		wantProblem(t, r, 404, "not_found")
		if strings.Contains(string(r.body), "classified") || strings.Contains(string(r.body), "Secret") {
			t.Errorf("%s %s leaks the prompt: %s", c.method, c.path, r.body)
		}
	}
	wantProblem(t, e.do("POST", "/api/v1/prompts/export", eve, map[string]any{"ids": []string{id}}), 404, "not_found")
	wantProblem(t, e.do("POST", "/api/v1/prompts", eve, map[string]any{"workspaceId": adaWorkspace, "title": "x", "promptText": "y"}), 404, "not_found")
	got := e.do("GET", "/api/v1/prompts/"+id, ada, nil).json(t)
	if got["title"] != "Secret" || got["deletedAt"] != nil || got["status"] != "published" {
		t.Fatalf("the prompt changed: %v", got)
	}
}

// TestPromptRoles checks that viewers read and editors write in a team workspace.
func TestPromptRoles(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ownerID, owner := e.user("owner@example.com")
	viewerID, viewer := e.user("viewer@example.com")
	editorID, editor := e.user("editor@example.com")
	ctx := context.Background()
	team, err := e.db.CreateTeamWorkspace(ctx, ownerID, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.db.SetMemberRole(ctx, team.ID, viewerID, krowoc.RoleViewer)
	e.db.SetMemberRole(ctx, team.ID, editorID, krowoc.RoleEditor)
	p := createPrompt(t, e, owner, map[string]any{"workspaceId": team.ID, "title": "Team prompt", "promptText": "x"})
	id := p["id"].(string)

	if r := e.do("GET", "/api/v1/prompts/"+id, viewer, nil); r.status != 200 {
		t.Fatalf("viewer cannot read: %d", r.status)
	}
	if l := e.do("GET", "/api/v1/prompts?workspace="+team.ID, viewer, nil).json(t); l["total"] != float64(1) {
		t.Fatalf("viewer list = %v", l)
	}
	wantProblem(t, e.do("PATCH", "/api/v1/prompts/"+id, viewer, map[string]any{"title": "x"}), 403, "forbidden")
	wantProblem(t, e.do("POST", "/api/v1/prompts/"+id+"/publish", viewer, nil), 403, "forbidden")
	wantProblem(t, e.do("POST", "/api/v1/prompts", viewer, map[string]any{"workspaceId": team.ID, "title": "x", "promptText": "y"}), 403, "forbidden")
	if r := e.do("PATCH", "/api/v1/prompts/"+id, editor, map[string]any{"title": "Edited"}); r.status != 200 {
		t.Fatalf("editor cannot edit: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/prompts", editor, map[string]any{"workspaceId": team.ID, "title": "By editor", "promptText": "y"}); r.status != 201 {
		t.Fatalf("editor cannot create: %d %s", r.status, r.body)
	}
	// The prompt counts against its creator, not the workspace owner.
	if me := e.do("GET", "/api/v1/me", editor, nil).json(t); me["promptCount"] != float64(1) {
		t.Fatalf("editor promptCount = %v", me["promptCount"])
	}
}

func TestQuotaOverHTTP(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, tok := e.user("free@example.com")
	for i := range krowoc.FreePromptLimit {
		createPrompt(t, e, tok, map[string]any{"title": fmt.Sprint("p", i), "promptText": "x"})
	}
	p := wantProblem(t, e.do("POST", "/api/v1/prompts", tok, map[string]any{"title": "one too many", "promptText": "x"}), 403, "quota_exceeded")
	if p["limit"] != float64(50) || p["count"] != float64(50) || p["upgradeUrl"] != "/upgrade" || !strings.Contains(p["detail"].(string), "upgrade") {
		t.Fatalf("quota problem = %v", p)
	}
	me := e.do("GET", "/api/v1/me", tok, nil).json(t)
	if me["promptCount"] != float64(50) || me["promptLimit"] != float64(50) {
		t.Fatalf("me = %v", me)
	}
}

// sseEvent is one event of a Server-Sent Events body.
type sseEvent struct {
	name string
	data map[string]any
}

func readSSE(t *testing.T, body []byte) []sseEvent {
	t.Helper()
	var out []sseEvent
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var name string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			var m map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m); err != nil {
				t.Fatalf("event %s data: %v", name, err)
			}
			out = append(out, sseEvent{name, m})
		}
	}
	return out
}

func TestImportExportOverHTTP(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, ada := e.user("ada@example.com")
	_, bob := e.user("bob@example.com")
	a := createPrompt(t, e, ada, map[string]any{"title": "One", "promptText": "first {{x}}", "tags": []string{"a"}})
	createPrompt(t, e, ada, map[string]any{"title": "Two", "promptText": "second"})
	e.do("POST", "/api/v1/prompts/"+a["id"].(string)+"/publish", ada, map[string]any{"visibility": "public"})

	r := e.do("POST", "/api/v1/prompts/export", ada, map[string]any{})
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	doc := r.json(t)
	if doc["format"] != "krowoc.prompts" || doc["version"] != float64(1) || len(doc["prompts"].([]any)) != 2 {
		t.Fatalf("export doc = %v", doc)
	}
	checkAgainstSchema(t, doc)

	// Streaming import into Bob's workspace reports progress, then the result.
	r = e.do("POST", "/api/v1/prompts/import", bob, string(r.body), "Accept", "text/event-stream")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	events := readSSE(t, r.body)
	last := events[len(events)-1]
	if len(events) < 2 || events[0].name != "progress" || last.name != "result" || len(last.data["created"].([]any)) != 2 {
		t.Fatalf("events = %+v", events)
	}
	bobList := e.do("GET", "/api/v1/prompts?sort=title", bob, nil).json(t)
	if bobList["total"] != float64(2) {
		t.Fatalf("bob has %v prompts", bobList["total"])
	}
	first := bobList["items"].([]any)[0].(map[string]any)
	if first["title"] != "One" || first["status"] != "published" || first["visibility"] != "public" || first["latestVersion"] != float64(1) {
		t.Fatalf("imported prompt = %v", first)
	}

	// Invalid items: a per-item report, nothing written.
	bad := map[string]any{"format": "krowoc.prompts", "version": 1, "prompts": []any{
		map[string]any{"title": "fine", "promptText": "ok"},
		map[string]any{"title": "", "promptText": "ok"},
		map[string]any{"title": "bad status", "promptText": "ok", "status": "live"},
	}}
	p := wantProblem(t, e.do("POST", "/api/v1/prompts/import", bob, bad), 400, "validation_failed")
	items := p["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["index"] != float64(1) || items[1].(map[string]any)["index"] != float64(2) {
		t.Fatalf("item report = %v", items)
	}
	events = readSSE(t, e.do("POST", "/api/v1/prompts/import", bob, bad, "Accept", "text/event-stream").body)
	if last := events[len(events)-1]; last.name != "error" || last.data["code"] != "validation_failed" {
		t.Fatalf("streamed invalid import ended with %+v", last)
	}
	wantProblem(t, e.do("POST", "/api/v1/prompts/import", bob, map[string]any{"format": "other", "version": 1, "prompts": []any{}}), 400, "validation_failed")
	wantProblem(t, e.do("POST", "/api/v1/prompts/import?onConflict=overwrite", bob, bad), 400, "validation_failed")
	if l := e.do("GET", "/api/v1/prompts", bob, nil).json(t); l["total"] != float64(2) {
		t.Fatalf("failed imports wrote prompts: %v", l["total"])
	}
}

// checkAgainstSchema checks that every key an export emits is declared by
// docs/prompt-format.schema.json, so the documented format cannot drift.
func checkAgainstSchema(t *testing.T, doc map[string]any) {
	t.Helper()
	raw, err := os.ReadFile("../../docs/prompt-format.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	declared := func(def string, key string) bool {
		_, ok := schema.Defs[def].Properties[key]
		_, content := schema.Defs["content"].Properties[key]
		return ok || content
	}
	for k := range doc {
		if _, ok := schema.Properties[k]; !ok {
			t.Errorf("export key %q is not in the schema", k)
		}
	}
	for _, item := range doc["prompts"].([]any) {
		for k, v := range item.(map[string]any) {
			if !declared("prompt", k) {
				t.Errorf("prompt key %q is not in the schema", k)
			}
			if k == "versions" {
				for _, ver := range v.([]any) {
					for vk := range ver.(map[string]any) {
						if !declared("version", vk) {
							t.Errorf("version key %q is not in the schema", vk)
						}
					}
				}
			}
		}
	}
}

func TestModels(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, tok := e.user("ada@example.com")
	m := e.do("GET", "/api/v1/models", tok, nil).json(t)
	if len(m["providers"].([]any)) < 4 || len(m["models"].([]any)) < 5 {
		t.Fatalf("models = %v", m)
	}
}
