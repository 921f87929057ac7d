// Command boardbench measures the community leaderboard on Postgres: a
// scoring run (the real leaderboard.Run) over many public prompts,
// executions and votes, and GET /api/v1/leaderboard through the real
// router over HTTP on loopback. Seeding uses set-based INSERTs
// (generate_series) because 10 million rows through the API would take
// hours on two cores; everything measured runs through the product's code.
// See docs/performance.md.
//
//	go run ./bench/boardbench -url 'postgres://postgres@127.0.0.1:5432/krowoc_board?sslmode=disable'
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/leaderboard"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
)

type config struct {
	url                         string
	schema                      string
	prompts, executions, votes  int
	authors, users, days, chunk int
	runs, requests, warmup      int
	reuse                       bool
	cpuprofile                  string
}

func main() {
	var c config
	flag.StringVar(&c.url, "url", os.Getenv("KROWOC_BENCH_DATABASE_URL"), "Postgres URL (or KROWOC_BENCH_DATABASE_URL)")
	flag.StringVar(&c.schema, "schema", "boardbench", "schema to (re)create and seed")
	flag.IntVar(&c.prompts, "prompts", 100_000, "public prompts")
	flag.IntVar(&c.executions, "executions", 10_000_000, "executions")
	flag.IntVar(&c.votes, "votes", 1_000_000, "votes")
	flag.IntVar(&c.authors, "authors", 1_000, "authors (workspaces)")
	flag.IntVar(&c.users, "users", 200_000, "distinct users who run and vote")
	flag.IntVar(&c.days, "days", 60, "executions are spread evenly over this many days")
	flag.IntVar(&c.chunk, "chunk", 1_000_000, "rows per INSERT when seeding executions and votes")
	flag.IntVar(&c.runs, "runs", 5, "scoring runs to time")
	flag.IntVar(&c.requests, "requests", 1000, "leaderboard requests to time")
	flag.IntVar(&c.warmup, "warmup", 50, "requests sent first and not timed")
	flag.BoolVar(&c.reuse, "reuse", false, "reuse an already seeded schema")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the endpoint requests to this file")
	flag.Parse()
	if c.url == "" {
		fmt.Fprintln(os.Stderr, "boardbench: give -url or KROWOC_BENCH_DATABASE_URL")
		os.Exit(2)
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "boardbench:", err)
		os.Exit(1)
	}
}

func step(name string, fn func() error) error {
	start := time.Now()
	fmt.Printf("%-58s", name)
	if err := fn(); err != nil {
		fmt.Println()
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Printf("%8.1f s\n", time.Since(start).Seconds())
	return nil
}

func run(c config) error {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{URL: c.url, PostgresSchema: c.schema})
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	if !c.reuse {
		if err := db.DropSchema(ctx, c.schema); err != nil {
			return err
		}
		db.Close()
		if db, err = store.Open(ctx, store.Options{URL: c.url, PostgresSchema: c.schema}); err != nil {
			return err
		}
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
		if err := seed(ctx, db, c, now); err != nil {
			return err
		}
	}
	if err := report(ctx, db, now); err != nil {
		return err
	}

	// Scoring runs through the real code.
	var times []time.Duration
	var last *leaderboard.Result
	for i := range c.runs {
		start := time.Now()
		res, err := leaderboard.Run(ctx, db, time.Now())
		if err != nil {
			return err
		}
		d := time.Since(start)
		times = append(times, d)
		last = res
		fmt.Printf("scoring run %d: %v (pool %d, kept %d, maxE %d, maxV %d)\n", i+1, d.Round(time.Millisecond), res.Candidates, res.Entries, res.MaxE, res.MaxV)
	}
	slices.Sort(times)
	fmt.Printf("scoring run over %d: min %v, median %v, max %v\n", c.runs, times[0].Round(time.Millisecond),
		times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	return measureEndpoint(ctx, db, c, last)
}

// seed fills the schema with authors' workspaces, public prompts with a
// published version, executions spread over c.days with a skewed
// popularity, and votes; then sets the counters from the rows, as the
// application's transactions would have, and analyzes the tables.
func seed(ctx context.Context, db *store.DB, c config, now time.Time) error {
	ms := now.UnixMilli()
	dayMS := int64(24 * time.Hour / time.Millisecond)
	author := `'a' || lpad(((%s) %% %d + 1)::text, 14, '0')`
	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"workspaces", fmt.Sprintf(`INSERT INTO workspaces (id, name, kind, owner_id, personal_for, created_at, updated_at)
			SELECT 'ws' || i, 'Workspace ' || i, 'personal', `+author+`, `+author+`, ?, ?
			FROM generate_series(0, %d) i`, "i", c.authors, "i", c.authors, c.authors-1), []any{ms, ms}},
		{"public prompts", fmt.Sprintf(`INSERT INTO prompts (id, workspace_id, owner_id, title, title_key, description, tags, status,
			visibility, latest_version, published_version, has_draft_changes, created_by, updated_by, created_at, updated_at)
			SELECT 'p' || i, 'ws' || (i %% %d), `+author+`, 'Prompt ' || i, 'prompt ' || i, 'Seeded for the benchmark',
				'["tag' || (i %% 50) || '"]', 'published', 'public', 1, 1, false, 'seed', 'seed', ?, ?
			FROM generate_series(0, %d) i`, c.authors, "i", c.authors, c.prompts-1), []any{ms - 90*dayMS, ms}},
		{"prompt texts", `INSERT INTO prompt_texts (prompt_id, prompt_text) SELECT id, 'Summarize {{text}} for ' || title FROM prompts`, nil},
		{"published versions (published up to 60 days ago)", `INSERT INTO prompt_versions (prompt_id, version, title, description, prompt_text, tags,
			model_whitelist, default_model, default_params, variables, created_by, created_at)
			SELECT p.id, 1, p.title, p.description, t.prompt_text, p.tags, '[]', '', '{}', '[{"name":"text"}]', 'seed',
				? - (random() * 60 * ?)::bigint
			FROM prompts p JOIN prompt_texts t ON t.prompt_id = p.id`, []any{ms, dayMS}},
	}
	for _, s := range steps {
		if err := step("seed "+s.name, func() error { return db.RawExec(ctx, s.sql, s.args...) }); err != nil {
			return err
		}
	}
	// Executions: popularity skewed (prompt = N·u³), uniform in time over
	// c.days, 95% succeeded; users from a pool of c.users.
	for done := 0; done < c.executions; done += c.chunk {
		n := min(c.chunk, c.executions-done)
		q := fmt.Sprintf(`INSERT INTO executions (id, workspace_id, user_id, prompt_id, prompt_version, model, provider, status,
			attempts, created_at, finished_at)
			SELECT 'x' || i, 'ws' || (i %% %d), 'u' || (i::bigint * 7919 %% %d), 'p' || floor(%d * power(random(), 3))::int, 1,
				'openai:gpt-4o-mini', 'openai', CASE WHEN random() < 0.95 THEN 'succeeded' ELSE 'failed' END, 1, t, t + 900
			FROM (SELECT i, ? - (random() * ? * ?)::bigint AS t FROM generate_series(%d, %d) i) s`,
			c.authors, c.users, c.prompts, done, done+n-1)
		if err := step(fmt.Sprintf("seed executions %d–%d", done+1, done+n), func() error {
			return db.RawExec(ctx, q, ms, c.days, dayMS)
		}); err != nil {
			return err
		}
	}
	// Votes: one per (prompt, user); 80% up; skewed towards popular prompts.
	for done, round := 0, 0; done < c.votes; round++ {
		n := min(c.chunk, c.votes-done)
		q := fmt.Sprintf(`INSERT INTO votes (prompt_id, user_id, value, created_at, updated_at)
			SELECT 'p' || floor(%d * power(random(), 2))::int, 'u' || ((i + %d) %% %d),
				CASE WHEN random() < 0.8 THEN 1 ELSE -1 END, ?, ?
			FROM generate_series(1, %d) i
			ON CONFLICT (prompt_id, user_id) DO NOTHING`, c.prompts, round*7_777, c.users, n)
		if err := step(fmt.Sprintf("seed votes (round %d)", round+1), func() error { return db.RawExec(ctx, q, ms, ms) }); err != nil {
			return err
		}
		var have int
		if err := countRows(ctx, db, "votes", &have); err != nil {
			return err
		}
		done = have
	}
	if err := step("set counters from the rows", func() error {
		return db.RawExec(ctx, `INSERT INTO prompt_stats (prompt_id, workspace_id, executions, votes_up, votes_down, votes_net, last_executed_at)
			SELECT p.id, p.workspace_id, COALESCE(x.n, 0), COALESCE(v.up, 0), COALESCE(v.down, 0), COALESCE(v.up, 0) - COALESCE(v.down, 0), x.last
			FROM prompts p
			LEFT JOIN (SELECT prompt_id, COUNT(*) AS n, MAX(created_at) AS last FROM executions WHERE status = 'succeeded' GROUP BY prompt_id) x ON x.prompt_id = p.id
			LEFT JOIN (SELECT prompt_id, COUNT(*) FILTER (WHERE value = 1) AS up, COUNT(*) FILTER (WHERE value = -1) AS down FROM votes GROUP BY prompt_id) v ON v.prompt_id = p.id`)
	}); err != nil {
		return err
	}
	return step("vacuum analyze", func() error { return db.RawExec(ctx, `VACUUM ANALYZE`) })
}

func countRows(ctx context.Context, db *store.DB, table string, n *int) error {
	stats, err := db.WriteStats().QueryContext(ctx, `SELECT COUNT(*) FROM `+table)
	if err != nil {
		return err
	}
	defer stats.Close()
	for stats.Next() {
		if err := stats.Scan(n); err != nil {
			return err
		}
	}
	return stats.Err()
}

// report prints the seeded sizes, the share of executions in the last 24
// hours and the plan of the executions scan.
func report(ctx context.Context, db *store.DB, now time.Time) error {
	for _, t := range []string{"prompts", "executions", "votes"} {
		var n int
		if err := countRows(ctx, db, t, &n); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", t, n)
	}
	rows, err := db.WriteStats().QueryContext(ctx, `SELECT COUNT(*), pg_size_pretty(pg_database_size(current_database()))
		FROM executions WHERE created_at >= $1`, now.Add(-24*time.Hour).UnixMilli())
	if err != nil {
		return err
	}
	for rows.Next() {
		var n int
		var size string
		if err := rows.Scan(&n, &size); err != nil {
			rows.Close()
			return err
		}
		fmt.Printf("executions in the last 24 h: %d; database size %s\n", n, size)
	}
	rows.Close()
	plan, err := db.WriteStats().QueryContext(ctx, `EXPLAIN SELECT x.prompt_id, x.user_id, COUNT(*) FROM executions x
		WHERE x.created_at >= $1 AND x.created_at <= $2 AND x.status = 'succeeded' AND x.prompt_version IS NOT NULL GROUP BY 1, 2`,
		now.Add(-24*time.Hour).UnixMilli(), now.UnixMilli())
	if err != nil {
		return err
	}
	defer plan.Close()
	fmt.Println("plan of the 24-hour executions scan:")
	for plan.Next() {
		var line string
		if err := plan.Scan(&line); err != nil {
			return err
		}
		fmt.Println("  " + line)
	}
	return plan.Err()
}

// measureEndpoint serves the real router (Pocketbase app, domain store,
// API) over loopback, makes the authors of the ranked prompts real users
// so their names are read, and times GET /api/v1/leaderboard anonymously
// and signed in (the signed-in answer also reads the caller's votes).
func measureEndpoint(ctx context.Context, db *store.DB, c config, last *leaderboard.Result) error {
	dir, err := os.MkdirTemp("", "boardbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId(accounts.Collection)
	if err != nil {
		return err
	}
	board, err := db.Leaderboard(ctx, "")
	if err != nil {
		return err
	}
	made := map[string]bool{}
	for _, r := range board.Rows {
		if made[r.AuthorID] {
			continue
		}
		rec := core.NewRecord(users)
		rec.Id = r.AuthorID
		rec.SetEmail(r.AuthorID + "@example.com")
		rec.SetPassword("correct horse battery")
		rec.Set("name", "Author "+r.AuthorID[len(r.AuthorID)-4:])
		if err := app.Save(rec); err != nil {
			return fmt.Errorf("create author %s: %w", r.AuthorID, err)
		}
		made[r.AuthorID] = true
	}
	viewer := core.NewRecord(users)
	viewer.SetEmail("viewer@example.com")
	viewer.SetPassword("correct horse battery")
	if err := app.Save(viewer); err != nil {
		return err
	}
	token, err := viewer.NewAuthToken()
	if err != nil {
		return err
	}
	// The viewer has voted on half of the ranked prompts.
	for i, r := range board.Rows {
		if i%2 == 0 {
			if err := db.RawExec(ctx, `INSERT INTO votes (prompt_id, user_id, value, created_at, updated_at) VALUES (?, ?, 1, 0, 0)
				ON CONFLICT DO NOTHING`, r.PromptID, viewer.Id); err != nil {
				return err
			}
		}
	}
	srv := api.New(app, db, logging.New(io.Discard, true, slog.LevelError), api.Options{Version: "bench"})
	r, err := apis.NewRouter(app)
	if err != nil {
		return err
	}
	srv.Bind(r)
	mux, err := r.BuildMux()
	if err != nil {
		return err
	}
	ts := httptest.NewServer(mux)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Printf("leaderboard: run %s, %d ranked prompts, %d authors\n", last.ID, len(board.Rows), len(made))
	// The store's part alone: the latest runs and the ranked rows.
	var reads []time.Duration
	for i := range c.warmup + c.requests {
		start := time.Now()
		if _, err := db.Leaderboard(ctx, ""); err != nil {
			return err
		}
		if i >= c.warmup {
			reads = append(reads, time.Since(start))
		}
	}
	slices.Sort(reads)
	fmt.Printf("store.Leaderboard, %d reads: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n", len(reads),
		ms(reads[len(reads)/2]), ms(reads[len(reads)*95/100]), ms(reads[len(reads)*99/100]))
	for _, v := range []struct{ name, token string }{{"anonymous", ""}, {"signed in", token}} {
		var lat []time.Duration
		for i := range c.warmup + c.requests {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/leaderboard", nil)
			if v.token != "" {
				req.Header.Set("Authorization", "Bearer "+v.token)
			}
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			d := time.Since(start)
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET /api/v1/leaderboard: %d %s", resp.StatusCode, body)
			}
			if i >= c.warmup {
				lat = append(lat, d)
			}
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
		fmt.Printf("GET /api/v1/leaderboard (%s), %d requests: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n", v.name, len(lat),
			ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)))
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
