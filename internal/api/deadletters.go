package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

// Dead letters are background jobs that failed for good. A workspace's
// admins and owners list, inspect, requeue and discard them.
func bindDeadLetterAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/dead-letters", s.handleListDeadLetters)
	g.handle(http.MethodGet, "/dead-letters/{id}", s.handleGetDeadLetter)
	g.handle(http.MethodPost, "/dead-letters/{id}/requeue", s.handleRequeueDeadLetter)
	g.handle(http.MethodPost, "/dead-letters/{id}/discard", s.handleDiscardDeadLetter)
}

func (s *Server) handleListDeadLetters(e *core.RequestEvent) error {
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	q := e.Request.URL.Query()
	f := store.DeadLetterFilter{Status: krowoc.DeadLetterStatus(q.Get("status"))}
	switch f.Status {
	case "", krowoc.DeadLetterOpen, krowoc.DeadLetterRequeued, krowoc.DeadLetterDiscarded:
	default:
		var v krowoc.Validation
		v.Add("status", "invalid", "status must be open, requeued or discarded.")
		return v.Err()
	}
	if f.WorkspaceID, err = s.workspaceFor(e, q.Get("workspace"), krowoc.ActionManage); err != nil {
		return err
	}
	items, total, err := s.db.ListDeadLetters(e.Request.Context(), f, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, listResponse[krowoc.DeadLetter]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

// deadLetterFor loads a dead letter of a workspace the caller manages.
func (s *Server) deadLetterFor(e *core.RequestEvent) (*krowoc.DeadLetter, error) {
	d, err := s.db.GetDeadLetter(e.Request.Context(), e.Request.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, d.WorkspaceID, krowoc.ActionManage); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("dead letter")
		}
		return nil, err
	}
	return d, nil
}

func (s *Server) handleGetDeadLetter(e *core.RequestEvent) error {
	d, err := s.deadLetterFor(e)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, d)
}

func (s *Server) handleRequeueDeadLetter(e *core.RequestEvent) error {
	d, err := s.deadLetterFor(e)
	if err != nil {
		return err
	}
	if s.jobs == nil {
		return krowoc.Errorf(krowoc.ECodeUnavailable, "Background jobs are not available on this server.")
	}
	if d, err = s.jobs.Requeue(e.Request.Context(), d.ID); err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, d)
}

func (s *Server) handleDiscardDeadLetter(e *core.RequestEvent) error {
	d, err := s.deadLetterFor(e)
	if err != nil {
		return err
	}
	if s.jobs == nil {
		return krowoc.Errorf(krowoc.ECodeUnavailable, "Background jobs are not available on this server.")
	}
	if d, err = s.jobs.Discard(e.Request.Context(), d.ID); err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, d)
}
