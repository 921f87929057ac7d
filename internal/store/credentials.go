package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/secret"
)

const credentialColumns = `id, workspace_id, provider, label, base_url, key_last4, created_by, created_at,
	last_used_at, verified_at, verify_status, verify_message`

// credentialAAD binds a sealed key to its row: a ciphertext copied into
// another row, workspace or provider does not decrypt.
func credentialAAD(id, workspaceID, provider string) []byte {
	return []byte("krowoc.credential\x00" + id + "\x00" + workspaceID + "\x00" + provider)
}

// NewCredential is what CreateCredential needs; the fields must already be
// validated.
type NewCredential struct {
	WorkspaceID string
	UserID      string
	Provider    string
	Label       string
	BaseURL     string
	Key         string
}

// CreateCredential seals the key under the keyring and stores it.
func (db *DB) CreateCredential(ctx context.Context, keys *secret.Keyring, n NewCredential) (*krowoc.Credential, error) {
	c := &krowoc.Credential{
		ID: newID(), WorkspaceID: n.WorkspaceID, Provider: n.Provider, Label: n.Label,
		BaseURL: n.BaseURL, Last4: last4(n.Key), CreatedBy: n.UserID,
	}
	sealed, err := keys.Seal([]byte(n.Key), credentialAAD(c.ID, c.WorkspaceID, c.Provider))
	if err != nil {
		return nil, fmt.Errorf("seal credential: %w", err)
	}
	err = db.Update(ctx, func(tx *Tx) error {
		c.CreatedAt = fromMillis(toMillis(tx.now))
		_, err := tx.exec(ctx, `INSERT INTO credentials (id, workspace_id, provider, label, base_url, key_sealed, key_last4, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.WorkspaceID, c.Provider, c.Label, c.BaseURL,
			base64.StdEncoding.EncodeToString(sealed), c.Last4, c.CreatedBy, toMillis(tx.now))
		if tx.dialect.IsForeignKeyViolation(err) {
			return krowoc.NotFound("workspace")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func last4(key string) string {
	if len(key) <= 4 {
		return ""
	}
	return key[len(key)-4:]
}

// ListCredentials returns a workspace's credentials, oldest first.
func (db *DB) ListCredentials(ctx context.Context, workspaceID string) ([]krowoc.Credential, error) {
	rows, err := db.lookups().query(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE workspace_id = ? ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	defer rows.Close()
	out := []krowoc.Credential{}
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// GetCredential returns a credential (never its key), or not_found.
func (db *DB) GetCredential(ctx context.Context, id string) (*krowoc.Credential, error) {
	c, err := scanCredential(db.lookups().queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("credential")
	}
	if err != nil {
		return nil, fmt.Errorf("get credential: %w", err)
	}
	return c, nil
}

// CredentialKey decrypts a credential's key. A key that does not decrypt
// (wrong master key, or a ciphertext moved from another row) is an internal
// error whose message never contains key material.
func (db *DB) CredentialKey(ctx context.Context, keys *secret.Keyring, id string) (string, error) {
	var workspaceID, provider, sealed string
	err := db.lookups().queryRow(ctx, `SELECT workspace_id, provider, key_sealed FROM credentials WHERE id = ?`, id).
		Scan(&workspaceID, &provider, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", krowoc.NotFound("credential")
	}
	if err != nil {
		return "", fmt.Errorf("read credential: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("credential %s: %w", id, secret.ErrDecrypt)
	}
	plain, err := keys.Open(raw, credentialAAD(id, workspaceID, provider))
	if err != nil {
		return "", fmt.Errorf("credential %s: %w", id, err)
	}
	return string(plain), nil
}

// RenameCredential changes a credential's label.
func (db *DB) RenameCredential(ctx context.Context, id, label string) (*krowoc.Credential, error) {
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE credentials SET label = ? WHERE id = ?`, label, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("credential")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.GetCredential(ctx, id)
}

// DeleteCredential removes a credential and its key.
func (db *DB) DeleteCredential(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM credentials WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("credential")
		}
		return nil
	})
}

// RecordVerification stores the result of checking a credential with its
// provider; message must be safe to show (no key material).
func (db *DB) RecordVerification(ctx context.Context, id string, ok bool, message string) (*krowoc.Credential, error) {
	status := krowoc.VerifyFailed
	if ok {
		status = krowoc.VerifyOK
	}
	err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE credentials SET verified_at = ?, verify_status = ?, verify_message = ? WHERE id = ?`,
			toMillis(tx.now), status, message, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.GetCredential(ctx, id)
}

// ResealCredentials re-encrypts every key not sealed under the keyring's
// current master key, in batches, and returns how many it changed. Readers
// keep working throughout: each row is readable under the old key until it
// is rewritten, and under the new one after.
func (db *DB) ResealCredentials(ctx context.Context, keys *secret.Keyring) (int, error) {
	type row struct{ id, ws, provider, sealed string }
	changed := 0
	after := ""
	for {
		var batch []row
		rows, err := db.reader().query(ctx, `SELECT id, workspace_id, provider, key_sealed FROM credentials WHERE id > ? ORDER BY id LIMIT 200`, after)
		if err != nil {
			return changed, err
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.ws, &r.provider, &r.sealed); err != nil {
				rows.Close()
				return changed, err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if len(batch) == 0 {
			return changed, nil
		}
		after = batch[len(batch)-1].id
		err = db.Update(ctx, func(tx *Tx) error {
			for _, r := range batch {
				raw, err := base64.StdEncoding.DecodeString(r.sealed)
				if err != nil || keys.IsCurrent(raw) {
					continue
				}
				aad := credentialAAD(r.id, r.ws, r.provider)
				plain, err := keys.Open(raw, aad)
				if err != nil {
					return fmt.Errorf("credential %s: %w", r.id, err)
				}
				resealed, err := keys.Seal(plain, aad)
				if err != nil {
					return err
				}
				if _, err := tx.exec(ctx, `UPDATE credentials SET key_sealed = ? WHERE id = ? AND key_sealed = ?`,
					base64.StdEncoding.EncodeToString(resealed), r.id, r.sealed); err != nil {
					return err
				}
				changed++
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
	}
}

// TouchCredential records that a credential was just used.
func (db *DB) TouchCredential(ctx context.Context, id string, at time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE credentials SET last_used_at = ? WHERE id = ?`, toMillis(at), id)
		return err
	})
}

func scanCredential(s scanner) (*krowoc.Credential, error) {
	var c krowoc.Credential
	var created int64
	var used, verified sql.NullInt64
	var status, message sql.NullString
	if err := s.Scan(&c.ID, &c.WorkspaceID, &c.Provider, &c.Label, &c.BaseURL, &c.Last4, &c.CreatedBy, &created,
		&used, &verified, &status, &message); err != nil {
		return nil, err
	}
	c.CreatedAt, c.LastUsedAt, c.VerifiedAt = fromMillis(created), fromNullMillis(used), fromNullMillis(verified)
	if status.Valid {
		c.VerifyStatus = &status.String
	}
	if message.Valid {
		c.VerifyMessage = &message.String
	}
	return &c, nil
}
