package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// Fork is what ForkPrompt needs.
type Fork struct {
	// PromptID is the public prompt to copy.
	PromptID string
	// WorkspaceID receives the copy; UserID makes and owns it.
	WorkspaceID string
	UserID      string
	// Limit is UserID's prompt limit; 0 means unlimited.
	Limit int
}

// ForkPrompt copies a public prompt's latest published version into a
// workspace as a new private draft that records its origin (prompt,
// version, author), and counts the fork on the origin. The copy counts
// against the forking user's quota (quota_exceeded, writing nothing, at the
// limit). A prompt that is not public is not_found.
func (db *DB) ForkPrompt(ctx context.Context, f Fork) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		var owner string
		var version int
		err := tx.queryRow(ctx, `SELECT p.owner_id, p.published_version FROM prompts p WHERE p.id = ? AND `+publicWhere, f.PromptID).
			Scan(&owner, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return krowoc.NotFound("prompt")
		}
		if err != nil {
			return fmt.Errorf("load public prompt %s: %w", f.PromptID, err)
		}
		v, err := getVersion(ctx, tx, f.PromptID, version)
		if err != nil {
			return err
		}
		if err := reserveQuota(ctx, tx, f.UserID, 1, f.Limit); err != nil {
			return err
		}
		if p, err = insertPrompt(ctx, tx, f.WorkspaceID, f.UserID, v.PromptContent, krowoc.StatusDraft, krowoc.VisibilityPrivate, tx.now, tx.now); err != nil {
			return err
		}
		p.ForkedFrom = &krowoc.ForkOrigin{PromptID: f.PromptID, Version: version, AuthorID: owner}
		if _, err := tx.exec(ctx, `UPDATE prompts SET forked_from_prompt_id = ?, forked_from_version = ?, forked_from_user_id = ? WHERE id = ?`,
			f.PromptID, version, owner, p.ID); err != nil {
			return fmt.Errorf("record fork origin: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE prompt_stats SET forks = forks + 1 WHERE prompt_id = ?`, f.PromptID); err != nil {
			return fmt.Errorf("count fork: %w", err)
		}
		return emitPrompt(ctx, tx, krowoc.EventPromptCreated, p, f.UserID, "fork", "")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
