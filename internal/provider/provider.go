// Package provider is Krowoc's small interface over the official LLM SDKs:
// OpenAI (openai-go/v3), Anthropic (anthropic-sdk-go/v2), Google Gemini
// (google.golang.org/genai) and OpenAI-compatible servers (openai-go with a
// user-given base URL). Each call takes its own API key and base URL, honors
// cancellation through its context, makes no retries of its own (the
// execution layer owns them) and returns normalized usage and classified
// errors (*Error) whose messages never contain the API key.
//
// Usage is normalized as follows (Input always counts ALL input tokens,
// cached ones included; Output always counts ALL output tokens, reasoning
// included):
//
//	field          OpenAI / compatible                        Anthropic                                           Gemini
//	Input          prompt_tokens                              input_tokens + cache_read + cache_creation          promptTokenCount + toolUsePromptTokenCount
//	CachedInput    prompt_tokens_details.cached_tokens        cache_read_input_tokens                             cachedContentTokenCount
//	CacheCreation  prompt_tokens_details.cache_write_tokens   cache_creation_input_tokens                         0
//	Output         completion_tokens                          output_tokens                                       candidatesTokenCount + thoughtsTokenCount
//	Reasoning      completion_tokens_details.reasoning_tokens output_tokens_details.thinking_tokens               thoughtsTokenCount
//
// In streams the usage is taken from the last chunk that carries it: OpenAI's
// final chunk (stream_options.include_usage is always sent), Anthropic's
// message_start (input) merged with message_delta (cumulative counts), and
// Gemini's final chunk.
package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Provider ids, the part before the colon of a Krowoc model id.
const (
	OpenAI           = "openai"
	Anthropic        = "anthropic"
	Gemini           = "gemini"
	OpenAICompatible = "openai-compatible"
)

// Default base URLs of the hosted providers, in the form each SDK expects.
const (
	DefaultOpenAIBaseURL    = "https://api.openai.com/v1"
	DefaultAnthropicBaseURL = "https://api.anthropic.com"
	DefaultGeminiBaseURL    = "https://generativelanguage.googleapis.com"
)

// DefaultMaxTokens is sent to Anthropic, which requires max_tokens, when the
// request sets none.
const DefaultMaxTokens = 4096

// Message is one turn of a conversation.
type Message struct {
	Role    string // user or assistant
	Content string
}

// Request is one generation call.
type Request struct {
	// Model is the provider's model name, without the "provider:" prefix.
	Model       string
	System      string
	Messages    []Message
	Temperature *float64
	TopP        *float64
	MaxTokens   *int
	// APIKey is the key of this call; it may be empty only for
	// OpenAI-compatible servers that need none.
	APIKey string
	// BaseURL overrides, for this call, the configured or default base URL.
	BaseURL string
}

// Usage is normalized token usage; see the package documentation for how
// each provider maps to it.
type Usage struct {
	Input         int64 // all input tokens, cached ones included
	Output        int64 // all output tokens, reasoning included
	CachedInput   int64 // input tokens read from a cache
	CacheCreation int64 // input tokens written to a cache
	Reasoning     int64 // output tokens spent on reasoning
}

// Result is the outcome of a successful call.
type Result struct {
	Text         string
	Usage        Usage
	FinishReason string // the provider's own value, e.g. stop, end_turn, STOP, length
}

// Provider is one LLM provider.
type Provider interface {
	// Complete makes a non-streaming call. Errors are *Error.
	Complete(ctx context.Context, req Request) (*Result, error)
	// Stream makes a streaming call and calls onDelta with each text delta
	// as it arrives, never buffered. It returns the final result with the
	// full text and usage. An error returned by onDelta aborts the call and
	// is returned as is; every other error is *Error, and a stream that ends
	// before the provider's end marker is an error, never a success.
	Stream(ctx context.Context, req Request, onDelta func(text string) error) (*Result, error)
	// Verify checks apiKey with a cheap real call (listing models). Errors
	// are *Error; a bad key gives KindAuth.
	Verify(ctx context.Context, apiKey, baseURL string) error
}

// Options configure a Provider.
type Options struct {
	// BaseURL overrides the provider's default base URL (configuration, for
	// corporate proxies and tests); Request.BaseURL overrides it per call.
	// OpenAI's includes the version path ("…/v1"); Anthropic's and Gemini's do not.
	BaseURL string
	// HTTPClient makes the calls; nil means a client tuned for many
	// concurrent streams. Its Timeout must be zero for streams to work: use
	// the context for deadlines.
	HTTPClient *http.Client
}

// ErrUnknownProvider is returned by New for an id it does not know.
var ErrUnknownProvider = errors.New("unknown provider")

// New returns the Provider with the given id (openai, anthropic, gemini,
// openai-compatible). It returns an error wrapping ErrUnknownProvider for
// any other id.
func New(id string, opts Options) (Provider, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = NewHTTPClient()
	}
	opts.HTTPClient = tagTransport(opts.HTTPClient)
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	switch id {
	case OpenAI:
		return newOpenAI(OpenAI, opts, DefaultOpenAIBaseURL), nil
	case OpenAICompatible:
		return newOpenAI(OpenAICompatible, opts, ""), nil
	case Anthropic:
		return newAnthropic(opts), nil
	case Gemini:
		return newGemini(opts), nil
	}
	return nil, errors.Join(ErrUnknownProvider, errors.New("provider id "+id))
}

// NewHTTPClient returns an HTTP client suited to provider calls: no overall
// timeout (streams last), connection reuse for many concurrent streams, and
// bounded dial and header waits.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 512
	t.IdleConnTimeout = 90 * time.Second
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	// Each open connection keeps a read and a write buffer; requests and
	// stream chunks are small, so 2 KiB each (the default is 4) keeps
	// memory per stream in flight down. Longer lines still read whole.
	t.ReadBufferSize, t.WriteBufferSize = 2<<10, 2<<10
	return &http.Client{Transport: t, CheckRedirect: sameHostRedirects}
}

// sameHostRedirects follows a provider's redirects only within the host
// first called: provider APIs do not send callers elsewhere, and a base URL
// on the operator's allow-list must not lead the server to another host.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return fmt.Errorf("refused a redirect from %s to another host", via[0].URL.Host)
	}
	return nil
}

// baseURL picks the per-call base URL, then the configured one, then def.
func baseURL(perCall, configured, def string) string {
	if perCall != "" {
		return strings.TrimRight(perCall, "/")
	}
	if configured != "" {
		return configured
	}
	return def
}

// transportError marks an error of reading a response body from the
// network, so that a broken connection is told apart from a body that the
// SDK could not decode (both can surface as io.ErrUnexpectedEOF).
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// tagTransport returns a copy of c whose response bodies mark read errors
// as transport errors.
func tagTransport(c *http.Client) *http.Client {
	cc := *c
	rt := cc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	cc.Transport = taggingTransport{rt}
	return &cc
}

type taggingTransport struct{ rt http.RoundTripper }

func (t taggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, &transportError{err}
	}
	resp.Body = &taggedBody{resp.Body}
	return resp, nil
}

type taggedBody struct{ io.ReadCloser }

func (b *taggedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &transportError{err}
	}
	return n, err
}
