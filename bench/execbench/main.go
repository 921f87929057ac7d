// Command execbench measures what Krowoc adds to a provider call: time to
// first token over the simulator directly versus through `krowoc serve`, and
// the server's CPU per non-streaming execution, recording included (read
// from /proc). See docs/performance.md.
//
//	go run ./bench/execbench -bin bin/krowoc -requests 500
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/krowoc/krowoc/bench/internal/benchkit"
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
	srv, err := benchkit.Start(bin, "KROWOC_OPENAI_BASE_URL="+sim.OpenAIBaseURL())
	if err != nil {
		return err
	}
	defer srv.Stop()
	base, client := srv.Base, srv.Client
	token, err := srv.SignUp("bench@example.com")
	if err != nil {
		return err
	}
	promptID, err := srv.Post("/api/v1/prompts", token, `{"title":"bench","promptText":"Say hello to the benchmark please"}`, "id")
	if err != nil {
		return err
	}
	if _, err := srv.Post("/api/v1/credentials", token, `{"provider":"openai","label":"sim","key":"`+key+`"}`, "id"); err != nil {
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

	cpuBefore, err := srv.CPUTime()
	if err != nil {
		return err
	}
	start := time.Now()
	for range n {
		if _, err := srv.Post("/api/v1/prompts/"+promptID+"/executions", token, `{"model":"openai:gpt-4o-mini"}`, "id"); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	cpuAfter, _ := srv.CPUTime()
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
