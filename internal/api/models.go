package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
)

func bindModelAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/models", s.handleListModels)
}

type modelView struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Provider      string `json:"provider"`
	ContextWindow int    `json:"contextWindow"`
	Usable        bool   `json:"usable"`
}

type providerView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OpenModels bool   `json:"openModels"`
	Usable     bool   `json:"usable"`
}

type modelList struct {
	Providers []providerView `json:"providers"`
	Models    []modelView    `json:"models"`
}

// handleListModels lists the model catalog: providers and their models,
// marked usable when the workspace has a key for their provider.
func (s *Server) handleListModels(e *core.RequestEvent) error {
	ws, err := s.workspaceFor(e, e.Request.URL.Query().Get("workspace"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, ws, krowoc.ActionWrite); err == nil {
		creds, err := s.db.ListCredentials(e.Request.Context(), ws)
		if err != nil {
			return err
		}
		for _, c := range creds {
			keys[c.Provider] = true
		}
	}
	out := modelList{Providers: []providerView{}, Models: []modelView{}}
	for _, p := range s.catalog.Providers {
		out.Providers = append(out.Providers, providerView{ID: p.ID, Name: p.Name, OpenModels: p.OpenModels, Usable: keys[p.ID]})
	}
	for _, m := range s.catalog.Models {
		out.Models = append(out.Models, modelView{ID: m.ID, Name: m.Name, Provider: m.Provider(), ContextWindow: m.ContextWindow, Usable: keys[m.Provider()]})
	}
	return writeJSON(e, http.StatusOK, out)
}
