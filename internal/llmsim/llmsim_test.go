package llmsim_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
)

// post sends a JSON body with headers and returns the response.
func post(tb testing.TB, url, body string, headers map[string]string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { resp.Body.Close() })
	return resp
}

// sseData reads the data lines of an SSE body until it ends or breaks.
func sseData(tb testing.TB, r io.Reader) (data []string, err error) {
	tb.Helper()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = append(data, d)
		}
	}
	return data, sc.Err()
}

func newServer(tb testing.TB, opts llmsim.Options) *llmsim.Server {
	tb.Helper()
	s := llmsim.NewServer(opts)
	tb.Cleanup(s.Close)
	return s
}

const openAIBody = `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello to the world"}]`

func TestOpenAINonStreaming(t *testing.T) {
	s := newServer(t, llmsim.Options{Models: map[string]llmsim.ModelConfig{"gpt-4o-mini": {CachedTokens: 4, ReasoningTokens: 3}}})
	resp := post(t, s.URL+"/v1/chat/completions", openAIBody+`}`, nil)
	var got struct {
		Choices []struct {
			Message      struct{ Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens        int64 `json:"prompt_tokens"`
			CompletionTokens    int64 `json:"completion_tokens"`
			PromptTokensDetails struct {
				CachedTokens int64 `json:"cached_tokens"`
			} `json:"prompt_tokens_details"`
			CompletionTokensDetails struct {
				ReasoningTokens int64 `json:"reasoning_tokens"`
			} `json:"completion_tokens_details"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Choices[0].Message.Content != "Echo: Say hello to the world" || got.Choices[0].FinishReason != "stop" {
		t.Errorf("got %+v", got.Choices)
	}
	u := got.Usage
	if u.PromptTokens != 7 || u.PromptTokensDetails.CachedTokens != 4 || u.CompletionTokens != 9 || u.CompletionTokensDetails.ReasoningTokens != 3 {
		t.Errorf("usage %+v, want prompt 7 (cached 4), completion 9 (reasoning 3)", u)
	}
}

func TestOpenAIStreamingUsageOnlyInLastChunk(t *testing.T) {
	s := newServer(t, llmsim.Options{})
	resp := post(t, s.URL+"/v1/chat/completions", openAIBody+`,"stream":true,"stream_options":{"include_usage":true}}`, nil)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	data, err := sseData(t, resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if data[len(data)-1] != "[DONE]" {
		t.Fatalf("last data %q, want [DONE]", data[len(data)-1])
	}
	var text strings.Builder
	for i, d := range data[:len(data)-1] {
		var ch struct {
			Choices []struct{ Delta struct{ Content string } }
			Usage   *struct {
				PromptTokens int64 `json:"prompt_tokens"`
			}
		}
		if err := json.Unmarshal([]byte(d), &ch); err != nil {
			t.Fatalf("chunk %d %q: %v", i, d, err)
		}
		last := i == len(data)-2
		if (ch.Usage != nil) != last {
			t.Errorf("chunk %d has usage %v; want usage only in the last chunk", i, ch.Usage != nil)
		}
		if last && ch.Usage.PromptTokens != 7 {
			t.Errorf("prompt tokens %d, want 7", ch.Usage.PromptTokens)
		}
		for _, c := range ch.Choices {
			text.WriteString(c.Delta.Content)
		}
	}
	if got, want := text.String(), "Echo: Say hello to the world"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
}

func TestAnthropicStreamingEvents(t *testing.T) {
	s := newServer(t, llmsim.Options{})
	resp := post(t, s.URL+"/v1/messages",
		`{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Say hello to the world"}]}]}`,
		map[string]string{llmsim.HeaderCachedTokens: "4", llmsim.HeaderCacheCreationTokens: "2"})
	body, _ := io.ReadAll(resp.Body)
	var events []string
	for line := range strings.SplitSeq(string(body), "\n") {
		if e, ok := strings.CutPrefix(line, "event: "); ok && (len(events) == 0 || events[len(events)-1] != e) {
			events = append(events, e)
		}
	}
	want := "message_start content_block_start ping content_block_delta content_block_stop message_delta message_stop"
	if got := strings.Join(events, " "); got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if !strings.Contains(string(body), `"usage":{"input_tokens":1,"cache_creation_input_tokens":2,"cache_read_input_tokens":4,"output_tokens":6}`) {
		t.Errorf("message_delta usage missing or wrong:\n%s", body)
	}
}

func TestGeminiNonStreamingAndModels(t *testing.T) {
	s := newServer(t, llmsim.Options{APIKey: "gk", Models: map[string]llmsim.ModelConfig{"gemini-2.5-flash": {CachedTokens: 4, ReasoningTokens: 3}}})
	resp := post(t, s.URL+"/v1beta/models/gemini-2.5-flash:generateContent",
		`{"contents":[{"role":"user","parts":[{"text":"Say hello to the world"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]}}`,
		map[string]string{"x-goog-api-key": "gk"})
	var got struct {
		Candidates []struct {
			Content      struct{ Parts []struct{ Text string } }
			FinishReason string
		}
		UsageMetadata struct {
			PromptTokenCount, CandidatesTokenCount, CachedContentTokenCount, ThoughtsTokenCount int64
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Candidates[0].Content.Parts[0].Text != "Echo: Say hello to the world" || got.Candidates[0].FinishReason != "STOP" {
		t.Errorf("got %+v", got.Candidates)
	}
	if u := got.UsageMetadata; u.PromptTokenCount != 7 || u.CachedContentTokenCount != 4 || u.CandidatesTokenCount != 6 || u.ThoughtsTokenCount != 3 {
		t.Errorf("usage %+v", u)
	}

	r, err := http.Get(s.URL + "/v1beta/models?key=gk")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || !strings.Contains(string(b), `"models/gemini-2.5-flash"`) {
		t.Errorf("models: %d %s", r.StatusCode, b)
	}
}

func TestKeyChecked(t *testing.T) {
	s := newServer(t, llmsim.Options{APIKey: "right"})
	tests := []struct {
		name, path, body string
		headers          map[string]string
		want             int
	}{
		{"openai wrong bearer", "/v1/chat/completions", openAIBody + `}`, map[string]string{"Authorization": "Bearer wrong"}, 401},
		{"openai right bearer", "/v1/chat/completions", openAIBody + `}`, map[string]string{"Authorization": "Bearer right"}, 200},
		{"anthropic x-api-key", "/v1/messages", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, map[string]string{"x-api-key": "right"}, 200},
		{"anthropic missing", "/v1/messages", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, nil, 401},
		{"gemini wrong key is 400 API_KEY_INVALID", "/v1beta/models/g:generateContent", `{"contents":[{"parts":[{"text":"hi"}]}]}`, map[string]string{"x-goog-api-key": "wrong"}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, s.URL+tt.path, tt.body, tt.headers).StatusCode; got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	s := newServer(t, llmsim.Options{RetryAfter: 3 * time.Second, FirstTokenDelay: 200 * time.Millisecond})
	stream := openAIBody + `,"stream":true,"stream_options":{"include_usage":true}}`

	t.Run("429 with Retry-After by header", func(t *testing.T) {
		resp := post(t, s.URL+"/v1/chat/completions", openAIBody+`}`, map[string]string{llmsim.HeaderFault: "429"})
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
			t.Errorf("got %d Retry-After %q, want 429 and 3", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
	t.Run("magic model name", func(t *testing.T) {
		resp := post(t, s.URL+"/v1/messages", `{"model":"sim-fault-500","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, nil)
		if resp.StatusCode != 500 {
			t.Errorf("got %d, want 500", resp.StatusCode)
		}
	})
	t.Run("queue: fail twice then succeed", func(t *testing.T) {
		s.Sim.PushFaults(llmsim.Fault503, llmsim.Fault500)
		var got []int
		for range 3 {
			got = append(got, post(t, s.URL+"/v1/chat/completions", openAIBody+`}`, nil).StatusCode)
		}
		if got[0] != 503 || got[1] != 500 || got[2] != 200 {
			t.Errorf("statuses %v, want [503 500 200]", got)
		}
	})
	t.Run("cut stream breaks the body", func(t *testing.T) {
		resp := post(t, s.URL+"/v1/chat/completions", stream, map[string]string{llmsim.HeaderFault: "cut"})
		data, err := sseData(t, resp.Body)
		if err == nil {
			t.Fatalf("read %d events without error; want a broken body", len(data))
		}
		if len(data) < 2 {
			t.Errorf("got %d events before the cut, want some text first", len(data))
		}
	})
	t.Run("malformed chunk", func(t *testing.T) {
		resp := post(t, s.URL+"/v1/chat/completions", stream, map[string]string{llmsim.HeaderFault: "malformed"})
		data, _ := sseData(t, resp.Body)
		bad := 0
		for _, d := range data {
			if d != "[DONE]" && !json.Valid([]byte(d)) {
				bad++
			}
		}
		if bad != 1 {
			t.Errorf("%d malformed chunks, want 1", bad)
		}
	})
	t.Run("slow first token", func(t *testing.T) {
		start := time.Now()
		resp := post(t, s.URL+"/v1/chat/completions", stream, map[string]string{llmsim.HeaderFault: "slow-first-token"})
		if _, err := sseData(t, resp.Body); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 200*time.Millisecond {
			t.Errorf("took %v, want at least the 200ms first-token delay", d)
		}
	})
	t.Run("content filter per provider", func(t *testing.T) {
		h := map[string]string{llmsim.HeaderFault: "content-filter"}
		b, _ := io.ReadAll(post(t, s.URL+"/v1/chat/completions", openAIBody+`}`, h).Body)
		if !strings.Contains(string(b), `"finish_reason":"content_filter"`) {
			t.Errorf("openai: %s", b)
		}
		b, _ = io.ReadAll(post(t, s.URL+"/v1/messages", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, h).Body)
		if !strings.Contains(string(b), `"stop_reason":"refusal"`) {
			t.Errorf("anthropic: %s", b)
		}
		b, _ = io.ReadAll(post(t, s.URL+"/v1beta/models/g:generateContent", `{"contents":[{"parts":[{"text":"hi"}]}]}`, h).Body)
		if !strings.Contains(string(b), `"blockReason":"SAFETY"`) {
			t.Errorf("gemini: %s", b)
		}
	})
	if n := s.Sim.Requests(); n < 10 {
		t.Errorf("Requests() = %d, want every generation request counted", n)
	}
}

func TestMaxTokensTruncates(t *testing.T) {
	s := newServer(t, llmsim.Options{})
	b, _ := io.ReadAll(post(t, s.URL+"/v1/messages", `{"model":"m","max_tokens":2,"messages":[{"role":"user","content":"one two three"}]}`, nil).Body)
	if !strings.Contains(string(b), `"text":"Echo: one "`) || !strings.Contains(string(b), `"stop_reason":"max_tokens"`) {
		t.Errorf("got %s", b)
	}
}

// TestLatencyAndMaxInFlight: with a latency, overlapping requests are
// counted at once, overall and per key, whichever provider they speak.
func TestLatencyAndMaxInFlight(t *testing.T) {
	s := newServer(t, llmsim.Options{Latency: 150 * time.Millisecond})
	start := time.Now()
	done := make(chan int, 3)
	for _, key := range []string{"a", "a", "b"} {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/chat/completions", strings.NewReader(openAIBody+`}`))
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for range 3 {
		if code := <-done; code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Fatalf("answered in %s, before the latency", took)
	}
	overall, byKey := s.Sim.MaxInFlight()
	if overall != 3 || byKey["a"] != 2 || byKey["b"] != 1 {
		t.Fatalf("max in flight = %d %v, want 3 and a:2 b:1", overall, byKey)
	}
	s.Sim.ResetMaxInFlight()
	post(t, s.URL+"/v1/messages", `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
		map[string]string{"x-api-key": "c", "anthropic-version": "2023-06-01"})
	if overall, byKey = s.Sim.MaxInFlight(); overall != 1 || byKey["c"] != 1 || byKey["a"] != 0 {
		t.Fatalf("after reset = %d %v", overall, byKey)
	}
}
