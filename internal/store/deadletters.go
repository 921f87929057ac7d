package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/krowoc/krowoc/internal/krowoc"
)

const deadLetterColumns = `id, workspace_id, job_id, kind, payload, errors, attempts, request_id, status, created_at, updated_at`

// AddDeadLetter records a job that failed for good, inside tx so the record
// and whatever else the failure changes commit together.
func AddDeadLetter(ctx context.Context, tx *Tx, d *krowoc.DeadLetter) error {
	d.ID = newID()
	d.Status = krowoc.DeadLetterOpen
	at := fromMillis(toMillis(tx.now))
	d.CreatedAt, d.UpdatedAt = at, at
	errs, err := json.Marshal(d.Errors)
	if err != nil {
		return err
	}
	payload := d.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	_, err = tx.exec(ctx, `INSERT INTO dead_letters (`+deadLetterColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.WorkspaceID, d.JobID, d.Kind, string(payload), string(errs), d.Attempts, d.RequestID, string(d.Status),
		toMillis(at), toMillis(at))
	if err != nil {
		return fmt.Errorf("insert dead letter: %w", err)
	}
	return nil
}

// DeadLetterFilter selects dead letters of one workspace.
type DeadLetterFilter struct {
	WorkspaceID string
	Status      krowoc.DeadLetterStatus
}

// ListDeadLetters returns a page of a workspace's dead letters, newest
// first, and the total.
func (db *DB) ListDeadLetters(ctx context.Context, f DeadLetterFilter, page Page) ([]krowoc.DeadLetter, int, error) {
	where, args := `workspace_id = ?`, []any{f.WorkspaceID}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM dead_letters WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count dead letters: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+deadLetterColumns+` FROM dead_letters WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	out := []krowoc.DeadLetter{}
	for rows.Next() {
		d, err := scanDeadLetter(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *d)
	}
	return out, total, rows.Err()
}

// GetDeadLetter returns one dead letter.
func (db *DB) GetDeadLetter(ctx context.Context, id string) (*krowoc.DeadLetter, error) {
	d, err := scanDeadLetter(db.reader().queryRow(ctx, `SELECT `+deadLetterColumns+` FROM dead_letters WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("dead letter")
	}
	return d, err
}

// SetDeadLetterStatus moves an open dead letter to status inside tx, so a
// requeue commits with the job it puts back. A dead letter that is no
// longer open is a conflict.
func SetDeadLetterStatus(ctx context.Context, tx *Tx, id string, status krowoc.DeadLetterStatus) (*krowoc.DeadLetter, error) {
	res, err := tx.exec(ctx, `UPDATE dead_letters SET status = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
		string(status), toMillis(tx.now), id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var current string
		err := tx.queryRow(ctx, `SELECT status FROM dead_letters WHERE id = ?`, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, krowoc.NotFound("dead letter")
		}
		if err != nil {
			return nil, err
		}
		return nil, krowoc.Errorf(krowoc.ECodeConflict, "This dead letter was already %s.", current)
	}
	return scanDeadLetter(tx.queryRow(ctx, `SELECT `+deadLetterColumns+` FROM dead_letters WHERE id = ?`, id))
}

func scanDeadLetter(s scanner) (*krowoc.DeadLetter, error) {
	var d krowoc.DeadLetter
	var payload, errs, status string
	var created, updated int64
	if err := s.Scan(&d.ID, &d.WorkspaceID, &d.JobID, &d.Kind, &payload, &errs, &d.Attempts, &d.RequestID, &status,
		&created, &updated); err != nil {
		return nil, err
	}
	d.Payload = json.RawMessage(payload)
	if err := json.Unmarshal([]byte(errs), &d.Errors); err != nil {
		return nil, fmt.Errorf("dead letter %s errors: %w", d.ID, err)
	}
	d.Status = krowoc.DeadLetterStatus(status)
	d.CreatedAt, d.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &d, nil
}

// JobCount is how many River jobs of a queue are in a state.
type JobCount struct {
	Queue string `json:"queue"`
	State string `json:"state"`
	Count int    `json:"count"`
}

// JobCounts counts River's jobs by queue and state, for superusers.
func (db *DB) JobCounts(ctx context.Context) ([]JobCount, error) {
	rows, err := db.reader().query(ctx, `SELECT queue, state, COUNT(*) FROM river_job GROUP BY queue, state ORDER BY queue, state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := []JobCount{}
	for rows.Next() {
		var c JobCount
		if err := rows.Scan(&c.Queue, &c.State, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
