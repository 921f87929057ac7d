// Package llmsim is a provider simulator for tests, demos and benchmarks. It
// speaks the real wire formats of OpenAI chat completions, Anthropic messages
// and Gemini generateContent, streaming and not, with deterministic replies,
// realistic usage (cached and reasoning tokens included) and injectable
// faults. The product never uses it as a provider.
//
// Endpoints, relative to the server root:
//
//	POST /v1/chat/completions                         OpenAI (base URL: root + "/v1")
//	GET  /v1/models                                   OpenAI or Anthropic list, chosen by auth header
//	POST /v1/messages                                 Anthropic (base URL: root)
//	POST /v1beta/models/{model}:generateContent       Gemini (base URL: root)
//	POST /v1beta/models/{model}:streamGenerateContent Gemini, ?alt=sse
//	GET  /v1beta/models                               Gemini list
//
// The reply is "Echo: " followed by the last user message, unless
// Options.Reply says otherwise. Input tokens are the words of the system
// prompt and every message; output tokens are the words of the reply plus the
// reasoning tokens configured for the model.
//
// Faults are chosen, first match wins, by the X-Llmsim-Fault request header
// (a comma-separated list), by a model name containing "fault-<fault>"
// (e.g. "sim-fault-429"), or by the queue filled with Options.Faults and
// Simulator.PushFaults, one fault per generation request ("fail twice then
// succeed" is PushFaults(Fault500, Fault500)).
package llmsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is a failure the simulator injects into a request.
type Fault string

// Faults the simulator knows. Each maps to the provider-appropriate error.
const (
	// FaultNone injects nothing; in a queue it lets one request succeed.
	FaultNone Fault = "none"
	// Fault401 answers as for an invalid API key.
	Fault401 Fault = "401"
	// Fault429 answers rate limited with Retry-After (Options.RetryAfter).
	Fault429 Fault = "429"
	// Fault500 answers an internal server error.
	Fault500 Fault = "500"
	// Fault503 answers overloaded / unavailable.
	Fault503 Fault = "503"
	// FaultSlowFirstToken waits Options.FirstTokenDelay before the first
	// token (after the response headers when streaming).
	FaultSlowFirstToken Fault = "slow-first-token"
	// FaultSlowChunks waits Options.ChunkDelay between chunks.
	FaultSlowChunks Fault = "slow-chunks"
	// FaultCut closes the connection half-way through the response.
	FaultCut Fault = "cut"
	// FaultMalformed sends a chunk (or body) that is not valid JSON.
	FaultMalformed Fault = "malformed"
	// FaultContentFilter answers as the provider does when it refuses or
	// filters content: OpenAI finish_reason "content_filter", Anthropic
	// stop_reason "refusal", Gemini promptFeedback.blockReason "SAFETY".
	FaultContentFilter Fault = "content-filter"
)

// Request headers the simulator reads.
const (
	// HeaderFault selects faults for one request: "429" or "slow-first-token,cut".
	HeaderFault = "X-Llmsim-Fault"
	// HeaderCachedTokens overrides the cached input tokens of one request.
	HeaderCachedTokens = "X-Llmsim-Cached-Tokens"
	// HeaderCacheCreationTokens overrides the cache-creation tokens of one request.
	HeaderCacheCreationTokens = "X-Llmsim-Cache-Creation-Tokens"
	// HeaderReasoningTokens overrides the reasoning tokens of one request.
	HeaderReasoningTokens = "X-Llmsim-Reasoning-Tokens"
)

// ModelConfig sets the extra usage a model reports.
type ModelConfig struct {
	// CachedTokens of the input are reported as read from cache (at most the input).
	CachedTokens int64
	// CacheCreationTokens of the input are reported as written to cache
	// (Anthropic cache_creation_input_tokens, OpenAI cache_write_tokens).
	CacheCreationTokens int64
	// ReasoningTokens are added to the output as reasoning/thinking tokens.
	ReasoningTokens int64
}

// Turn is one message of a conversation as the simulator sees it.
type Turn struct {
	Role string // user or assistant
	Text string
}

// Options configure a Simulator. The zero value works.
type Options struct {
	// APIKey, when set, must be presented by every request (Authorization
	// Bearer, x-api-key, x-goog-api-key or ?key=).
	APIKey string
	// Models sets per-model usage extras; their names are also listed by the
	// models endpoints.
	Models map[string]ModelConfig
	// Reply computes the reply text; nil means "Echo: " + the last user message.
	Reply func(model, system string, turns []Turn) string
	// Faults is the initial fault queue, one entry per generation request.
	Faults []Fault
	// FirstTokenDelay is the delay of FaultSlowFirstToken (default 2s).
	FirstTokenDelay time.Duration
	// ChunkDelay is the delay between chunks of FaultSlowChunks (default 100ms).
	ChunkDelay time.Duration
	// Pace, when set, is a delay between the chunks of every stream, so a
	// browser test has time to act on a stream under way.
	Pace time.Duration
	// RetryAfter is announced by Fault429 (default 1s; whole seconds).
	RetryAfter time.Duration
	// Latency, when set, delays the answer to every generation request,
	// as a real model's thinking time does; concurrency tests and
	// benchmarks need requests that overlap.
	Latency time.Duration
}

// Simulator is an http.Handler speaking the three providers' wire formats.
type Simulator struct {
	opts     Options
	requests atomic.Int64
	seq      atomic.Int64

	mu     sync.Mutex
	queue  []Fault
	models []string

	// Generation requests being answered now, overall and by API key,
	// and the most seen at once.
	flightMu    sync.Mutex
	inFlight    int
	maxInFlight int
	keyFlight   map[string]int
	keyMax      map[string]int
}

// New returns a Simulator configured by opts.
func New(opts Options) *Simulator {
	if opts.FirstTokenDelay == 0 {
		opts.FirstTokenDelay = 2 * time.Second
	}
	if opts.ChunkDelay == 0 {
		opts.ChunkDelay = 100 * time.Millisecond
	}
	if opts.RetryAfter == 0 {
		opts.RetryAfter = time.Second
	}
	s := &Simulator{opts: opts, queue: append([]Fault(nil), opts.Faults...), keyFlight: map[string]int{}, keyMax: map[string]int{}}
	for name := range opts.Models {
		s.models = append(s.models, name)
	}
	sort.Strings(s.models)
	return s
}

// Server is a Simulator served by an httptest.Server on the loopback.
type Server struct {
	*httptest.Server
	Sim *Simulator
}

// NewServer starts a Simulator on a loopback httptest.Server; Close it.
func NewServer(opts Options) *Server {
	sim := New(opts)
	return &Server{Server: httptest.NewServer(sim), Sim: sim}
}

// OpenAIBaseURL is the base URL an OpenAI client uses for this server.
func (s *Server) OpenAIBaseURL() string { return s.URL + "/v1" }

// AnthropicBaseURL is the base URL an Anthropic client uses for this server.
func (s *Server) AnthropicBaseURL() string { return s.URL }

// GeminiBaseURL is the base URL a Gemini client uses for this server.
func (s *Server) GeminiBaseURL() string { return s.URL }

// PushFaults appends faults to the queue consumed by generation requests.
func (s *Simulator) PushFaults(faults ...Fault) {
	s.mu.Lock()
	s.queue = append(s.queue, faults...)
	s.mu.Unlock()
}

// Requests is the number of generation requests received so far.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// MaxInFlight is the most generation requests the simulator has answered
// at once since it started or ResetMaxInFlight, overall and by the API
// key they presented.
func (s *Simulator) MaxInFlight() (overall int, byKey map[string]int) {
	s.flightMu.Lock()
	defer s.flightMu.Unlock()
	byKey = make(map[string]int, len(s.keyMax))
	for k, n := range s.keyMax {
		byKey[k] = n
	}
	return s.maxInFlight, byKey
}

// ResetMaxInFlight forgets the most-at-once counts.
func (s *Simulator) ResetMaxInFlight() {
	s.flightMu.Lock()
	defer s.flightMu.Unlock()
	s.maxInFlight = s.inFlight
	s.keyMax = map[string]int{}
	for k, n := range s.keyFlight {
		s.keyMax[k] = n
	}
}

// track counts a generation request in flight until the returned
// function is called.
func (s *Simulator) track(r *http.Request) func() {
	key := presentedKey(r)
	s.flightMu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.keyFlight[key]++
	s.keyMax[key] = max(s.keyMax[key], s.keyFlight[key])
	s.flightMu.Unlock()
	return func() {
		s.flightMu.Lock()
		s.inFlight--
		if s.keyFlight[key]--; s.keyFlight[key] == 0 {
			delete(s.keyFlight, key)
		}
		s.flightMu.Unlock()
	}
}

// presentedKey is the API key a request presents, in any provider's way.
func presentedKey(r *http.Request) string {
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return v
	}
	for _, h := range []string{"x-api-key", "x-goog-api-key"} {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return r.URL.Query().Get("key")
}

// ServeHTTP routes a request to the provider it speaks to.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if r.Method == http.MethodPost {
		defer s.track(r)()
		if s.opts.Latency > 0 {
			t := time.NewTimer(s.opts.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
	}
	switch {
	case r.Method == http.MethodPost && p == "/v1/chat/completions":
		s.serveOpenAIChat(w, r)
	case r.Method == http.MethodPost && p == "/v1/messages":
		s.serveAnthropicMessages(w, r)
	case r.Method == http.MethodGet && p == "/v1/models":
		if r.Header.Get("x-api-key") != "" || r.Header.Get("anthropic-version") != "" {
			s.serveAnthropicModels(w, r)
		} else {
			s.serveOpenAIModels(w, r)
		}
	case r.Method == http.MethodGet && p == "/v1beta/models":
		s.serveGeminiModels(w, r)
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/v1beta/models/"):
		model, method, ok := strings.Cut(strings.TrimPrefix(p, "/v1beta/models/"), ":")
		if !ok || (method != "generateContent" && method != "streamGenerateContent") {
			http.NotFound(w, r)
			return
		}
		s.serveGemini(w, r, model, method == "streamGenerateContent")
	default:
		http.NotFound(w, r)
	}
}

// keyOK reports whether r presents the configured API key.
func (s *Simulator) keyOK(r *http.Request) bool {
	if s.opts.APIKey == "" {
		return true
	}
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && v == s.opts.APIKey {
		return true
	}
	return r.Header.Get("x-api-key") == s.opts.APIKey ||
		r.Header.Get("x-goog-api-key") == s.opts.APIKey ||
		r.URL.Query().Get("key") == s.opts.APIKey
}

// faultSet is the set of faults that apply to one request.
type faultSet map[Fault]bool

// faults picks the faults of a generation request: header, then model name,
// then the queue.
func (s *Simulator) faults(r *http.Request, model string) faultSet {
	set := faultSet{}
	if h := r.Header.Get(HeaderFault); h != "" {
		for f := range strings.SplitSeq(h, ",") {
			set[Fault(strings.TrimSpace(f))] = true
		}
		return set
	}
	if _, f, ok := strings.Cut(model, "fault-"); ok {
		set[Fault(f)] = true
		return set
	}
	s.mu.Lock()
	if len(s.queue) > 0 {
		set[s.queue[0]] = true
		s.queue = s.queue[1:]
	}
	s.mu.Unlock()
	return set
}

// errorFault returns the first fault of set that is answered with an HTTP error.
func (set faultSet) errorFault() Fault {
	for _, f := range []Fault{Fault401, Fault429, Fault500, Fault503} {
		if set[f] {
			return f
		}
	}
	return ""
}

// completion is what the simulator answers to one request.
type completion struct {
	id            string
	model         string
	chunks        []string // the reply split into stream chunks
	text          string
	truncated     bool // max tokens reached
	input         int64
	cached        int64
	cacheCreation int64
	output        int64 // text tokens plus reasoning
	reasoning     int64
	faults        faultSet
}

// complete computes the deterministic answer to a request.
func (s *Simulator) complete(r *http.Request, model, system string, turns []Turn, maxTokens int64, faults faultSet) *completion {
	var reply string
	if s.opts.Reply != nil {
		reply = s.opts.Reply(model, system, turns)
	} else {
		last := ""
		for _, t := range turns {
			if t.Role == "user" {
				last = t.Text
			}
		}
		reply = "Echo: " + last
	}
	c := &completion{
		id:     strconv.FormatInt(s.seq.Add(1), 10),
		model:  model,
		faults: faults,
	}
	c.input = countWords(system)
	for _, t := range turns {
		c.input += countWords(t.Text)
	}
	if c.input == 0 {
		c.input = 1
	}
	cfg := s.opts.Models[model]
	cfg.CachedTokens = headerInt(r, HeaderCachedTokens, cfg.CachedTokens)
	cfg.CacheCreationTokens = headerInt(r, HeaderCacheCreationTokens, cfg.CacheCreationTokens)
	cfg.ReasoningTokens = headerInt(r, HeaderReasoningTokens, cfg.ReasoningTokens)
	c.cached = min(cfg.CachedTokens, c.input)
	c.cacheCreation = min(cfg.CacheCreationTokens, c.input-c.cached)
	c.reasoning = cfg.ReasoningTokens

	words := splitWords(reply)
	if maxTokens > 0 && int64(len(words)) > maxTokens {
		words = words[:maxTokens]
		c.truncated = true
	}
	c.chunks = words
	c.text = strings.Join(words, "")
	c.output = int64(len(words)) + c.reasoning
	return c
}

// headerInt reads a non-negative integer header, or returns def.
func headerInt(r *http.Request, name string, def int64) int64 {
	if v := r.Header.Get(name); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return def
}

// countWords is the simulator's tokenizer: one token per word.
func countWords(s string) int64 { return int64(len(strings.Fields(s))) }

// splitWords splits s into words, each keeping the spaces after it, so that
// joining them gives back s (less leading spaces).
func splitWords(s string) []string {
	var out []string
	s = strings.TrimLeft(s, " \t\n")
	for s != "" {
		i := strings.IndexAny(s, " \t\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
			j++
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out
}

// streamer writes server-sent events, one flush per event, and plays the
// timing and breakage faults.
type streamer struct {
	w     http.ResponseWriter
	r     *http.Request
	rc    *http.ResponseController
	sim   *Simulator
	c     *completion
	index int // number of text chunks sent
}

func (s *Simulator) newStreamer(w http.ResponseWriter, r *http.Request, c *completion) *streamer {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	return &streamer{w: w, r: r, rc: rc, sim: s, c: c}
}

// sleep waits d or until the client goes away; it reports whether to go on.
func (st *streamer) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-st.r.Context().Done():
		return false
	}
}

// beforeChunk plays the delay and cut faults before text chunk number
// st.index; it reports whether to go on.
func (st *streamer) beforeChunk() bool {
	f := st.c.faults
	if st.index == 0 && f[FaultSlowFirstToken] && !st.sleep(st.sim.opts.FirstTokenDelay) {
		return false
	}
	if st.index > 0 && f[FaultSlowChunks] && !st.sleep(st.sim.opts.ChunkDelay) {
		return false
	}
	if st.index > 0 && st.sim.opts.Pace > 0 && !st.sleep(st.sim.opts.Pace) {
		return false
	}
	if f[FaultCut] && st.index == (len(st.c.chunks)+1)/2 {
		// Abort the response: the connection is closed without the
		// terminating chunk, as when a provider or proxy drops it.
		panic(http.ErrAbortHandler)
	}
	return true
}

// end cuts the stream after the last text chunk when FaultCut is set and
// the reply was too short to cut it earlier.
func (st *streamer) end() {
	if st.c.faults[FaultCut] {
		panic(http.ErrAbortHandler)
	}
}

// event writes one SSE event (name may be empty) and flushes it.
func (st *streamer) event(name string, data []byte) {
	buf := make([]byte, 0, len(data)+len(name)+16)
	if name != "" {
		buf = append(buf, "event: "...)
		buf = append(buf, name...)
		buf = append(buf, '\n')
	}
	buf = append(buf, "data: "...)
	buf = append(buf, data...)
	buf = append(buf, "\n\n"...)
	_, _ = st.w.Write(buf)
	_ = st.rc.Flush()
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeBody writes a complete non-streaming JSON body, playing the
// slow-first-token, cut and malformed faults.
func (s *Simulator) writeBody(w http.ResponseWriter, r *http.Request, c *completion, v any) {
	if c.faults[FaultSlowFirstToken] {
		t := time.NewTimer(s.opts.FirstTokenDelay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	b, _ := json.Marshal(v)
	if c.faults[FaultMalformed] {
		b = b[:len(b)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if c.faults[FaultCut] {
		_, _ = w.Write(b[:len(b)/2])
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write(b)
}

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) error {
	return json.NewDecoder(http.MaxBytesReader(nil, r.Body, 32<<20)).Decode(v)
}

// contentText reads a message content that is either a string or an array
// of parts with a "text" field.
func contentText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// retryAfterSeconds is the Retry-After value announced by Fault429.
func (s *Simulator) retryAfterSeconds() int {
	return max(1, int(s.opts.RetryAfter/time.Second))
}

// modelNames lists the configured models, or defaults when none are.
func (s *Simulator) modelNames(defaults ...string) []string {
	if len(s.models) > 0 {
		return s.models
	}
	return defaults
}
