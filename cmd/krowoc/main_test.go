package main_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "krowoc-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "krowoc")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build krowoc: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the binary to completion with extra environment variables.
func run(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(cleanEnv(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KROWOC_") {
			env = append(env, kv)
		}
	}
	return env
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "krowoc ") || !strings.Contains(out, "pocketbase v0.39.11") {
		t.Fatalf("version = %q (exit %d)", out, code)
	}
}

func TestBadSettingsStopWithOneLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		env     []string
		args    []string
		setting string
	}{
		{[]string{"KROWOC_ENV=staging"}, []string{"serve", "--dir", dir}, "KROWOC_ENV"},
		{[]string{"KROWOC_DATABASE_URL=not a url"}, []string{"serve", "--dir", dir}, "KROWOC_DATABASE_URL"},
		{[]string{"KROWOC_DATABASE_URL=postgres://krowoc:hunter2@127.0.0.1:1/krowoc"}, []string{"serve", "--dir", dir}, "KROWOC_DATABASE_URL"},
		{nil, []string{"serve", "--dir", dir, "--http", "nonsense"}, "--http"},
		{[]string{"KROWOC_MAX_BODY_BYTES=-1"}, []string{"migrate", "--dir", dir}, "KROWOC_MAX_BODY_BYTES"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.env, c.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		last := lines[len(lines)-1]
		if code == 0 || !strings.HasPrefix(last, "krowoc: "+c.setting+": ") {
			t.Errorf("%v %v: exit %d, stderr %q; want non-zero and a line naming %s", c.env, c.args, code, stderr, c.setting)
		}
		if strings.Contains(stderr, "hunter2") || strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("%v: stderr leaks a secret or a stack: %q", c.env, stderr)
		}
	}
}

func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	env := []string{}
	if url := os.Getenv("KROWOC_TEST_DATABASE_URL"); url != "" {
		// The command runs against the real database; its migrations are
		// idempotent, so sharing the test database is safe.
		env = append(env, "KROWOC_DATABASE_URL="+url)
	}
	out, stderr, code := run(t, env, "migrate", "--dir", dir)
	if code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), "0001 init") {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, out, stderr)
	}
	out, _, code = run(t, env, "migrate", "status", "--dir", dir)
	if code != 0 || strings.Contains(out, "pending") || !strings.Contains(out, "VERSION") {
		t.Fatalf("migrate status: exit %d\n%s", code, out)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// server is a running `krowoc serve`.
type server struct {
	cmd  *exec.Cmd
	addr string
	logs *bytes.Buffer
}

func startServer(t *testing.T, dir string, env ...string) *server {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(binary, "serve", "--dir", dir, "--http", addr)
	cmd.Env = append(cleanEnv(), env...)
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, addr: addr, logs: logs}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/api/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not become ready:\n%s", logs)
	return nil
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, s.logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop within 15s of SIGTERM:\n%s", s.logs)
	}
}

func (s *server) request(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+s.addr+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func field(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `"`+name+`":"`)
	if i < 0 {
		t.Fatalf("no %s in %s", name, body)
	}
	rest := body[i+len(name)+4:]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestRestartKeepsData signs up, makes a token, restarts the server on the
// same data folder and finds the user, workspace and token intact. It also
// checks that SIGTERM stops the server cleanly and that logs hold no secret.
func TestRestartKeepsData(t *testing.T) {
	backends := map[string][]string{"sqlite": nil}
	if url := os.Getenv("KROWOC_TEST_DATABASE_URL"); url != "" {
		backends["postgres"] = []string{"KROWOC_DATABASE_URL=" + url}
	}
	for name, env := range backends {
		t.Run(name, func(t *testing.T) { testRestartKeepsData(t, env) })
	}
}

func testRestartKeepsData(t *testing.T, env []string) {
	dir := t.TempDir()
	s := startServer(t, dir, env...)
	code, body := s.request(t, "POST", "/api/collections/users/records", "",
		`{"email":"ada@example.com","password":"correct horse battery","passwordConfirm":"correct horse battery","name":"Ada"}`)
	if code != 200 {
		t.Fatalf("sign-up: %d %s", code, body)
	}
	code, body = s.request(t, "POST", "/api/collections/users/auth-with-password", "",
		`{"identity":"ada@example.com","password":"correct horse battery"}`)
	if code != 200 {
		t.Fatalf("sign-in: %d %s", code, body)
	}
	session := field(t, body, "token")
	code, body = s.request(t, "POST", "/api/v1/tokens", session, `{"name":"cli"}`)
	if code != 201 {
		t.Fatalf("create token: %d %s", code, body)
	}
	secret := field(t, body, "secret")
	_, me := s.request(t, "GET", "/api/v1/me", secret, "")
	workspaceID := field(t, me[strings.Index(me, `"workspaces"`):], "id")
	s.stop(t)
	if strings.Contains(s.logs.String(), secret) || strings.Contains(s.logs.String(), session) {
		t.Fatal("the logs contain a token")
	}

	s = startServer(t, dir, env...)
	if len(env) > 0 && !strings.Contains(s.logs.String(), "database=postgres") {
		t.Fatalf("server did not run on Postgres:\n%s", s.logs)
	}
	code, me = s.request(t, "GET", "/api/v1/me", secret, "")
	if code != 200 || !strings.Contains(me, workspaceID) || !strings.Contains(me, "ada@example.com") {
		t.Fatalf("after restart /me = %d %s", code, me)
	}
	s.stop(t)
}

// TestProductionLogsAreJSON checks that every log line is JSON in production.
func TestProductionLogsAreJSON(t *testing.T) {
	s := startServer(t, t.TempDir(), "KROWOC_ENV=production")
	s.request(t, "GET", "/api/v1/me", "", "")
	s.stop(t)
	sc := bufio.NewScanner(strings.NewReader(s.logs.String()))
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		n++
		if !strings.HasPrefix(line, "{") {
			t.Errorf("log line is not JSON: %q", line)
		}
		if strings.Contains(line, "pbinstall") {
			t.Errorf("log line carries the superuser installer link: %q", line)
		}
	}
	if n == 0 || !strings.Contains(s.logs.String(), `"request_id"`) {
		t.Fatalf("no request log lines:\n%s", s.logs)
	}
}

// TestRotateMasterWithoutDowntime adds a provider key, rotates the master
// key while the server runs, and checks the running server and a restarted
// one both still use the key (verified against the provider simulator).
func TestRotateMasterWithoutDowntime(t *testing.T) {
	sim := llmsim.NewServer(llmsim.Options{APIKey: "sk-rotate-1234"})
	defer sim.Close()
	dir := t.TempDir()
	env := []string{"KROWOC_OPENAI_BASE_URL=" + sim.OpenAIBaseURL()}
	s := startServer(t, dir, env...)
	s.request(t, "POST", "/api/collections/users/records", "",
		`{"email":"ada@example.com","password":"correct horse battery","passwordConfirm":"correct horse battery"}`)
	_, body := s.request(t, "POST", "/api/collections/users/auth-with-password", "", `{"identity":"ada@example.com","password":"correct horse battery"}`)
	session := field(t, body, "token")
	code, body := s.request(t, "POST", "/api/v1/credentials", session, `{"provider":"openai","label":"main","key":"sk-rotate-1234"}`)
	if code != 201 {
		t.Fatalf("create credential: %d %s", code, body)
	}
	id := field(t, body, "id")
	verify := func(s *server) {
		t.Helper()
		code, body := s.request(t, "POST", "/api/v1/credentials/"+id+"/verify", session, "")
		if code != 200 || !strings.Contains(body, `"verifyStatus":"ok"`) {
			t.Fatalf("verify: %d %s", code, body)
		}
	}
	verify(s)

	out, stderr, code2 := run(t, env, "keys", "rotate-master", "--dir", dir)
	if code2 != 0 || !strings.Contains(out, "re-encrypted 1 provider key") {
		t.Fatalf("rotate-master: exit %d\n%s\n%s", code2, out, stderr)
	}
	keyFile, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil || strings.Count(strings.TrimSpace(string(keyFile)), "\n") != 2 { // comment + two keys
		t.Fatalf("master.key after rotation:\n%s (%v)", keyFile, err)
	}
	verify(s) // the running server reloads the key file
	s.stop(t)
	s = startServer(t, dir, env...)
	verify(s)
	s.stop(t)
	if strings.Contains(s.logs.String(), "sk-rotate-1234") {
		t.Fatal("the logs contain the provider key")
	}
}

func TestWorkerRefusesSQLite(t *testing.T) {
	_, stderr, code := run(t, nil, "worker", "--dir", t.TempDir())
	if code == 0 || !strings.Contains(stderr, "krowoc worker needs Postgres (set KROWOC_DATABASE_URL)") {
		t.Fatalf("worker on SQLite: exit %d, stderr %q", code, stderr)
	}
}

// TestUsageRebuildCommand: `krowoc usage rebuild` recomputes the rollups
// from the executions and the numbers stay the same.
func TestUsageRebuildCommand(t *testing.T) {
	sim := llmsim.NewServer(llmsim.Options{APIKey: "sk-usage-1234"})
	defer sim.Close()
	dir := t.TempDir()
	env := []string{"KROWOC_OPENAI_BASE_URL=" + sim.OpenAIBaseURL()}
	s := startServer(t, dir, env...)
	s.request(t, "POST", "/api/collections/users/records", "",
		`{"email":"ada@example.com","password":"correct horse battery","passwordConfirm":"correct horse battery"}`)
	_, body := s.request(t, "POST", "/api/collections/users/auth-with-password", "", `{"identity":"ada@example.com","password":"correct horse battery"}`)
	session := field(t, body, "token")
	if code, body := s.request(t, "POST", "/api/v1/credentials", session, `{"provider":"openai","label":"main","key":"sk-usage-1234"}`); code != 201 {
		t.Fatalf("create credential: %d %s", code, body)
	}
	code, body := s.request(t, "POST", "/api/v1/prompts", session, `{"title":"Greeter","promptText":"Say hello"}`)
	if code != 201 {
		t.Fatalf("create prompt: %d %s", code, body)
	}
	prompt := field(t, body, "id")
	for range 2 {
		if code, body := s.request(t, "POST", "/api/v1/prompts/"+prompt+"/executions", session, `{"model":"openai:gpt-4o-mini"}`); code != 200 {
			t.Fatalf("run: %d %s", code, body)
		}
	}
	summary := func() string {
		t.Helper()
		code, body := s.request(t, "GET", "/api/v1/usage/summary", session, "")
		if code != 200 || !strings.Contains(body, `"executions":2,`) {
			t.Fatalf("usage summary: %d %s", code, body)
		}
		return body[strings.Index(body, `"totals"`):]
	}
	before := summary()
	s.stop(t)

	out, stderr, code2 := run(t, env, "usage", "rebuild", "--dir", dir)
	if code2 != 0 || !strings.Contains(out, "rebuilt the usage of 1 workspace(s) from 2 execution(s)") {
		t.Fatalf("usage rebuild: exit %d\n%s\n%s", code2, out, stderr)
	}
	_, stderr, code2 = run(t, env, "usage", "rebuild", "--workspace", "no-such-workspace", "--dir", dir)
	if code2 == 0 || !strings.Contains(stderr, "not found") {
		t.Fatalf("rebuild of a missing workspace: exit %d, %q", code2, stderr)
	}
	s = startServer(t, dir, env...)
	if after := summary(); after != before {
		t.Fatalf("after rebuild:\n%s\nbefore:\n%s", after, before)
	}
	s.stop(t)
}
