package api

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
)

func bindTokenAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/tokens", s.handleListTokens)
	g.handle(http.MethodPost, "/tokens", s.handleCreateToken)
	g.handle(http.MethodDelete, "/tokens/{id}", s.handleRevokeToken)
}

type tokenView struct {
	krowoc.Token
	Expired bool `json:"expired"`
}

func viewToken(t krowoc.Token, now time.Time) tokenView {
	return tokenView{Token: t, Expired: t.Expired(now)}
}

// handleListTokens lists the caller's live and expired tokens, never secrets.
func (s *Server) handleListTokens(e *core.RequestEvent) error {
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	list, total, err := s.db.ListTokens(e.Request.Context(), callerOf(e).user.ID, page)
	if err != nil {
		return err
	}
	now := s.db.Now()
	items := make([]tokenView, len(list))
	for i, t := range list {
		items[i] = viewToken(t, now)
	}
	return writeJSON(e, http.StatusOK, listResponse[tokenView]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

type createTokenRequest struct {
	Name      string  `json:"name"`
	ExpiresAt *string `json:"expiresAt"`
}

type createTokenResponse struct {
	Token  tokenView `json:"token"`
	Secret string    `json:"secret"`
}

// handleCreateToken creates a token and returns its secret, the only time it
// is ever shown.
func (s *Server) handleCreateToken(e *core.RequestEvent) error {
	var req createTokenRequest
	if err := s.decodeJSON(e, &req); err != nil {
		return err
	}
	var expiresAt *time.Time
	if req.ExpiresAt != nil && *req.ExpiresAt != "" {
		t, err := time.Parse(time.RFC3339, *req.ExpiresAt)
		if err != nil {
			var v krowoc.Validation
			v.Add("expiresAt", "format", "Must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z.")
			return v.Err()
		}
		expiresAt = &t
	}
	t, secret, err := s.db.CreateToken(e.Request.Context(), callerOf(e).user.ID, req.Name, expiresAt)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusCreated, createTokenResponse{Token: viewToken(*t, s.db.Now()), Secret: secret})
}

// handleRevokeToken revokes one of the caller's tokens; other users' tokens
// are not found, so their ids do not leak.
func (s *Server) handleRevokeToken(e *core.RequestEvent) error {
	if err := s.db.RevokeToken(e.Request.Context(), callerOf(e).user.ID, e.Request.PathValue("id")); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}
