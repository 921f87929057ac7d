package provider_test

import (
	"bytes"
	"context"
	"errors"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
	"github.com/krowoc/krowoc/internal/provider"
)

// secret is the API key of every test; no error or log may contain it.
const secret = "sk-krowoc-SECRET-0123456789abcdef"

// simCase is one provider talking to the simulator.
type simCase struct {
	id      string
	model   string
	baseURL func(*llmsim.Server) string
	// golden result for the golden request
	finish        string
	cacheCreation int64
}

var simCases = []simCase{
	{provider.OpenAI, "gpt-4o-mini", (*llmsim.Server).OpenAIBaseURL, "stop", 2},
	{provider.OpenAICompatible, "local-llama", (*llmsim.Server).OpenAIBaseURL, "stop", 2},
	{provider.Anthropic, "claude-sonnet-4-5", (*llmsim.Server).AnthropicBaseURL, "end_turn", 2},
	{provider.Gemini, "gemini-2.5-flash", (*llmsim.Server).GeminiBaseURL, "STOP", 0},
}

// logCapture collects what the SDKs write through the standard logger.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// newSim starts a simulator expecting secret, with cached, cache-creation
// and reasoning tokens for every test model.
func newSim(tb testing.TB, opts llmsim.Options) *llmsim.Server {
	tb.Helper()
	opts.APIKey = secret
	if opts.Models == nil {
		opts.Models = map[string]llmsim.ModelConfig{}
		for _, c := range simCases {
			opts.Models[c.model] = llmsim.ModelConfig{CachedTokens: 4, CacheCreationTokens: 2, ReasoningTokens: 3}
		}
	}
	s := llmsim.NewServer(opts)
	tb.Cleanup(s.Close)
	return s
}

// newProvider returns the provider of c configured for the simulator.
func newProvider(tb testing.TB, c simCase, s *llmsim.Server) provider.Provider {
	tb.Helper()
	p, err := provider.New(c.id, provider.Options{BaseURL: c.baseURL(s)})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func goldenRequest(model string) provider.Request {
	return provider.Request{
		Model:    model,
		System:   "Be brief.",
		Messages: []provider.Message{{Role: "user", Content: "Hi"}, {Role: "assistant", Content: "Hello."}, {Role: "user", Content: "Say hello to the world"}},
		APIKey:   secret,
	}
}

// checkSafe fails when err's message contains the API key.
func checkSafe(tb testing.TB, err error) {
	tb.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		tb.Errorf("error message contains the API key: %v", err)
	}
}

func TestGolden(t *testing.T) {
	s := newSim(t, llmsim.Options{})
	for _, c := range simCases {
		// System 2 words + messages 1+1+5 words = 9 input tokens, 4 cached;
		// reply 6 words + 3 reasoning = 9 output tokens.
		want := provider.Result{
			Text:         "Echo: Say hello to the world",
			FinishReason: c.finish,
			Usage:        provider.Usage{Input: 9, Output: 9, CachedInput: 4, CacheCreation: c.cacheCreation, Reasoning: 3},
		}
		p := newProvider(t, c, s)
		t.Run(c.id+"/complete", func(t *testing.T) {
			got, err := p.Complete(context.Background(), goldenRequest(c.model))
			if err != nil {
				t.Fatal(err)
			}
			if *got != want {
				t.Errorf("got %+v, want %+v", *got, want)
			}
		})
		t.Run(c.id+"/stream", func(t *testing.T) {
			var deltas []string
			got, err := p.Stream(context.Background(), goldenRequest(c.model), func(d string) error {
				deltas = append(deltas, d)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if *got != want {
				t.Errorf("got %+v, want %+v", *got, want)
			}
			if len(deltas) != 6 || strings.Join(deltas, "") != want.Text {
				t.Errorf("deltas %q, want the text in 6 deltas", deltas)
			}
		})
	}
}

func TestFaultsMapToKinds(t *testing.T) {
	logs := &logCapture{}
	prev := log.Writer()
	log.SetOutput(logs)
	t.Cleanup(func() { log.SetOutput(prev) })
	s := newSim(t, llmsim.Options{RetryAfter: 2 * time.Second})
	tests := []struct {
		fault     llmsim.Fault
		stream    bool
		want      provider.Kind
		retryable bool
	}{
		{llmsim.Fault401, false, provider.KindAuth, false},
		{llmsim.Fault401, true, provider.KindAuth, false},
		{llmsim.Fault429, false, provider.KindRateLimited, true},
		{llmsim.Fault429, true, provider.KindRateLimited, true},
		{llmsim.Fault500, false, provider.KindServer, true},
		{llmsim.Fault503, true, provider.KindServer, true},
		{llmsim.FaultContentFilter, false, provider.KindContentFiltered, false},
		{llmsim.FaultContentFilter, true, provider.KindContentFiltered, false},
		{llmsim.FaultCut, false, provider.KindConnect, true},
		{llmsim.FaultCut, true, provider.KindConnect, true},
		{llmsim.FaultMalformed, false, provider.KindMalformed, false},
		{llmsim.FaultMalformed, true, provider.KindMalformed, false},
	}
	for _, c := range simCases {
		p := newProvider(t, c, s)
		for _, tt := range tests {
			name := c.id + "/" + string(tt.fault)
			if tt.stream {
				name += "/stream"
			}
			t.Run(name, func(t *testing.T) {
				req := goldenRequest("sim-fault-" + string(tt.fault))
				var res *provider.Result
				var err error
				var deltas int
				if tt.stream {
					res, err = p.Stream(context.Background(), req, func(string) error { deltas++; return nil })
				} else {
					res, err = p.Complete(context.Background(), req)
				}
				if err == nil {
					t.Fatalf("got success %+v, want a %s error", res, tt.want)
				}
				checkSafe(t, err)
				var pe *provider.Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %T %v is not a *provider.Error", err, err)
				}
				if pe.Kind != tt.want || pe.Retryable() != tt.retryable {
					t.Errorf("got %v (retryable %v), want kind %s (retryable %v)", err, pe.Retryable(), tt.want, tt.retryable)
				}
				if tt.fault == llmsim.Fault429 && pe.RetryAfter != 2*time.Second {
					t.Errorf("RetryAfter %v, want 2s", pe.RetryAfter)
				}
				if tt.fault == llmsim.FaultCut && tt.stream && deltas == 0 {
					t.Errorf("no delta before the cut; the test should cut mid-way")
				}
			})
		}
	}
	if strings.Contains(logs.buf.String(), secret) {
		t.Errorf("the SDK logs contain the API key:\n%s", logs.buf.String())
	}
}

func TestBadKeyIsAuth(t *testing.T) {
	s := newSim(t, llmsim.Options{})
	for _, c := range simCases {
		p := newProvider(t, c, s)
		t.Run(c.id, func(t *testing.T) {
			const wrong = "sk-wrong-key-0123456789"
			req := goldenRequest(c.model)
			req.APIKey = wrong
			for name, call := range map[string]func() error{
				"complete": func() error { _, err := p.Complete(context.Background(), req); return err },
				"stream": func() error {
					_, err := p.Stream(context.Background(), req, func(string) error { return nil })
					return err
				},
				"verify": func() error { return p.Verify(context.Background(), wrong, "") },
			} {
				err := call()
				var pe *provider.Error
				if !errors.As(err, &pe) || pe.Kind != provider.KindAuth {
					t.Errorf("%s: got %v, want an auth error", name, err)
				}
				if err != nil && strings.Contains(err.Error(), wrong) {
					t.Errorf("%s: error contains the key: %v", name, err)
				}
			}
			if err := p.Verify(context.Background(), secret, ""); err != nil {
				t.Errorf("verify with the right key: %v", err)
			}
		})
	}
}

func TestRetryableThenSuccess(t *testing.T) {
	s := newSim(t, llmsim.Options{})
	for _, c := range simCases {
		p := newProvider(t, c, s)
		t.Run(c.id, func(t *testing.T) {
			s.Sim.PushFaults(llmsim.Fault500, llmsim.Fault429)
			before := s.Sim.Requests()
			var kinds []provider.Kind
			for range 3 {
				_, err := p.Stream(context.Background(), goldenRequest(c.model), func(string) error { return nil })
				if err == nil {
					break
				}
				var pe *provider.Error
				if !errors.As(err, &pe) || !pe.Retryable() {
					t.Fatalf("got %v, want a retryable error", err)
				}
				kinds = append(kinds, pe.Kind)
			}
			if len(kinds) != 2 || kinds[0] != provider.KindServer || kinds[1] != provider.KindRateLimited {
				t.Errorf("kinds %v, want [server rate_limited] then success", kinds)
			}
			// No retries inside the SDKs: one upstream request per call.
			if n := s.Sim.Requests() - before; n != 3 {
				t.Errorf("%d upstream requests, want 3", n)
			}
		})
	}
}

func TestCancelAbortsUpstream(t *testing.T) {
	s := newSim(t, llmsim.Options{ChunkDelay: 30 * time.Second})
	for _, c := range simCases {
		p := newProvider(t, c, s)
		t.Run(c.id, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			start := time.Now()
			_, err := p.Stream(ctx, goldenRequest("sim-fault-slow-chunks"), func(string) error {
				cancel() // the client went away after the first delta
				return nil
			})
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != provider.KindCanceled || !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want a canceled error", err)
			}
			// A call that waited for the next chunk would take 30s.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("returned after %v; the upstream request was not aborted", d)
			}
		})
	}
}

func TestDeadlineIsTimeout(t *testing.T) {
	s := newSim(t, llmsim.Options{FirstTokenDelay: 30 * time.Second})
	for _, c := range simCases {
		p := newProvider(t, c, s)
		t.Run(c.id, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := p.Stream(ctx, goldenRequest("sim-fault-slow-first-token"), func(string) error { return nil })
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != provider.KindTimeout || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want a timeout error", err)
			}
		})
	}
}

func TestDeltaErrorReturnedAsIs(t *testing.T) {
	s := newSim(t, llmsim.Options{})
	stop := errors.New("client gone")
	for _, c := range simCases {
		p := newProvider(t, c, s)
		t.Run(c.id, func(t *testing.T) {
			_, err := p.Stream(context.Background(), goldenRequest(c.model), func(string) error { return stop })
			if err != stop {
				t.Errorf("got %v, want the onDelta error itself", err)
			}
		})
	}
}

func TestConnectError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, c := range simCases {
		t.Run(c.id, func(t *testing.T) {
			p, err := provider.New(c.id, provider.Options{})
			if err != nil {
				t.Fatal(err)
			}
			req := goldenRequest(c.model)
			base := "http://" + addr
			if c.id == provider.OpenAI || c.id == provider.OpenAICompatible {
				base += "/v1"
			}
			req.BaseURL = base // per-call base URL wins over the default
			_, err = p.Complete(context.Background(), req)
			checkSafe(t, err)
			var pe *provider.Error
			if !errors.As(err, &pe) || pe.Kind != provider.KindConnect || !pe.Retryable() {
				t.Errorf("got %v, want a retryable connect error", err)
			}
		})
	}
}

func TestNewRejectsUnknownProvider(t *testing.T) {
	if _, err := provider.New("mistral", provider.Options{}); !errors.Is(err, provider.ErrUnknownProvider) {
		t.Errorf("got %v, want ErrUnknownProvider", err)
	}
}

func TestOpenAICompatibleNeedsBaseURLNotKey(t *testing.T) {
	p, err := provider.New(provider.OpenAICompatible, provider.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), goldenRequest("m"))
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Kind != provider.KindBadRequest {
		t.Errorf("got %v, want bad_request for a missing base URL", err)
	}

	s := llmsim.NewServer(llmsim.Options{}) // a local server that wants no key
	defer s.Close()
	req := goldenRequest("local")
	req.APIKey, req.BaseURL = "", s.OpenAIBaseURL()
	res, err := p.Complete(context.Background(), req)
	if err != nil || res.Text != "Echo: Say hello to the world" {
		t.Errorf("got %+v, %v", res, err)
	}
}

func TestParametersReachTheProvider(t *testing.T) {
	s := newSim(t, llmsim.Options{})
	two := 2
	for _, c := range simCases {
		p := newProvider(t, c, s)
		t.Run(c.id, func(t *testing.T) {
			req := goldenRequest(c.model)
			req.MaxTokens = &two
			temp, topP := 0.2, 0.9
			req.Temperature, req.TopP = &temp, &topP
			res, err := p.Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != "Echo: Say " {
				t.Errorf("text %q, want the reply cut at 2 tokens", res.Text)
			}
		})
	}
}
