// Command promptbench measures the prompt library over HTTP on loopback
// against a real `krowoc serve`: it seeds a workspace with many prompts
// through the import API, then times filtered list pages, free-text
// searches and creates. See docs/performance.md for the method and results.
//
//	go run ./bench/promptbench -bin bin/krowoc -prompts 100000 -requests 2000
//
// With -keep DIR the data folder is kept; a later run with -keep DIR -reuse
// measures it again without seeding (creates from earlier runs stay in it).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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
)

func main() {
	bin := flag.String("bin", "bin/krowoc", "krowoc binary to benchmark")
	prompts := flag.Int("prompts", 100_000, "prompts to seed in one workspace")
	requests := flag.Int("requests", 2000, "requests per measured operation")
	dbURL := flag.String("database-url", "", "KROWOC_DATABASE_URL for a Postgres run (empty: embedded SQLite)")
	keep := flag.String("keep", "", "keep the data folder at this path (for inspecting query plans)")
	reuse := flag.Bool("reuse", false, "measure the data folder -keep names, seeded by an earlier run, without seeding again")
	flag.Parse()
	if *reuse && *keep == "" {
		fmt.Fprintln(os.Stderr, "promptbench: -reuse needs -keep")
		os.Exit(2)
	}
	if err := run(*bin, *prompts, *requests, *dbURL, *keep, *reuse); err != nil {
		fmt.Fprintln(os.Stderr, "promptbench:", err)
		os.Exit(1)
	}
}

// corpus draws words with a Zipf distribution over a large vocabulary, the
// way words occur in real text: a few very common, most rare.
type corpus struct {
	words []string
	zipf  *rand.Zipf
}

func newCorpus(r *rand.Rand, size int) *corpus {
	syllables := strings.Fields("ka ro mi te lu sa ven dor pli qua zen tor ix al mo re fi na po gu")
	seen := map[string]bool{}
	c := &corpus{}
	for len(c.words) < size {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			c.words = append(c.words, w)
		}
	}
	c.zipf = rand.NewZipf(r, 1.1, 1, uint64(size-1))
	return c
}

func (c *corpus) text(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = c.words[c.zipf.Uint64()]
	}
	return strings.Join(w, " ")
}

type client struct {
	base  string
	token string
	http  *http.Client
}

func (c *client) do(method, path string, body any, accept string) (int, []byte, error) {
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
	if accept != "" {
		req.Header.Set("Accept", accept)
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

func run(bin string, nPrompts, nRequests int, dbURL, keep string, reuse bool) error {
	dir := keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "promptbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()

	// A superuser lifts the benchmark user to the power tier (no quota).
	if !reuse {
		if out, err := exec.Command(bin, "superuser", "upsert", "bench-admin@example.com", "bench-password-123", "--dir", dir).CombinedOutput(); err != nil {
			return fmt.Errorf("create superuser: %v: %s", err, out)
		}
	}
	cmd := exec.Command(bin, "serve", "--dir", dir, "--http", addr)
	cmd.Env = append(os.Environ(), "KROWOC_ENV=production", "KROWOC_LOG_LEVEL=error", "KROWOC_DATABASE_URL="+dbURL)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	startAt := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()

	c := &client{base: "http://" + addr, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
	wait := 20 * time.Second
	if reuse {
		wait = 10 * time.Minute // a folder seeded by an older binary migrates first
	}
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if code, _, err := c.do("GET", "/api/ready", nil, ""); err == nil && code == 200 {
			break
		}
		if time.Since(start) > wait {
			return fmt.Errorf("server not ready")
		}
	}
	fmt.Printf("server ready in %s\n", time.Since(startAt).Round(time.Millisecond))
	if reuse {
		if err := signIn(c); err != nil {
			return err
		}
	} else if err := signUp(c); err != nil {
		return err
	}

	// The corpus and tags depend only on the seed, so a reused folder is
	// measured with the words it was seeded with.
	r := rand.New(rand.NewPCG(42, 7))
	words := newCorpus(r, 20_000)
	tags := make([]string, 50)
	for i := range tags {
		tags[i] = fmt.Sprintf("%s-%d", words.words[i], i)
	}
	if !reuse {
		fmt.Printf("seeding %d prompts (%s)...\n", nPrompts, dbName(dbURL))
	}
	seedStart := time.Now()
	const batch = 5000
	for done := 0; done < nPrompts && !reuse; done += batch {
		n := min(batch, nPrompts-done)
		items := make([]map[string]any, n)
		for i := range items {
			items[i] = map[string]any{
				"title":       fmt.Sprintf("%s %d", words.text(4), done+i),
				"description": words.text(20),
				"promptText":  words.text(80 + r.IntN(200)),
				"tags":        []string{tags[r.IntN(len(tags))], tags[r.IntN(len(tags))]},
				"status":      []string{"draft", "draft", "archived"}[r.IntN(3)],
			}
		}
		doc := map[string]any{"format": "krowoc.prompts", "version": 1, "prompts": items}
		batchStart := time.Now()
		code, body, err := c.do("POST", "/api/v1/prompts/import?onConflict=copy", doc, "")
		if err != nil || code != 200 {
			return fmt.Errorf("seed batch at %d: %d %v %.300s", done, code, err, body)
		}
		fmt.Printf("  %d/%d prompts (batch of %d in %s)\n", done+n, nPrompts, n, time.Since(batchStart).Round(time.Millisecond))
	}
	if !reuse {
		fmt.Printf("seeded in %s\n", time.Since(seedStart).Round(time.Millisecond))
	}
	fmt.Println()

	ops := []struct {
		name string
		req  func(i int) (string, string, any)
	}{
		{"list: tag + status filter, sorted by title, page 20", func(i int) (string, string, any) {
			q := url.Values{"tag": {tags[i%len(tags)]}, "status": {"draft"}, "sort": {"title"}, "perPage": {"20"}, "page": {fmt.Sprint(1 + i%5)}}
			return "GET", "/api/v1/prompts?" + q.Encode(), nil
		}},
		{"list: newest first, page 20", func(i int) (string, string, any) {
			return "GET", fmt.Sprintf("/api/v1/prompts?perPage=20&page=%d", 1+i%50), nil
		}},
		{"search: one word, newest first, page 20", func(i int) (string, string, any) {
			// Words of middling frequency: each matches some hundreds of prompts.
			q := url.Values{"q": {words.words[100+i%900]}, "perPage": {"20"}}
			return "GET", "/api/v1/prompts?" + q.Encode(), nil
		}},
		{"create a prompt", func(i int) (string, string, any) {
			return "POST", "/api/v1/prompts", map[string]any{"title": fmt.Sprintf("bench %d", i), "promptText": words.text(120), "tags": []string{tags[i%len(tags)]}}
		}},
	}
	fmt.Printf("%-52s %8s %8s %8s %8s\n", "operation", "p50", "p95", "p99", "max")
	for _, op := range ops {
		lat := make([]time.Duration, 0, nRequests)
		for i := range nRequests + 50 {
			method, path, body := op.req(i)
			start := time.Now()
			code, resp, err := c.do(method, path, body, "")
			elapsed := time.Since(start)
			if err != nil || code >= 300 {
				return fmt.Errorf("%s: %d %v %.300s", op.name, code, err, resp)
			}
			if i >= 50 { // the first requests warm caches and connections
				lat = append(lat, elapsed)
			}
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
		fmt.Printf("%-52s %8s %8s %8s %8s\n", op.name, ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	}
	if fi, err := os.Stat(filepath.Join(dir, "krowoc.db")); err == nil {
		fmt.Printf("\nkrowoc.db: %.1f MiB\n", float64(fi.Size())/(1<<20))
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

func signUp(c *client) error {
	code, body, err := c.do("POST", "/api/collections/users/records", map[string]any{
		"email": "bench@example.com", "password": "bench-password-123", "passwordConfirm": "bench-password-123", "name": "Bench",
	}, "")
	if err != nil || code != 200 {
		return fmt.Errorf("sign up: %d %v %s", code, err, body)
	}
	var user struct{ ID string }
	_ = json.Unmarshal(body, &user)
	code, body, err = c.do("POST", "/api/collections/_superusers/auth-with-password", map[string]any{
		"identity": "bench-admin@example.com", "password": "bench-password-123"}, "")
	if err != nil || code != 200 {
		return fmt.Errorf("superuser sign in: %d %v %s", code, err, body)
	}
	var auth struct{ Token string }
	_ = json.Unmarshal(body, &auth)
	admin := &client{base: c.base, token: auth.Token, http: c.http}
	if code, body, err = admin.do("PATCH", "/api/collections/users/records/"+user.ID, map[string]any{"tier": "power"}, ""); err != nil || code != 200 {
		return fmt.Errorf("set tier: %d %v %s", code, err, body)
	}
	return signIn(c)
}

// signIn signs the benchmark user in and keeps their token in c.
func signIn(c *client) error {
	code, body, err := c.do("POST", "/api/collections/users/auth-with-password", map[string]any{
		"identity": "bench@example.com", "password": "bench-password-123"}, "")
	if err != nil || code != 200 {
		return fmt.Errorf("sign in: %d %v %s", code, err, body)
	}
	var auth struct{ Token string }
	_ = json.Unmarshal(body, &auth)
	c.token = auth.Token
	return nil
}
