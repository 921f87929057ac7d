package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// env is a real Pocketbase app, a real domain store and the real router.
type env struct {
	t       testing.TB
	app     *core.BaseApp
	db      *store.DB
	srv     *api.Server
	handler http.Handler
	logs    *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t testing.TB, d store.Dialect) *env {
	t.Helper()
	return newEnvWith(t, d, nil)
}

// newEnvWith is newEnv with options adjusted by configure.
func newEnvWith(t testing.TB, d store.Dialect, configure func(*api.Options)) *env {
	t.Helper()
	return newEnvJobs(t, d, jobs.Options{Work: true, RetryBase: 20 * time.Millisecond, PollInterval: 50 * time.Millisecond}, configure)
}

// newEnvJobs is newEnvWith with the job queue's options.
func newEnvJobs(t testing.TB, d store.Dialect, jobOpts jobs.Options, configure func(*api.Options)) *env {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ResetBootstrapState() })
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	accounts.BindHooks(app)

	db := storetest.Open(t, d)
	logs := &syncBuffer{}
	log := logging.New(logs, true, slog.LevelDebug)
	web := fstest.MapFS{
		"index.html":               {Data: []byte("<!doctype html><title>app shell</title>")},
		"settings/tokens.html":     {Data: []byte("<!doctype html><title>tokens page</title>")},
		"sign-in/index.html":       {Data: []byte("<!doctype html><title>sign-in page</title>")},
		"404.html":                 {Data: []byte("<!doctype html><title>page not found</title>")},
		"_next/static/chunks/a.js": {Data: []byte("console.log(1)")},
	}
	queue := jobs.New(db, log, jobOpts)
	opts := api.Options{MaxBodyBytes: 1 << 20, Web: web, Version: "test", Jobs: queue}
	if configure != nil {
		configure(&opts)
	}
	srv := api.New(app, db, log, opts)
	if err := queue.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := queue.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = queue.Stop(ctx)
	})
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	srv.Bind(r)
	h, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, app: app, db: db, srv: srv, handler: h, logs: logs}
}

// user creates a users record and returns its id and a session token.
func (e *env) user(email string) (id, token string) {
	e.t.Helper()
	col, err := e.app.FindCollectionByNameOrId(accounts.Collection)
	if err != nil {
		e.t.Fatal(err)
	}
	rec := core.NewRecord(col)
	rec.SetEmail(email)
	rec.SetPassword("correct horse battery")
	rec.Set("name", strings.Split(email, "@")[0])
	if err := e.app.Save(rec); err != nil {
		e.t.Fatal(err)
	}
	tok, err := rec.NewAuthToken()
	if err != nil {
		e.t.Fatal(err)
	}
	return rec.Id, tok
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// do sends a request through the real router. body may be a string (sent
// as is) or any value (sent as JSON).
func (e *env) do(method, path, token string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// wantProblem checks that r is a problem+json response with status and code.
func wantProblem(t *testing.T, r response, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d\n%s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json\n%s", ct, r.body)
	}
	p := r.json(t)
	if p["code"] != code || p["status"] != float64(status) || p["title"] == "" || p["type"] != "https://krowoc.dev/problems/"+code {
		t.Fatalf("problem = %v, want code %s", p, code)
	}
	if p["requestId"] == "" || p["requestId"] != r.header.Get("X-Request-ID") {
		t.Fatalf("problem requestId %v does not match header %q", p["requestId"], r.header.Get("X-Request-ID"))
	}
	return p
}

func fieldErrors(t *testing.T, p map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	list, _ := p["errors"].([]any)
	for _, item := range list {
		m := item.(map[string]any)
		out[m["field"].(string)] = m["code"].(string)
	}
	return out
}

func TestMe(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			id, tok := e.user("ada@example.com")
			r := e.do("GET", "/api/v1/me", tok, nil)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var me struct {
				User struct {
					ID, Email, Name, Tier string
				}
				Workspaces []struct{ ID, Name, Kind, Role string }
				Auth       string
			}
			if err := json.Unmarshal(r.body, &me); err != nil {
				t.Fatal(err)
			}
			if me.User.ID != id || me.User.Email != "ada@example.com" || me.User.Tier != "free" || me.Auth != "session" {
				t.Fatalf("me = %+v", me)
			}
			if len(me.Workspaces) != 1 || me.Workspaces[0].Kind != "personal" || me.Workspaces[0].Role != "owner" {
				t.Fatalf("workspaces = %+v, want the personal one owned", me.Workspaces)
			}
			// The personal workspace is created once, however often /me is called.
			e.do("GET", "/api/v1/me", tok, nil)
			list, err := e.db.ListWorkspaces(context.Background(), id)
			if err != nil || len(list) != 1 {
				t.Fatalf("workspaces in store = %d (%v), want 1", len(list), err)
			}
		})
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, tok := e.user("ada@example.com")
	created := e.do("POST", "/api/v1/tokens", tok, map[string]any{"name": "short"}).json(t)
	secret := created["secret"].(string)
	revoked := e.do("POST", "/api/v1/tokens", tok, map[string]any{"name": "revoked"}).json(t)
	revokedID := revoked["token"].(map[string]any)["id"].(string)
	if r := e.do("DELETE", "/api/v1/tokens/"+revokedID, tok, nil); r.status != 204 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}

	superusers, _ := e.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	su := core.NewRecord(superusers)
	su.SetEmail("root@example.com")
	su.SetPassword("correct horse battery")
	if err := e.app.Save(su); err != nil {
		t.Fatal(err)
	}
	suToken, _ := su.NewAuthToken()

	cases := []struct {
		name, header string
		status       int
		code         string
	}{
		{"no header", "", 401, "unauthorized"},
		{"not bearer", "Basic YWRhOnB3", 401, "unauthorized"},
		{"garbage", "Bearer nonsense", 401, "unauthorized"},
		{"unknown token", "Bearer krw_0000000000000000000000000000000000000000", 401, "unauthorized"},
		{"revoked token", "Bearer " + revoked["secret"].(string), 401, "unauthorized"},
		{"superuser", "Bearer " + suToken, 403, "forbidden"},
		{"valid token", "Bearer " + secret, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("GET", "/api/v1/me", "", nil, "Authorization", c.header)
			if c.code == "" {
				if r.status != c.status {
					t.Fatalf("status = %d: %s", r.status, r.body)
				}
				if r.json(t)["auth"] != "token" {
					t.Fatalf("auth = %v, want token", r.json(t)["auth"])
				}
				return
			}
			wantProblem(t, r, c.status, c.code)
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
}

func TestExpiredToken(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, tok := e.user("ada@example.com")
	created := e.do("POST", "/api/v1/tokens", tok, map[string]any{"name": "ci", "expiresAt": "2030-01-01T00:00:00Z"})
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	secret := created.json(t)["secret"].(string)
	if r := e.do("GET", "/api/v1/me", secret, nil); r.status != 200 {
		t.Fatalf("before expiry: %d %s", r.status, r.body)
	}
	e.db.Now = func() time.Time { return time.Date(2030, 1, 1, 0, 0, 1, 0, time.UTC) }
	wantProblem(t, e.do("GET", "/api/v1/me", secret, nil), 401, "unauthorized")
	list := e.do("GET", "/api/v1/tokens", tok, nil).json(t)
	items := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["expired"] != true {
		t.Fatalf("list after expiry = %v, want one expired token", list)
	}
}

func TestTokensLifecycle(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			_, ada := e.user("ada@example.com")
			_, bob := e.user("bob@example.com")

			r := e.do("POST", "/api/v1/tokens", ada, map[string]any{"name": " laptop "})
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			created := r.json(t)
			secret := created["secret"].(string)
			tok := created["token"].(map[string]any)
			id := tok["id"].(string)
			if tok["name"] != "laptop" || !strings.HasPrefix(secret, tok["prefix"].(string)) || tok["expiresAt"] != nil {
				t.Fatalf("created = %v", created)
			}

			// The secret is shown once: neither the list nor /me ever has it.
			list := e.do("GET", "/api/v1/tokens", ada, nil)
			if list.status != 200 || bytes.Contains(list.body, []byte(secret)) || bytes.Contains(list.body, []byte(`"secret"`)) {
				t.Fatalf("list leaks the secret or failed: %d %s", list.status, list.body)
			}
			page := list.json(t)
			if page["total"] != float64(1) || page["page"] != float64(1) || len(page["items"].([]any)) != 1 {
				t.Fatalf("list = %v", page)
			}

			// Bob neither sees nor revokes Ada's token: 404, not 403.
			if b := e.do("GET", "/api/v1/tokens", bob, nil).json(t); b["total"] != float64(0) {
				t.Fatalf("bob sees %v", b)
			}
			wantProblem(t, e.do("DELETE", "/api/v1/tokens/"+id, bob, nil), 404, "not_found")
			if r := e.do("GET", "/api/v1/me", secret, nil); r.status != 200 {
				t.Fatalf("token stopped working after bob's attempt: %d", r.status)
			}

			if r := e.do("DELETE", "/api/v1/tokens/"+id, ada, nil); r.status != 204 {
				t.Fatalf("revoke: %d %s", r.status, r.body)
			}
			wantProblem(t, e.do("DELETE", "/api/v1/tokens/"+id, ada, nil), 404, "not_found")
			wantProblem(t, e.do("GET", "/api/v1/me", secret, nil), 401, "unauthorized")
			if l := e.do("GET", "/api/v1/tokens", ada, nil).json(t); l["total"] != float64(0) {
				t.Fatalf("revoked token still listed: %v", l)
			}

			if strings.Contains(e.logs.String(), secret) {
				t.Fatal("a token secret appears in the logs")
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, store.SQLite)
	_, tok := e.user("ada@example.com")
	cases := []struct {
		name        string
		body        string
		contentType string
		status      int
		code        string
		field       string
	}{
		{"malformed JSON", `{"name":`, "application/json", 400, "bad_request", ""},
		{"not an object", `["a"]`, "application/json", 400, "bad_request", ""},
		{"empty body", ``, "application/json", 400, "bad_request", ""},
		{"trailing data", `{"name":"a"} {"name":"b"}`, "application/json", 400, "bad_request", ""},
		{"unknown field", `{"name":"a","scope":"all"}`, "application/json", 400, "validation_failed", "scope"},
		{"wrong type", `{"name":42}`, "application/json", 400, "validation_failed", "name"},
		{"missing name", `{}`, "application/json", 400, "validation_failed", "name"},
		{"blank name", `{"name":"   "}`, "application/json", 400, "validation_failed", "name"},
		{"long name", `{"name":"` + strings.Repeat("x", 101) + `"}`, "application/json", 400, "validation_failed", "name"},
		{"bad expiry", `{"name":"a","expiresAt":"tomorrow"}`, "application/json", 400, "validation_failed", "expiresAt"},
		{"past expiry", `{"name":"a","expiresAt":"2001-01-01T00:00:00Z"}`, "application/json", 400, "validation_failed", "expiresAt"},
		{"oversized", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, "application/json", 413, "payload_too_large", ""},
		{"form body", `name=a`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/tokens", tok, c.body, "Content-Type", c.contentType)
			p := wantProblem(t, r, c.status, c.code)
			if c.field != "" {
				if _, ok := fieldErrors(t, p)[c.field]; !ok {
					t.Fatalf("errors = %v, want one on %s", p["errors"], c.field)
				}
			}
		})
	}
	// Nothing above wrote a token.
	if l := e.do("GET", "/api/v1/tokens", tok, nil).json(t); l["total"] != float64(0) {
		t.Fatalf("bad input wrote tokens: %v", l)
	}
	wantProblem(t, e.do("GET", "/api/v1/tokens?page=0", tok, nil), 400, "validation_failed")
	wantProblem(t, e.do("GET", "/api/v1/tokens?perPage=1000", tok, nil), 400, "validation_failed")
}

func TestRequestID(t *testing.T) {
	e := newEnv(t, store.SQLite)
	r := e.do("GET", "/api/v1/me", "", nil, "X-Request-ID", "trace-123")
	p := wantProblem(t, r, 401, "unauthorized")
	if p["requestId"] != "trace-123" {
		t.Fatalf("requestId = %v, want the one sent", p["requestId"])
	}
	if !strings.Contains(e.logs.String(), `"request_id":"trace-123"`) {
		t.Fatalf("log lines lack the request id:\n%s", e.logs.String())
	}
	// An unsafe id is replaced, not echoed.
	r = e.do("GET", "/api/health", "", nil, "X-Request-ID", "bad id\r\n<script>")
	if got := r.header.Get("X-Request-ID"); got == "" || strings.ContainsAny(got, " <") {
		t.Fatalf("X-Request-ID = %q", got)
	}
}

func TestRoutingAndWeb(t *testing.T) {
	e := newEnv(t, store.SQLite)
	wantProblem(t, e.do("GET", "/api/v1/no-such-route", "", nil), 404, "not_found")
	wantProblem(t, e.do("POST", "/api/v1/no/such/route", "", nil), 404, "not_found")

	cases := []struct {
		path, want string
		status     int
	}{
		{"/", "app shell", 200},
		{"/settings/tokens", "tokens page", 200},
		{"/sign-in/", "sign-in page", 200},
		{"/sign-in", "sign-in page", 200},
		{"/no/such/page", "page not found", 404},
		{"/_next/static/chunks/a.js", "console.log", 200},
		{"/_next/static/chunks/missing.js", "", 404},
		{"/api/unknown", "", 404},
	}
	for _, c := range cases {
		r := e.do("GET", c.path, "", nil)
		if r.status != c.status || !strings.Contains(string(r.body), c.want) {
			t.Errorf("GET %s = %d %q, want %d with %q", c.path, r.status, r.body, c.status, c.want)
		}
		if strings.Contains(c.path, "/api/") && strings.Contains(string(r.body), "app shell") {
			t.Errorf("GET %s is shadowed by the web app", c.path)
		}
	}
	if r := e.do("GET", "/_next/static/chunks/a.js", "", nil); !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("static asset Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	// apis.Serve mounts the admin UI at /_/; the web app must never answer there.
	if r := e.do("GET", "/_/", "", nil); strings.Contains(string(r.body), "app shell") {
		t.Errorf("/_/ is shadowed by the web app")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t, store.SQLite)
	if r := e.do("GET", "/api/health", "", nil); r.status != 200 {
		t.Fatalf("health: %d", r.status)
	}
	r := e.do("GET", "/api/ready", "", nil)
	if r.status != 200 || r.json(t)["status"] != "ready" {
		t.Fatalf("ready: %d %s", r.status, r.body)
	}
	e.do("GET", "/api/v1/me", "", nil)
	m := e.do("GET", "/metrics", "", nil)
	if m.status != 200 || !strings.Contains(string(m.body), `krowoc_http_requests_total{method="GET",route="GET /api/v1/me",status="401"} 1`) {
		t.Fatalf("metrics lack the request counter:\n%.2000s", m.body)
	}

	e.db.Close()
	wantProblem(t, e.do("GET", "/api/ready", "", nil), 503, "unavailable")
}

// TestSessionCacheFollowsUserChanges shows that remembering verified session
// tokens never serves a stale user: a tier change shows on the next request,
// a new password ends the old sessions and a deleted user is signed out.
func TestSessionCacheFollowsUserChanges(t *testing.T) {
	e := newEnv(t, store.SQLite)
	id, tok := e.user("ada@example.com")
	tierOf := func(tok string) string {
		t.Helper()
		r := e.do("GET", "/api/v1/me", tok, nil)
		if r.status != 200 {
			t.Fatalf("me: %d %s", r.status, r.body)
		}
		return r.json(t)["user"].(map[string]any)["tier"].(string)
	}
	if got := tierOf(tok); got != "free" {
		t.Fatalf("tier = %s, want free", got)
	}
	rec, err := e.app.FindRecordById(accounts.Collection, id)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("tier", "power")
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
	if got := tierOf(tok); got != "power" {
		t.Fatalf("tier after the change = %s, want power", got)
	}

	rec.SetPassword("another horse battery")
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.do("GET", "/api/v1/me", tok, nil), 401, "unauthorized")
	fresh, err := rec.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	if got := tierOf(fresh); got != "power" {
		t.Fatalf("tier with a new session = %s", got)
	}

	if err := e.app.Delete(rec); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.do("GET", "/api/v1/me", fresh, nil), 401, "unauthorized")
}
