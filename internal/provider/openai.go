package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/tidwall/gjson"
)

// openAIProvider serves OpenAI and OpenAI-compatible servers.
type openAIProvider struct {
	id         string
	opts       Options
	defaultURL string // empty for openai-compatible: a base URL is required
	chat       openai.ChatCompletionService
	models     openai.ModelService
}

func newOpenAI(id string, opts Options, defaultURL string) *openAIProvider {
	// The services are built without openai.NewClient so that no OPENAI_*
	// environment variable leaks into calls made with users' keys.
	common := []option.RequestOption{
		option.WithHTTPClient(opts.HTTPClient),
		option.WithMaxRetries(0),
	}
	return &openAIProvider{
		id:         id,
		opts:       opts,
		defaultURL: defaultURL,
		chat:       openai.NewChatCompletionService(common...),
		models:     openai.NewModelService(common...),
	}
}

func (p *openAIProvider) classifier(apiKey string) classifier {
	return classifier{provider: p.id, apiKey: apiKey, api: openAIFailure}
}

// openAIFailure extracts an OpenAI API error or a mid-stream error event.
func openAIFailure(err error) (apiFailure, bool) {
	var ae *openai.Error
	if errors.As(err, &ae) {
		f := apiFailure{status: ae.StatusCode, errType: ae.Type, code: ae.Code, message: ae.Message}
		if ae.Response != nil {
			f.header = ae.Response.Header
		}
		return f, true
	}
	var se *ssestream.StreamError
	if errors.As(err, &se) {
		e := gjson.GetBytes(se.Event.Data, "error")
		return apiFailure{
			errType: e.Get("type").String(),
			code:    e.Get("code").String(),
			message: e.Get("message").String(),
		}, true
	}
	return apiFailure{}, false
}

// callOptions are the per-call options: base URL and key.
func (p *openAIProvider) callOptions(apiKey, perCallURL string) ([]option.RequestOption, error) {
	base := baseURL(perCallURL, p.opts.BaseURL, p.defaultURL)
	if base == "" {
		return nil, &Error{Provider: p.id, Kind: KindBadRequest, Message: "a base URL is required for an OpenAI-compatible server"}
	}
	opts := []option.RequestOption{option.WithBaseURL(base + "/")}
	if apiKey != "" {
		opts = append(opts, option.WithAPIKey(apiKey))
	} else if p.id == OpenAI {
		return nil, &Error{Provider: p.id, Kind: KindAuth, Message: "no API key"}
	}
	return opts, nil
}

func (p *openAIProvider) params(req Request) openai.ChatCompletionNewParams {
	msgs := make([]openai.ChatCompletionMessageParamUnion, 0, len(req.Messages)+1)
	if req.System != "" {
		msgs = append(msgs, openai.SystemMessage(req.System))
	}
	for _, m := range req.Messages {
		if m.Role == "assistant" {
			msgs = append(msgs, openai.AssistantMessage(m.Content))
		} else {
			msgs = append(msgs, openai.UserMessage(m.Content))
		}
	}
	params := openai.ChatCompletionNewParams{Model: req.Model, Messages: msgs}
	if req.Temperature != nil {
		params.Temperature = param.NewOpt(*req.Temperature)
	}
	if req.TopP != nil {
		params.TopP = param.NewOpt(*req.TopP)
	}
	if req.MaxTokens != nil {
		// OpenAI deprecated max_tokens for max_completion_tokens; most
		// OpenAI-compatible servers only know max_tokens.
		if p.id == OpenAI {
			params.MaxCompletionTokens = param.NewOpt(int64(*req.MaxTokens))
		} else {
			params.MaxTokens = param.NewOpt(int64(*req.MaxTokens))
		}
	}
	return params
}

func openAIUsage(u openai.CompletionUsage) Usage {
	return Usage{
		Input:         u.PromptTokens,
		Output:        u.CompletionTokens,
		CachedInput:   u.PromptTokensDetails.CachedTokens,
		CacheCreation: u.PromptTokensDetails.CacheWriteTokens,
		Reasoning:     u.CompletionTokensDetails.ReasoningTokens,
	}
}

// openAIFinish turns a filtered finish into an error.
func (p *openAIProvider) finish(res *Result) (*Result, error) {
	if res.FinishReason == "content_filter" {
		return nil, &Error{Provider: p.id, Kind: KindContentFiltered, Message: "the provider filtered the content"}
	}
	return res, nil
}

// Complete makes a non-streaming chat completion. Errors are *Error.
func (p *openAIProvider) Complete(ctx context.Context, req Request) (*Result, error) {
	cl := p.classifier(req.APIKey)
	opts, err := p.callOptions(req.APIKey, req.BaseURL)
	if err != nil {
		return nil, err
	}
	resp, err := p.chat.New(ctx, p.params(req), opts...)
	if err != nil {
		return nil, cl.classify(ctx, err)
	}
	if len(resp.Choices) == 0 {
		return nil, &Error{Provider: p.id, Kind: KindMalformed, Message: "the response has no choices"}
	}
	return p.finish(&Result{
		Text:         resp.Choices[0].Message.Content,
		Usage:        openAIUsage(resp.Usage),
		FinishReason: resp.Choices[0].FinishReason,
	})
}

// Stream makes a streaming chat completion with include_usage, so that the
// usage arrives in the last chunk.
func (p *openAIProvider) Stream(ctx context.Context, req Request, onDelta func(string) error) (*Result, error) {
	cl := p.classifier(req.APIKey)
	opts, err := p.callOptions(req.APIKey, req.BaseURL)
	if err != nil {
		return nil, err
	}
	params := p.params(req)
	params.StreamOptions.IncludeUsage = param.NewOpt(true)
	stream := p.chat.NewStreaming(ctx, params, opts...)
	defer stream.Close()

	var text strings.Builder
	res := &Result{}
	var sawUsage bool
	for stream.Next() {
		chunk := stream.Current()
		if chunk.JSON.Usage.Valid() {
			res.Usage = openAIUsage(chunk.Usage)
			sawUsage = true
		}
		for i := range chunk.Choices {
			ch := &chunk.Choices[i]
			if ch.Index != 0 {
				continue
			}
			if d := ch.Delta.Content; d != "" {
				if err := onDelta(d); err != nil {
					return nil, err
				}
				text.WriteString(d)
			}
			if ch.FinishReason != "" {
				res.FinishReason = ch.FinishReason
			}
		}
	}
	if err := stream.Err(); err != nil {
		return nil, cl.classify(ctx, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, cl.contextError(ctx)
	}
	// Without [DONE] the SDK ends quietly; a stream without a finish reason
	// or usage was cut.
	if res.FinishReason == "" || (!sawUsage && p.id == OpenAI) {
		return nil, cl.incomplete()
	}
	res.Text = text.String()
	return p.finish(res)
}

// Verify lists models with apiKey. Errors are *Error.
func (p *openAIProvider) Verify(ctx context.Context, apiKey, baseURL string) error {
	opts, err := p.callOptions(apiKey, baseURL)
	if err != nil {
		return err
	}
	if _, err := p.models.List(ctx, opts...); err != nil {
		return p.classifier(apiKey).classify(ctx, err)
	}
	return nil
}
