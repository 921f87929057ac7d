// Package krowoc holds the domain types, error codes and authorization rules
// shared by every layer. It knows nothing of databases or HTTP.
package krowoc

import (
	"errors"
	"fmt"
)

// Error codes are stable, machine-readable identifiers clients may switch on.
const (
	ECodeBadRequest       = "bad_request"
	ECodeValidation       = "validation_failed"
	ECodeUnauthorized     = "unauthorized"
	ECodeForbidden        = "forbidden"
	ECodeNotFound         = "not_found"
	ECodeConflict         = "conflict"
	ECodePayloadTooLarge  = "payload_too_large"
	ECodeUnsupportedMedia = "unsupported_media_type"
	ECodeRateLimited      = "rate_limited"
	ECodeQuotaExceeded    = "quota_exceeded"
	ECodeUnavailable      = "unavailable"
	ECodeInternal         = "internal"
)

// FieldError names one invalid input field and why it is invalid.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is an application error with a stable code and a message that is
// safe to show to the caller. Internal causes go in Err and are never shown.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Extra carries additional problem members (for example a quota's limit).
	Extra map[string]any
	Err   error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a not_found error naming the kind of thing that is missing.
func NotFound(what string) *Error {
	return &Error{Code: ECodeNotFound, Message: what + " not found"}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// ECodeInternal for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECodeInternal
}

// Validation collects field errors; its Err method returns nil when none were added.
type Validation struct {
	fields []FieldError
}

// Add records that field is invalid.
func (v *Validation) Add(field, code, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: message})
}

// Err returns a validation_failed *Error listing every field added, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	msg := "The request has invalid fields."
	if len(v.fields) == 1 {
		msg = v.fields[0].Message
	}
	return &Error{Code: ECodeValidation, Message: msg, Fields: v.fields}
}
