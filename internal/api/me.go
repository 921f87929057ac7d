package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
)

func bindMeAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/me", s.handleMe)
}

type meUser struct {
	krowoc.User
	Created string `json:"created"`
}

type meWorkspace struct {
	ID   string               `json:"id"`
	Name string               `json:"name"`
	Kind krowoc.WorkspaceKind `json:"kind"`
	Role krowoc.Role          `json:"role"`
}

type meResponse struct {
	User       meUser        `json:"user"`
	Workspaces []meWorkspace `json:"workspaces"`
	// Auth says how the caller authenticated: session or token.
	Auth string `json:"auth"`
	// PromptCount is how many live prompts the caller owns; PromptLimit is
	// their tier's limit, nil when unlimited.
	PromptCount int  `json:"promptCount"`
	PromptLimit *int `json:"promptLimit"`
}

// handleMe returns the caller, their tier and their workspaces with roles.
func (s *Server) handleMe(e *core.RequestEvent) error {
	c := callerOf(e)
	list, err := s.db.ListWorkspaces(e.Request.Context(), c.user.ID)
	if err != nil {
		return err
	}
	resp := meResponse{User: meUser{User: c.user}, Workspaces: make([]meWorkspace, len(list)), Auth: "session"}
	if c.token != nil {
		resp.Auth = "token"
	}
	if rec, err := e.App.FindRecordById(accounts.Collection, c.user.ID); err == nil {
		resp.User.Created = rec.GetDateTime("created").Time().UTC().Format("2006-01-02T15:04:05Z")
	}
	if resp.PromptCount, err = s.db.CountOwnedPrompts(e.Request.Context(), c.user.ID); err != nil {
		return err
	}
	if limit := krowoc.PromptLimit(c.user.Tier); limit > 0 {
		resp.PromptLimit = &limit
	}
	for i, w := range list {
		resp.Workspaces[i] = meWorkspace{ID: w.ID, Name: w.Name, Kind: w.Kind, Role: w.Role}
	}
	return writeJSON(e, http.StatusOK, resp)
}
