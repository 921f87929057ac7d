// Command batchbench times a batch run end to end: it starts `krowoc serve`
// pointed at the provider simulator (in this process, answering after a
// fixed latency), uploads a CSV of rows as one batch, and waits until every
// item has settled. It reports the time to accept the upload, the wall time
// and throughput of the batch against the ideal for its concurrency bound,
// the most provider calls seen at once (overall and per key), and the
// server's CPU per item. See docs/performance.md.
//
//	go run ./bench/batchbench -bin bin/krowoc -rows 1000 -concurrency 8 -latency 100ms
//	go run ./bench/batchbench -database-url 'postgres://…' …   # the domain store on Postgres
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
)

const key = "sk-bench-0000"

type options struct {
	bin         string
	rows        int
	concurrency int
	latency     time.Duration
	databaseURL string
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/krowoc", "krowoc binary")
	flag.IntVar(&o.rows, "rows", 1000, "rows in the batch (one model: one item per row)")
	flag.IntVar(&o.concurrency, "concurrency", 8, "per-workspace and per-key bound (KROWOC_BATCH_*_CONCURRENCY)")
	flag.DurationVar(&o.latency, "latency", 100*time.Millisecond, "the simulator's answer time per call")
	flag.StringVar(&o.databaseURL, "database-url", "", "Postgres URL for the domain store (empty: embedded SQLite)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "batchbench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	sim := llmsim.NewServer(llmsim.Options{APIKey: key, Latency: o.latency})
	defer sim.Close()
	dir, err := os.MkdirTemp("", "batchbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(o.bin, "serve", "--dir", dir, "--http", addr)
	conc := strconv.Itoa(o.concurrency)
	cmd.Env = append(os.Environ(), "KROWOC_ENV=production", "KROWOC_LOG_LEVEL=error",
		"KROWOC_OPENAI_BASE_URL="+sim.OpenAIBaseURL(),
		"KROWOC_BATCH_WORKSPACE_CONCURRENCY="+conc, "KROWOC_BATCH_KEY_CONCURRENCY="+conc)
	if o.databaseURL != "" {
		cmd.Env = append(cmd.Env, "KROWOC_DATABASE_URL="+o.databaseURL)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	base := "http://" + addr
	client := &http.Client{Timeout: time.Minute}
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := client.Get(base + "/api/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			return fmt.Errorf("server not ready")
		}
	}
	email := fmt.Sprintf("bench-%d@example.com", time.Now().UnixNano())
	if _, err := call(client, "POST", base+"/api/collections/users/records", "", "application/json",
		`{"email":"`+email+`","password":"bench-password-1","passwordConfirm":"bench-password-1"}`); err != nil {
		return err
	}
	auth, err := call(client, "POST", base+"/api/collections/users/auth-with-password", "", "application/json",
		`{"identity":"`+email+`","password":"bench-password-1"}`)
	if err != nil {
		return err
	}
	token, _ := auth["token"].(string)
	prompt, err := call(client, "POST", base+"/api/v1/prompts", token, "application/json", `{"title":"bench","promptText":"Summarize {{topic}} in one line"}`)
	if err != nil {
		return err
	}
	if _, err := call(client, "POST", base+"/api/v1/credentials", token, "application/json",
		`{"provider":"openai","label":"sim","key":"`+key+`"}`); err != nil {
		return err
	}

	var csv strings.Builder
	csv.WriteString("topic\n")
	for i := range o.rows {
		fmt.Fprintf(&csv, "topic number %d\n", i+1)
	}
	sim.Sim.ResetMaxInFlight()
	requestsBefore := sim.Sim.Requests()
	cpuBefore, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return err
	}
	start := time.Now()
	b, err := call(client, "POST", base+"/api/v1/prompts/"+prompt["id"].(string)+"/batches?models=openai:gpt-4o-mini", token, "text/csv", csv.String())
	if err != nil {
		return err
	}
	accepted := time.Since(start)
	id := b["id"].(string)
	for {
		b, err = call(client, "GET", base+"/api/v1/batches/"+id, token, "", "")
		if err != nil {
			return err
		}
		if b["finishedAt"] != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	cpuAfter, _ := cpuTime(cmd.Process.Pid)
	overall, byKey := sim.Sim.MaxInFlight()

	store := "embedded SQLite"
	if o.databaseURL != "" {
		store = "Postgres"
	}
	ideal := time.Duration((o.rows+o.concurrency-1)/o.concurrency) * o.latency
	fmt.Printf("batch of %d rows, concurrency %d, simulator latency %s, %s\n", o.rows, o.concurrency, o.latency, store)
	fmt.Printf("  status %v: %v succeeded, %v failed, cost %v micro-dollars, %d provider calls\n",
		b["status"], b["succeeded"], b["failed"], b["costMicros"], sim.Sim.Requests()-requestsBefore)
	fmt.Printf("  upload accepted (checked, recorded, %d jobs enqueued) in %s\n", o.rows, accepted.Round(time.Millisecond))
	fmt.Printf("  all items settled after %s: %.0f items/s\n", elapsed.Round(time.Millisecond), float64(o.rows)/elapsed.Seconds())
	if o.latency > 0 {
		fmt.Printf("  ideal at this bound (rows / concurrency x latency): %s, so %.0f%% of the bound used\n",
			ideal, 100*ideal.Seconds()/elapsed.Seconds())
	}
	fmt.Printf("  most calls at once: %d overall, %d on the key (bound %d)\n", overall, byKey[key], o.concurrency)
	fmt.Printf("  server CPU: %s in all, %s per item (user+system, from /proc)\n",
		(cpuAfter - cpuBefore).Round(time.Millisecond), (cpuAfter-cpuBefore)/time.Duration(o.rows))
	return nil
}

// call sends a request and decodes a JSON object answer; a status of 300
// or more is an error.
func call(c *http.Client, method, url, token, contentType, body string) (map[string]any, error) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	return m, nil
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
