// Package benchkit starts `krowoc serve` for the benchmark commands and
// speaks to it over HTTP: an account, JSON posts, the server's CPU time.
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--dir", dir, "--http", addr)
	cmd.Env = append(append(os.Environ(), "KROWOC_ENV=production", "KROWOC_LOG_LEVEL=error",
		"KROWOC_RUNS_PER_MINUTE=0"), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Base: "http://" + addr, cmd: cmd, dir: dir,
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
	os.RemoveAll(s.dir)
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
