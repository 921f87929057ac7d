package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
)

// problemTypeBase prefixes every problem type URI; the code completes it.
const problemTypeBase = "https://krowoc.dev/problems/"

var codeStatus = map[string]int{
	krowoc.ECodeBadRequest:        http.StatusBadRequest,
	krowoc.ECodeValidation:        http.StatusBadRequest,
	krowoc.ECodeUnauthorized:      http.StatusUnauthorized,
	krowoc.ECodeForbidden:         http.StatusForbidden,
	krowoc.ECodeNotFound:          http.StatusNotFound,
	krowoc.ECodeConflict:          http.StatusConflict,
	krowoc.ECodePayloadTooLarge:   http.StatusRequestEntityTooLarge,
	krowoc.ECodeUnsupportedMedia:  http.StatusUnsupportedMediaType,
	krowoc.ECodeRateLimited:       http.StatusTooManyRequests,
	krowoc.ECodeQuotaExceeded:     http.StatusForbidden,
	krowoc.ECodeUnavailable:       http.StatusServiceUnavailable,
	krowoc.ECodeInternal:          http.StatusInternalServerError,
	krowoc.ECodeModelNotAllowed:   http.StatusUnprocessableEntity,
	krowoc.ECodeMissingVariables:  http.StatusUnprocessableEntity,
	krowoc.ECodeNoCredential:      http.StatusUnprocessableEntity,
	krowoc.ECodeBaseURLNotAllowed: http.StatusUnprocessableEntity,
	krowoc.ECodeInvalidRows:       http.StatusUnprocessableEntity,
	krowoc.ECodeUpstream:          http.StatusBadGateway,
}

var codeTitle = map[string]string{
	krowoc.ECodeBadRequest:        "Bad request",
	krowoc.ECodeValidation:        "Validation failed",
	krowoc.ECodeUnauthorized:      "Unauthorized",
	krowoc.ECodeForbidden:         "Forbidden",
	krowoc.ECodeNotFound:          "Not found",
	krowoc.ECodeConflict:          "Conflict",
	krowoc.ECodePayloadTooLarge:   "Payload too large",
	krowoc.ECodeUnsupportedMedia:  "Unsupported media type",
	krowoc.ECodeRateLimited:       "Too many requests",
	krowoc.ECodeQuotaExceeded:     "Quota exceeded",
	krowoc.ECodeUnavailable:       "Service unavailable",
	krowoc.ECodeInternal:          "Internal error",
	krowoc.ECodeModelNotAllowed:   "Model not allowed",
	krowoc.ECodeMissingVariables:  "Missing variables",
	krowoc.ECodeNoCredential:      "No API key",
	krowoc.ECodeBaseURLNotAllowed: "Base URL not allowed",
	krowoc.ECodeInvalidRows:       "Invalid rows",
	krowoc.ECodeUpstream:          "Provider call failed",
}

// Status returns the HTTP status for an error code; unknown codes are 500.
func Status(code string) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// toAppError turns any error into a *krowoc.Error that is safe to show.
// Pocketbase router errors keep their status; everything else is internal.
func toAppError(err error) *krowoc.Error {
	var e *krowoc.Error
	if errors.As(err, &e) {
		return e
	}
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		switch apiErr.Status {
		case http.StatusNotFound:
			return krowoc.Errorf(krowoc.ECodeNotFound, "The requested resource was not found.")
		case http.StatusRequestEntityTooLarge:
			return krowoc.Errorf(krowoc.ECodePayloadTooLarge, "The request body is too large.")
		case http.StatusTooManyRequests:
			return krowoc.Errorf(krowoc.ECodeRateLimited, "Too many requests; slow down and retry later.")
		case http.StatusUnauthorized:
			return krowoc.Errorf(krowoc.ECodeUnauthorized, "Authentication is required.")
		case http.StatusForbidden:
			return krowoc.Errorf(krowoc.ECodeForbidden, "You are not allowed to do this.")
		case http.StatusBadRequest:
			return krowoc.Errorf(krowoc.ECodeBadRequest, "The request is malformed.")
		}
	}
	return &krowoc.Error{Code: krowoc.ECodeInternal, Message: "Something went wrong on our side.", Err: err}
}

// problemBody turns err into an RFC 9457 problem body and its status.
// Internal errors are logged with their cause; the body never carries it.
// problemFields are the members of a problem that do not depend on the
// request: type, title, status, detail, code and the error's extras.
func problemFields(appErr *krowoc.Error) map[string]any {
	body := map[string]any{}
	for k, v := range appErr.Extra {
		body[k] = v
	}
	body["type"] = problemTypeBase + appErr.Code
	body["title"] = codeTitle[appErr.Code]
	body["status"] = Status(appErr.Code)
	body["detail"] = appErr.Message
	body["code"] = appErr.Code
	return body
}

func (s *Server) problemBody(e *core.RequestEvent, err error) (int, map[string]any) {
	appErr := toAppError(err)
	status := Status(appErr.Code)
	ctx := e.Request.Context()
	if appErr.Code == krowoc.ECodeInternal {
		// Only our own failures are errors; a provider's failure or a client
		// that went away is in the request line and the execution record.
		s.log.ErrorContext(ctx, "request failed", "method", e.Request.Method, "path", e.Request.URL.Path, "error", err)
	}
	body := problemFields(appErr)
	body["instance"] = e.Request.URL.Path
	if id := logging.RequestID(ctx); id != "" {
		body["requestId"] = id
	}
	if len(appErr.Fields) > 0 {
		body["errors"] = appErr.Fields
	}
	return status, body
}

// writeProblem writes err as an application/problem+json response.
func (s *Server) writeProblem(e *core.RequestEvent, err error) {
	status, body := s.problemBody(e, err)
	if body["code"] == krowoc.ECodeUnauthorized {
		e.Response.Header().Set("WWW-Authenticate", `Bearer realm="krowoc"`)
	}
	if secs, ok := body["retryAfter"].(int); ok {
		e.Response.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	e.Response.Header().Set("Content-Type", "application/problem+json")
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(status)
	if err := json.NewEncoder(e.Response).Encode(body); err != nil {
		s.log.DebugContext(e.Request.Context(), "write problem", "error", err)
	}
}

// logLevel is the level a request is logged at given its status.
func logLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
