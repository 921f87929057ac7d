// Command execbench measures what Krowoc adds to a provider call, through
// the provider simulator (internal/llmsim, run in this process) and a real
// `krowoc serve` child process pointed at it. Modes, chosen with -mode:
//
//   - single: time to first text event of one stream at a time, straight
//     to the simulator and through Krowoc;
//   - cpu: the server's CPU per non-streaming execution, recording
//     included (read from /proc);
//   - concurrent: the same time to first text event while -streams streams
//     are in flight at once, paced by the simulator so that they stay open;
//   - memory: the server's memory per in-flight stream, with -streams
//     streams held open;
//   - floor: the CPU per non-streaming run of a minimal Go server without
//     Krowoc (floor.go), the floor under the cpu mode's figure.
//
// Each mode starts its own simulator and server on a fresh data folder.
// See docs/performance.md for the method and results.
//
//	go run ./bench/execbench                                  # every mode
//	go run ./bench/execbench -mode single,cpu -requests 500
//	go run ./bench/execbench -mode concurrent,memory -streams 500
//	go run ./bench/execbench -mode cpu,floor -requests 2000
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/krowoc/krowoc/bench/internal/benchkit"
	"github.com/krowoc/krowoc/internal/llmsim"
)

const (
	key        = "sk-bench-0000"
	promptText = "Say hello to the benchmark please"
	warmText   = "warm up"
	directBody = `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"` + promptText + `"}]}`
)

// config is what the flags choose.
type config struct {
	bin      string
	requests int           // single, cpu
	streams  int           // concurrent, memory
	pace     time.Duration // between chunks of a paced stream
	hold     time.Duration // how long a paced stream stays open
	rounds   int           // concurrent: streams each worker runs back to back
	samples  int           // memory: samples per state
	tls      bool          // the simulator serves HTTPS with HTTP/2
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "bin/krowoc", "krowoc binary")
	mode := flag.String("mode", "all", "comma-separated modes: single, cpu, concurrent, memory, floor (or all)")
	flag.IntVar(&cfg.requests, "requests", 500, "single, cpu, floor: requests per measurement")
	flag.IntVar(&cfg.streams, "streams", 500, "concurrent, memory: streams in flight at once")
	flag.DurationVar(&cfg.pace, "pace", 100*time.Millisecond, "concurrent, memory: the simulator's delay between the chunks of a stream")
	flag.DurationVar(&cfg.hold, "hold", 10*time.Second, "concurrent: how long each stream stays open (reply words = hold/pace + 1)")
	flag.IntVar(&cfg.rounds, "rounds", 4, "concurrent: streams each of the -streams workers runs back to back; the first round ramps up and is not counted")
	flag.IntVar(&cfg.samples, "samples", 9, "memory: samples of the server's memory per state (the median is reported)")
	floorServe := flag.String("floor-serve", "", "internal: serve the floor mode's minimal server on this address")
	flag.BoolVar(&cfg.tls, "upstream-tls", false, "the simulator serves HTTPS with HTTP/2, as the providers do (Krowoc trusts its certificate through SSL_CERT_FILE)")
	flag.Parse()
	if *floorServe != "" {
		if err := serveFloor(*floorServe); err != nil {
			fmt.Fprintf(os.Stderr, "execbench: floor server: %v\n", err)
			os.Exit(1)
		}
		return
	}

	modes := map[string]bool{}
	for m := range strings.SplitSeq(*mode, ",") {
		switch m = strings.TrimSpace(m); m {
		case "all":
			modes["single"], modes["cpu"], modes["concurrent"], modes["memory"], modes["floor"] = true, true, true, true, true
		case "single", "cpu", "concurrent", "memory", "floor":
			modes[m] = true
		default:
			fmt.Fprintf(os.Stderr, "execbench: unknown mode %q\n", m)
			os.Exit(2)
		}
	}
	if cfg.rounds < 2 || cfg.streams < 1 || cfg.pace <= 0 || cfg.hold < cfg.pace || cfg.samples < 1 {
		fmt.Fprintln(os.Stderr, "execbench: need -rounds >= 2, -streams >= 1, -samples >= 1 and -hold >= -pace > 0")
		os.Exit(2)
	}
	fmt.Printf("execbench %s  (load average at start: %s)\n", time.Now().Format(time.DateTime), loadavg())
	if cfg.tls {
		fmt.Println("upstream: the simulator serves HTTPS with HTTP/2")
	}
	for _, m := range []struct {
		name string
		run  func(config) error
	}{{"single", runSingle}, {"cpu", runCPU}, {"concurrent", runConcurrent}, {"memory", runMemory}, {"floor", runFloor}} {
		if !modes[m.name] {
			continue
		}
		fmt.Println()
		if err := m.run(cfg); err != nil {
			fmt.Fprintf(os.Stderr, "execbench: %s: %v\n", m.name, err)
			os.Exit(1)
		}
	}
}

// bench is a simulator and a Krowoc server pointed at it, with a user, a
// prompt and a credential for the simulator.
type bench struct {
	sim      *llmsim.Server
	srv      *benchkit.Server
	token    string
	promptID string
	warmID   string       // a prompt the simulator answers with one word
	simConns atomic.Int64 // connections the simulator accepted
	simTLS   *tls.Config  // trusts the simulator's certificate, when it serves HTTPS
	certFile string       // that certificate, for the server (SSL_CERT_FILE)
}

// setup starts a simulator with opts (serving HTTPS with HTTP/2 when
// cfg.tls) and a server pointed at it, and creates what an execution needs.
func setup(cfg config, opts llmsim.Options) (*bench, error) {
	opts.APIKey = key
	b := &bench{}
	ts := httptest.NewUnstartedServer(llmsim.New(opts))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			b.simConns.Add(1)
		}
	}
	var env []string
	if cfg.tls {
		ts.EnableHTTP2 = true
		ts.StartTLS()
		b.simTLS = ts.Client().Transport.(*http.Transport).TLSClientConfig
		cert, err := os.CreateTemp("", "execbench-sim-*.pem")
		if err != nil {
			ts.Close()
			return nil, err
		}
		b.certFile = cert.Name() // the server reads it at its first call; removed by close
		if err := pem.Encode(cert, &pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}); err != nil {
			ts.Close()
			os.Remove(b.certFile)
			return nil, err
		}
		cert.Close()
		env = append(env, "SSL_CERT_FILE="+cert.Name())
	} else {
		ts.Start()
	}
	b.sim = &llmsim.Server{Server: ts, Sim: ts.Config.Handler.(*llmsim.Simulator)}
	srv, err := benchkit.Start(cfg.bin, append(env, "KROWOC_OPENAI_BASE_URL="+b.sim.OpenAIBaseURL())...)
	if err != nil {
		b.sim.Close()
		if b.certFile != "" {
			os.Remove(b.certFile)
		}
		return nil, err
	}
	b.srv = srv
	if err := b.create(); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// transport returns t, made to trust the simulator and speak HTTP/2 to it
// when it serves HTTPS.
func (b *bench) transport(t *http.Transport) *http.Transport {
	if b.simTLS != nil {
		t.TLSClientConfig, t.ForceAttemptHTTP2 = b.simTLS.Clone(), true
	}
	return t
}

func (b *bench) create() (err error) {
	if b.token, err = b.srv.SignUp("bench@example.com"); err != nil {
		return err
	}
	if b.promptID, err = b.srv.Post("/api/v1/prompts", b.token, `{"title":"bench","promptText":"`+promptText+`"}`, "id"); err != nil {
		return err
	}
	if b.warmID, err = b.srv.Post("/api/v1/prompts", b.token, `{"title":"warm","promptText":"`+warmText+`"}`, "id"); err != nil {
		return err
	}
	_, err = b.srv.Post("/api/v1/credentials", b.token, `{"provider":"openai","label":"sim","key":"`+key+`"}`, "id")
	return err
}

func (b *bench) close() {
	b.srv.Stop()
	b.sim.Close()
	if b.certFile != "" {
		os.Remove(b.certFile)
	}
}

// pacedReply returns a Reply of words words (one chunk each), except for
// the warm-up prompt, which gets one word and so no pacing.
func pacedReply(words int) func(string, string, []llmsim.Turn) string {
	reply := strings.Repeat("token ", words-1) + "end"
	return func(_, _ string, turns []llmsim.Turn) string {
		if len(turns) > 0 && turns[len(turns)-1].Text == warmText {
			return "ok"
		}
		return reply
	}
}

// directRequest is a streaming chat completion straight to the simulator.
func (b *bench) directRequest(ctx context.Context) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, "POST", b.sim.OpenAIBaseURL()+"/chat/completions", strings.NewReader(directBody))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// krowocRequest is a streaming execution of prompt through Krowoc.
func (b *bench) krowocRequest(ctx context.Context, prompt string) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, "POST", b.srv.Base+"/api/v1/prompts/"+prompt+"/executions", strings.NewReader(`{"model":"openai:gpt-4o-mini"}`))
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	return req
}

// The first text event of a stream: a chunk whose delta carries content
// (the simulator's first chunk only announces the role), or Krowoc's
// first delta event.
var (
	directText = func(line []byte) bool {
		return bytes.HasPrefix(line, []byte("data: {")) && bytes.Contains(line, []byte(`"delta":{"content":`))
	}
	krowocText = func(line []byte) bool { return string(line) == "event: delta" }
)

// stream sends req and returns the time until the first line isText
// accepts, calling first (when not nil) at that moment. It reads the stream
// to its end, or until the request's context is cancelled, which is then
// no error.
func stream(c *http.Client, req *http.Request, isText func([]byte) bool, first func()) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return 0, fmt.Errorf("%s: %d %s", req.URL.Path, resp.StatusCode, bytes.TrimSpace(b))
	}
	sc := bufio.NewScanner(resp.Body)
	var ttft time.Duration
	for sc.Scan() {
		if ttft == 0 && isText(sc.Bytes()) {
			ttft = time.Since(start)
			if first != nil {
				first()
			}
		}
	}
	if err := sc.Err(); err != nil && req.Context().Err() == nil {
		return ttft, fmt.Errorf("%s: read stream: %w", req.URL.Path, err)
	}
	if ttft == 0 && req.Context().Err() == nil {
		return 0, fmt.Errorf("%s: stream ended without a text event", req.URL.Path)
	}
	return ttft, nil
}

// runSingle times the first text event of one stream at a time, and
// splits each time at the moment the simulator has the request (split).
func runSingle(cfg config) error {
	arrivals := make(chan time.Time, 1)
	b, err := setup(cfg, llmsim.Options{Reply: noteArrival(arrivals)})
	if err != nil {
		return err
	}
	defer b.close()
	c := &http.Client{Transport: b.transport(&http.Transport{MaxIdleConnsPerHost: 64})}
	var direct, krowoc split
	d, err := measure(cfg.requests, func() (time.Duration, error) {
		return direct.stream(c, b.directRequest(context.Background()), directText, arrivals)
	})
	if err != nil {
		return err
	}
	k, err := measure(cfg.requests, func() (time.Duration, error) {
		return krowoc.stream(c, b.krowocRequest(context.Background(), b.promptID), krowocText, arrivals)
	})
	if err != nil {
		return err
	}
	fmt.Printf("time to first text event, one stream at a time (n=%d after 20 warm-up)\n", cfg.requests)
	printTTFT(d, k)
	printSplit(direct, krowoc, "krowoc")
	return nil
}

// noteArrival is a simulator Reply (its default one) that also sends the
// time each request arrived on arrivals, when there is room.
func noteArrival(arrivals chan time.Time) func(string, string, []llmsim.Turn) string {
	return func(_, _ string, turns []llmsim.Turn) string {
		select {
		case arrivals <- time.Now():
		default:
		}
		return "Echo: " + turns[len(turns)-1].Text
	}
}

// split is a series of first text events, each split at the moment the
// simulator had the request: the way in (for Krowoc: routing,
// authentication, the reads and building the provider call) and the way
// out (the first chunk back to the client).
type split struct{ in, out []time.Duration }

// stream streams req one at a time, as stream does, and notes the split
// of its first text event (noteArrival sends to arrivals).
func (s *split) stream(c *http.Client, req *http.Request, isText func([]byte) bool, arrivals chan time.Time) (time.Duration, error) {
	select {
	case <-arrivals:
	default:
	}
	start := time.Now()
	ttft, err := stream(c, req, isText, nil)
	if err != nil {
		return 0, err
	}
	select {
	case at := <-arrivals:
		s.in, s.out = append(s.in, at.Sub(start)), append(s.out, ttft-at.Sub(start))
	default:
		return 0, fmt.Errorf("%s: the simulator did not see the request", req.URL.Path)
	}
	return ttft, nil
}

// printSplit prints the median way in and way out, the 20 warm-up streams
// left out.
func printSplit(direct, via split, name string) {
	median := func(d []time.Duration) time.Duration {
		d = slices.Clone(d[min(20, len(d)-1):])
		slices.Sort(d)
		return pct(d, .5)
	}
	dIn, dOut, vIn, vOut := median(direct.in), median(direct.out), median(via.in), median(via.out)
	fmt.Printf("  split where the simulator has the request, p50 of each:   way in   way out\n")
	fmt.Printf("  %-20s %35s %9s\n", "simulator directly", ms(dIn), ms(dOut))
	fmt.Printf("  %-20s %35s %9s\n", "through "+name, ms(vIn), ms(vOut))
	fmt.Printf("  %-20s %35s %9s\n", "added by "+name, ms(vIn-dIn), ms(vOut-dOut))
}

// runCPU reads the server's CPU time around non-streaming executions.
// runCPU measures the server's CPU per non-streaming execution: one client
// at a time and 16 at once against a quick upstream (a run finishes before
// its deferred start record is written, so it is written once, whole), and
// 64 at once against an upstream that answers in 200 ms (start and outcome
// written separately, in batches with other runs).
func runCPU(cfg config) error {
	fmt.Printf("non-streaming executions, recording included (n=%d per row after 20 warm-up)\n", cfg.requests)
	fmt.Printf("  %-34s %12s %12s %12s\n", "upstream, clients", "server CPU", "wall/exec", "execs/s")
	for _, c := range []struct {
		latency time.Duration
		clients int
	}{{0, 1}, {0, 16}, {200 * time.Millisecond, 64}} {
		cpu, wall, err := cpuRun(cfg, c.latency, c.clients)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("quick, %d at a time", c.clients)
		if c.latency > 0 {
			name = fmt.Sprintf("%s, %d at a time", c.latency, c.clients)
		}
		fmt.Printf("  %-34s %12s %12s %12.0f\n", name, cpu, wall, float64(time.Second)/float64(wall))
	}
	fmt.Println("  (server CPU: user+system per execution, from /proc)")
	return nil
}

func cpuRun(cfg config, latency time.Duration, clients int) (cpu, wall time.Duration, err error) {
	b, err := setup(cfg, llmsim.Options{Latency: latency})
	if err != nil {
		return 0, 0, err
	}
	defer b.close()
	return cpuPerRequest(b.srv, cfg.requests, clients, func() error {
		_, err := b.srv.Post("/api/v1/prompts/"+b.promptID+"/executions", b.token, `{"model":"openai:gpt-4o-mini"}`, "id")
		return err
	})
}

// cpuPerRequest sends requests requests with send, from clients clients at
// once after 20 to warm up, and returns srv's CPU time and the wall time
// per request.
func cpuPerRequest(srv *benchkit.Server, requests, clients int, send func() error) (cpu, wall time.Duration, err error) {
	for range 20 {
		if err := send(); err != nil {
			return 0, 0, err
		}
	}
	cpuBefore, err := srv.CPUTime()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	var next atomic.Int64
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(requests) {
				if err := send(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, 0, err
	}
	elapsed := time.Since(start)
	cpuAfter, err := srv.CPUTime()
	if err != nil {
		return 0, 0, err
	}
	n := time.Duration(requests)
	return (cpuAfter - cpuBefore) / n, elapsed / n, nil
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

// printTTFT prints the percentiles of sorted direct and Krowoc times, and
// of their difference (each percentile of Krowoc minus the same of direct).
func printTTFT(d, k []time.Duration) { printTTFTVia(d, k, "krowoc") }

// printTTFTVia is printTTFT for times through the server named via.
func printTTFTVia(d, k []time.Duration, via string) {
	fmt.Printf("  %-20s %9s %9s %9s %9s\n", "", "p50", "p95", "p99", "max")
	row := func(name string, f func(p float64) time.Duration) {
		fmt.Printf("  %-20s %9s %9s %9s %9s\n", name, ms(f(.5)), ms(f(.95)), ms(f(.99)), ms(f(1)))
	}
	row("simulator directly", func(p float64) time.Duration { return pct(d, p) })
	row("through "+via, func(p float64) time.Duration { return pct(k, p) })
	row("added by "+via, func(p float64) time.Duration { return pct(k, p) - pct(d, p) })
}

// pct is the p-th percentile of sorted d (nearest rank).
func pct(d []time.Duration, p float64) time.Duration {
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d.Microseconds())/1000) }

// loadavg is the machine's 1, 5 and 15 minute load averages.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

// checkFiles fails when the process may not open the descriptors n
// streams need: the client's and the simulator's end of each connection.
// Go raises the soft limit to the hard one at start, in this process and in
// the krowoc server alike.
func checkFiles(n int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if need := uint64(2*n + 256); lim.Cur < need {
		return fmt.Errorf("open files limit %d is too low for %d streams (need %d): raise it with ulimit -n", lim.Cur, n, need)
	}
	return nil
}
