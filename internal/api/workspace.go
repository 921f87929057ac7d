package api

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// workspaceFor resolves the workspace a request acts on: the given id, or
// the caller's personal workspace when it is empty, after checking that the
// caller may perform action there.
func (s *Server) workspaceFor(e *core.RequestEvent, id string, action krowoc.Action) (string, error) {
	c := callerOf(e)
	if id == "" {
		ws, err := s.db.EnsurePersonalWorkspace(e.Request.Context(), c.user.ID, c.user.Name)
		if err != nil {
			return "", err
		}
		id = ws.ID
	}
	if _, err := s.db.Authorize(e.Request.Context(), c.user.ID, id, action); err != nil {
		return "", err
	}
	return id, nil
}

// promptFor loads a prompt the caller may perform action on. A prompt in a
// workspace the caller is not a member of is not_found, like a missing one.
func (s *Server) promptFor(e *core.RequestEvent, id string, action krowoc.Action) (*krowoc.Prompt, error) {
	p, err := s.db.GetPrompt(e.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, p.WorkspaceID, action); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("prompt")
		}
		return nil, err
	}
	return p, nil
}
