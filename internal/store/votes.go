package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// ownPromptVote is the problem an author's vote on their own prompt gets.
func ownPromptVote() error {
	return &krowoc.Error{
		Code:    krowoc.ECodeForbidden,
		Message: "You cannot vote on your own prompt.",
		Extra:   map[string]any{"reason": "own_prompt"},
	}
}

// lockPublicPrompt loads a public prompt's owner inside tx and locks its
// counters row, so that concurrent votes on one prompt are applied one
// after another. A prompt that is not public is not_found.
func lockPublicPrompt(ctx context.Context, tx *Tx, promptID string) (owner string, err error) {
	err = tx.queryRow(ctx, `SELECT p.owner_id FROM prompts p WHERE p.id = ? AND `+publicWhere, promptID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", krowoc.NotFound("prompt")
	}
	if err != nil {
		return "", fmt.Errorf("load public prompt %s: %w", promptID, err)
	}
	// A no-op write takes the row lock on Postgres; SQLite's writer is single.
	if _, err := tx.exec(ctx, `INSERT INTO prompt_stats (prompt_id, workspace_id)
		SELECT id, workspace_id FROM prompts WHERE id = ?
		ON CONFLICT (prompt_id) DO UPDATE SET votes_up = prompt_stats.votes_up`, promptID); err != nil {
		return "", fmt.Errorf("lock prompt stats %s: %w", promptID, err)
	}
	return owner, nil
}

// setVote makes userID's vote on promptID value (1, -1, or 0 to retract)
// and moves the counters by the difference, in tx.
func setVote(ctx context.Context, tx *Tx, promptID, userID string, value int) error {
	old := 0
	err := tx.queryRow(ctx, `SELECT value FROM votes WHERE prompt_id = ? AND user_id = ?`, promptID, userID).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read vote: %w", err)
	}
	if old == value {
		return nil
	}
	switch {
	case value == 0:
		_, err = tx.exec(ctx, `DELETE FROM votes WHERE prompt_id = ? AND user_id = ?`, promptID, userID)
	case old == 0:
		_, err = tx.exec(ctx, `INSERT INTO votes (prompt_id, user_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			promptID, userID, value, toMillis(tx.now), toMillis(tx.now))
	default:
		_, err = tx.exec(ctx, `UPDATE votes SET value = ?, updated_at = ? WHERE prompt_id = ? AND user_id = ?`,
			value, toMillis(tx.now), promptID, userID)
	}
	if err != nil {
		return fmt.Errorf("write vote: %w", err)
	}
	up, down := 0, 0
	count := func(v, sign int) {
		switch v {
		case 1:
			up += sign
		case -1:
			down += sign
		}
	}
	count(old, -1)
	count(value, 1)
	if _, err := tx.exec(ctx, `UPDATE prompt_stats SET votes_up = votes_up + ?, votes_down = votes_down + ?,
		votes_net = votes_net + ? WHERE prompt_id = ?`, up, down, up-down, promptID); err != nil {
		return fmt.Errorf("count vote: %w", err)
	}
	return nil
}

// Vote records userID's vote on a public prompt: 1 (up), -1 (down) or 0
// (retract). Voting again changes the vote; each user has at most one per
// prompt. It returns the prompt's tally with the caller's vote. A prompt
// that is not public is not_found; the author's own vote is forbidden
// (reason own_prompt). Whether the account may vote at all (verified, rate
// limits) is the caller's to check.
func (db *DB) Vote(ctx context.Context, promptID, userID string, value int) (krowoc.VoteTally, error) {
	if value < -1 || value > 1 {
		var v krowoc.Validation
		v.Add("value", "invalid", "value must be 1 (up) or -1 (down).")
		return krowoc.VoteTally{}, v.Err()
	}
	var tally krowoc.VoteTally
	err := db.Update(ctx, func(tx *Tx) error {
		owner, err := lockPublicPrompt(ctx, tx, promptID)
		if err != nil {
			return err
		}
		if owner == userID && value != 0 {
			return ownPromptVote()
		}
		if err := setVote(ctx, tx, promptID, userID, value); err != nil {
			return err
		}
		if tally, err = voteTally(ctx, tx, promptID, userID); err != nil {
			return err
		}
		return emitVoteCast(ctx, tx, promptID, userID, tally)
	})
	return tally, err
}

// VoteTally returns a prompt's votes and userID's own vote (0 when userID
// is empty or has not voted).
func (db *DB) VoteTally(ctx context.Context, promptID, userID string) (krowoc.VoteTally, error) {
	return voteTally(ctx, db.reader(), promptID, userID)
}

func voteTally(ctx context.Context, q queryer, promptID, userID string) (krowoc.VoteTally, error) {
	var t krowoc.VoteTally
	err := q.queryRow(ctx, `SELECT votes_up, votes_down FROM prompt_stats WHERE prompt_id = ?`, promptID).Scan(&t.Up, &t.Down)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("read votes of %s: %w", promptID, err)
	}
	t.Net = t.Up - t.Down
	if userID != "" {
		err = q.queryRow(ctx, `SELECT value FROM votes WHERE prompt_id = ? AND user_id = ?`, promptID, userID).Scan(&t.Mine)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return t, fmt.Errorf("read vote: %w", err)
		}
	}
	return t, nil
}

// emitVoteCast writes vote.cast for a vote just set (or retracted) in tx:
// the prompt's new tally and the voter's vote, in the prompt's workspace.
func emitVoteCast(ctx context.Context, tx *Tx, promptID, userID string, t krowoc.VoteTally) error {
	var workspaceID string
	if err := tx.queryRow(ctx, `SELECT workspace_id FROM prompts WHERE id = ?`, promptID).Scan(&workspaceID); err != nil {
		return fmt.Errorf("vote event: %w", err)
	}
	return tx.Emit(ctx, krowoc.EventDraft{
		Type: krowoc.EventVoteCast, WorkspaceID: workspaceID, Actor: userID, AggregateID: promptID,
		Data: krowoc.VoteEventData{PromptID: promptID, Value: t.Mine, Up: t.Up, Down: t.Down},
	})
}
