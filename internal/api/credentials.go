package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/store"
)

// verifyTimeout bounds the provider call that checks a key.
const verifyTimeout = 15 * time.Second

func bindCredentialAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/credentials", s.handleListCredentials)
	g.handle(http.MethodPost, "/credentials", s.handleCreateCredential)
	g.handle(http.MethodPatch, "/credentials/{id}", s.handleRenameCredential)
	g.handle(http.MethodDelete, "/credentials/{id}", s.handleDeleteCredential)
	g.handle(http.MethodPost, "/credentials/{id}/verify", s.handleVerifyCredential)
}

// credentialFor loads a credential the caller may perform action on; one in
// a workspace they are not a member of is not_found.
func (s *Server) credentialFor(e *core.RequestEvent, id string, action krowoc.Action) (*krowoc.Credential, error) {
	c, err := s.db.GetCredential(e.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, c.WorkspaceID, action); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("credential")
		}
		return nil, err
	}
	return c, nil
}

type credentialList struct {
	Items []krowoc.Credential `json:"items"`
	Total int                 `json:"total"`
}

// handleListCredentials lists a workspace's keys, masked. Editors may list
// them (they run prompts with them); only admins and owners manage them.
func (s *Server) handleListCredentials(e *core.RequestEvent) error {
	ws, err := s.workspaceFor(e, e.Request.URL.Query().Get("workspace"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	list, err := s.db.ListCredentials(e.Request.Context(), ws)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, credentialList{Items: list, Total: len(list)})
}

type credentialInput struct {
	WorkspaceID string `json:"workspaceId"`
	Provider    string `json:"provider"`
	Label       string `json:"label"`
	Key         string `json:"key"`
	BaseURL     string `json:"baseUrl"`
}

func (s *Server) validateCredential(in *credentialInput) error {
	var v krowoc.Validation
	in.Label = strings.TrimSpace(in.Label)
	in.Key = strings.TrimSpace(in.Key)
	in.BaseURL = strings.TrimRight(strings.TrimSpace(in.BaseURL), "/")
	p, known := s.catalog.Provider(in.Provider)
	if !known {
		v.Add("provider", "unknown", "Choose openai, anthropic, gemini or openai-compatible.")
	}
	if n := utf8.RuneCountInString(in.Label); n == 0 || n > 100 {
		v.Add("label", "length", "Label must be 1 to 100 characters.")
	}
	switch {
	case in.Key == "" && !(known && p.OpenModels):
		v.Add("key", "required", "The API key is required.")
	case len(in.Key) > 500 || strings.ContainsAny(in.Key, " \t\r\n"):
		v.Add("key", "invalid", "The API key must be at most 500 characters with no spaces.")
	}
	switch {
	case known && p.OpenModels && in.BaseURL == "":
		v.Add("baseUrl", "required", "An OpenAI-compatible server needs its base URL, such as http://localhost:11434/v1.")
	case known && !p.OpenModels && in.BaseURL != "":
		v.Add("baseUrl", "not_allowed", "Only OpenAI-compatible servers take a base URL.")
	case in.BaseURL != "":
		if u, err := url.Parse(in.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			v.Add("baseUrl", "invalid", "The base URL must be an http(s) URL without credentials.")
		} else if !s.opts.AllowedBaseURLs.Allows(in.BaseURL) {
			v.Add("baseUrl", "outside_allow_list", "This server calls only base URLs under: "+
				strings.Join(s.opts.AllowedBaseURLs.Prefixes(), ", ")+" (set by its operator).")
		}
	}
	return v.Err()
}

// handleCreateCredential stores a provider key, encrypted; it is never
// returned again.
func (s *Server) handleCreateCredential(e *core.RequestEvent) error {
	var in credentialInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	if err := s.validateCredential(&in); err != nil {
		return err
	}
	ws, err := s.workspaceFor(e, in.WorkspaceID, krowoc.ActionManage)
	if err != nil {
		return err
	}
	c, err := s.db.CreateCredential(e.Request.Context(), s.secrets, store.NewCredential{
		WorkspaceID: ws, UserID: callerOf(e).user.ID, Provider: in.Provider, Label: in.Label, BaseURL: in.BaseURL, Key: in.Key,
	})
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusCreated, c)
}

type renameInput struct {
	Label string `json:"label"`
}

func (s *Server) handleRenameCredential(e *core.RequestEvent) error {
	var in renameInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	in.Label = strings.TrimSpace(in.Label)
	if n := utf8.RuneCountInString(in.Label); n == 0 || n > 100 {
		var v krowoc.Validation
		v.Add("label", "length", "Label must be 1 to 100 characters.")
		return v.Err()
	}
	c, err := s.credentialFor(e, e.Request.PathValue("id"), krowoc.ActionManage)
	if err != nil {
		return err
	}
	c, err = s.db.RenameCredential(e.Request.Context(), c.ID, in.Label)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, c)
}

func (s *Server) handleDeleteCredential(e *core.RequestEvent) error {
	c, err := s.credentialFor(e, e.Request.PathValue("id"), krowoc.ActionManage)
	if err != nil {
		return err
	}
	if err := s.db.DeleteCredential(e.Request.Context(), c.ID); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

// handleVerifyCredential makes a cheap real call with the key (listing
// models) and records the result; a rejected key is a result, not an error.
func (s *Server) handleVerifyCredential(e *core.RequestEvent) error {
	c, err := s.credentialFor(e, e.Request.PathValue("id"), krowoc.ActionManage)
	if err != nil {
		return err
	}
	if err := s.checkBaseURL(c); err != nil {
		return err
	}
	key, err := s.db.CredentialKey(e.Request.Context(), s.secrets, c.ID)
	if err != nil {
		return err
	}
	p, err := s.provider(c.Provider)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.Request.Context(), verifyTimeout)
	defer cancel()
	ok, message := true, "The provider accepted the key."
	if err := p.Verify(ctx, key, c.BaseURL); err != nil {
		ok, message = false, verifyMessage(err)
	}
	c, err = s.db.RecordVerification(e.Request.Context(), c.ID, ok, message)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, c)
}

// verifyMessage explains a failed check without ever echoing the key.
func verifyMessage(err error) string {
	var pe *provider.Error
	if !errors.As(err, &pe) {
		return "The provider could not be reached."
	}
	switch pe.Kind {
	case provider.KindAuth:
		return "The provider rejected the key."
	case provider.KindRateLimited:
		return "The provider is rate limiting this key; try again shortly."
	case provider.KindConnect, provider.KindTimeout:
		return "The provider could not be reached."
	}
	return fmt.Sprintf("The provider answered with an error (%s).", pe.Kind)
}

// provider returns the client for a provider id, built once.
func (s *Server) provider(id string) (provider.Provider, error) {
	s.providersMu.Lock()
	defer s.providersMu.Unlock()
	if p, ok := s.providers[id]; ok {
		return p, nil
	}
	p, err := provider.New(id, provider.Options{BaseURL: s.opts.ProviderBaseURLs[id]})
	if err != nil {
		return nil, err
	}
	s.providers[id] = p
	return p, nil
}

// checkBaseURL refuses a key whose base URL the server's allow-list
// (KROWOC_ALLOWED_BASE_URLS) does not cover, before any call: a key added
// before the list was set, or under another one.
func (s *Server) checkBaseURL(c *krowoc.Credential) error {
	if c.BaseURL == "" || s.opts.AllowedBaseURLs.Allows(c.BaseURL) {
		return nil
	}
	return &krowoc.Error{Code: krowoc.ECodeBaseURLNotAllowed,
		Message: fmt.Sprintf("The key %q points at a base URL this server may not call; its operator limits them (KROWOC_ALLOWED_BASE_URLS).", c.Label)}
}
