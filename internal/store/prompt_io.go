package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// ExportPrompts returns the live prompts of a workspace with every version:
// the ones named by ids, or all of them when ids is empty. An id that is not
// a live prompt of the workspace is not_found.
func (db *DB) ExportPrompts(ctx context.Context, workspaceID string, ids []string) ([]krowoc.ExportedPrompt, error) {
	r := db.reader()
	if len(ids) == 0 {
		rows, err := r.query(ctx, `SELECT id FROM prompts WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY created_at, id`, workspaceID)
		if err != nil {
			return nil, fmt.Errorf("list prompts to export: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]krowoc.ExportedPrompt, 0, len(ids))
	for _, id := range ids {
		p, err := getPrompt(ctx, r, id)
		if err != nil {
			return nil, err
		}
		if p.WorkspaceID != workspaceID || p.DeletedAt != nil {
			return nil, krowoc.NotFound("prompt")
		}
		versions, err := db.ListVersions(ctx, id)
		if err != nil {
			return nil, err
		}
		e := krowoc.ExportedPrompt{
			PromptContent: p.PromptContent, Status: p.Status, Visibility: p.Visibility,
			PublishedVersion: p.PublishedVersion, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
			Versions: make([]krowoc.ExportedVersion, len(versions)),
		}
		for i, v := range versions {
			// oldest first reads naturally in a file
			e.Versions[len(versions)-1-i] = krowoc.ExportedVersion{Version: v.Version, PromptContent: v.PromptContent, CreatedAt: v.CreatedAt}
		}
		out = append(out, e)
	}
	return out, nil
}

// Conflict policies for imports: a prompt whose title already exists in the
// workspace is skipped, or imported as a copy with a suffixed title.
const (
	ImportSkip = "skip"
	ImportCopy = "copy"
)

// ImportResult reports what an import did.
type ImportResult struct {
	Created []ImportedItem `json:"created"`
	Skipped []ImportedItem `json:"skipped"`
}

// ImportedItem is one item of an import file and what became of it.
type ImportedItem struct {
	Index int    `json:"index"`
	Title string `json:"title"`
	// ID is the new prompt's id (created items only).
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ImportOptions configure ImportPrompts.
type ImportOptions struct {
	WorkspaceID string
	UserID      string
	// Limit is the importer's prompt limit; 0 means unlimited.
	Limit      int
	OnConflict string
	// Progress, when set, is called after each item with the number done.
	Progress func(done, total int)
}

// ImportPrompts stores already validated prompts in one transaction: all of
// them or, on any error, none. Items whose title exists in the workspace are
// skipped or copied per OnConflict. The importer owns the new prompts, which
// count against their quota (quota_exceeded writes nothing).
func (db *DB) ImportPrompts(ctx context.Context, items []krowoc.ExportedPrompt, o ImportOptions) (*ImportResult, error) {
	res := &ImportResult{Created: []ImportedItem{}, Skipped: []ImportedItem{}}
	err := db.Update(ctx, func(tx *Tx) error {
		res.Created, res.Skipped = res.Created[:0], res.Skipped[:0]
		titles, err := workspaceTitles(ctx, tx, o.WorkspaceID)
		if err != nil {
			return err
		}
		pending := make([]krowoc.ExportedPrompt, 0, len(items))
		indexes := make([]int, 0, len(items))
		for i, item := range items {
			key := strings.ToLower(item.Title)
			if titles[key] {
				if o.OnConflict != ImportCopy {
					res.Skipped = append(res.Skipped, ImportedItem{Index: i, Title: item.Title, Reason: "a prompt with this title exists"})
					continue
				}
				item.Title = copyTitle(item.Title, titles)
				key = strings.ToLower(item.Title)
			}
			titles[key] = true
			pending = append(pending, item)
			indexes = append(indexes, i)
		}
		if len(pending) > 0 {
			if err := reserveQuota(ctx, tx, o.UserID, len(pending), o.Limit); err != nil {
				return err
			}
		}
		for n, item := range pending {
			p, err := insertPrompt(ctx, tx, o.WorkspaceID, o.UserID, item.PromptContent, item.Status, item.Visibility, item.CreatedAt, item.UpdatedAt)
			if err != nil {
				return err
			}
			latest := 0
			var latestContent *krowoc.PromptContent
			for _, v := range item.Versions {
				if err := insertVersion(ctx, tx, p.ID, v.Version, v.PromptContent, o.UserID, v.CreatedAt); err != nil {
					return err
				}
				if v.Version > latest {
					latest, latestContent = v.Version, &v.PromptContent
				}
			}
			changed := latestContent == nil || !latestContent.Equal(item.PromptContent)
			if _, err := tx.exec(ctx, `UPDATE prompts SET latest_version = ?, published_version = ?, has_draft_changes = ? WHERE id = ?`,
				latest, toNullInt(item.PublishedVersion), changed, p.ID); err != nil {
				return fmt.Errorf("set versions of imported prompt: %w", err)
			}
			p.LatestVersion, p.PublishedVersion, p.HasDraftChanges = latest, item.PublishedVersion, changed
			if err := emitPrompt(ctx, tx, krowoc.EventPromptCreated, p, o.UserID, "import", ""); err != nil {
				return err
			}
			res.Created = append(res.Created, ImportedItem{Index: indexes[n], Title: item.Title, ID: p.ID})
			if o.Progress != nil {
				o.Progress(len(res.Skipped)+n+1, len(items))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(res.Created) >= 1000 {
		// A large import changes the table's shape; refresh the planner's
		// statistics now rather than at the next hourly run.
		_ = db.Optimize(ctx)
	}
	return res, nil
}

func workspaceTitles(ctx context.Context, tx *Tx, workspaceID string) (map[string]bool, error) {
	rows, err := tx.query(ctx, `SELECT title FROM prompts WHERE workspace_id = ? AND deleted_at IS NULL`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("read titles: %w", err)
	}
	defer rows.Close()
	titles := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		titles[strings.ToLower(t)] = true
	}
	return titles, rows.Err()
}

// copyTitle returns "title (copy)", "title (copy 2)", … whichever is free,
// shortened so it stays within the title limit.
func copyTitle(title string, taken map[string]bool) string {
	for n := 1; ; n++ {
		suffix := " (copy)"
		if n > 1 {
			suffix = fmt.Sprintf(" (copy %d)", n)
		}
		base := title
		for utf8.RuneCountInString(base)+len(suffix) > krowoc.PromptTitleMax {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		if t := base + suffix; !taken[strings.ToLower(t)] {
			return t
		}
	}
}
