package provider

import (
	"context"
	"errors"
	"strings"
	"time"

	"google.golang.org/genai"
)

// geminiProvider serves the Gemini API (not Vertex AI).
type geminiProvider struct {
	opts Options
}

func newGemini(opts Options) *geminiProvider { return &geminiProvider{opts: opts} }

// geminiAPIVersion is the API version Krowoc speaks: v1beta carries the
// thinking and caching fields.
const geminiAPIVersion = "v1beta"

func (p *geminiProvider) classifier(apiKey string) classifier {
	return classifier{provider: Gemini, apiKey: apiKey, api: geminiFailure}
}

// geminiFailure extracts a Google API error; the retry delay comes from its
// RetryInfo detail, since the SDK keeps no response headers.
func geminiFailure(err error) (apiFailure, bool) {
	var ae genai.APIError
	if !errors.As(err, &ae) {
		var pae *genai.APIError
		if !errors.As(err, &pae) || pae == nil {
			return apiFailure{}, false
		}
		ae = *pae
	}
	f := apiFailure{status: ae.Code, errType: ae.Status, message: ae.Message}
	for _, d := range ae.Details {
		switch t, _ := d["@type"].(string); {
		case strings.HasSuffix(t, "google.rpc.RetryInfo"):
			if s, ok := d["retryDelay"].(string); ok {
				if dur, err := time.ParseDuration(s); err == nil {
					f.retryAfter = dur
				}
			}
		case strings.HasSuffix(t, "google.rpc.ErrorInfo"):
			if r, ok := d["reason"].(string); ok {
				f.code = r
			}
		}
	}
	return f, true
}

// client builds a genai client for one call: the SDK binds the key to the
// client, and building one makes no network call.
func (p *geminiProvider) client(ctx context.Context, apiKey, perCallURL string) (*genai.Client, error) {
	if apiKey == "" {
		return nil, &Error{Provider: Gemini, Kind: KindAuth, Message: "no API key"}
	}
	c, err := genai.NewClient(ctx, &genai.ClientConfig{
		APIKey:     apiKey,
		Backend:    genai.BackendGeminiAPI,
		HTTPClient: p.opts.HTTPClient,
		HTTPOptions: genai.HTTPOptions{
			BaseURL:    baseURL(perCallURL, p.opts.BaseURL, DefaultGeminiBaseURL) + "/",
			APIVersion: geminiAPIVersion,
		},
	})
	if err != nil {
		// The SDK's message may print the config, key included.
		return nil, &Error{Provider: Gemini, Kind: KindBadRequest, Message: "invalid Gemini client configuration"}
	}
	return c, nil
}

func (p *geminiProvider) contents(req Request) ([]*genai.Content, *genai.GenerateContentConfig) {
	contents := make([]*genai.Content, 0, len(req.Messages))
	for _, m := range req.Messages {
		role := genai.Role(genai.RoleUser)
		if m.Role == "assistant" {
			role = genai.RoleModel
		}
		contents = append(contents, genai.NewContentFromText(m.Content, role))
	}
	cfg := &genai.GenerateContentConfig{
		// Continuation would silently re-send the request after a cut
		// stream; retries belong to the execution layer.
		AutomaticContinuation: genai.Ptr(false),
	}
	if req.System != "" {
		cfg.SystemInstruction = genai.NewContentFromText(req.System, genai.RoleUser)
	}
	if req.Temperature != nil {
		cfg.Temperature = genai.Ptr(float32(*req.Temperature))
	}
	if req.TopP != nil {
		cfg.TopP = genai.Ptr(float32(*req.TopP))
	}
	if req.MaxTokens != nil {
		cfg.MaxOutputTokens = int32(*req.MaxTokens)
	}
	return contents, cfg
}

// geminiUsage normalizes: Gemini's candidatesTokenCount excludes the
// thoughts, Krowoc's Output includes them.
func geminiUsage(u *genai.GenerateContentResponseUsageMetadata) Usage {
	if u == nil {
		return Usage{}
	}
	return Usage{
		Input:       int64(u.PromptTokenCount) + int64(u.ToolUsePromptTokenCount),
		Output:      int64(u.CandidatesTokenCount) + int64(u.ThoughtsTokenCount),
		CachedInput: int64(u.CachedContentTokenCount),
		Reasoning:   int64(u.ThoughtsTokenCount),
	}
}

// geminiFiltered reports whether a finish reason means filtered content.
func geminiFiltered(r genai.FinishReason) bool {
	switch r {
	case genai.FinishReasonSafety, genai.FinishReasonRecitation, genai.FinishReasonBlocklist,
		genai.FinishReasonProhibitedContent, genai.FinishReasonSPII, genai.FinishReasonImageSafety,
		genai.FinishReasonImageProhibitedContent, genai.FinishReasonModelArmor:
		return true
	}
	return false
}

func filteredError() *Error {
	return &Error{Provider: Gemini, Kind: KindContentFiltered, Message: "the provider blocked the content"}
}

// Complete makes a non-streaming generateContent call. Errors are *Error.
func (p *geminiProvider) Complete(ctx context.Context, req Request) (*Result, error) {
	c, err := p.client(ctx, req.APIKey, req.BaseURL)
	if err != nil {
		return nil, err
	}
	contents, cfg := p.contents(req)
	resp, err := c.Models.GenerateContent(ctx, req.Model, contents, cfg)
	if err != nil {
		return nil, p.classifier(req.APIKey).classify(ctx, err)
	}
	if resp.PromptFeedback != nil && resp.PromptFeedback.BlockReason != "" {
		return nil, filteredError()
	}
	if len(resp.Candidates) == 0 {
		return nil, &Error{Provider: Gemini, Kind: KindMalformed, Message: "the response has no candidates"}
	}
	cand := resp.Candidates[0]
	if geminiFiltered(cand.FinishReason) {
		return nil, filteredError()
	}
	var text strings.Builder
	if cand.Content != nil {
		for _, part := range cand.Content.Parts {
			if !part.Thought {
				text.WriteString(part.Text)
			}
		}
	}
	return &Result{Text: text.String(), Usage: geminiUsage(resp.UsageMetadata), FinishReason: string(cand.FinishReason)}, nil
}

// Stream makes a streamGenerateContent (SSE) call; the full usage comes
// with the final chunk.
func (p *geminiProvider) Stream(ctx context.Context, req Request, onDelta func(string) error) (*Result, error) {
	cl := p.classifier(req.APIKey)
	c, err := p.client(ctx, req.APIKey, req.BaseURL)
	if err != nil {
		return nil, err
	}
	contents, cfg := p.contents(req)
	var text strings.Builder
	res := &Result{}
	for chunk, err := range c.Models.GenerateContentStream(ctx, req.Model, contents, cfg) {
		if err != nil {
			return nil, cl.classify(ctx, err)
		}
		if chunk.UsageMetadata != nil {
			res.Usage = geminiUsage(chunk.UsageMetadata)
		}
		if chunk.PromptFeedback != nil && chunk.PromptFeedback.BlockReason != "" {
			return nil, filteredError()
		}
		if len(chunk.Candidates) == 0 {
			continue
		}
		cand := chunk.Candidates[0]
		if cand.Content != nil {
			for _, part := range cand.Content.Parts {
				if part.Thought || part.Text == "" {
					continue
				}
				if err := onDelta(part.Text); err != nil {
					return nil, err
				}
				text.WriteString(part.Text)
			}
		}
		if cand.FinishReason != "" {
			if geminiFiltered(cand.FinishReason) {
				return nil, filteredError()
			}
			res.FinishReason = string(cand.FinishReason)
		}
	}
	if ctx.Err() != nil {
		return nil, cl.contextError(ctx)
	}
	if res.FinishReason == "" {
		return nil, cl.incomplete()
	}
	res.Text = text.String()
	return res, nil
}

// Verify lists one model with apiKey. Errors are *Error.
func (p *geminiProvider) Verify(ctx context.Context, apiKey, baseURL string) error {
	c, err := p.client(ctx, apiKey, baseURL)
	if err != nil {
		return err
	}
	if _, err := c.Models.List(ctx, &genai.ListModelsConfig{PageSize: 1}); err != nil {
		return p.classifier(apiKey).classify(ctx, err)
	}
	return nil
}
