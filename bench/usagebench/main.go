// Command usagebench measures the Home and Dashboard requests over HTTP on
// loopback against a real `krowoc serve` whose workspace holds many
// executions. It creates the user, keys and prompts through the API, seeds
// the executions straight into the store with bulk INSERTs (server
// stopped), produces the usage rollups with the real rebuild
// (store.RebuildUsage, the code behind `krowoc usage rebuild`), then times
// every request the Home page, the Dashboard and a prompt's Analytics make.
// See docs/performance.md for the method and results.
//
//	go run ./bench/usagebench -executions 1000000
//	go run ./bench/usagebench -executions 10000000 -database-url 'postgres://…/db?search_path=usagebench'
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/store"
)

func main() {
	bin := flag.String("bin", "bin/krowoc", "krowoc binary to benchmark")
	executions := flag.Int("executions", 1_000_000, "executions to seed in one workspace")
	days := flag.Int("days", 90, "the executions spread over this many days before now")
	prompts := flag.Int("prompts", 100, "prompts the executions run")
	requests := flag.Int("requests", 200, "timed requests per operation")
	dbURL := flag.String("database-url", "", "KROWOC_DATABASE_URL for a Postgres run (empty: embedded SQLite); use an empty database or search_path schema")
	keep := flag.String("keep", "", "keep the data folder at this path")
	flag.Parse()
	b := &bench{bin: *bin, executions: *executions, days: *days, prompts: *prompts, requests: *requests, dbURL: *dbURL}
	if err := b.run(*keep); err != nil {
		fmt.Fprintln(os.Stderr, "usagebench:", err)
		os.Exit(1)
	}
}

type bench struct {
	bin                                 string
	executions, days, prompts, requests int
	dbURL                               string

	dir, addr string
	c         *client
	userID    string
	ws        string
	promptIDs []string
	versions  map[string]int // published versions per prompt
	keys      map[string][]string
}

type client struct {
	base  string
	token string
	http  *http.Client
}

func (c *client) do(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *client) json(method, path string, body, out any) error {
	code, b, err := c.do(method, path, body)
	if err != nil || code >= 300 {
		return fmt.Errorf("%s %s: %d %v %.300s", method, path, code, err, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// start runs `krowoc serve` until the returned stop is called.
func (b *bench) start() (stop func(), err error) {
	cmd := exec.Command(b.bin, "serve", "--dir", b.dir, "--http", b.addr)
	cmd.Env = append(os.Environ(), "KROWOC_ENV=production", "KROWOC_LOG_LEVEL=error", "KROWOC_DATABASE_URL="+b.dbURL)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if code, _, err := b.c.do("GET", "/api/ready", nil); err == nil && code == 200 {
			return stop, nil
		}
		if time.Since(start) > 30*time.Second {
			stop()
			return nil, fmt.Errorf("server not ready")
		}
	}
}

func (b *bench) run(keep string) error {
	b.dir = keep
	if b.dir == "" {
		tmp, err := os.MkdirTemp("", "usagebench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		b.dir = tmp
	} else if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b.addr = l.Addr().String()
	l.Close()
	b.c = &client{base: "http://" + b.addr, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
	if out, err := exec.Command(b.bin, "superuser", "upsert", "bench-admin@example.com", "bench-password-123", "--dir", b.dir).CombinedOutput(); err != nil {
		return fmt.Errorf("create superuser: %v: %s", err, out)
	}

	stop, err := b.start()
	if err != nil {
		return err
	}
	if err := b.setUp(); err != nil {
		stop()
		return err
	}
	stop()

	if err := b.seed(); err != nil {
		return err
	}

	stop, err = b.start()
	if err != nil {
		return err
	}
	defer stop()
	return b.measure()
}

// setUp signs up a Power user and creates keys and prompts with published
// versions through the API.
func (b *bench) setUp() error {
	c := b.c
	var user struct{ ID string }
	if err := c.json("POST", "/api/collections/users/records", map[string]any{
		"email": "bench@example.com", "password": "bench-password-123", "passwordConfirm": "bench-password-123", "name": "Bench",
	}, &user); err != nil {
		return err
	}
	b.userID = user.ID
	var auth struct{ Token string }
	if err := c.json("POST", "/api/collections/_superusers/auth-with-password", map[string]any{
		"identity": "bench-admin@example.com", "password": "bench-password-123"}, &auth); err != nil {
		return err
	}
	admin := &client{base: c.base, token: auth.Token, http: c.http}
	if err := admin.json("PATCH", "/api/collections/users/records/"+user.ID, map[string]any{"tier": "power"}, nil); err != nil {
		return err
	}
	if err := c.json("POST", "/api/collections/users/auth-with-password", map[string]any{
		"identity": "bench@example.com", "password": "bench-password-123"}, &auth); err != nil {
		return err
	}
	c.token = auth.Token
	var me struct{ Workspaces []struct{ ID string } }
	if err := c.json("GET", "/api/v1/me", nil, &me); err != nil {
		return err
	}
	b.ws = me.Workspaces[0].ID

	b.keys = map[string][]string{}
	for _, k := range []struct{ provider, label string }{
		{"openai", "OpenAI production"}, {"openai", "OpenAI batch"}, {"anthropic", "Anthropic"}, {"gemini", "Gemini"},
	} {
		var cred struct{ ID string }
		if err := c.json("POST", "/api/v1/credentials", map[string]any{"provider": k.provider, "label": k.label, "key": "sk-bench-" + k.label[:3] + "-0000"}, &cred); err != nil {
			return err
		}
		b.keys[k.provider] = append(b.keys[k.provider], cred.ID)
	}

	b.versions = map[string]int{}
	r := rand.New(rand.NewPCG(1, 1))
	for i := range b.prompts {
		var p struct{ ID string }
		if err := c.json("POST", "/api/v1/prompts", map[string]any{
			"title": fmt.Sprintf("Prompt %03d", i), "promptText": fmt.Sprintf("Answer question %d about {{topic}}", i),
		}, &p); err != nil {
			return err
		}
		n := 1 + r.IntN(3)
		for range n {
			if err := c.json("POST", "/api/v1/prompts/"+p.ID+"/publish", map[string]any{}, nil); err != nil {
				return err
			}
			if err := c.json("PATCH", "/api/v1/prompts/"+p.ID, map[string]any{"description": fmt.Sprint("edit ", r.Int())}, nil); err != nil {
				return err
			}
		}
		b.promptIDs = append(b.promptIDs, p.ID)
		b.versions[p.ID] = n
	}
	return nil
}

var models = []string{
	"openai:gpt-4o-mini", "openai:gpt-4.1", "openai:gpt-5-mini",
	"anthropic:claude-sonnet-4-5", "anthropic:claude-haiku-4-5",
	"gemini:gemini-2.5-flash",
}

// medianLatency is each model's typical whole-call time in ms.
var medianLatency = map[string]float64{
	"openai:gpt-4o-mini": 900, "openai:gpt-4.1": 2200, "openai:gpt-5-mini": 4000,
	"anthropic:claude-sonnet-4-5": 3000, "anthropic:claude-haiku-4-5": 1200, "gemini:gemini-2.5-flash": 1500,
}

// hourWeight makes the day busier in working hours (UTC), as real use is.
func hourWeight(h int) float64 { return 0.4 + math.Exp(-math.Pow(float64(h-14), 2)/18) }

const executionColumns = `id, workspace_id, user_id, prompt_id, prompt_version, model, provider, credential_id, variables, params,
	status, error_code, error_message, attempts, ttft_ms, latency_ms, input_tokens, output_tokens, cached_input_tokens,
	cache_creation_tokens, reasoning_tokens, cost_micros, response_text, request_id, created_at, finished_at`

// seed writes the executions with bulk INSERTs, in time order, then builds
// the rollups with the real rebuild.
func (b *bench) seed() error {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: b.dir, URL: b.dbURL})
	if err != nil {
		return err
	}
	defer db.Close()

	r := rand.New(rand.NewPCG(42, 7))
	cat := catalog.Default()
	// Each prompt runs mostly on one model, sometimes on a second.
	primary, secondary := map[string]string{}, map[string]string{}
	for _, p := range b.promptIDs {
		primary[p], secondary[p] = models[r.IntN(len(models))], models[r.IntN(len(models))]
	}
	zipf := rand.NewZipf(r, 1.1, 4, uint64(len(b.promptIDs)-1))
	end := time.Now().UTC().Truncate(time.Minute)
	start := end.Add(-time.Duration(b.days) * 24 * time.Hour)
	hours := int(end.Sub(start) / time.Hour)
	var weightSum float64
	for h := range hours {
		weightSum += hourWeight(start.Add(time.Duration(h) * time.Hour).Hour())
	}

	fmt.Printf("seeding %d executions over %d days, %d prompts (%s)...\n", b.executions, b.days, len(b.promptIDs), dbName(b.dbURL))
	seedStart := time.Now()
	const batch = 1000
	rows := make([]any, 0, batch*26)
	n, written := 0, 0
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		k := len(rows) / 26
		q := "INSERT INTO executions (" + executionColumns + ") VALUES " +
			strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?, ", 26), ", ")+"), ", k), ", ")
		if err := db.RawExec(ctx, q, rows...); err != nil {
			return err
		}
		written += k
		rows = rows[:0]
		if written%(b.executions/10+1) < k {
			fmt.Printf("  %d/%d executions (%s)\n", written, b.executions, time.Since(seedStart).Round(time.Second))
		}
		return nil
	}
	carry := 0.0
	for h := range hours {
		hourStart := start.Add(time.Duration(h) * time.Hour)
		want := float64(b.executions)*hourWeight(hourStart.Hour())/weightSum + carry
		count := int(want)
		carry = want - float64(count)
		if h == hours-1 {
			count = b.executions - n
		}
		offsets := make([]int64, count)
		for i := range offsets {
			offsets[i] = r.Int64N(int64(time.Hour / time.Millisecond))
		}
		slices.Sort(offsets)
		for _, off := range offsets {
			created := hourStart.Add(time.Duration(off) * time.Millisecond)
			if !created.Before(end) {
				created = end.Add(-time.Millisecond)
			}
			prompt := b.promptIDs[zipf.Uint64()]
			model := primary[prompt]
			if r.IntN(5) == 0 {
				model = secondary[prompt]
			}
			provider := model[:strings.IndexByte(model, ':')]
			keys := b.keys[provider]
			key := keys[0]
			if len(keys) > 1 && r.IntN(10) < 3 {
				key = keys[1]
			}
			// The latest version published by then; one run in ten tries the draft.
			var version any
			if r.IntN(10) != 0 {
				nv := b.versions[prompt]
				version = 1 + min(nv-1, int(float64(nv)*float64(created.Sub(start))/float64(end.Sub(start))))
			}
			latency := int64(medianLatency[model] * math.Exp(0.5*r.NormFloat64()))
			ttft := any(max(int64(1), latency*(15+r.Int64N(25))/100))
			in, out, cached := 200+r.Int64N(1800), 50+r.Int64N(750), int64(0)
			if r.IntN(3) == 0 {
				cached = in / 2
			}
			status, code, message := "succeeded", any(nil), any(nil)
			switch k := r.IntN(100); {
			case k < 2:
				status, code, message = "failed", "provider_rate_limited", "Rate limited."
				out, ttft = 0, nil
			case k < 3:
				status, code, message = "failed", []string{"provider_server", "provider_auth", "provider_bad_request"}[r.IntN(3)], "The call failed."
				out, ttft = 0, nil
			case k < 4:
				status, code, message = "timed_out", "timeout", "The provider did not finish in time."
				out = out / 3
			case k < 5:
				status, code, message = "cancelled", "cancelled", "The client went away."
				out = out / 2
			}
			var cost int64
			if m, ok := cat.Model(model); ok {
				if price, ok := m.PriceAt(created); ok && status == "succeeded" {
					cost = price.CostMicros(in, cached, 0, out, 0)
				}
			}
			rows = append(rows, uuid.Must(uuid.NewV7()).String(), b.ws, b.userID, prompt, version, model, provider, key,
				`{"topic":"bench"}`, `{}`, status, code, message, 1, ttft, latency, in, out, cached, 0, 0, cost, "ok", "",
				created.UnixMilli(), created.Add(time.Duration(latency)*time.Millisecond).UnixMilli())
			n++
			if len(rows) == batch*26 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Printf("seeded in %s\n", time.Since(seedStart).Round(time.Millisecond))
	if err := db.Optimize(ctx); err != nil {
		return err
	}
	rebuildStart := time.Now()
	counted, err := db.RebuildUsage(ctx, b.ws)
	if err != nil {
		return err
	}
	fmt.Printf("rebuilt the rollups from %d executions in %s\n", counted, time.Since(rebuildStart).Round(time.Millisecond))
	if err := db.Optimize(ctx); err != nil {
		return err
	}
	if b.dbURL != "" {
		if err := db.RawExec(ctx, "ANALYZE"); err != nil {
			return err
		}
	}
	return nil
}

// op is one timed request.
type op struct {
	group, name string
	path        func(i int) string
}

func (b *bench) measure() error {
	now := time.Now().UTC()
	ago := func(d time.Duration) string { return url.QueryEscape(now.Add(-d).Format(time.RFC3339)) }
	tz := "&tz=Europe%2FBerlin"
	popular := b.promptIDs[0]
	var ops []op
	add := func(group, name, path string) {
		ops = append(ops, op{group, name, func(int) string { return path }})
	}
	add("Home", "GET /me", "/api/v1/me")
	add("Home", "usage/keys (this month, daily trend)", "/api/v1/usage/keys?"+tz[1:])
	add("Home", "usage/recent (5 latest runs)", "/api/v1/usage/recent?limit=5")
	for _, rg := range []struct {
		name string
		d    time.Duration
	}{{"24 h", 24 * time.Hour}, {"7 d", 7 * 24 * time.Hour}, {"30 d", 30 * 24 * time.Hour}, {fmt.Sprintf("%d d (all)", b.days), time.Duration(b.days) * 24 * time.Hour}} {
		g := "Dashboard, " + rg.name
		f := "from=" + ago(rg.d) + tz
		add(g, "summary", "/api/v1/usage/summary?"+f)
		add(g, "series", "/api/v1/usage/series?"+f)
		add(g, "breakdown by model", "/api/v1/usage/breakdown?by=model&"+f)
		add(g, "breakdown by provider", "/api/v1/usage/breakdown?by=provider&"+f)
		add(g, "breakdown by prompt (top 20)", "/api/v1/usage/breakdown?by=prompt&limit=20&"+f)
		add(g, "errors (top 5)", "/api/v1/usage/errors?limit=5&"+f)
	}
	f30 := "from=" + ago(30*24*time.Hour) + tz
	for _, flt := range []struct{ name, q string }{
		{"prompt", "&prompt=" + popular},
		{"model", "&model=" + url.QueryEscape(models[0])},
		{"key", "&key=" + b.keys["openai"][0]},
	} {
		g := "Dashboard, 30 d, filtered by " + flt.name
		add(g, "summary", "/api/v1/usage/summary?"+f30+flt.q)
		add(g, "series", "/api/v1/usage/series?"+f30+flt.q)
		add(g, "breakdown by model", "/api/v1/usage/breakdown?by=model&"+f30+flt.q)
	}
	// A prompt's Analytics, for prompts from the most to the least used.
	for _, rg := range []struct {
		name string
		d    time.Duration
	}{{"7 d", 7 * 24 * time.Hour}, {"30 d", 30 * 24 * time.Hour}} {
		g := "Prompt analytics, " + rg.name + " (cycling through every prompt)"
		f := "from=" + ago(rg.d) + tz
		ops = append(ops,
			op{g, "summary", func(i int) string { return "/api/v1/usage/summary?" + f + "&prompt=" + b.promptIDs[i%len(b.promptIDs)] }},
			op{g, "series", func(i int) string { return "/api/v1/usage/series?" + f + "&prompt=" + b.promptIDs[i%len(b.promptIDs)] }},
			op{g, "breakdown by version", func(i int) string {
				return "/api/v1/usage/breakdown?by=version&" + f + "&prompt=" + b.promptIDs[i%len(b.promptIDs)]
			}},
		)
	}

	const warm = 20
	group := ""
	var worst time.Duration
	for _, o := range ops {
		if o.group != group {
			group = o.group
			fmt.Printf("\n%s\n%-40s %8s %8s %8s %8s\n", group, "request", "p50", "p95", "p99", "max")
		}
		lat := make([]time.Duration, 0, b.requests)
		for i := range b.requests + warm {
			start := time.Now()
			code, body, err := b.c.do("GET", o.path(i), nil)
			elapsed := time.Since(start)
			if err != nil || code != 200 {
				return fmt.Errorf("%s %s: %d %v %.300s", o.group, o.name, code, err, body)
			}
			if i >= warm {
				lat = append(lat, elapsed)
			}
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
		worst = max(worst, pct(0.95))
		fmt.Printf("%-40s %8s %8s %8s %8s\n", o.name, ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	}
	fmt.Printf("\nslowest p95 of all requests: %s\n", ms(worst))
	if fi, err := os.Stat(filepath.Join(b.dir, store.SQLiteFile)); err == nil && b.dbURL == "" {
		fmt.Printf("krowoc.db: %.1f MiB\n", float64(fi.Size())/(1<<20))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func dbName(url string) string {
	if url == "" {
		return "embedded SQLite"
	}
	return "Postgres"
}
