package api

import (
	_ "embed"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// openAPIDocument describes every /api/v1 route; a test keeps it complete.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument returns the OpenAPI 3.1 document served at /api/v1/openapi.json.
func OpenAPIDocument() []byte { return openAPIDocument }

func (s *Server) handleOpenAPI(e *core.RequestEvent) error {
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.Blob(http.StatusOK, "application/json", openAPIDocument)
}
