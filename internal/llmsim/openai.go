package llmsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

type openAIRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           int64 `json:"max_tokens"`
	MaxCompletionTokens int64 `json:"max_completion_tokens"`
}

type openAIUsage struct {
	PromptTokens        int64 `json:"prompt_tokens"`
	CompletionTokens    int64 `json:"completion_tokens"`
	TotalTokens         int64 `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens     int64 `json:"cached_tokens"`
		CacheWriteTokens int64 `json:"cache_write_tokens,omitempty"`
		AudioTokens      int64 `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens          int64 `json:"reasoning_tokens"`
		AudioTokens              int64 `json:"audio_tokens"`
		AcceptedPredictionTokens int64 `json:"accepted_prediction_tokens"`
		RejectedPredictionTokens int64 `json:"rejected_prediction_tokens"`
	} `json:"completion_tokens_details"`
}

func (c *completion) openAIUsage() *openAIUsage {
	u := &openAIUsage{PromptTokens: c.input, CompletionTokens: c.output, TotalTokens: c.input + c.output}
	u.PromptTokensDetails.CachedTokens = c.cached
	u.PromptTokensDetails.CacheWriteTokens = c.cacheCreation
	u.CompletionTokensDetails.ReasoningTokens = c.reasoning
	return u
}

func (c *completion) openAIFinish() string {
	switch {
	case c.faults[FaultContentFilter]:
		return "content_filter"
	case c.truncated:
		return "length"
	}
	return "stop"
}

// openAIError writes an OpenAI error body.
func openAIError(w http.ResponseWriter, status int, typ, code, msg string) {
	var codeV any
	if code != "" {
		codeV = code
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": codeV,
	}})
}

func (s *Simulator) openAIFault(w http.ResponseWriter, f Fault) {
	switch f {
	case Fault401:
		openAIError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
	case Fault429:
		secs := s.retryAfterSeconds()
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.Header().Set("retry-after-ms", strconv.Itoa(secs*1000))
		openAIError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "Rate limit reached for requests (simulated).")
	case Fault500:
		openAIError(w, http.StatusInternalServerError, "server_error", "", "The server had an error while processing your request (simulated).")
	case Fault503:
		openAIError(w, http.StatusServiceUnavailable, "server_error", "", "The engine is currently overloaded (simulated).")
	}
}

func (s *Simulator) serveOpenAIModels(w http.ResponseWriter, r *http.Request) {
	if !s.keyOK(r) {
		s.openAIFault(w, Fault401)
		return
	}
	names := s.modelNames("gpt-4o-mini", "gpt-4o", "gpt-5", "o4-mini")
	data := make([]map[string]any, 0, len(names))
	for _, n := range names {
		data = append(data, map[string]any{"id": n, "object": "model", "created": 1700000000, "owned_by": "llmsim"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

func (s *Simulator) serveOpenAIChat(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if !s.keyOK(r) {
		s.openAIFault(w, Fault401)
		return
	}
	var req openAIRequest
	if err := decodeBody(r, &req); err != nil {
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "", "We could not parse the JSON body of your request.")
		return
	}
	if req.Model == "" || len(req.Messages) == 0 {
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "", "model and messages are required.")
		return
	}
	faults := s.faults(r, req.Model)
	if f := faults.errorFault(); f != "" {
		s.openAIFault(w, f)
		return
	}
	var system string
	var turns []Turn
	for _, m := range req.Messages {
		text := contentText(m.Content)
		if m.Role == "system" || m.Role == "developer" {
			system += text
			continue
		}
		turns = append(turns, Turn{Role: m.Role, Text: text})
	}
	maxTokens := req.MaxCompletionTokens
	if maxTokens == 0 {
		maxTokens = req.MaxTokens
	}
	c := s.complete(r, req.Model, system, turns, maxTokens, faults)
	if faults[FaultContentFilter] {
		c.chunks, c.text = nil, ""
	}
	id := "chatcmpl-sim" + c.id
	created := time.Now().Unix()

	if !req.Stream {
		s.writeBody(w, r, c, map[string]any{
			"id": id, "object": "chat.completion", "created": created, "model": req.Model,
			"choices": []map[string]any{{
				"index":         0,
				"message":       map[string]any{"role": "assistant", "content": c.text, "refusal": nil},
				"logprobs":      nil,
				"finish_reason": c.openAIFinish(),
			}},
			"usage":              c.openAIUsage(),
			"service_tier":       "default",
			"system_fingerprint": "fp_llmsim",
		})
		return
	}

	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	type delta struct {
		Role    string  `json:"role,omitempty"`
		Content *string `json:"content,omitempty"`
	}
	type choice struct {
		Index        int     `json:"index"`
		Delta        delta   `json:"delta"`
		Logprobs     any     `json:"logprobs"`
		FinishReason *string `json:"finish_reason"`
	}
	type chunk struct {
		ID                string       `json:"id"`
		Object            string       `json:"object"`
		Created           int64        `json:"created"`
		Model             string       `json:"model"`
		SystemFingerprint string       `json:"system_fingerprint"`
		Choices           []choice     `json:"choices"`
		Usage             *openAIUsage `json:"usage"`
	}
	base := chunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model, SystemFingerprint: "fp_llmsim"}
	st := s.newStreamer(w, r, c)
	emit := func(ch chunk) {
		b, _ := json.Marshal(ch)
		st.event("", b)
	}
	empty := ""
	first := base
	first.Choices = []choice{{Delta: delta{Role: "assistant", Content: &empty}}}
	emit(first)
	for _, text := range c.chunks {
		if !st.beforeChunk() {
			return
		}
		if faults[FaultMalformed] && st.index == len(c.chunks)/2 {
			st.event("", []byte(`{"id":"`+id+`","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":`))
		}
		ch := base
		ch.Choices = []choice{{Delta: delta{Content: &text}}}
		emit(ch)
		st.index++
	}
	if len(c.chunks) == 0 && !st.beforeChunk() {
		return
	}
	st.end()
	finish := c.openAIFinish()
	last := base
	last.Choices = []choice{{Delta: delta{}, FinishReason: &finish}}
	emit(last)
	if includeUsage {
		u := base
		u.Choices = []choice{}
		u.Usage = c.openAIUsage()
		emit(u)
	}
	st.event("", []byte("[DONE]"))
}
