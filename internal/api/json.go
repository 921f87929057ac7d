package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

// decodeJSON reads the request body into dst. It accepts only JSON objects
// of at most the configured size with no unknown fields, and turns every
// failure into a 4xx problem naming what is wrong.
func (s *Server) decodeJSON(e *core.RequestEvent, dst any) error {
	return s.decodeJSONLimit(e, dst, s.maxBody)
}

// decodeJSONLimit is decodeJSON with its own size limit.
func (s *Server) decodeJSONLimit(e *core.RequestEvent, dst any, limit int64) error {
	if ct := e.Request.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return krowoc.Errorf(krowoc.ECodeUnsupportedMedia, "Send the body as application/json.")
		}
	}
	body := http.MaxBytesReader(e.Response, e.Request.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, limit)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return jsonError(err, limit)
		}
		return krowoc.Errorf(krowoc.ECodeBadRequest, "The body must hold a single JSON object.")
	}
	return nil
}

func jsonError(err error, limit int64) error {
	var (
		syntax     *json.SyntaxError
		typeErr    *json.UnmarshalTypeError
		tooLarge   *http.MaxBytesError
		validation krowoc.Validation
	)
	switch {
	case errors.As(err, &tooLarge):
		return krowoc.Errorf(krowoc.ECodePayloadTooLarge, "The body is larger than %d bytes.", limit)
	case errors.Is(err, io.EOF):
		return krowoc.Errorf(krowoc.ECodeBadRequest, "The body is empty; send a JSON object.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return krowoc.Errorf(krowoc.ECodeBadRequest, "The body is not valid JSON.")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return krowoc.Errorf(krowoc.ECodeBadRequest, "The body must be a JSON object.")
		}
		validation.Add(typeErr.Field, "type", fmt.Sprintf("Must be a %s.", jsonTypeName(typeErr.Type.Kind().String())))
		return validation.Err()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		validation.Add(field, "unknown", "This field is not accepted.")
		return validation.Err()
	}
	return krowoc.Errorf(krowoc.ECodeBadRequest, "The body could not be read as JSON.")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "map", "struct", "ptr":
		return "object"
	}
	return "number"
}

// writeJSON writes v as JSON with the given status.
func writeJSON(e *core.RequestEvent, status int, v any) error {
	e.Response.Header().Set("Content-Type", "application/json")
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(status)
	return json.NewEncoder(e.Response).Encode(v)
}

// listResponse is the envelope of every paginated list.
type listResponse[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	PerPage int `json:"perPage"`
	Total   int `json:"total"`
}

// parsePage reads the page and perPage query parameters.
func parsePage(e *core.RequestEvent) (store.Page, error) {
	var v krowoc.Validation
	q := e.Request.URL.Query()
	p := store.Page{Number: 1, PerPage: 20}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			v.Add("page", "invalid", "page must be a whole number from 1.")
		}
		p.Number = n
	}
	if s := q.Get("perPage"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxPerPage {
			v.Add("perPage", "invalid", fmt.Sprintf("perPage must be a whole number from 1 to %d.", store.MaxPerPage))
		}
		p.PerPage = n
	}
	return p.Normalize(), v.Err()
}
