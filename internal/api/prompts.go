package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/textdiff"
)

func bindPromptAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/prompts", s.handleListPrompts)
	g.handle(http.MethodPost, "/prompts", s.handleCreatePrompt)
	g.handle(http.MethodGet, "/prompts/{id}", s.handleGetPrompt)
	g.handle(http.MethodPatch, "/prompts/{id}", s.handleUpdatePrompt)
	g.handle(http.MethodDelete, "/prompts/{id}", s.handleDeletePrompt)
	g.handle(http.MethodPost, "/prompts/{id}/undelete", s.handleUndeletePrompt)
	g.handle(http.MethodPost, "/prompts/{id}/publish", s.handlePublishPrompt)
	g.handle(http.MethodPost, "/prompts/{id}/archive", s.handleArchivePrompt)
	g.handle(http.MethodPost, "/prompts/{id}/unarchive", s.handleUnarchivePrompt)
	g.handle(http.MethodGet, "/prompts/{id}/versions", s.handleListVersions)
	g.handle(http.MethodGet, "/prompts/{id}/versions/{version}", s.handleGetVersion)
	g.handle(http.MethodPost, "/prompts/{id}/versions/{version}/restore", s.handleRestoreVersion)
	g.handle(http.MethodGet, "/prompts/{id}/diff", s.handleDiffPrompt)
	g.handle(http.MethodGet, "/tags", s.handleListTags)
}

// handleListPrompts lists a workspace's prompts with filters, search,
// sorting and pagination.
func (s *Server) handleListPrompts(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	var v krowoc.Validation
	f := store.PromptFilter{
		Status:     krowoc.PromptStatus(q.Get("status")),
		Visibility: krowoc.Visibility(q.Get("visibility")),
		Query:      q.Get("q"),
		Sort:       store.PromptSort(q.Get("sort")),
		Order:      q.Get("order"),
	}
	for _, t := range q["tag"] {
		f.Tags = append(f.Tags, strings.Split(t, ",")...)
	}
	if f.Status != "" && !f.Status.Valid() {
		v.Add("status", "invalid", "status must be draft, published or archived.")
	}
	if f.Visibility != "" && !f.Visibility.Valid() {
		v.Add("visibility", "invalid", "visibility must be private or public.")
	}
	switch f.Sort {
	case "", store.SortUpdated, store.SortCreated, store.SortTitle, store.SortUsage, store.SortVotes:
	default:
		v.Add("sort", "invalid", "sort must be updated, created, title, usage or votes.")
	}
	if f.Order != "" && f.Order != "asc" && f.Order != "desc" {
		v.Add("order", "invalid", "order must be asc or desc.")
	}
	if d := q.Get("deleted"); d != "" {
		b, err := strconv.ParseBool(d)
		if err != nil {
			v.Add("deleted", "invalid", "deleted must be true or false.")
		}
		f.Deleted = b
	}
	if len(f.Query) > 200 {
		v.Add("q", "too_long", "The search text must be at most 200 characters.")
	}
	if len(f.Tags) > krowoc.PromptTagsMax {
		v.Add("tag", "too_many", fmt.Sprintf("Filter by at most %d tags.", krowoc.PromptTagsMax))
	}
	if err := v.Err(); err != nil {
		return err
	}
	if f.WorkspaceID, err = s.workspaceFor(e, q.Get("workspace"), krowoc.ActionRead); err != nil {
		return err
	}
	list, err := s.db.ListPrompts(e.Request.Context(), f, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, promptList{
		listResponse:      listResponse[store.PromptSummary]{Items: list.Items, Page: page.Number, PerPage: page.PerPage, Total: list.Total},
		TotalIsLowerBound: list.TotalIsLowerBound,
	})
}

// promptList is the envelope of the prompt list: a searched list counts at
// most store.SearchCountCap matches, and says when its total is that cap
// rather than the exact count.
type promptList struct {
	listResponse[store.PromptSummary]
	TotalIsLowerBound bool `json:"totalIsLowerBound"`
}

type promptInput struct {
	WorkspaceID      string             `json:"workspaceId"`
	Title            *string            `json:"title"`
	Description      *string            `json:"description"`
	PromptText       *string            `json:"promptText"`
	Tags             *[]string          `json:"tags"`
	ModelWhitelist   *[]string          `json:"modelWhitelist"`
	DefaultModel     *string            `json:"defaultModel"`
	DefaultParams    *krowoc.Params     `json:"defaultParams"`
	VariableDefaults map[string]*string `json:"variableDefaults"`
	Visibility       *krowoc.Visibility `json:"visibility"`
}

// apply copies the fields present in in onto c and normalizes it.
func (in promptInput) apply(s *Server, c *krowoc.PromptContent) error {
	if in.Title != nil {
		c.Title = *in.Title
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.PromptText != nil {
		c.PromptText = *in.PromptText
	}
	if in.Tags != nil {
		c.Tags = *in.Tags
	}
	if in.ModelWhitelist != nil {
		c.ModelWhitelist = *in.ModelWhitelist
	}
	if in.DefaultModel != nil {
		c.DefaultModel = *in.DefaultModel
	}
	if in.DefaultParams != nil {
		c.DefaultParams = *in.DefaultParams
	}
	var defaults map[string]*string
	if in.VariableDefaults != nil {
		// Variables not named keep their current default.
		defaults = map[string]*string{}
		for _, v := range c.Variables {
			defaults[v.Name] = v.Default
		}
		for name, d := range in.VariableDefaults {
			if d != nil && *d == "" {
				d = nil
			}
			defaults[name] = d
		}
	}
	return c.Normalize(s.catalog, defaults)
}

// handleCreatePrompt creates a draft in a workspace the caller may write to.
func (s *Server) handleCreatePrompt(e *core.RequestEvent) error {
	var in promptInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	if in.Visibility != nil && *in.Visibility == krowoc.VisibilityPublic {
		var v krowoc.Validation
		v.Add("visibility", "not_published", "New prompts are drafts; publish one to make it public.")
		return v.Err()
	}
	var c krowoc.PromptContent
	if err := in.apply(s, &c); err != nil {
		return err
	}
	ws, err := s.workspaceFor(e, in.WorkspaceID, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	user := callerOf(e).user
	p, err := s.db.CreatePrompt(e.Request.Context(), store.NewPrompt{
		WorkspaceID: ws, UserID: user.ID, Content: c, Limit: krowoc.PromptLimit(user.Tier),
	})
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusCreated, p)
}

func (s *Server) handleGetPrompt(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

// handleUpdatePrompt edits the working draft; a published prompt keeps its
// published version until it is published again.
func (s *Server) handleUpdatePrompt(e *core.RequestEvent) error {
	var in promptInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	if in.WorkspaceID != "" {
		var v krowoc.Validation
		v.Add("workspaceId", "read_only", "A prompt cannot move to another workspace; export and import it instead.")
		return v.Err()
	}
	if in.Visibility != nil && !in.Visibility.Valid() {
		var v krowoc.Validation
		v.Add("visibility", "invalid", "visibility must be private or public.")
		return v.Err()
	}
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	p, err = s.db.UpdatePrompt(e.Request.Context(), p.ID, callerOf(e).user.ID, func(p *krowoc.Prompt) error {
		if in.Visibility != nil {
			p.Visibility = *in.Visibility
		}
		return in.apply(s, &p.PromptContent)
	})
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

// handleDeletePrompt moves a prompt to the trash, or with permanent=true
// deletes one already in the trash for good.
func (s *Server) handleDeletePrompt(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	permanent, _ := strconv.ParseBool(e.Request.URL.Query().Get("permanent"))
	if permanent {
		err = s.db.PurgePrompt(ctx, p.ID)
	} else if p.DeletedAt != nil {
		err = krowoc.Errorf(krowoc.ECodeConflict, "The prompt is already in the trash; delete it with permanent=true to remove it for good.")
	} else {
		err = s.db.DeletePrompt(ctx, p.ID, callerOf(e).user.ID)
	}
	if err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

func (s *Server) handleUndeletePrompt(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	limit := 0
	if owner, err := s.app.FindRecordById(accounts.Collection, p.OwnerID); err == nil {
		tier, _ := krowoc.ParseTier(owner.GetString("tier"))
		limit = krowoc.PromptLimit(tier)
	}
	p, err = s.db.UndeletePrompt(e.Request.Context(), p.ID, callerOf(e).user.ID, limit)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

type publishInput struct {
	Visibility krowoc.Visibility `json:"visibility"`
}

// handlePublishPrompt snapshots the draft as the next version and publishes it.
func (s *Server) handlePublishPrompt(e *core.RequestEvent) error {
	var in publishInput
	if e.Request.ContentLength != 0 {
		if err := s.decodeJSON(e, &in); err != nil {
			return err
		}
	}
	if in.Visibility != "" && !in.Visibility.Valid() {
		var v krowoc.Validation
		v.Add("visibility", "invalid", "visibility must be private or public.")
		return v.Err()
	}
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	p, err = s.db.PublishPrompt(e.Request.Context(), p.ID, callerOf(e).user.ID, in.Visibility)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

func (s *Server) handleArchivePrompt(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	p, err = s.db.ArchivePrompt(e.Request.Context(), p.ID, callerOf(e).user.ID)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

type unarchiveInput struct {
	To krowoc.PromptStatus `json:"to"`
}

func (s *Server) handleUnarchivePrompt(e *core.RequestEvent) error {
	var in unarchiveInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	p, err = s.db.UnarchivePrompt(e.Request.Context(), p.ID, callerOf(e).user.ID, in.To)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

type versionList struct {
	Items []krowoc.PromptVersion `json:"items"`
	Total int                    `json:"total"`
}

func (s *Server) handleListVersions(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	list, err := s.db.ListVersions(e.Request.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, versionList{Items: list, Total: len(list)})
}

func versionNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, krowoc.NotFound("version")
	}
	return n, nil
}

func (s *Server) handleGetVersion(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	n, err := versionNumber(e.Request.PathValue("version"))
	if err != nil {
		return err
	}
	v, err := s.db.GetVersion(e.Request.Context(), p.ID, n)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, v)
}

// handleRestoreVersion copies a version into the working draft.
func (s *Server) handleRestoreVersion(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	n, err := versionNumber(e.Request.PathValue("version"))
	if err != nil {
		return err
	}
	p, err = s.db.RestoreVersion(e.Request.Context(), p.ID, n, callerOf(e).user.ID)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, p)
}

type diffSide struct {
	Label   string               `json:"label"`
	Content krowoc.PromptContent `json:"content"`
}

type fieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

type diffResponse struct {
	From   diffSide        `json:"from"`
	To     diffSide        `json:"to"`
	Fields []fieldChange   `json:"fields"`
	Lines  []textdiff.Line `json:"lines"`
}

// handleDiffPrompt compares two versions, or a version and the working
// draft: the fields that changed, and a line diff of the text.
func (s *Server) handleDiffPrompt(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	side := func(param, fallback string) (diffSide, error) {
		ref := e.Request.URL.Query().Get(param)
		if ref == "" {
			ref = fallback
		}
		if ref == "draft" {
			return diffSide{Label: "draft", Content: p.PromptContent}, nil
		}
		n, err := strconv.Atoi(strings.TrimPrefix(ref, "v"))
		if err != nil || n < 1 {
			var v krowoc.Validation
			v.Add(param, "invalid", param+" must be a version number or draft.")
			return diffSide{}, v.Err()
		}
		ver, err := s.db.GetVersion(e.Request.Context(), p.ID, n)
		if err != nil {
			return diffSide{}, err
		}
		return diffSide{Label: fmt.Sprintf("v%d", n), Content: ver.PromptContent}, nil
	}
	defaultFrom := "draft"
	if p.LatestVersion > 0 {
		defaultFrom = strconv.Itoa(p.LatestVersion)
	}
	from, err := side("from", defaultFrom)
	if err != nil {
		return err
	}
	to, err := side("to", "draft")
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, diffResponse{
		From: from, To: to,
		Fields: changedFields(from.Content, to.Content),
		Lines:  textdiff.Lines(from.Content.PromptText, to.Content.PromptText),
	})
}

func changedFields(a, b krowoc.PromptContent) []fieldChange {
	out := []fieldChange{}
	add := func(field string, from, to any, same bool) {
		if !same {
			out = append(out, fieldChange{Field: field, From: from, To: to})
		}
	}
	add("title", a.Title, b.Title, a.Title == b.Title)
	add("description", a.Description, b.Description, a.Description == b.Description)
	add("tags", a.Tags, b.Tags, fmt.Sprint(a.Tags) == fmt.Sprint(b.Tags))
	add("modelWhitelist", a.ModelWhitelist, b.ModelWhitelist, fmt.Sprint(a.ModelWhitelist) == fmt.Sprint(b.ModelWhitelist))
	add("defaultModel", a.DefaultModel, b.DefaultModel, a.DefaultModel == b.DefaultModel)
	pa, pb := krowoc.PromptContent{DefaultParams: a.DefaultParams}, krowoc.PromptContent{DefaultParams: b.DefaultParams}
	add("defaultParams", a.DefaultParams, b.DefaultParams, pa.Equal(pb))
	va, vb := krowoc.PromptContent{Variables: a.Variables}, krowoc.PromptContent{Variables: b.Variables}
	add("variables", a.Variables, b.Variables, va.Equal(vb))
	return out
}

type tagList struct {
	Items []store.TagCount `json:"items"`
}

func (s *Server) handleListTags(e *core.RequestEvent) error {
	ws, err := s.workspaceFor(e, e.Request.URL.Query().Get("workspace"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	tags, err := s.db.ListTags(e.Request.Context(), ws)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, tagList{Items: tags})
}
