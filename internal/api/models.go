package api

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

func bindModelAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/models", s.handleListModels)
}

type modelView struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Provider      string `json:"provider"`
	ContextWindow int    `json:"contextWindow"`
}

type providerView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OpenModels bool   `json:"openModels"`
}

type modelList struct {
	Providers []providerView `json:"providers"`
	Models    []modelView    `json:"models"`
}

// handleListModels lists the model catalog: providers and their models.
func (s *Server) handleListModels(e *core.RequestEvent) error {
	out := modelList{Providers: []providerView{}, Models: []modelView{}}
	for _, p := range s.catalog.Providers {
		out.Providers = append(out.Providers, providerView{ID: p.ID, Name: p.Name, OpenModels: p.OpenModels})
	}
	for _, m := range s.catalog.Models {
		out.Models = append(out.Models, modelView{ID: m.ID, Name: m.Name, Provider: m.Provider(), ContextWindow: m.ContextWindow})
	}
	return writeJSON(e, http.StatusOK, out)
}
