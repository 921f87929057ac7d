package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// EnsurePersonalWorkspace returns the user's personal workspace, creating it
// and the owner membership when missing. It is idempotent, so a crash between
// sign-up and the first domain write heals on the next request.
func (db *DB) EnsurePersonalWorkspace(ctx context.Context, userID, userName string) (*krowoc.Workspace, error) {
	if ws, err := findPersonalWorkspace(ctx, db.reader(), userID); err == nil {
		return ws, nil
	} else if krowoc.ErrorCode(err) != krowoc.ECodeNotFound {
		return nil, err
	}
	var ws *krowoc.Workspace
	err := db.Update(ctx, func(tx *Tx) error {
		name := personalWorkspaceName(userName)
		_, err := tx.exec(ctx, `INSERT INTO workspaces (id, name, kind, owner_id, personal_for, created_at, updated_at)
			VALUES (?, ?, 'personal', ?, ?, ?, ?) ON CONFLICT (personal_for) DO NOTHING`,
			newID(), name, userID, userID, toMillis(tx.now), toMillis(tx.now))
		if err != nil {
			return fmt.Errorf("insert personal workspace: %w", err)
		}
		if ws, err = findPersonalWorkspace(ctx, tx, userID); err != nil {
			return err
		}
		return insertMembership(ctx, tx, ws.ID, userID, krowoc.RoleOwner)
	})
	if err != nil {
		return nil, fmt.Errorf("ensure personal workspace for %s: %w", userID, err)
	}
	return ws, nil
}

func personalWorkspaceName(userName string) string {
	if n := strings.TrimSpace(userName); n != "" {
		return n + "'s workspace"
	}
	return "Personal"
}

func findPersonalWorkspace(ctx context.Context, q queryer, userID string) (*krowoc.Workspace, error) {
	row := q.queryRow(ctx, `SELECT id, name, kind, owner_id, created_at, updated_at
		FROM workspaces WHERE personal_for = ?`, userID)
	ws, err := scanWorkspace(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("workspace")
	}
	return ws, err
}

// CreateTeamWorkspace creates a team workspace owned by ownerID.
func (db *DB) CreateTeamWorkspace(ctx context.Context, ownerID, name string) (*krowoc.Workspace, error) {
	name = strings.TrimSpace(name)
	var v krowoc.Validation
	if name == "" || len(name) > 100 {
		v.Add("name", "length", "Name must be 1 to 100 characters.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ws := &krowoc.Workspace{ID: newID(), Name: name, Kind: krowoc.WorkspaceTeam, OwnerID: ownerID}
	err := db.Update(ctx, func(tx *Tx) error {
		ws.CreatedAt, ws.UpdatedAt = fromMillis(toMillis(tx.now)), fromMillis(toMillis(tx.now))
		if _, err := tx.exec(ctx, `INSERT INTO workspaces (id, name, kind, owner_id, created_at, updated_at)
			VALUES (?, ?, 'team', ?, ?, ?)`, ws.ID, ws.Name, ownerID, toMillis(tx.now), toMillis(tx.now)); err != nil {
			return fmt.Errorf("insert workspace: %w", err)
		}
		return insertMembership(ctx, tx, ws.ID, ownerID, krowoc.RoleOwner)
	})
	if err != nil {
		return nil, err
	}
	return ws, nil
}

func insertMembership(ctx context.Context, tx *Tx, workspaceID, userID string, role krowoc.Role) error {
	_, err := tx.exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, user_id) DO NOTHING`,
		workspaceID, userID, string(role), toMillis(tx.now))
	if err != nil {
		return fmt.Errorf("insert membership: %w", err)
	}
	return nil
}

// SetMemberRole adds userID to the workspace with role, or changes their role.
// It returns not_found when the workspace does not exist and
// validation_failed for an unknown role.
func (db *DB) SetMemberRole(ctx context.Context, workspaceID, userID string, role krowoc.Role) error {
	if !role.Valid() {
		var v krowoc.Validation
		v.Add("role", "invalid", "Role must be owner, admin, editor or viewer.")
		return v.Err()
	}
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`,
			workspaceID, userID, string(role), toMillis(tx.now))
		if db.dialect.IsForeignKeyViolation(err) {
			return krowoc.NotFound("workspace")
		}
		return err
	})
}

// RemoveMember removes userID from the workspace; it returns not_found when
// they were not a member.
func (db *DB) RemoveMember(ctx context.Context, workspaceID, userID string) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?`, workspaceID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("membership")
		}
		return nil
	})
}

// ListWorkspaces returns every workspace userID is a member of with their
// role, the personal workspace first, then by name.
func (db *DB) ListWorkspaces(ctx context.Context, userID string) ([]krowoc.WorkspaceWithRole, error) {
	rows, err := db.reader().query(ctx, `SELECT w.id, w.name, w.kind, w.owner_id, w.created_at, w.updated_at, m.role
		FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.user_id = ?
		ORDER BY CASE w.kind WHEN 'personal' THEN 0 ELSE 1 END, w.name, w.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	defer rows.Close()
	out := []krowoc.WorkspaceWithRole{}
	for rows.Next() {
		var w krowoc.WorkspaceWithRole
		var created, updated int64
		if err := rows.Scan(&w.ID, &w.Name, &w.Kind, &w.OwnerID, &created, &updated, &w.Role); err != nil {
			return nil, err
		}
		w.CreatedAt, w.UpdatedAt = fromMillis(created), fromMillis(updated)
		out = append(out, w)
	}
	return out, rows.Err()
}

// Authorize is the one place that decides whether userID may perform action
// in a workspace. It returns the caller's membership, not_found when the
// workspace does not exist or the user is not a member (so ids do not leak),
// and forbidden when their role does not allow the action.
func (db *DB) Authorize(ctx context.Context, userID, workspaceID string, action krowoc.Action) (*krowoc.Membership, error) {
	m := &krowoc.Membership{WorkspaceID: workspaceID, UserID: userID}
	var created int64
	err := db.lookups().queryRow(ctx, `SELECT role, created_at FROM memberships WHERE workspace_id = ? AND user_id = ?`,
		workspaceID, userID).Scan(&m.Role, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("workspace")
	}
	if err != nil {
		return nil, fmt.Errorf("authorize %s in %s: %w", userID, workspaceID, err)
	}
	m.CreatedAt = fromMillis(created)
	if !m.Role.Can(action) {
		return nil, krowoc.Errorf(krowoc.ECodeForbidden, "Your role (%s) does not allow this in the workspace.", m.Role)
	}
	return m, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanWorkspace(s scanner) (*krowoc.Workspace, error) {
	var w krowoc.Workspace
	var created, updated int64
	if err := s.Scan(&w.ID, &w.Name, &w.Kind, &w.OwnerID, &created, &updated); err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &w, nil
}

// DeleteUserData removes what the domain store keeps for a user who was
// deleted in Pocketbase: their personal workspace with everything in it,
// team workspaces where they were the only member, their memberships,
// access tokens and quota counter. A team workspace they owned with other
// members passes to its longest-standing admin (or, without one, member).
// Rows they wrote in shared workspaces keep their Pocketbase id, which
// identifies no one once the account is gone. It is idempotent.
func (db *DB) DeleteUserData(ctx context.Context, userID string) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM workspaces WHERE personal_for = ?`, userID); err != nil {
			return fmt.Errorf("delete personal workspace: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM workspaces WHERE kind = 'team' AND id IN (
			SELECT workspace_id FROM memberships WHERE user_id = ?) AND NOT EXISTS (
			SELECT 1 FROM memberships m WHERE m.workspace_id = workspaces.id AND m.user_id <> ?)`, userID, userID); err != nil {
			return fmt.Errorf("delete team workspaces: %w", err)
		}
		rows, err := tx.query(ctx, `SELECT workspace_id FROM memberships WHERE user_id = ? AND role = 'owner'`, userID)
		if err != nil {
			return err
		}
		var owned []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			owned = append(owned, id)
		}
		rows.Close()
		for _, ws := range owned {
			var heir string
			err := tx.queryRow(ctx, `SELECT user_id FROM memberships WHERE workspace_id = ? AND user_id <> ?
				ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END, created_at
				LIMIT 1`, ws, userID).Scan(&heir)
			if err != nil {
				return fmt.Errorf("find a new owner of %s: %w", ws, err)
			}
			if _, err := tx.exec(ctx, `UPDATE memberships SET role = 'owner' WHERE workspace_id = ? AND user_id = ?`, ws, heir); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE workspaces SET owner_id = ? WHERE id = ?`, heir, ws); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`DELETE FROM memberships WHERE user_id = ?`,
			`DELETE FROM api_tokens WHERE user_id = ?`,
			`DELETE FROM prompt_quota WHERE user_id = ?`,
		} {
			if _, err := tx.exec(ctx, q, userID); err != nil {
				return fmt.Errorf("delete user data: %w", err)
			}
		}
		return nil
	})
}
