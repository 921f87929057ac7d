package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Kind classifies a provider failure.
type Kind string

// Kinds of provider failures.
const (
	KindAuth            Kind = "auth"             // bad, revoked or unauthorized key (401, 403)
	KindRateLimited     Kind = "rate_limited"     // 429; RetryAfter says when to try again if known
	KindBadRequest      Kind = "bad_request"      // the request is wrong: unknown model, bad parameter (4xx)
	KindContentFiltered Kind = "content_filtered" // the provider refused or filtered the content
	KindServer          Kind = "server"           // 5xx, overloaded, or an error event in a stream
	KindConnect         Kind = "connect"          // cannot reach the provider, or the connection broke
	KindTimeout         Kind = "timeout"          // the context deadline passed or the network timed out
	KindCanceled        Kind = "canceled"         // the context was canceled
	KindMalformed       Kind = "malformed"        // the provider answered something unreadable or incomplete
)

// Error is a classified provider failure. Its Message is safe to show and
// log: it never contains the API key.
type Error struct {
	Provider   string
	Kind       Kind
	Status     int           // HTTP status when the provider answered one, else 0
	RetryAfter time.Duration // from Retry-After, retry-after-ms or Gemini RetryInfo; 0 if none
	Message    string
	cause      error // only context.Canceled or context.DeadlineExceeded
}

// Error formats the failure as "provider: kind (status): message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	b.WriteString(": ")
	b.WriteString(string(e.Kind))
	if e.Status != 0 {
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns context.Canceled or context.DeadlineExceeded for failures
// caused by the context, so errors.Is works on them; nil otherwise.
func (e *Error) Unwrap() error { return e.cause }

// Retryable reports whether trying the same call again may succeed:
// connection failures, rate limits and server errors.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindConnect, KindRateLimited, KindServer:
		return true
	}
	return false
}

// deltaError carries an error returned by onDelta through the SDK loops so
// that it is returned unchanged.
type deltaError struct{ err error }

func (d *deltaError) Error() string { return d.err.Error() }

// apiFailure is what the SDK-specific code extracts from an API error.
type apiFailure struct {
	status     int
	errType    string // provider error type/status, e.g. rate_limit_error, RESOURCE_EXHAUSTED
	code       string // provider error code/reason, e.g. content_filter, API_KEY_INVALID
	message    string
	header     http.Header
	retryAfter time.Duration
}

// classifier turns any error from an SDK call into an *Error.
type classifier struct {
	provider string
	apiKey   string
	// api extracts the provider's API error, if err is one.
	api func(err error) (apiFailure, bool)
}

// classify returns err classified, or err itself when it came from onDelta.
func (c classifier) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var de *deltaError
	if errors.As(err, &de) {
		return de.err
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return c.contextError(ctx)
	}
	if f, ok := c.api(err); ok {
		return c.fromAPI(f)
	}
	return c.fromTransport(err)
}

func (c classifier) contextError(ctx context.Context) *Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Provider: c.provider, Kind: KindTimeout, Message: "deadline exceeded", cause: context.DeadlineExceeded}
	}
	return &Error{Provider: c.provider, Kind: KindCanceled, Message: "canceled", cause: context.Canceled}
}

func (c classifier) fromAPI(f apiFailure) *Error {
	e := &Error{Provider: c.provider, Status: f.status, Message: c.safe(f.message)}
	if e.Message == "" {
		e.Message = http.StatusText(f.status)
	}
	e.RetryAfter = f.retryAfter
	if e.RetryAfter == 0 {
		e.RetryAfter = parseRetryAfter(f.header)
	}
	code := strings.ToLower(f.code)
	typ := strings.ToLower(f.errType)
	switch {
	case code == "content_filter" || code == "content_policy_violation" || code == "content_filtered":
		e.Kind = KindContentFiltered
	case f.status == http.StatusUnauthorized || f.status == http.StatusForbidden || f.status == http.StatusPaymentRequired ||
		code == "api_key_invalid" || code == "invalid_api_key" ||
		typ == "authentication_error" || typ == "permission_error" || typ == "unauthenticated" || typ == "permission_denied":
		e.Kind = KindAuth
	case f.status == http.StatusTooManyRequests || typ == "rate_limit_error" || typ == "resource_exhausted":
		e.Kind = KindRateLimited
	case f.status == http.StatusRequestTimeout || typ == "timeout_error" || typ == "deadline_exceeded":
		e.Kind = KindTimeout
	case f.status >= 500 || typ == "overloaded_error" || typ == "api_error" || typ == "server_error" ||
		typ == "internal" || typ == "unavailable":
		e.Kind = KindServer
	case f.status >= 400:
		e.Kind = KindBadRequest
	default:
		// An error event inside a 200 stream with no recognizable type.
		e.Kind = KindServer
	}
	return e
}

func (c classifier) fromTransport(err error) *Error {
	e := &Error{Provider: c.provider}
	var te *transportError
	if !errors.As(err, &te) {
		// Not a network failure: the SDK could not decode what it read.
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &syntax) || errors.As(err, &typeErr) || errors.Is(err, io.ErrUnexpectedEOF) ||
			strings.Contains(err.Error(), "unmarshal") || strings.Contains(err.Error(), "invalid character") {
			e.Kind, e.Message = KindMalformed, "the provider sent a response that is not valid JSON"
			return e
		}
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var netErr net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		e.Kind, e.Message = KindConnect, "connection closed before the response was complete"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		e.Kind, e.Message = KindConnect, "connection reset by the provider"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind, e.Message = KindConnect, "connection refused"
	case errors.As(err, &dns):
		e.Kind, e.Message = KindConnect, "cannot resolve the provider host"
	case errors.As(err, &cert), errors.As(err, &unknownAuthority):
		e.Kind, e.Message = KindConnect, "TLS certificate not trusted"
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Kind, e.Message = KindTimeout, "network timeout"
	case te != nil || errors.As(err, &netErr):
		e.Kind, e.Message = KindConnect, "cannot reach the provider"
	default:
		e.Kind, e.Message = KindServer, "provider call failed"
	}
	return e
}

// safe removes the API key from a provider-supplied message and bounds it.
func (c classifier) safe(msg string) string {
	if c.apiKey != "" && len(c.apiKey) >= 4 {
		msg = strings.ReplaceAll(msg, c.apiKey, "[redacted]")
	}
	const limit = 500
	if len(msg) > limit {
		msg = msg[:limit] + "…"
	}
	return strings.TrimSpace(msg)
}

// incomplete is the error of a stream that ended before its end marker.
func (c classifier) incomplete() *Error {
	return &Error{Provider: c.provider, Kind: KindConnect, Message: "stream ended before the provider finished"}
}

// parseRetryAfter reads retry-after-ms, then Retry-After (seconds or an HTTP date).
func parseRetryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
