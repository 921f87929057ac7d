// Command execbench measures what Krowoc adds to a provider call: time to
// first token over the simulator directly versus through `krowoc serve`, and
// the server's CPU per non-streaming execution, recording included (read
// from /proc). See docs/performance.md.
//
//	go run ./bench/execbench -bin bin/krowoc -requests 500
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
)

const key = "sk-bench-0000"

func main() {
	bin := flag.String("bin", "bin/krowoc", "krowoc binary")
	n := flag.Int("requests", 500, "requests per measurement")
	flag.Parse()
	if err := run(*bin, *n); err != nil {
		fmt.Fprintln(os.Stderr, "execbench:", err)
		os.Exit(1)
	}
}

func run(bin string, n int) error {
	sim := llmsim.NewServer(llmsim.Options{APIKey: key})
	defer sim.Close()
	dir, err := os.MkdirTemp("", "execbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--dir", dir, "--http", addr)
	cmd.Env = append(os.Environ(), "KROWOC_ENV=production", "KROWOC_LOG_LEVEL=error", "KROWOC_OPENAI_BASE_URL="+sim.OpenAIBaseURL())
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	base := "http://" + addr
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := client.Get(base + "/api/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Since(start) > 20*time.Second {
			return fmt.Errorf("server not ready")
		}
	}
	token, err := setup(client, base)
	if err != nil {
		return err
	}
	promptID, err := post(client, base+"/api/v1/prompts", token, `{"title":"bench","promptText":"Say hello to the benchmark please"}`, "id")
	if err != nil {
		return err
	}
	if _, err := post(client, base+"/api/v1/credentials", token, `{"provider":"openai","label":"sim","key":"`+key+`"}`, "id"); err != nil {
		return err
	}

	direct := func() (time.Duration, error) {
		body := `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say hello to the benchmark please"}]}`
		req, _ := http.NewRequest("POST", sim.OpenAIBaseURL()+"/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		return firstEvent(client, req, "data: {")
	}
	viaKrowoc := func() (time.Duration, error) {
		req, _ := http.NewRequest("POST", base+"/api/v1/prompts/"+promptID+"/executions", strings.NewReader(`{"model":"openai:gpt-4o-mini"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		return firstEvent(client, req, "event: delta")
	}
	d, err := measure(n, direct)
	if err != nil {
		return err
	}
	k, err := measure(n, viaKrowoc)
	if err != nil {
		return err
	}
	fmt.Printf("time to first token, one stream at a time (n=%d)\n", n)
	fmt.Printf("  %-22s p50 %8s  p99 %8s\n", "simulator directly", ms(pct(d, .5)), ms(pct(d, .99)))
	fmt.Printf("  %-22s p50 %8s  p99 %8s\n", "through krowoc", ms(pct(k, .5)), ms(pct(k, .99)))
	fmt.Printf("  %-22s p50 %8s  p99 %8s\n", "added by krowoc", ms(pct(k, .5)-pct(d, .5)), ms(pct(k, .99)-pct(d, .99)))

	cpuBefore, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return err
	}
	start := time.Now()
	for range n {
		if _, err := post(client, base+"/api/v1/prompts/"+promptID+"/executions", token, `{"model":"openai:gpt-4o-mini"}`, "id"); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	cpuAfter, _ := cpuTime(cmd.Process.Pid)
	fmt.Printf("\nnon-streaming executions, recording included (n=%d)\n", n)
	fmt.Printf("  server CPU per execution: %s (user+system, from /proc)\n", (cpuAfter-cpuBefore)/time.Duration(n))
	fmt.Printf("  wall time per execution:  %s\n", elapsed/time.Duration(n))
	return nil
}

func measure(n int, f func() (time.Duration, error)) ([]time.Duration, error) {
	for range 20 { // warm up connections and caches
		if _, err := f(); err != nil {
			return nil, err
		}
	}
	out := make([]time.Duration, 0, n)
	for range n {
		d, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return out, nil
}

func pct(d []time.Duration, p float64) time.Duration { return d[min(len(d)-1, int(float64(len(d))*p))] }

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d.Microseconds())/1000) }

// firstEvent sends req and returns the time until a line starting with
// prefix arrives; it then reads the rest of the stream.
func firstEvent(c *http.Client, req *http.Request, prefix string) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return 0, fmt.Errorf("%s: %d %s", req.URL.Path, resp.StatusCode, b)
	}
	sc := bufio.NewScanner(resp.Body)
	var first time.Duration
	for sc.Scan() {
		if first == 0 && strings.HasPrefix(sc.Text(), prefix) {
			first = time.Since(start)
		}
	}
	if first == 0 {
		return 0, fmt.Errorf("%s: no %q line", req.URL.Path, prefix)
	}
	return first, nil
}

func post(c *http.Client, url, token, body, field string) (string, error) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return "", fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	s, _ := m[field].(string)
	return s, nil
}

func setup(c *http.Client, base string) (string, error) {
	if _, err := post(c, base+"/api/collections/users/records", "", `{"email":"bench@example.com","password":"bench-password-1","passwordConfirm":"bench-password-1"}`, "id"); err != nil {
		return "", err
	}
	return post(c, base+"/api/collections/users/auth-with-password", "", `{"identity":"bench@example.com","password":"bench-password-1"}`, "token")
}

// cpuTime returns a process's user+system CPU time from /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}
