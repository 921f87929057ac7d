package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// TokenNameMax is the longest token name accepted, in characters.
const TokenNameMax = 100

// tokenTouchInterval bounds how often last_used_at is written for one token.
const tokenTouchInterval = time.Minute

const tokenColumns = `id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at`

// CreateToken stores a new personal access token for userID and returns it
// with its secret, which is never stored or shown again. It returns
// validation_failed for an empty or long name or an expiry not in the future.
func (db *DB) CreateToken(ctx context.Context, userID, name string, expiresAt *time.Time) (*krowoc.Token, string, error) {
	name = strings.TrimSpace(name)
	now := db.Now()
	var v krowoc.Validation
	if name == "" {
		v.Add("name", "required", "Name is required.")
	} else if utf8.RuneCountInString(name) > TokenNameMax {
		v.Add("name", "too_long", fmt.Sprintf("Name must be at most %d characters.", TokenNameMax))
	}
	if expiresAt != nil && !expiresAt.After(now) {
		v.Add("expiresAt", "not_future", "Expiry must be in the future.")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	secret, prefix, hash, err := krowoc.NewTokenSecret()
	if err != nil {
		return nil, "", fmt.Errorf("generate token: %w", err)
	}
	t := &krowoc.Token{ID: newID(), UserID: userID, Name: name, Prefix: prefix}
	if expiresAt != nil {
		exp := fromMillis(toMillis(*expiresAt))
		t.ExpiresAt = &exp
	}
	err = db.Update(ctx, func(tx *Tx) error {
		t.CreatedAt = fromMillis(toMillis(tx.now))
		_, err := tx.exec(ctx, `INSERT INTO api_tokens (id, user_id, name, prefix, hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, userID, name, prefix, hash, toMillis(tx.now), toNullMillis(t.ExpiresAt))
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("create token: %w", err)
	}
	return t, secret, nil
}

// ListTokens returns a page of userID's tokens that are not revoked, newest
// first, and the total count.
func (db *DB) ListTokens(ctx context.Context, userID string, page Page) ([]krowoc.Token, int, error) {
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL`, userID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count tokens: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		userID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []krowoc.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *t)
	}
	return out, total, rows.Err()
}

// RevokeToken revokes one of userID's tokens. A token of another user, an
// unknown id or an already revoked token is not_found.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID string) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ?
			WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, toMillis(tx.now), tokenID, userID)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("token")
		}
		return nil
	})
}

// AuthenticateToken finds the live token whose secret is given and records
// its use. It returns unauthorized for an unknown, revoked or expired token.
func (db *DB) AuthenticateToken(ctx context.Context, secret string) (*krowoc.Token, error) {
	unauthorized := krowoc.Errorf(krowoc.ECodeUnauthorized, "The access token is invalid, revoked or expired.")
	if !krowoc.LooksLikeToken(secret) {
		return nil, unauthorized
	}
	row := db.reader().queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = ?`, krowoc.HashTokenSecret(secret))
	t, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	now := db.Now()
	if t.RevokedAt != nil || t.Expired(now) {
		return nil, unauthorized
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchInterval {
		err := db.Update(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, toMillis(tx.now), t.ID)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("touch token: %w", err)
		}
		used := fromMillis(toMillis(now))
		t.LastUsedAt = &used
	}
	return t, nil
}

func scanToken(s scanner) (*krowoc.Token, error) {
	var t krowoc.Token
	var created int64
	var expires, used, revoked sql.NullInt64
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &expires, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMillis(created)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromNullMillis(expires), fromNullMillis(used), fromNullMillis(revoked)
	return &t, nil
}

// PurgeTokens deletes tokens that expired or were revoked before cutoff and
// returns how many. Recently dead tokens stay listed so their owner sees
// what stopped working.
func (db *DB) PurgeTokens(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE expires_at < ? OR revoked_at < ?`, toMillis(cutoff), toMillis(cutoff))
		if err != nil {
			return fmt.Errorf("purge tokens: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}
