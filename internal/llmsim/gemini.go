package llmsim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

type geminiContent struct {
	Role  string `json:"role,omitempty"`
	Parts []struct {
		Text string `json:"text"`
	} `json:"parts"`
}

func (c geminiContent) text() string {
	s := ""
	for _, p := range c.Parts {
		s += p.Text
	}
	return s
}

type geminiRequest struct {
	Contents          []geminiContent `json:"contents"`
	SystemInstruction *geminiContent  `json:"systemInstruction"`
	GenerationConfig  struct {
		MaxOutputTokens int64 `json:"maxOutputTokens"`
	} `json:"generationConfig"`
}

type geminiUsage struct {
	PromptTokenCount        int64 `json:"promptTokenCount"`
	CandidatesTokenCount    int64 `json:"candidatesTokenCount,omitempty"`
	TotalTokenCount         int64 `json:"totalTokenCount"`
	CachedContentTokenCount int64 `json:"cachedContentTokenCount,omitempty"`
	ThoughtsTokenCount      int64 `json:"thoughtsTokenCount,omitempty"`
}

// geminiUsage reports usage the Gemini way: promptTokenCount includes the
// cached tokens, candidatesTokenCount excludes the thoughts. A partial usage
// (intermediate stream chunks) carries the prompt only.
func (c *completion) geminiUsage(final bool) *geminiUsage {
	u := &geminiUsage{PromptTokenCount: c.input, TotalTokenCount: c.input, CachedContentTokenCount: c.cached}
	if final {
		u.CandidatesTokenCount = c.output - c.reasoning
		u.ThoughtsTokenCount = c.reasoning
		u.TotalTokenCount = c.input + c.output
	}
	return u
}

func (c *completion) geminiFinish() string {
	if c.truncated {
		return "MAX_TOKENS"
	}
	return "STOP"
}

// geminiError writes a Google API error body.
func geminiError(w http.ResponseWriter, code int, status, msg string, details ...map[string]any) {
	if details == nil {
		details = []map[string]any{}
	}
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": code, "message": msg, "status": status, "details": details,
	}})
}

func (s *Simulator) geminiFault(w http.ResponseWriter, f Fault) {
	switch f {
	case Fault401:
		geminiError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials (simulated).")
	case Fault429:
		secs := s.retryAfterSeconds()
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		geminiError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "You exceeded your current quota (simulated).",
			map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": strconv.Itoa(secs) + "s"})
	case Fault500:
		geminiError(w, http.StatusInternalServerError, "INTERNAL", "An internal error has occurred (simulated).")
	case Fault503:
		geminiError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The model is overloaded (simulated).")
	}
}

// geminiBadKey answers as Gemini does for an invalid API key: 400 with the
// API_KEY_INVALID reason.
func geminiBadKey(w http.ResponseWriter) {
	geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
		map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"})
}

func (s *Simulator) serveGeminiModels(w http.ResponseWriter, r *http.Request) {
	if !s.keyOK(r) {
		geminiBadKey(w)
		return
	}
	names := s.modelNames("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite")
	models := make([]map[string]any, 0, len(names))
	for _, n := range names {
		models = append(models, map[string]any{
			"name": "models/" + n, "displayName": n, "version": "001",
			"inputTokenLimit": 1048576, "outputTokenLimit": 65536,
			"supportedGenerationMethods": []string{"generateContent", "countTokens"},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": models})
}

func (s *Simulator) serveGemini(w http.ResponseWriter, r *http.Request, model string, stream bool) {
	s.requests.Add(1)
	if !s.keyOK(r) {
		geminiBadKey(w)
		return
	}
	var req geminiRequest
	if err := decodeBody(r, &req); err != nil || len(req.Contents) == 0 {
		geminiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload or empty contents.")
		return
	}
	faults := s.faults(r, model)
	if f := faults.errorFault(); f != "" {
		s.geminiFault(w, f)
		return
	}
	turns := make([]Turn, 0, len(req.Contents))
	for _, c := range req.Contents {
		role := c.Role
		if role == "model" {
			role = "assistant"
		}
		turns = append(turns, Turn{Role: role, Text: c.text()})
	}
	system := ""
	if req.SystemInstruction != nil {
		system = req.SystemInstruction.text()
	}
	c := s.complete(r, model, system, turns, req.GenerationConfig.MaxOutputTokens, faults)
	responseID := "sim" + c.id

	type part struct {
		Text string `json:"text"`
	}
	type content struct {
		Parts []part `json:"parts"`
		Role  string `json:"role"`
	}
	type candidate struct {
		Content      content `json:"content"`
		FinishReason string  `json:"finishReason,omitempty"`
		Index        int     `json:"index"`
	}
	type response struct {
		Candidates     []candidate    `json:"candidates,omitempty"`
		PromptFeedback map[string]any `json:"promptFeedback,omitempty"`
		UsageMetadata  *geminiUsage   `json:"usageMetadata"`
		ModelVersion   string         `json:"modelVersion"`
		ResponseID     string         `json:"responseId"`
	}
	blocked := func() response {
		c.output, c.reasoning = 0, 0
		return response{
			PromptFeedback: map[string]any{"blockReason": "SAFETY"},
			UsageMetadata:  c.geminiUsage(true), ModelVersion: model, ResponseID: responseID,
		}
	}

	if !stream {
		resp := response{
			Candidates: []candidate{{Content: content{Parts: []part{{Text: c.text}}, Role: "model"},
				FinishReason: c.geminiFinish()}},
			UsageMetadata: c.geminiUsage(true), ModelVersion: model, ResponseID: responseID,
		}
		if faults[FaultContentFilter] {
			resp = blocked()
		}
		s.writeBody(w, r, c, resp)
		return
	}

	st := s.newStreamer(w, r, c)
	emit := func(v response) {
		b, _ := json.Marshal(v)
		st.event("", b)
	}
	if faults[FaultContentFilter] {
		if st.beforeChunk() {
			emit(blocked())
		}
		return
	}
	for i, text := range c.chunks {
		if !st.beforeChunk() {
			return
		}
		if faults[FaultMalformed] && st.index == len(c.chunks)/2 {
			st.event("", []byte(`{"candidates": [{"content": {"parts": [{"text": `))
		}
		if i == len(c.chunks)-1 && !faults[FaultCut] {
			// The last chunk carries the finish reason and the full usage.
			emit(response{
				Candidates: []candidate{{Content: content{Parts: []part{{Text: text}}, Role: "model"},
					FinishReason: c.geminiFinish()}},
				UsageMetadata: c.geminiUsage(true), ModelVersion: model, ResponseID: responseID,
			})
		} else {
			emit(response{
				Candidates:    []candidate{{Content: content{Parts: []part{{Text: text}}, Role: "model"}}},
				UsageMetadata: c.geminiUsage(false), ModelVersion: model, ResponseID: responseID,
			})
		}
		st.index++
	}
	if len(c.chunks) == 0 {
		if !st.beforeChunk() {
			return
		}
		emit(response{
			Candidates:    []candidate{{Content: content{Parts: []part{{Text: ""}}, Role: "model"}, FinishReason: c.geminiFinish()}},
			UsageMetadata: c.geminiUsage(true), ModelVersion: model, ResponseID: responseID,
		})
	}
	st.end()
}
