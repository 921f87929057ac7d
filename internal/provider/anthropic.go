package provider

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// anthropicProvider serves Anthropic's messages API.
type anthropicProvider struct {
	opts     Options
	messages anthropic.MessageService
	models   anthropic.ModelService
}

func newAnthropic(opts Options) *anthropicProvider {
	// The services are built without anthropic.NewClient so that no
	// ANTHROPIC_* variable or local profile leaks into calls made with
	// users' keys.
	common := []option.RequestOption{
		option.WithHTTPClient(opts.HTTPClient),
		option.WithMaxRetries(0),
	}
	return &anthropicProvider{
		opts:     opts,
		messages: anthropic.NewMessageService(common...),
		models:   anthropic.NewModelService(common...),
	}
}

func (p *anthropicProvider) classifier(apiKey string) classifier {
	return classifier{provider: Anthropic, apiKey: apiKey, api: anthropicFailure}
}

// anthropicFailure extracts an Anthropic API error, including the error
// events of a stream (which carry the stream's 200 status).
func anthropicFailure(err error) (apiFailure, bool) {
	var ae *anthropic.Error
	if !errors.As(err, &ae) {
		return apiFailure{}, false
	}
	f := apiFailure{status: ae.StatusCode, errType: string(ae.Type()), message: ae.Message}
	if f.status == 200 {
		f.status = 0
	}
	if ae.Response != nil && ae.StatusCode >= 400 {
		f.header = ae.Response.Header
	}
	return f, true
}

func (p *anthropicProvider) callOptions(apiKey, perCallURL string) ([]option.RequestOption, error) {
	if apiKey == "" {
		return nil, &Error{Provider: Anthropic, Kind: KindAuth, Message: "no API key"}
	}
	base := baseURL(perCallURL, p.opts.BaseURL, DefaultAnthropicBaseURL)
	return []option.RequestOption{option.WithBaseURL(base + "/"), option.WithAPIKey(apiKey)}, nil
}

func (p *anthropicProvider) params(req Request) (anthropic.MessageNewParams, []option.RequestOption) {
	msgs := make([]anthropic.MessageParam, 0, len(req.Messages))
	for _, m := range req.Messages {
		if m.Role == "assistant" {
			msgs = append(msgs, anthropic.NewAssistantMessage(anthropic.NewTextBlock(m.Content)))
		} else {
			msgs = append(msgs, anthropic.NewUserMessage(anthropic.NewTextBlock(m.Content)))
		}
	}
	maxTokens := int64(DefaultMaxTokens)
	if req.MaxTokens != nil {
		maxTokens = int64(*req.MaxTokens)
	}
	params := anthropic.MessageNewParams{Model: anthropic.Model(req.Model), MaxTokens: maxTokens, Messages: msgs}
	if req.System != "" {
		params.System = []anthropic.TextBlockParam{{Text: req.System}}
	}
	// This SDK version no longer has typed sampling fields; the API still
	// accepts them for the models that support them.
	var extra []option.RequestOption
	if req.Temperature != nil {
		extra = append(extra, option.WithJSONSet("temperature", *req.Temperature))
	}
	if req.TopP != nil {
		extra = append(extra, option.WithJSONSet("top_p", *req.TopP))
	}
	return params, extra
}

// anthropicUsage normalizes: Anthropic's input_tokens excludes cache reads
// and writes, Krowoc's Input includes them.
func anthropicUsage(input, cacheRead, cacheCreation, output, thinking int64) Usage {
	return Usage{
		Input:         input + cacheRead + cacheCreation,
		Output:        output,
		CachedInput:   cacheRead,
		CacheCreation: cacheCreation,
		Reasoning:     thinking,
	}
}

func anthropicFinish(res *Result) (*Result, error) {
	if res.FinishReason == string(anthropic.StopReasonRefusal) {
		return nil, &Error{Provider: Anthropic, Kind: KindContentFiltered, Message: "the model refused to answer"}
	}
	return res, nil
}

// Complete makes a non-streaming messages call. Errors are *Error.
func (p *anthropicProvider) Complete(ctx context.Context, req Request) (*Result, error) {
	opts, err := p.callOptions(req.APIKey, req.BaseURL)
	if err != nil {
		return nil, err
	}
	params, extra := p.params(req)
	// The SDK refuses large max_tokens without a request timeout; the
	// context carries Krowoc's deadlines.
	opts = append(opts, extra...)
	opts = append(opts, option.WithRequestTimeout(time.Hour))
	msg, err := p.messages.New(ctx, params, opts...)
	if err != nil {
		return nil, p.classifier(req.APIKey).classify(ctx, err)
	}
	var text strings.Builder
	for _, b := range msg.Content {
		if b.Type == "text" {
			text.WriteString(b.Text)
		}
	}
	u := msg.Usage
	return anthropicFinish(&Result{
		Text:         text.String(),
		Usage:        anthropicUsage(u.InputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.OutputTokens, u.OutputTokensDetails.ThinkingTokens),
		FinishReason: string(msg.StopReason),
	})
}

// Stream makes a streaming messages call. The input usage comes with
// message_start, the cumulative usage with message_delta.
func (p *anthropicProvider) Stream(ctx context.Context, req Request, onDelta func(string) error) (*Result, error) {
	cl := p.classifier(req.APIKey)
	opts, err := p.callOptions(req.APIKey, req.BaseURL)
	if err != nil {
		return nil, err
	}
	params, extra := p.params(req)
	stream := p.messages.NewStreaming(ctx, params, append(opts, extra...)...)
	defer stream.Close()

	var text strings.Builder
	res := &Result{}
	var input, cacheRead, cacheCreation, output, thinking int64
	stopped := false
	for stream.Next() {
		ev := stream.Current()
		switch ev.Type {
		case "content_block_delta":
			if ev.Delta.Type == "text_delta" && ev.Delta.Text != "" {
				if err := onDelta(ev.Delta.Text); err != nil {
					return nil, err
				}
				text.WriteString(ev.Delta.Text)
			}
		case "message_start":
			u := ev.Message.Usage
			input, cacheRead, cacheCreation, output = u.InputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.OutputTokens
		case "message_delta":
			u := ev.Usage
			// message_delta counts are cumulative; input counts appear in
			// it only on newer API versions, so keep message_start's
			// unless given.
			if u.JSON.InputTokens.Valid() {
				input = u.InputTokens
			}
			if u.JSON.CacheReadInputTokens.Valid() {
				cacheRead = u.CacheReadInputTokens
			}
			if u.JSON.CacheCreationInputTokens.Valid() {
				cacheCreation = u.CacheCreationInputTokens
			}
			output = u.OutputTokens
			thinking = u.OutputTokensDetails.ThinkingTokens
			res.FinishReason = string(ev.Delta.StopReason)
		case "message_stop":
			stopped = true
		}
	}
	if err := stream.Err(); err != nil {
		return nil, cl.classify(ctx, err)
	}
	if ctx.Err() != nil {
		return nil, cl.contextError(ctx)
	}
	if !stopped {
		return nil, cl.incomplete()
	}
	res.Text = text.String()
	res.Usage = anthropicUsage(input, cacheRead, cacheCreation, output, thinking)
	return anthropicFinish(res)
}

// Verify lists one model with apiKey. Errors are *Error.
func (p *anthropicProvider) Verify(ctx context.Context, apiKey, baseURL string) error {
	opts, err := p.callOptions(apiKey, baseURL)
	if err != nil {
		return err
	}
	if _, err := p.models.List(ctx, anthropic.ModelListParams{Limit: anthropic.Int(1)}, opts...); err != nil {
		return p.classifier(apiKey).classify(ctx, err)
	}
	return nil
}
