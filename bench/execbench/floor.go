package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/krowoc/krowoc/bench/internal/benchkit"
	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/provider"
)

// The floor mode measures what any Go service adds on this machine to a
// provider call, with nothing of Krowoc around it: a minimal server
// (execbench itself, started again as a child process with -floor-serve)
// that takes a run request, calls the simulator and answers the text and
// usage, whole (/run) or streamed as Krowoc's delta events (/stream). It
// has no router, no authentication, reads no prompt or key and records
// nothing, so its time to first text event and its CPU per run are floors
// under Krowoc's, measured as the single and cpu modes do. Two kinds:
//
//   - net/http: encoding/json and net/http only, the least a proxy does;
//   - sdk: the official OpenAI SDK (openai-go) called directly;
//   - provider: the call through Krowoc's provider layer (the same SDK,
//     with Krowoc's error classification and usage normalization).
const (
	floorKindEnv     = "EXECBENCH_FLOOR_KIND"
	floorUpstreamEnv = "EXECBENCH_FLOOR_UPSTREAM"
	floorBody        = `{"model":"gpt-4o-mini","prompt":"` + promptText + `"}`
)

func runFloor(cfg config) error {
	arrivals := make(chan time.Time, 1)
	sim := llmsim.NewServer(llmsim.Options{APIKey: key, Reply: noteArrival(arrivals)})
	defer sim.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var directSplit split
	direct := func() (time.Duration, error) {
		req, _ := http.NewRequest("POST", sim.OpenAIBaseURL()+"/chat/completions", strings.NewReader(directBody))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		return directSplit.stream(c, req, directText, arrivals)
	}
	var cpuRows []string
	for _, kind := range []string{"net/http", "sdk", "provider"} {
		srv, err := benchkit.StartProcess(func(addr string) []string { return []string{exe, "-floor-serve", addr} },
			floorKindEnv+"="+kind, floorUpstreamEnv+"="+sim.OpenAIBaseURL())
		if err != nil {
			return err
		}
		var floorSplit split
		viaFloor := func() (time.Duration, error) {
			req, _ := http.NewRequest("POST", srv.Base+"/stream", strings.NewReader(floorBody))
			return floorSplit.stream(c, req, krowocText, arrivals)
		}
		directSplit = split{}
		d, err := measure(cfg.requests, direct)
		if err == nil {
			var f []time.Duration
			if f, err = measure(cfg.requests, viaFloor); err == nil {
				fmt.Printf("floor, %s: time to first text event, one stream at a time (n=%d after 20 warm-up)\n", kind, cfg.requests)
				printTTFTVia(d, f, "floor")
				printSplit(directSplit, floorSplit, "floor")
				fmt.Println()
			}
		}
		for _, clients := range []int{1, 16} {
			if err != nil {
				break
			}
			var cpu, wall time.Duration
			if cpu, wall, err = floorRun(srv, cfg.requests, clients); err == nil {
				cpuRows = append(cpuRows, fmt.Sprintf("  %-34s %12s %12s %12.0f", fmt.Sprintf("%s, %d at a time", kind, clients), cpu, wall,
					float64(time.Second)/float64(wall)))
			}
		}
		srv.Stop()
		if err != nil {
			return err
		}
	}
	fmt.Printf("floor: non-streaming runs through a minimal Go server (n=%d per row after 20 warm-up)\n", cfg.requests)
	fmt.Printf("  %-34s %12s %12s %12s\n", "server, clients", "server CPU", "wall/run", "runs/s")
	for _, row := range cpuRows {
		fmt.Println(row)
	}
	fmt.Println("  (server CPU: user+system per run, from /proc)")
	if err := floorConcurrent(cfg, exe); err != nil {
		return err
	}
	return floorMemory(cfg, exe)
}

// floorConcurrent times the first text event with cfg.streams streams in
// flight, as the concurrent mode does for Krowoc: straight to the
// simulator, then through the net/http and the SDK floor servers (the
// provider layer measured as the SDK in the other floors).
func floorConcurrent(cfg config, exe string) error {
	if err := checkFiles(cfg.streams); err != nil {
		return err
	}
	words := int(cfg.hold/cfg.pace) + 1
	sim := llmsim.NewServer(llmsim.Options{APIKey: key, Pace: cfg.pace, Reply: pacedReply(words)})
	defer sim.Close()
	var dials atomic.Int64
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.streams + 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	direct := func() (time.Duration, error) {
		req, _ := http.NewRequest("POST", sim.OpenAIBaseURL()+"/chat/completions", strings.NewReader(directBody))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		return stream(c, req, directText, nil)
	}
	var d phase
	for _, kind := range []string{"net/http", "sdk"} {
		srv, err := benchkit.StartProcess(func(addr string) []string { return []string{exe, "-floor-serve", addr} },
			floorKindEnv+"="+kind, floorUpstreamEnv+"="+sim.OpenAIBaseURL())
		if err != nil {
			return err
		}
		b := &bench{sim: sim, srv: srv}
		if d.ttft == nil {
			d = b.runPhase(cfg, &dials, direct)
			tr.CloseIdleConnections()
		}
		f := b.runPhase(cfg, &dials, func() (time.Duration, error) {
			req, _ := http.NewRequest("POST", srv.Base+"/stream", strings.NewReader(floorBody))
			return stream(c, req, krowocText, nil)
		})
		tr.CloseIdleConnections()
		srv.Stop()
		if len(d.ttft) == 0 || len(f.ttft) == 0 {
			return fmt.Errorf("no stream succeeded (direct: %v; floor: %v)", d.firstErr, f.firstErr)
		}
		fmt.Printf("\nfloor, %s: time to first text event, %d streams in flight at once (as the concurrent mode; %d and %d counted)\n",
			kind, cfg.streams, len(d.ttft), len(f.ttft))
		printTTFTVia(d.ttft, f.ttft, "floor")
		fmt.Printf("  server CPU per stream through the floor: %s (%d chunks each)\n", f.serverCPU/time.Duration(f.streams), words)
	}
	return nil
}

// floorMemory measures each kind of floor server's memory per stream held
// open, as the memory mode does for Krowoc.
func floorMemory(cfg config, exe string) error {
	if err := checkFiles(cfg.streams); err != nil {
		return err
	}
	words := int(memoryHold/cfg.pace) + 1
	sim := llmsim.NewServer(llmsim.Options{APIKey: key, Pace: cfg.pace, Reply: pacedReply(words)})
	defer sim.Close()
	for _, kind := range []string{"net/http", "sdk", "provider"} {
		srv, err := benchkit.StartProcess(func(addr string) []string { return []string{exe, "-floor-serve", addr} },
			floorKindEnv+"="+kind, floorUpstreamEnv+"="+sim.OpenAIBaseURL())
		if err != nil {
			return err
		}
		fmt.Printf("\nfloor, %s: memory with %d streams held open (each %d chunks %s apart)", kind, cfg.streams, words, cfg.pace)
		err = measureMemory(cfg, memoryTarget{srv: srv, request: func(ctx context.Context, warm bool) *http.Request {
			body := floorBody
			if warm {
				body = `{"model":"gpt-4o-mini","prompt":"` + warmText + `"}`
			}
			req, _ := http.NewRequestWithContext(ctx, "POST", srv.Base+"/stream", strings.NewReader(body))
			return req
		}})
		srv.Stop()
		if err != nil {
			return err
		}
	}
	return nil
}

func floorRun(srv *benchkit.Server, requests, clients int) (cpu, wall time.Duration, err error) {
	return cpuPerRequest(srv, requests, clients, func() error {
		_, err := srv.Do("POST", "/run", "", floorBody)
		return err
	})
}

// serveFloor is the child process of the floor mode: it serves /run on
// addr until it is interrupted.
func serveFloor(addr string) error {
	upstream := os.Getenv(floorUpstreamEnv)
	var call func(r *http.Request, model, prompt string) (any, error)
	var streamCall func(r *http.Request, model, prompt string, onDelta func(string) error) error
	switch kind := os.Getenv(floorKindEnv); kind {
	case "net/http":
		client := provider.NewHTTPClient()
		call = func(r *http.Request, model, prompt string) (any, error) {
			return plainCall(r, client, upstream, model, prompt)
		}
		streamCall = func(r *http.Request, model, prompt string, onDelta func(string) error) error {
			return plainStream(r, client, upstream, model, prompt, onDelta)
		}
	case "sdk":
		chat := openai.NewChatCompletionService(option.WithHTTPClient(provider.NewHTTPClient()), option.WithMaxRetries(0),
			option.WithBaseURL(upstream+"/"), option.WithAPIKey(key))
		params := func(model, prompt string) openai.ChatCompletionNewParams {
			return openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)}}
		}
		call = func(r *http.Request, model, prompt string) (any, error) {
			resp, err := chat.New(r.Context(), params(model, prompt))
			if err != nil {
				return nil, err
			}
			return map[string]any{"text": resp.Choices[0].Message.Content, "usage": resp.Usage}, nil
		}
		streamCall = func(r *http.Request, model, prompt string, onDelta func(string) error) error {
			st := chat.NewStreaming(r.Context(), params(model, prompt))
			defer st.Close()
			for st.Next() {
				for _, c := range st.Current().Choices {
					if c.Delta.Content != "" {
						if err := onDelta(c.Delta.Content); err != nil {
							return err
						}
					}
				}
			}
			return st.Err()
		}
	case "provider":
		p, err := provider.New(provider.OpenAI, provider.Options{BaseURL: upstream})
		if err != nil {
			return err
		}
		request := func(model, prompt string) provider.Request {
			return provider.Request{Model: model, APIKey: key, Messages: []provider.Message{{Role: "user", Content: prompt}}}
		}
		call = func(r *http.Request, model, prompt string) (any, error) {
			return p.Complete(r.Context(), request(model, prompt))
		}
		streamCall = func(r *http.Request, model, prompt string, onDelta func(string) error) error {
			_, err := p.Stream(r.Context(), request(model, prompt), onDelta)
			return err
		}
	default:
		return fmt.Errorf("unknown floor kind %q", kind)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/ready", func(http.ResponseWriter, *http.Request) {})
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.HandleFunc("POST /run", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Model, Prompt string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := call(r, in.Model, in.Prompt)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /stream", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Model, Prompt string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		_ = streamCall(r, in.Model, in.Prompt, func(text string) error {
			b, err := json.Marshal(map[string]string{"text": text})
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "event: delta\ndata: %s\n\n", b); err != nil {
				return err
			}
			return rc.Flush()
		})
	})
	return http.ListenAndServe(addr, mux)
}

// plainStream makes a streaming chat completion with encoding/json and
// net/http only, calling onDelta with each text delta.
func plainStream(r *http.Request, client *http.Client, upstream, model, prompt string, onDelta func(string) error) error {
	body := `{"model":` + strconv.Quote(model) + `,"stream":true,"messages":[{"role":"user","content":` + strconv.Quote(prompt) + `}]}`
	req, err := http.NewRequestWithContext(r.Context(), "POST", upstream+"/chat/completions", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upstream answered %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: "))
		if !ok || bytes.Equal(data, []byte("[DONE]")) {
			continue
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(data, &chunk); err != nil {
			return err
		}
		for _, c := range chunk.Choices {
			if c.Delta.Content != "" {
				if err := onDelta(c.Delta.Content); err != nil {
					return err
				}
			}
		}
	}
	return sc.Err()
}

// plainCall makes a chat completion with encoding/json and net/http only.
func plainCall(r *http.Request, client *http.Client, upstream, model, prompt string) (any, error) {
	type message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	body, err := json.Marshal(struct {
		Model    string    `json:"model"`
		Messages []message `json:"messages"`
	}{model, []message{{"user", prompt}}})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(r.Context(), "POST", upstream+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message message `json:"message"`
		} `json:"choices"`
		Usage struct {
			PromptTokens     int64 `json:"prompt_tokens"`
			CompletionTokens int64 `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || len(out.Choices) == 0 {
		return nil, fmt.Errorf("upstream answered %s", resp.Status)
	}
	var text strings.Builder
	for _, c := range out.Choices {
		text.WriteString(c.Message.Content)
	}
	return map[string]any{"text": text.String(), "usage": out.Usage}, nil
}
