package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/krowoc/krowoc/internal/krowoc"
)

type readyResponse struct {
	Status  string            `json:"status"`
	Version string            `json:"version,omitempty"`
	Checks  map[string]string `json:"checks"`
}

// handleReady answers 200 when the domain database and Pocketbase's database
// both answer a query within two seconds, and 503 otherwise.
func (s *Server) handleReady(e *core.RequestEvent) error {
	ctx, cancel := context.WithTimeout(e.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness: domain database", "error", err)
		return krowoc.Errorf(krowoc.ECodeUnavailable, "The domain database does not answer.")
	}
	var n int
	if err := e.App.DB().NewQuery("SELECT 1").WithContext(ctx).Row(&n); err != nil {
		s.log.WarnContext(ctx, "readiness: auth database", "error", err)
		return krowoc.Errorf(krowoc.ECodeUnavailable, "The auth database does not answer.")
	}
	return writeJSON(e, http.StatusOK, readyResponse{
		Status:  "ready",
		Version: s.opts.Version,
		Checks:  map[string]string{"database": "ok", "auth": "ok"},
	})
}

// handleMetrics serves Prometheus metrics, behind a bearer token when one is
// configured.
func (s *Server) handleMetrics(e *core.RequestEvent) error {
	if want := s.opts.MetricsToken; want != "" {
		got := e.Request.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+want)) != 1 {
			return krowoc.Errorf(krowoc.ECodeUnauthorized, "Send the metrics token as a bearer token.")
		}
	}
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(e.Response, e.Request)
	return nil
}
