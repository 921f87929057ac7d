package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/riverqueue/river"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/store"
)

// followPoll is how often a follower re-reads an execution that runs in
// another process, whose deltas it cannot see.
const followPoll = time.Second

// enqueueRuns records each prepared execution as running and enqueues its
// job in the same transaction, then answers 202 with the executions.
func (s *Server) enqueueRuns(e *core.RequestEvent, preps []*prepared, sideBySide bool) error {
	if s.jobs == nil {
		return krowoc.Errorf(krowoc.ECodeUnavailable, "Background runs are not available on this server.")
	}
	ctx := e.Request.Context()
	out := make([]*krowoc.Execution, len(preps))
	for i, prep := range preps {
		x := prep.exec
		err := s.db.StartExecution(ctx, x, func(tx *store.Tx) error {
			_, err := s.jobs.InsertTx(ctx, tx, jobs.ExecutionArgs{ExecutionID: x.ID, WorkspaceID: x.WorkspaceID, RequestID: x.RequestID}, nil)
			return err
		})
		if err != nil {
			return err
		}
		out[i] = x
	}
	e.Response.Header().Set("Location", "/api/v1/executions/"+out[0].ID)
	if !sideBySide {
		return writeJSON(e, http.StatusAccepted, out[0])
	}
	return writeJSON(e, http.StatusAccepted, map[string]any{"executions": out})
}

// executionWorker runs background executions.
type executionWorker struct {
	river.WorkerDefaults[jobs.ExecutionArgs]
	s *Server
}

// Timeout leaves the provider call its own timeout and time to record.
func (w *executionWorker) Timeout(*river.Job[jobs.ExecutionArgs]) time.Duration {
	return w.s.opts.ExecutionTimeout + 10*time.Second
}

// Work makes one attempt. A retryable provider failure is returned as is so
// River retries it with backoff; the last attempt, or a failure retrying
// cannot fix, records the execution as failed and ends the job (which then
// becomes a dead letter).
func (w *executionWorker) Work(ctx context.Context, job *river.Job[jobs.ExecutionArgs]) error {
	s := w.s
	x, err := s.db.GetExecution(ctx, job.Args.ExecutionID)
	if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
		return nil // deleted from the history meanwhile
	}
	if err != nil {
		return err
	}
	if x.Status != krowoc.ExecRunning {
		return nil // cancelled, or recorded by an earlier attempt
	}
	prep, err := s.prepareStored(ctx, x)
	if err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeInternal {
			return err
		}
		x.Status, x.ErrorCode, x.ErrorMessage = krowoc.ExecFailed, krowoc.ErrorCode(err), toAppError(err).Message
		s.finishBackground(ctx, x, err)
		return river.JobCancel(err)
	}

	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	emit := tagged(x, s.live.register(x.ID, cancel))
	defer s.live.unregister(x.ID)
	emit("start", map[string]any{"promptVersion": x.PromptVersion, "attempt": job.Attempt})

	callErr := s.call(callCtx, prep, emit, 0)
	if callErr == nil {
		s.finishBackground(ctx, x, nil)
		return nil
	}
	if callCtx.Err() != nil && ctx.Err() == nil {
		return nil // cancelled by the user; CancelExecution recorded it
	}
	if ctx.Err() != nil && job.Attempt < job.MaxAttempts {
		// This process is stopping: leave the run running for the next
		// attempt, here after a restart or in another process.
		return ctx.Err()
	}
	var pe *provider.Error
	retryable := errors.As(callErr, &pe) && pe.Retryable()
	if retryable && job.Attempt < job.MaxAttempts {
		if err := s.db.SetExecutionAttempts(context.WithoutCancel(ctx), x.ID, x.Attempts); err != nil {
			s.log.ErrorContext(ctx, "record attempts", "execution_id", x.ID, "error", err)
		}
		emit("retry", map[string]any{"attempt": job.Attempt, "reason": x.ErrorCode})
		return callErr
	}
	s.finishBackground(ctx, x, callErr)
	if retryable {
		return callErr
	}
	return river.JobCancel(callErr)
}

// requeueExecution runs a dead execution again as a new execution with the
// same prompt version, model, variables, parameters and key; the failed one
// stays in the history as it was.
func (s *Server) requeueExecution(ctx context.Context, tx *store.Tx, payload json.RawMessage) (river.JobArgs, error) {
	var args jobs.ExecutionArgs
	if err := json.Unmarshal(payload, &args); err != nil {
		return nil, err
	}
	old, err := store.GetExecutionTx(ctx, tx, args.ExecutionID)
	if err != nil {
		return nil, err
	}
	x := &krowoc.Execution{
		WorkspaceID: old.WorkspaceID, UserID: old.UserID, PromptID: old.PromptID, PromptVersion: old.PromptVersion,
		Model: old.Model, Provider: old.Provider, CredentialID: old.CredentialID, Variables: old.Variables,
		Params: old.Params, RequestID: logging.RequestID(ctx),
	}
	if err := store.InsertExecution(ctx, tx, x); err != nil {
		return nil, err
	}
	return jobs.ExecutionArgs{ExecutionID: x.ID, WorkspaceID: x.WorkspaceID, RequestID: x.RequestID}, nil
}

// finishBackground records a background execution's outcome and tells its
// followers.
func (s *Server) finishBackground(ctx context.Context, x *krowoc.Execution, callErr error) {
	err := s.db.FinishExecution(context.WithoutCancel(ctx), x)
	switch {
	case errors.Is(err, store.ErrExecutionFinished):
		return
	case err != nil:
		s.log.ErrorContext(ctx, "record execution", "execution_id", x.ID, "error", err)
	}
	s.emitOutcome(x, callErr, tagged(x, s.live.emitter(x.ID)))
}

// prepareStored rebuilds the provider call of a recorded execution: its
// prompt version (or the working draft as it is now), variables,
// parameters and key.
func (s *Server) prepareStored(ctx context.Context, x *krowoc.Execution) (*prepared, error) {
	p, err := s.db.GetPrompt(ctx, x.PromptID)
	if err != nil {
		return nil, err
	}
	if p.DeletedAt != nil {
		return nil, krowoc.NotFound("prompt")
	}
	content := p.PromptContent
	if x.PromptVersion != nil {
		v, err := s.db.GetVersion(ctx, p.ID, *x.PromptVersion)
		if err != nil {
			return nil, err
		}
		content = v.PromptContent
	}
	text, err := renderPrompt(content, x.Variables)
	if err != nil {
		return nil, err
	}
	cred, err := s.db.GetCredential(ctx, x.CredentialID)
	if err != nil || cred.WorkspaceID != x.WorkspaceID {
		return nil, &krowoc.Error{Code: krowoc.ECodeNoCredential, Message: "The API key of this run was deleted.",
			Extra: map[string]any{"provider": x.Provider}}
	}
	prep, err := s.buildCall(ctx, x.Model, text, x.Params, cred)
	if err != nil {
		return nil, err
	}
	prep.exec = x
	return prep, nil
}

// handleFollowExecution streams an execution's events as Server-Sent
// Events until it finishes: deltas as they arrive when it runs in this
// process, and in any case its outcome (usage and done, or error). An
// execution that has finished answers its outcome at once.
func (s *Server) handleFollowExecution(e *core.RequestEvent) error {
	x, err := s.executionFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	events, unsubscribe := s.live.subscribe(x.ID)
	defer unsubscribe()
	// Read again after subscribing so an outcome between the two reads is
	// not missed.
	if x, err = s.db.GetExecution(ctx, x.ID); err != nil {
		return err
	}
	sse := newSSEWriter(e)
	emit := tagged(x, func(name string, data map[string]any) { _ = sse.event(name, data) })
	if x.Status != krowoc.ExecRunning {
		s.emitRecorded(x, emit)
		return nil
	}
	emit("start", map[string]any{"promptVersion": x.PromptVersion, "status": x.Status})
	tick := time.NewTicker(followPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil // too slow for the live feed; poll for the outcome
				continue
			}
			if ev.name == "start" {
				continue // this follower already has its start
			}
			_ = sse.event(ev.name, ev.data)
			if ev.name == "done" || ev.name == "error" {
				return nil
			}
		case <-tick.C:
			now, err := s.db.GetExecution(ctx, x.ID)
			if err != nil {
				return nil
			}
			if now.Status != krowoc.ExecRunning {
				s.emitRecorded(now, emit)
				return nil
			}
		}
	}
}

// emitRecorded sends the outcome of a finished execution as recorded.
func (s *Server) emitRecorded(x *krowoc.Execution, emit emitFunc) {
	var callErr error
	if x.Status != krowoc.ExecSucceeded {
		callErr = errors.New(x.ErrorMessage)
	}
	s.emitOutcome(x, callErr, emit)
}

// handleCancelExecution stops a running execution: it is recorded as
// cancelled at once, and its provider call is stopped when it runs in this
// process (a call in another process finds it cancelled when it ends).
func (s *Server) handleCancelExecution(e *core.RequestEvent) error {
	x, err := s.executionFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	x, err = s.db.CancelExecution(e.Request.Context(), x.ID)
	if err != nil {
		return err
	}
	s.live.cancel(x.ID)
	s.emitOutcome(x, errors.New(x.ErrorMessage), tagged(x, s.live.emitter(x.ID)))
	return writeJSON(e, http.StatusOK, x)
}

// liveEvent is one event of a running execution.
type liveEvent struct {
	name string
	data map[string]any
}

// liveRuns connects background executions running in this process with the
// clients following them.
type liveRuns struct {
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
	starts  map[string]*store.Pending
	subs    map[string]map[chan liveEvent]struct{}
}

func newLiveRuns() *liveRuns {
	return &liveRuns{cancels: map[string]context.CancelFunc{}, starts: map[string]*store.Pending{},
		subs: map[string]map[chan liveEvent]struct{}{}}
}

// starting notes that id's start record is on its way (start), so that a
// request about id in this process waits for it instead of missing it.
func (l *liveRuns) starting(id string, start *store.Pending) {
	l.mu.Lock()
	l.starts[id] = start
	l.mu.Unlock()
}

// awaitStart waits until id's start record, if this process is writing
// it, is committed.
func (l *liveRuns) awaitStart(ctx context.Context, id string) {
	l.mu.Lock()
	start := l.starts[id]
	l.mu.Unlock()
	if start != nil {
		_ = start.Wait(ctx)
	}
}

// register marks id as running here, stoppable with cancel, and returns the
// function that publishes its events.
func (l *liveRuns) register(id string, cancel context.CancelFunc) emitFunc {
	l.mu.Lock()
	l.cancels[id] = cancel
	l.mu.Unlock()
	return l.emitter(id)
}

func (l *liveRuns) unregister(id string) {
	l.mu.Lock()
	delete(l.cancels, id)
	delete(l.starts, id)
	l.mu.Unlock()
}

func (l *liveRuns) cancel(id string) {
	l.mu.Lock()
	cancel := l.cancels[id]
	l.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// emitter publishes to id's followers without ever blocking the run: a
// follower whose buffer is full is dropped from the live feed (it then
// polls for the outcome).
func (l *liveRuns) emitter(id string) emitFunc {
	return func(name string, data map[string]any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		for ch := range l.subs[id] {
			select {
			case ch <- liveEvent{name, data}:
			default:
				delete(l.subs[id], ch)
				close(ch)
			}
		}
	}
}

func (l *liveRuns) subscribe(id string) (<-chan liveEvent, func()) {
	ch := make(chan liveEvent, 256)
	l.mu.Lock()
	if l.subs[id] == nil {
		l.subs[id] = map[chan liveEvent]struct{}{}
	}
	l.subs[id][ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := l.subs[id][ch]; ok {
			delete(l.subs[id], ch)
			close(ch)
		}
		if len(l.subs[id]) == 0 {
			delete(l.subs, id)
		}
	}
}
