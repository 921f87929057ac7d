package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/krowoc/krowoc/internal/krowoc"
)

const chainColumns = `id, workspace_id, name, description, inputs, steps, created_by, updated_by, created_at, updated_at`

const chainRunColumns = `id, chain_id, workspace_id, status, inputs, current_step, step_count, error_step, error_code,
	error_message, created_by, request_id, created_at, updated_at, finished_at`

const chainRunStepColumns = `position, prompt_id, prompt_version, model, bindings, status, execution_id, output,
	error_code, error_message, started_at, finished_at`

// ErrChainRunFinished is returned when a step's worker finds its run has
// ended meanwhile (cancelled, or finished by an earlier attempt).
var ErrChainRunFinished = errors.New("the chain run has already finished")

// CreateChain stores a new chain, setting its id and times. The chain must
// already be validated.
func (db *DB) CreateChain(ctx context.Context, c *krowoc.Chain) error {
	return db.Update(ctx, func(tx *Tx) error {
		c.ID = newID()
		at := fromMillis(toMillis(tx.now))
		c.CreatedAt, c.UpdatedAt, c.UpdatedBy = at, at, c.CreatedBy
		inputs, steps := chainJSON(c)
		_, err := tx.exec(ctx, `INSERT INTO chains (`+chainColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.WorkspaceID, c.Name, c.Description, inputs, steps, c.CreatedBy, c.UpdatedBy, toMillis(at), toMillis(at))
		if err != nil {
			return fmt.Errorf("insert chain: %w", err)
		}
		return nil
	})
}

// UpdateChain replaces a chain's name, description, inputs and steps, and
// sets its UpdatedAt; not_found when it does not exist.
func (db *DB) UpdateChain(ctx context.Context, c *krowoc.Chain) error {
	return db.Update(ctx, func(tx *Tx) error {
		c.UpdatedAt = fromMillis(toMillis(tx.now))
		inputs, steps := chainJSON(c)
		res, err := tx.exec(ctx, `UPDATE chains SET name = ?, description = ?, inputs = ?, steps = ?, updated_by = ?,
			updated_at = ? WHERE id = ?`, c.Name, c.Description, inputs, steps, c.UpdatedBy, toMillis(c.UpdatedAt), c.ID)
		if err != nil {
			return fmt.Errorf("update chain %s: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("chain")
		}
		return nil
	})
}

func chainJSON(c *krowoc.Chain) (string, string) {
	if c.Inputs == nil {
		c.Inputs = []string{}
	}
	if c.Steps == nil {
		c.Steps = []krowoc.ChainStep{}
	}
	inputs, _ := json.Marshal(c.Inputs)
	steps, _ := json.Marshal(c.Steps)
	return string(inputs), string(steps)
}

// GetChain returns a chain, or not_found.
func (db *DB) GetChain(ctx context.Context, id string) (*krowoc.Chain, error) {
	c, err := scanChain(db.reader().queryRow(ctx, `SELECT `+chainColumns+` FROM chains WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("chain")
	}
	if err != nil {
		return nil, fmt.Errorf("get chain: %w", err)
	}
	return c, nil
}

// ListChains returns a page of a workspace's chains, most recently updated
// first, and the total.
func (db *DB) ListChains(ctx context.Context, workspaceID string, page Page) ([]krowoc.Chain, int, error) {
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM chains WHERE workspace_id = ?`, workspaceID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count chains: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+chainColumns+` FROM chains WHERE workspace_id = ?
		ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`, workspaceID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, fmt.Errorf("list chains: %w", err)
	}
	defer rows.Close()
	out := []krowoc.Chain{}
	for rows.Next() {
		c, err := scanChain(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *c)
	}
	return out, total, rows.Err()
}

// DeleteChain deletes a chain with its runs (their executions stay in the
// history). A chain with a run under way is a conflict.
func (db *DB) DeleteChain(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		var active int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM chain_runs WHERE chain_id = ? AND status IN ('queued', 'running')`,
			id).Scan(&active); err != nil {
			return err
		}
		if active > 0 {
			return krowoc.Errorf(krowoc.ECodeConflict, "This chain has a run under way; cancel it first.")
		}
		res, err := tx.exec(ctx, `DELETE FROM chains WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete chain %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return krowoc.NotFound("chain")
		}
		return nil
	})
}

func scanChain(s scanner) (*krowoc.Chain, error) {
	var c krowoc.Chain
	var inputs, steps string
	var created, updated int64
	if err := s.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Description, &inputs, &steps, &c.CreatedBy, &c.UpdatedBy,
		&created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(inputs), &c.Inputs); err != nil {
		return nil, fmt.Errorf("chain %s inputs: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(steps), &c.Steps); err != nil {
		return nil, fmt.Errorf("chain %s steps: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &c, nil
}

// StartChainRun records a new queued run with its steps pending, setting
// the run's id and times; then runs in the same transaction, where the
// first step's job is enqueued.
func (db *DB) StartChainRun(ctx context.Context, run *krowoc.ChainRun, then func(*Tx) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		run.ID = newID()
		at := fromMillis(toMillis(tx.now))
		run.CreatedAt, run.UpdatedAt = at, at
		run.Status, run.CurrentStep, run.StepCount = krowoc.ChainRunQueued, 1, len(run.Steps)
		inputs, _ := json.Marshal(run.Inputs)
		_, err := tx.exec(ctx, `INSERT INTO chain_runs (id, chain_id, workspace_id, status, inputs, current_step, step_count,
			created_by, request_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			run.ID, run.ChainID, run.WorkspaceID, string(run.Status), string(inputs), run.CurrentStep, run.StepCount,
			run.CreatedBy, run.RequestID, toMillis(at), toMillis(at))
		if err != nil {
			return fmt.Errorf("insert chain run: %w", err)
		}
		for i := range run.Steps {
			st := &run.Steps[i]
			st.Position, st.Status = i+1, krowoc.StepPending
			bindings, _ := json.Marshal(st.Bindings)
			_, err := tx.exec(ctx, `INSERT INTO chain_run_steps (run_id, position, prompt_id, prompt_version, model, bindings,
				status) VALUES (?, ?, ?, ?, ?, ?, ?)`, run.ID, st.Position, st.PromptID, toNullInt(st.PromptVersion), st.Model,
				string(bindings), string(st.Status))
			if err != nil {
				return fmt.Errorf("insert chain run step: %w", err)
			}
		}
		return then(tx)
	})
}

// GetChainRun returns a run with its steps, or not_found.
func (db *DB) GetChainRun(ctx context.Context, id string) (*krowoc.ChainRun, error) {
	return getChainRun(ctx, db.reader(), id)
}

func getChainRun(ctx context.Context, q queryer, id string) (*krowoc.ChainRun, error) {
	run, err := scanChainRun(q.queryRow(ctx, `SELECT `+chainRunColumns+` FROM chain_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("chain run")
	}
	if err != nil {
		return nil, fmt.Errorf("get chain run: %w", err)
	}
	rows, err := q.query(ctx, `SELECT `+chainRunStepColumns+` FROM chain_run_steps WHERE run_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("get chain run steps: %w", err)
	}
	defer rows.Close()
	run.Steps = []krowoc.ChainRunStep{}
	for rows.Next() {
		st, err := scanChainRunStep(rows)
		if err != nil {
			return nil, err
		}
		run.Steps = append(run.Steps, *st)
	}
	return run, rows.Err()
}

// ListChainRuns returns a page of a chain's runs, newest first, without
// their steps, and the total.
func (db *DB) ListChainRuns(ctx context.Context, chainID string, page Page) ([]krowoc.ChainRun, int, error) {
	r := db.reader()
	var total int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM chain_runs WHERE chain_id = ?`, chainID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count chain runs: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+chainRunColumns+` FROM chain_runs WHERE chain_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, chainID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, fmt.Errorf("list chain runs: %w", err)
	}
	defer rows.Close()
	out := []krowoc.ChainRun{}
	for rows.Next() {
		run, err := scanChainRun(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *run)
	}
	return out, total, rows.Err()
}

// BeginChainStep records that step position of a run starts with the new
// execution x: the execution is inserted, the step marked running and the
// run moved on to it, in one transaction. ErrChainRunFinished when the run
// has ended or the step has already begun.
func (db *DB) BeginChainStep(ctx context.Context, runID string, position int, x *krowoc.Execution) error {
	return db.Update(ctx, func(tx *Tx) error {
		var status string
		if err := tx.queryRow(ctx, `SELECT status FROM chain_runs WHERE id = ?`, runID).Scan(&status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrChainRunFinished
			}
			return err
		}
		if krowoc.ChainRunStatus(status).Finished() {
			return ErrChainRunFinished
		}
		if err := InsertExecution(ctx, tx, x); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE chain_run_steps SET status = 'running', execution_id = ?, started_at = ?
			WHERE run_id = ? AND position = ? AND status = 'pending'`, x.ID, toMillis(tx.now), runID, position)
		if err != nil {
			return fmt.Errorf("begin chain step: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrChainRunFinished
		}
		_, err = tx.exec(ctx, `UPDATE chain_runs SET status = 'running', current_step = ?, updated_at = ? WHERE id = ?`,
			position, toMillis(tx.now), runID)
		return err
	})
}

// ChainStepOutcome is how one step of a run ended. Execution is the step's
// execution with its outcome filled in, or nil when the step failed before
// one could be made; ErrorCode and ErrorMessage describe a failure then.
type ChainStepOutcome struct {
	RunID        string
	Position     int
	Execution    *krowoc.Execution
	ErrorCode    string
	ErrorMessage string
}

// FinishChainStep records a step's outcome in one transaction: the
// execution's outcome, the step's output or error, and the run's next
// state. After a success with steps left, next runs in the same
// transaction to enqueue the following step; after the last step the run
// has succeeded. A failure fails the run at this step.
// ErrChainRunFinished (or ErrExecutionFinished) when the run or execution
// ended meanwhile: the first outcome stands.
func (db *DB) FinishChainStep(ctx context.Context, o ChainStepOutcome, next func(*Tx) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		run, err := scanChainRun(tx.queryRow(ctx, `SELECT `+chainRunColumns+` FROM chain_runs WHERE id = ?`, o.RunID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && run.Status.Finished()) {
			return ErrChainRunFinished
		}
		if err != nil {
			return err
		}
		x := o.Execution
		if x != nil {
			if err := finishExecution(ctx, tx, x); err != nil {
				return err
			}
		}
		now := toMillis(tx.now)
		if x != nil && x.Status == krowoc.ExecSucceeded {
			if _, err := tx.exec(ctx, `UPDATE chain_run_steps SET status = 'succeeded', output = ?, finished_at = ?
				WHERE run_id = ? AND position = ?`, x.ResponseText, now, o.RunID, o.Position); err != nil {
				return err
			}
			if o.Position < run.StepCount {
				if _, err := tx.exec(ctx, `UPDATE chain_runs SET current_step = ?, updated_at = ? WHERE id = ?`,
					o.Position+1, now, o.RunID); err != nil {
					return err
				}
				return next(tx)
			}
			_, err := tx.exec(ctx, `UPDATE chain_runs SET status = 'succeeded', updated_at = ?, finished_at = ? WHERE id = ?`,
				now, now, o.RunID)
			return err
		}
		code, message := o.ErrorCode, o.ErrorMessage
		if x != nil && code == "" {
			code, message = x.ErrorCode, x.ErrorMessage
		}
		if x == nil {
			// A step that failed outside its provider call (its worker gave
			// up on our own error) must not leave its execution running.
			var execID sql.NullString
			if err := tx.queryRow(ctx, `SELECT execution_id FROM chain_run_steps WHERE run_id = ? AND position = ?`,
				o.RunID, o.Position).Scan(&execID); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if execID.Valid {
				running, err := GetExecutionTx(ctx, tx, execID.String)
				if err != nil {
					return err
				}
				if running.Status == krowoc.ExecRunning {
					running.Status, running.ErrorCode, running.ErrorMessage = krowoc.ExecFailed, code, message
					if err := finishExecution(ctx, tx, running); err != nil {
						return err
					}
				}
			}
		}
		if _, err := tx.exec(ctx, `UPDATE chain_run_steps SET status = 'failed', error_code = ?, error_message = ?,
			started_at = COALESCE(started_at, ?), finished_at = ? WHERE run_id = ? AND position = ?`,
			code, message, now, now, o.RunID, o.Position); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE chain_run_steps SET status = 'cancelled' WHERE run_id = ? AND position > ?`,
			o.RunID, o.Position); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE chain_runs SET status = 'failed', current_step = ?, error_step = ?, error_code = ?,
			error_message = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
			o.Position, o.Position, code, message, now, now, o.RunID)
		return err
	})
}

// CancelChainRun stops a queued or running run: the run, its unfinished
// steps and the execution under way are recorded as cancelled at once. It
// returns the run and the id of the execution it cancelled, if any. A run
// that has finished is a conflict.
func (db *DB) CancelChainRun(ctx context.Context, id string) (*krowoc.ChainRun, string, error) {
	var run *krowoc.ChainRun
	var cancelled string
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if run, err = getChainRun(ctx, tx, id); err != nil {
			return err
		}
		if run.Status.Finished() {
			return krowoc.Errorf(krowoc.ECodeConflict, "The chain run has already finished (%s).", run.Status)
		}
		for _, st := range run.Steps {
			if st.Status != krowoc.StepRunning || st.ExecutionID == "" {
				continue
			}
			x, err := GetExecutionTx(ctx, tx, st.ExecutionID)
			if err != nil {
				return err
			}
			if x.Status == krowoc.ExecRunning {
				if err := cancelExecution(ctx, tx, x); err != nil {
					return err
				}
				cancelled = x.ID
			}
		}
		now := toMillis(tx.now)
		if _, err := tx.exec(ctx, `UPDATE chain_run_steps SET status = 'cancelled',
			finished_at = CASE WHEN status = 'running' THEN ? ELSE finished_at END
			WHERE run_id = ? AND status IN ('pending', 'running')`, now, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE chain_runs SET status = 'cancelled', error_code = 'cancelled',
			error_message = 'Cancelled before it finished.', updated_at = ?, finished_at = ? WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		run, err = getChainRun(ctx, tx, id)
		return err
	})
	return run, cancelled, err
}

// ResumeChainRun puts a run that failed at step position back to running
// from that step, inside tx, so the step's job can be enqueued with it. A
// run in any other state is a conflict.
func ResumeChainRun(ctx context.Context, tx *Tx, runID string, position int) (*krowoc.ChainRun, error) {
	run, err := getChainRun(ctx, tx, runID)
	if err != nil {
		return nil, err
	}
	if run.Status != krowoc.ChainRunFailed || run.ErrorStep == nil || *run.ErrorStep != position {
		return nil, krowoc.Errorf(krowoc.ECodeConflict, "This chain run is %s; only a run that failed at step %d can resume there.",
			run.Status, position)
	}
	now := toMillis(tx.now)
	if _, err := tx.exec(ctx, `UPDATE chain_run_steps SET status = 'pending', execution_id = NULL, output = NULL,
		error_code = NULL, error_message = NULL, started_at = NULL, finished_at = NULL
		WHERE run_id = ? AND position >= ?`, runID, position); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE chain_runs SET status = 'running', error_step = NULL, error_code = NULL,
		error_message = NULL, updated_at = ?, finished_at = NULL WHERE id = ?`, now, runID); err != nil {
		return nil, err
	}
	return getChainRun(ctx, tx, runID)
}

func scanChainRun(s scanner) (*krowoc.ChainRun, error) {
	var run krowoc.ChainRun
	var inputs string
	var errStep, finished sql.NullInt64
	var code, message sql.NullString
	var created, updated int64
	if err := s.Scan(&run.ID, &run.ChainID, &run.WorkspaceID, &run.Status, &inputs, &run.CurrentStep, &run.StepCount,
		&errStep, &code, &message, &run.CreatedBy, &run.RequestID, &created, &updated, &finished); err != nil {
		return nil, err
	}
	run.Inputs = map[string]string{}
	if err := json.Unmarshal([]byte(inputs), &run.Inputs); err != nil {
		return nil, fmt.Errorf("chain run %s inputs: %w", run.ID, err)
	}
	run.ErrorStep = nullInt(errStep)
	run.ErrorCode, run.ErrorMessage = code.String, message.String
	run.CreatedAt, run.UpdatedAt, run.FinishedAt = fromMillis(created), fromMillis(updated), fromNullMillis(finished)
	return &run, nil
}

func scanChainRunStep(s scanner) (*krowoc.ChainRunStep, error) {
	var st krowoc.ChainRunStep
	var version, started, finished sql.NullInt64
	var bindings string
	var execID, output, code, message sql.NullString
	if err := s.Scan(&st.Position, &st.PromptID, &version, &st.Model, &bindings, &st.Status, &execID, &output, &code,
		&message, &started, &finished); err != nil {
		return nil, err
	}
	st.PromptVersion = nullInt(version)
	if err := json.Unmarshal([]byte(bindings), &st.Bindings); err != nil {
		return nil, fmt.Errorf("chain run step bindings: %w", err)
	}
	st.ExecutionID, st.ErrorCode, st.ErrorMessage = execID.String, code.String, message.String
	if output.Valid {
		st.Output = &output.String
	}
	st.StartedAt, st.FinishedAt = fromNullMillis(started), fromNullMillis(finished)
	return &st, nil
}
