package api

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/store"
)

// Default bounds on batch items in flight at once, across every process
// sharing the database.
const (
	DefaultBatchWorkspaceConcurrency = 8
	DefaultBatchKeyConcurrency       = 4
)

// An item waits up to batchSlotWait in this process for a slot to free;
// without one it snoozes for batchSnooze, plus up to as much again of
// jitter so snoozed items do not all wake together. Waiting keeps the slots
// busy; snoozing gives the worker back to other workspaces' items.
const (
	batchSlotWait = time.Second
	batchSnooze   = 100 * time.Millisecond
)

// batchItemWorker runs batch items: each is an execution in the history,
// and its outcome, the item's status and the batch's counters are recorded
// in one transaction.
type batchItemWorker struct {
	river.WorkerDefaults[jobs.BatchItemArgs]
	s *Server
}

// Timeout leaves the provider call its own timeout and time to record.
func (w *batchItemWorker) Timeout(*river.Job[jobs.BatchItemArgs]) time.Duration {
	return w.s.opts.ExecutionTimeout + 10*time.Second
}

// Work makes one attempt at an item. Without a free slot in its workspace
// or on its key (after a short wait in this process) it snoozes, which
// costs no attempt. A retryable
// provider failure puts the item back to pending, freeing its slot, and
// returns the error so River retries it with backoff; the last attempt, or
// a failure retrying cannot fix, records the item as failed and ends the
// job without a dead letter: the failure is in the batch's results and
// the execution history.
func (w *batchItemWorker) Work(ctx context.Context, job *river.Job[jobs.BatchItemArgs]) error {
	err := w.work(ctx, job)
	if err != nil && jobs.Final(job.JobRow, err) {
		// Krowoc itself failed for good (the database, most likely):
		// settle the item so the batch can end, and let the job become a
		// dead letter for an admin to see.
		if ferr := w.s.db.FailBatchItem(context.WithoutCancel(ctx), job.Args.ItemID, krowoc.ECodeInternal, "Krowoc could not run this item."); ferr != nil && !errors.Is(ferr, store.ErrBatchItemSettled) {
			w.s.log.ErrorContext(ctx, "record failed batch item", "item_id", job.Args.ItemID, "error", ferr)
		}
	}
	return err
}

func (w *batchItemWorker) work(ctx context.Context, job *river.Job[jobs.BatchItemArgs]) error {
	s := w.s
	a := job.Args
	release, ok := s.batchSlots.acquire(ctx, a.WorkspaceID, a.CredentialID, batchSlotWait)
	if !ok {
		return river.JobSnooze(snoozeDelay())
	}
	defer release()
	item, x, err := s.db.ClaimBatchItem(ctx, a.ItemID, s.batchLimits(), s.newBatchExecution)
	switch {
	case errors.Is(err, store.ErrBatchItemSettled):
		return nil // cancelled, finished, or deleted with its batch
	case errors.Is(err, store.ErrNoBatchSlot):
		return river.JobSnooze(snoozeDelay())
	case err != nil:
		return err
	}
	prep, err := s.prepareStored(ctx, x)
	if err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeInternal {
			s.releaseBatchItem(ctx, item.ID, x)
			return err
		}
		x.Status, x.ErrorCode, x.ErrorMessage = krowoc.ExecFailed, krowoc.ErrorCode(err), toAppError(err).Message
		s.finishBatchItem(ctx, item.ID, x)
		return nil
	}

	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Registered like a background run, so cancelling the execution from
	// the history stops its call.
	s.live.register(x.ID, cancel)
	defer s.live.unregister(x.ID)

	callErr := s.call(callCtx, prep, nil, 0)
	if callErr == nil {
		s.finishBatchItem(ctx, item.ID, x)
		return nil
	}
	if ctx.Err() != nil {
		// This process is stopping: the item waits for its next attempt.
		s.releaseBatchItem(ctx, item.ID, x)
		return ctx.Err()
	}
	if callCtx.Err() != nil {
		// Its execution was cancelled from the history: the item ends
		// with it, as failed, rather than retrying.
		s.finishBatchItem(ctx, item.ID, x)
		return nil
	}
	var pe *provider.Error
	if errors.As(callErr, &pe) && pe.Retryable() && job.Attempt < job.MaxAttempts {
		s.releaseBatchItem(ctx, item.ID, x)
		return callErr
	}
	s.finishBatchItem(ctx, item.ID, x)
	return nil
}

// newBatchExecution is the execution of a batch item, in the history like
// any other run by the batch's creator.
func (s *Server) newBatchExecution(b *krowoc.Batch, it *krowoc.BatchItem) *krowoc.Execution {
	providerID, _, _ := strings.Cut(it.Model, ":")
	if m, ok := s.catalog.Model(it.Model); ok {
		providerID = m.Provider()
	}
	return &krowoc.Execution{
		WorkspaceID: b.WorkspaceID, UserID: b.CreatedBy, PromptID: b.PromptID, PromptVersion: b.PromptVersion,
		Model: it.Model, Provider: providerID, CredentialID: it.CredentialID, Variables: it.Variables, Params: b.Params,
		RequestID: b.RequestID,
	}
}

func (s *Server) batchLimits() store.BatchLimits {
	return store.BatchLimits{
		Workspace: s.opts.BatchWorkspaceConcurrency,
		Key:       s.opts.BatchKeyConcurrency,
		// Longer than any attempt (the worker's timeout is the execution
		// timeout plus 10 s), so only a dead process's lease expires.
		Lease: s.opts.ExecutionTimeout + time.Minute,
	}
}

func (s *Server) finishBatchItem(ctx context.Context, itemID string, x *krowoc.Execution) {
	err := s.db.FinishBatchItem(context.WithoutCancel(ctx), itemID, x)
	if err != nil && !errors.Is(err, store.ErrBatchItemSettled) {
		s.log.ErrorContext(ctx, "record batch item", "item_id", itemID, "execution_id", x.ID, "error", err)
	}
}

func (s *Server) releaseBatchItem(ctx context.Context, itemID string, x *krowoc.Execution) {
	if err := s.db.ReleaseBatchItem(context.WithoutCancel(ctx), itemID, x); err != nil {
		s.log.ErrorContext(ctx, "release batch item", "item_id", itemID, "error", err)
	}
}

func snoozeDelay() time.Duration {
	return batchSnooze + time.Duration(rand.Int64N(int64(batchSnooze)))
}

// batchSlots counts the batch items this process runs per workspace and
// per key. They are at most the counts across every process, so an item
// that finds this process's count at the bound need not ask the database;
// the database's count under a lock decides otherwise.
type batchSlots struct {
	mu            sync.Mutex
	workspace     map[string]int
	key           map[string]int
	wsMax, keyMax int
	// freed is closed, and replaced, whenever a slot frees.
	freed chan struct{}
}

func newBatchSlots(wsMax, keyMax int) *batchSlots {
	return &batchSlots{workspace: map[string]int{}, key: map[string]int{}, wsMax: wsMax, keyMax: keyMax, freed: make(chan struct{})}
}

// acquire takes a local slot for an item of workspace on key, waiting up
// to wait for one to free, so a slot does not sit idle while its next item
// snoozes. It reports false when none freed in time.
func (b *batchSlots) acquire(ctx context.Context, workspace, key string, wait time.Duration) (func(), bool) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		b.mu.Lock()
		if b.workspace[workspace] < b.wsMax && b.key[key] < b.keyMax {
			b.workspace[workspace]++
			b.key[key]++
			b.mu.Unlock()
			return func() { b.release(workspace, key) }, true
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-timer.C:
			return nil, false
		case <-ctx.Done():
			return nil, false
		}
	}
}

func (b *batchSlots) release(workspace, key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.workspace[workspace]--; b.workspace[workspace] <= 0 {
		delete(b.workspace, workspace)
	}
	if b.key[key]--; b.key[key] <= 0 {
		delete(b.key, key)
	}
	close(b.freed)
	b.freed = make(chan struct{})
}
