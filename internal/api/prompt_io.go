package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

// importMaxBytes bounds an import file; importMaxItems bounds its prompts.
const (
	importMaxBytes = 32 << 20
	importMaxItems = 10_000
)

func bindPromptIOAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/prompts/{id}/export", s.handleExportPrompt)
	g.handle(http.MethodPost, "/prompts/export", s.handleExportPrompts)
	g.handle(http.MethodPost, "/prompts/import", s.handleImportPrompts)
}

func (s *Server) writeExport(e *core.RequestEvent, name string, prompts []krowoc.ExportedPrompt) error {
	doc := krowoc.ExportDocument{Format: krowoc.ExportFormat, Version: krowoc.ExportVersion, ExportedAt: s.db.Now().UTC(), Prompts: prompts}
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	return writeJSON(e, http.StatusOK, doc)
}

// handleExportPrompt exports one prompt with all its versions.
func (s *Server) handleExportPrompt(e *core.RequestEvent) error {
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	prompts, err := s.db.ExportPrompts(e.Request.Context(), p.WorkspaceID, []string{p.ID})
	if err != nil {
		return err
	}
	return s.writeExport(e, "krowoc-prompt-"+p.ID+".json", prompts)
}

type exportInput struct {
	WorkspaceID string   `json:"workspaceId"`
	IDs         []string `json:"ids"`
}

// handleExportPrompts exports a selection of a workspace's prompts, or all.
func (s *Server) handleExportPrompts(e *core.RequestEvent) error {
	var in exportInput
	if e.Request.ContentLength != 0 {
		if err := s.decodeJSON(e, &in); err != nil {
			return err
		}
	}
	if len(in.IDs) > importMaxItems {
		var v krowoc.Validation
		v.Add("ids", "too_many", fmt.Sprintf("Export at most %d prompts at once.", importMaxItems))
		return v.Err()
	}
	ws, err := s.workspaceFor(e, in.WorkspaceID, krowoc.ActionRead)
	if err != nil {
		return err
	}
	prompts, err := s.db.ExportPrompts(e.Request.Context(), ws, in.IDs)
	if err != nil {
		return err
	}
	return s.writeExport(e, "krowoc-prompts-"+time.Now().UTC().Format("20060102-150405")+".json", prompts)
}

// itemErrors are the problems of one import item.
type itemErrors struct {
	Index  int                 `json:"index"`
	Title  string              `json:"title"`
	Errors []krowoc.FieldError `json:"errors"`
}

type importProgress struct {
	Phase string `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// handleImportPrompts imports an export document into a workspace: every
// item is validated first and the file is imported whole or not at all.
// With Accept: text/event-stream it reports progress as it goes.
func (s *Server) handleImportPrompts(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	onConflict := q.Get("onConflict")
	if onConflict == "" {
		onConflict = store.ImportSkip
	}
	if onConflict != store.ImportSkip && onConflict != store.ImportCopy {
		var v krowoc.Validation
		v.Add("onConflict", "invalid", "onConflict must be skip or copy.")
		return v.Err()
	}
	ws, err := s.workspaceFor(e, q.Get("workspace"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	var doc krowoc.ExportDocument
	if err := s.decodeJSONLimit(e, &doc, importMaxBytes); err != nil {
		return err
	}

	var sse *sseWriter
	progress := func(phase string, done, total int) {}
	if wantsEventStream(e) {
		sse = newSSEWriter(e)
		last := time.Time{}
		progress = func(phase string, done, total int) {
			if done == total || time.Since(last) > 100*time.Millisecond {
				last = time.Now()
				_ = sse.event("progress", importProgress{Phase: phase, Done: done, Total: total})
			}
		}
	}
	fail := func(err error) error {
		if sse == nil {
			return err
		}
		_, body := s.problemBody(e, err)
		_ = sse.event("error", body)
		return nil
	}

	items, err := s.validateImport(&doc, func(done, total int) { progress("validating", done, total) })
	if err != nil {
		return fail(err)
	}
	user := callerOf(e).user
	res, err := s.db.ImportPrompts(e.Request.Context(), items, store.ImportOptions{
		WorkspaceID: ws, UserID: user.ID, Limit: krowoc.PromptLimit(user.Tier), OnConflict: onConflict,
		Progress: func(done, total int) { progress("importing", done, total) },
	})
	if err != nil {
		return fail(err)
	}
	if sse != nil {
		_ = sse.event("result", res)
		return nil
	}
	return writeJSON(e, http.StatusOK, res)
}

// validateImport checks the document and every item, normalizing content
// as a create would. It returns a validation_failed error listing the
// errors of every bad item, or the items ready to store.
func (s *Server) validateImport(doc *krowoc.ExportDocument, progress func(done, total int)) ([]krowoc.ExportedPrompt, error) {
	var v krowoc.Validation
	if doc.Format != krowoc.ExportFormat {
		v.Add("format", "invalid", fmt.Sprintf("This is not a Krowoc export (format must be %q).", krowoc.ExportFormat))
	}
	if doc.Version < 1 || doc.Version > krowoc.ExportVersion {
		v.Add("version", "unsupported", fmt.Sprintf("Export version %d is not supported; this server reads version %d.", doc.Version, krowoc.ExportVersion))
	}
	switch {
	case len(doc.Prompts) == 0:
		v.Add("prompts", "required", "The file holds no prompts.")
	case len(doc.Prompts) > importMaxItems:
		v.Add("prompts", "too_many", fmt.Sprintf("Import at most %d prompts at once.", importMaxItems))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	var bad []itemErrors
	for i := range doc.Prompts {
		item := &doc.Prompts[i]
		if errs := s.normalizeImportItem(item, now); len(errs) > 0 {
			bad = append(bad, itemErrors{Index: i, Title: item.Title, Errors: errs})
		}
		if (i+1)%100 == 0 || i+1 == len(doc.Prompts) {
			progress(i+1, len(doc.Prompts))
		}
	}
	if len(bad) > 0 {
		return nil, &krowoc.Error{
			Code:    krowoc.ECodeValidation,
			Message: fmt.Sprintf("%d of %d prompts are invalid; nothing was imported.", len(bad), len(doc.Prompts)),
			Extra:   map[string]any{"items": bad},
		}
	}
	return doc.Prompts, nil
}

func (s *Server) normalizeImportItem(item *krowoc.ExportedPrompt, now time.Time) []krowoc.FieldError {
	var errs []krowoc.FieldError
	collect := func(prefix string, err error) {
		if e, ok := err.(*krowoc.Error); ok {
			for _, f := range e.Fields {
				f.Field = prefix + f.Field
				errs = append(errs, f)
			}
		}
	}
	collect("", item.PromptContent.Normalize(s.catalog, variableDefaults(item.Variables)))
	if item.Status == "" {
		item.Status = krowoc.StatusDraft
	}
	if item.Visibility == "" {
		item.Visibility = krowoc.VisibilityPrivate
	}
	if !item.Status.Valid() {
		errs = append(errs, krowoc.FieldError{Field: "status", Code: "invalid", Message: "status must be draft, published or archived."})
	}
	if !item.Visibility.Valid() {
		errs = append(errs, krowoc.FieldError{Field: "visibility", Code: "invalid", Message: "visibility must be private or public."})
	} else if item.Visibility == krowoc.VisibilityPublic && item.Status != krowoc.StatusPublished {
		errs = append(errs, krowoc.FieldError{Field: "visibility", Code: "not_published", Message: "Only published prompts can be public."})
	}
	seen := map[int]bool{}
	for j := range item.Versions {
		ver := &item.Versions[j]
		prefix := fmt.Sprintf("versions[%d].", j)
		if ver.Version < 1 || seen[ver.Version] {
			errs = append(errs, krowoc.FieldError{Field: prefix + "version", Code: "invalid", Message: "Version numbers must be positive and unique."})
		}
		seen[ver.Version] = true
		collect(prefix, ver.PromptContent.Normalize(s.catalog, variableDefaults(ver.Variables)))
		if ver.CreatedAt.IsZero() {
			ver.CreatedAt = now
		}
	}
	switch {
	case item.PublishedVersion != nil && !seen[*item.PublishedVersion]:
		errs = append(errs, krowoc.FieldError{Field: "publishedVersion", Code: "unknown_version", Message: "publishedVersion must be one of the versions."})
	case item.Status == krowoc.StatusPublished && item.PublishedVersion == nil:
		errs = append(errs, krowoc.FieldError{Field: "publishedVersion", Code: "required", Message: "A published prompt needs its published version."})
	case item.Status == krowoc.StatusDraft && item.PublishedVersion != nil:
		item.PublishedVersion = nil
	}
	if item.CreatedAt.IsZero() {
		item.CreatedAt = now
	}
	if item.UpdatedAt.IsZero() {
		item.UpdatedAt = item.CreatedAt
	}
	return errs
}

func variableDefaults(vars []krowoc.Variable) map[string]*string {
	m := map[string]*string{}
	for _, v := range vars {
		if v.Default != nil && strings.TrimSpace(*v.Default) != "" {
			m[v.Name] = v.Default
		}
	}
	return m
}
