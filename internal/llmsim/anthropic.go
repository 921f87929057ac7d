package llmsim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

type anthropicRequest struct {
	Model     string          `json:"model"`
	System    json.RawMessage `json:"system"`
	MaxTokens int64           `json:"max_tokens"`
	Stream    bool            `json:"stream"`
	Messages  []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

type anthropicUsage struct {
	InputTokens              int64 `json:"input_tokens"`
	CacheCreationInputTokens int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int64 `json:"cache_read_input_tokens"`
	OutputTokens             int64 `json:"output_tokens"`
	OutputTokensDetails      *struct {
		ThinkingTokens int64 `json:"thinking_tokens"`
	} `json:"output_tokens_details,omitempty"`
	ServiceTier string `json:"service_tier,omitempty"`
}

// anthropicUsage reports usage the Anthropic way: input_tokens excludes the
// tokens read from or written to the cache.
func (c *completion) anthropicUsage(output int64) *anthropicUsage {
	u := &anthropicUsage{
		InputTokens:              c.input - c.cached - c.cacheCreation,
		CacheCreationInputTokens: c.cacheCreation,
		CacheReadInputTokens:     c.cached,
		OutputTokens:             output,
	}
	if c.reasoning > 0 && output == c.output {
		u.OutputTokensDetails = &struct {
			ThinkingTokens int64 `json:"thinking_tokens"`
		}{c.reasoning}
	}
	return u
}

func (c *completion) anthropicStop() string {
	switch {
	case c.faults[FaultContentFilter]:
		return "refusal"
	case c.truncated:
		return "max_tokens"
	}
	return "end_turn"
}

// anthropicError writes an Anthropic error body.
func anthropicError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("request-id", "req_llmsim")
	writeJSON(w, status, map[string]any{
		"type":       "error",
		"error":      map[string]any{"type": typ, "message": msg},
		"request_id": "req_llmsim",
	})
}

func (s *Simulator) anthropicFault(w http.ResponseWriter, f Fault) {
	switch f {
	case Fault401:
		anthropicError(w, http.StatusUnauthorized, "authentication_error", "invalid x-api-key")
	case Fault429:
		w.Header().Set("Retry-After", strconv.Itoa(s.retryAfterSeconds()))
		anthropicError(w, http.StatusTooManyRequests, "rate_limit_error", "Number of requests has exceeded your rate limit (simulated).")
	case Fault500:
		anthropicError(w, http.StatusInternalServerError, "api_error", "Internal server error (simulated).")
	case Fault503:
		anthropicError(w, 529, "overloaded_error", "Overloaded (simulated).")
	}
}

func (s *Simulator) serveAnthropicModels(w http.ResponseWriter, r *http.Request) {
	if !s.keyOK(r) {
		s.anthropicFault(w, Fault401)
		return
	}
	names := s.modelNames("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
	data := make([]map[string]any, 0, len(names))
	for _, n := range names {
		data = append(data, map[string]any{"type": "model", "id": n, "display_name": n, "created_at": "2025-01-01T00:00:00Z"})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": data, "has_more": false, "first_id": names[0], "last_id": names[len(names)-1],
	})
}

func (s *Simulator) serveAnthropicMessages(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if !s.keyOK(r) {
		s.anthropicFault(w, Fault401)
		return
	}
	var req anthropicRequest
	if err := decodeBody(r, &req); err != nil {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "The request body is not valid JSON.")
		return
	}
	if req.Model == "" || len(req.Messages) == 0 || req.MaxTokens <= 0 {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "model, messages and max_tokens are required.")
		return
	}
	faults := s.faults(r, req.Model)
	if f := faults.errorFault(); f != "" {
		s.anthropicFault(w, f)
		return
	}
	turns := make([]Turn, 0, len(req.Messages))
	for _, m := range req.Messages {
		turns = append(turns, Turn{Role: m.Role, Text: contentText(m.Content)})
	}
	c := s.complete(r, req.Model, contentText(req.System), turns, req.MaxTokens, faults)
	if faults[FaultContentFilter] {
		c.chunks, c.text = nil, ""
	}
	id := "msg_sim" + c.id

	if !req.Stream {
		content := []map[string]any{}
		if c.text != "" {
			content = append(content, map[string]any{"type": "text", "text": c.text})
		}
		s.writeBody(w, r, c, map[string]any{
			"id": id, "type": "message", "role": "assistant", "model": req.Model,
			"content": content, "stop_reason": c.anthropicStop(), "stop_sequence": nil,
			"usage": c.anthropicUsage(c.output),
		})
		return
	}

	st := s.newStreamer(w, r, c)
	emit := func(name string, v any) {
		b, _ := json.Marshal(v)
		st.event(name, b)
	}
	emit("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": id, "type": "message", "role": "assistant", "model": req.Model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": c.anthropicUsage(1),
	}})
	emit("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
		"content_block": map[string]any{"type": "text", "text": ""}})
	st.event("ping", []byte(`{"type": "ping"}`))
	type textDelta struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type deltaEvent struct {
		Type  string    `json:"type"`
		Index int       `json:"index"`
		Delta textDelta `json:"delta"`
	}
	for _, text := range c.chunks {
		if !st.beforeChunk() {
			return
		}
		if faults[FaultMalformed] && st.index == len(c.chunks)/2 {
			st.event("content_block_delta", []byte(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`))
		}
		emit("content_block_delta", deltaEvent{Type: "content_block_delta", Delta: textDelta{Type: "text_delta", Text: text}})
		st.index++
	}
	if len(c.chunks) == 0 && !st.beforeChunk() {
		return
	}
	st.end()
	emit("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	emit("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": c.anthropicStop(), "stop_sequence": nil},
		"usage": c.anthropicUsage(c.output)})
	emit("message_stop", map[string]any{"type": "message_stop"})
}
