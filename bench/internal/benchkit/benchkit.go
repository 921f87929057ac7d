// Package benchkit starts `krowoc serve` for the benchmark commands and
// speaks to it over HTTP: an account, JSON posts, the server's CPU time and
// memory.
package benchkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Server is a running `krowoc serve` on a fresh data folder.
type Server struct {
	Base   string
	Client *http.Client
	cmd    *exec.Cmd
	dir    string
}

// Start runs bin serve with extra environment and waits until it is ready.
func Start(bin string, env ...string) (*Server, error) {
	dir, err := os.MkdirTemp("", "krowoc-bench")
	if err != nil {
		return nil, err
	}
	env = append([]string{"KROWOC_ENV=production", "KROWOC_LOG_LEVEL=error", "KROWOC_RUNS_PER_MINUTE=0"}, env...)
	s, err := StartProcess(func(addr string) []string { return []string{bin, "serve", "--dir", dir, "--http", addr} }, env...)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.dir = dir
	return s, nil
}

// StartProcess runs the command args(addr) returns, with extra
// environment, for a server that listens on addr, and waits until its
// /api/ready answers 200.
func StartProcess(args func(addr string) []string, env ...string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	argv := args(addr)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Base: "http://" + addr, cmd: cmd,
		Client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := s.Client.Get(s.Base + "/api/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Since(start) > 30*time.Second {
			s.Stop()
			return nil, fmt.Errorf("server not ready")
		}
	}
}

// Stop interrupts the server and removes its data folder.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// SignUp creates an account and returns its session token.
func (s *Server) SignUp(email string) (string, error) {
	body := fmt.Sprintf(`{"email":%q,"password":"bench-password-1","passwordConfirm":"bench-password-1"}`, email)
	if _, err := s.Post("/api/collections/users/records", "", body, "id"); err != nil {
		return "", err
	}
	return s.Post("/api/collections/users/auth-with-password", "", fmt.Sprintf(`{"identity":%q,"password":"bench-password-1"}`, email), "token")
}

// Post sends a JSON body and returns the answer's string field.
func (s *Server) Post(path, token, body, field string) (string, error) {
	m, err := s.Do("POST", path, token, body)
	if err != nil {
		return "", err
	}
	v, _ := m[field].(string)
	return v, nil
}

// Do sends a request and decodes the JSON object it answers; a status of
// 300 or more is an error.
func (s *Server) Do(method, path, token, body string) (map[string]any, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.Base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m, nil
}

// CPUTime returns the server's user+system CPU time from /proc.
func (s *Server) CPUTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.Pid()))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

// RSS returns the server's resident set size in bytes (VmRSS from /proc).
func (s *Server) RSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Pid()))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmRSS %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.Pid())
}

// Metrics reads the server's /metrics and returns the values of the
// series named, labels included as exposed (`go_goroutines`,
// `go_sql_wait_count_total{db_name="krowoc_domain"}`); a missing series is
// an error.
func (s *Server) Metrics(names ...string) (map[string]float64, error) {
	resp, err := s.Client.Get(s.Base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET /metrics: %d %s", resp.StatusCode, b)
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string]float64, len(names))
	for line := range strings.Lines(string(b)) {
		name, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || !want[name] {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", name, err)
		}
		out[name] = v
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("no metric %s in /metrics", n)
		}
	}
	return out, nil
}
