package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// newTestBatch records a batch of rows × two keys' items in a fresh
// personal workspace.
func newTestBatch(t *testing.T, db *store.DB, rows int) (*krowoc.Batch, []krowoc.BatchItem) {
	t.Helper()
	ctx := context.Background()
	ws, err := db.EnsurePersonalWorkspace(ctx, "user_batch", "Batch")
	if err != nil {
		t.Fatal(err)
	}
	b := &krowoc.Batch{WorkspaceID: ws.ID, PromptID: "prompt-1", Models: []string{"openai:a", "anthropic:b"},
		Credentials: map[string]string{"openai:a": "key-a", "anthropic:b": "key-b"}, VariableNames: []string{"x"},
		Rows: rows, CreatedBy: "user_batch"}
	var items []krowoc.BatchItem
	for i := 1; i <= rows; i++ {
		vars := map[string]string{"x": fmt.Sprint(i)}
		items = append(items, krowoc.BatchItem{Row: i, Model: "openai:a", CredentialID: "key-a", Variables: vars},
			krowoc.BatchItem{Row: i, Model: "anthropic:b", CredentialID: "key-b", Variables: vars})
	}
	if err := db.CreateBatch(ctx, b, items, nil); err != nil {
		t.Fatal(err)
	}
	return b, items
}

func newExec(b *krowoc.Batch, it *krowoc.BatchItem) *krowoc.Execution {
	return &krowoc.Execution{WorkspaceID: b.WorkspaceID, UserID: b.CreatedBy, PromptID: b.PromptID, Model: it.Model,
		Provider: "openai", CredentialID: it.CredentialID, Variables: it.Variables}
}

// TestClaimBatchItemsHonorsBounds claims every item of a batch at once
// from many goroutines: exactly as many succeed as the bounds allow, on
// SQLite's single writer and under Postgres's concurrent transactions.
func TestClaimBatchItemsHonorsBounds(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		_, items := newTestBatch(t, db, 10)
		limits := store.BatchLimits{Workspace: 5, Key: 3, Lease: time.Minute}
		var mu sync.Mutex
		claimed := map[string]int{}
		var wg sync.WaitGroup
		for _, it := range items {
			wg.Go(func() {
				got, x, err := db.ClaimBatchItem(context.Background(), it.ID, limits, newExec)
				switch {
				case errors.Is(err, store.ErrNoBatchSlot):
				case err != nil:
					t.Errorf("claim %s: %v", it.ID, err)
				default:
					if got.Status != krowoc.ItemRunning || x.Status != krowoc.ExecRunning || got.ExecutionID != x.ID {
						t.Errorf("claimed %+v, execution %+v", got, x)
					}
					mu.Lock()
					claimed[it.CredentialID]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		total := claimed["key-a"] + claimed["key-b"]
		if total != 5 || claimed["key-a"] > 3 || claimed["key-b"] > 3 {
			t.Fatalf("claimed %v (total %d), want 5 in all and at most 3 per key", claimed, total)
		}
		b, err := db.GetBatch(context.Background(), items[0].BatchID)
		if err != nil || b.Status != krowoc.BatchRunning || b.Running != 5 || b.StartedAt == nil {
			t.Fatalf("batch = %+v, %v", b, err)
		}
	})
}

// TestBatchCountersAreExact finishes, fails and cancels items and checks
// the counters, the cost and the final status at every step.
func TestBatchCountersAreExact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, items := newTestBatch(t, db, 3) // 6 items
		limits := store.BatchLimits{Workspace: 10, Key: 10, Lease: time.Minute}
		claim := func(i int) *krowoc.Execution {
			t.Helper()
			_, x, err := db.ClaimBatchItem(ctx, items[i].ID, limits, newExec)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		x0 := claim(0)
		x0.Status, x0.CostMicros, x0.Usage.InputTokens, x0.Usage.OutputTokens = krowoc.ExecSucceeded, 120, 10, 5
		if err := db.FinishBatchItem(ctx, items[0].ID, x0); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishBatchItem(ctx, items[0].ID, x0); !errors.Is(err, store.ErrBatchItemSettled) {
			t.Fatalf("finishing twice: %v, want ErrBatchItemSettled", err)
		}
		if _, _, err := db.ClaimBatchItem(ctx, items[0].ID, limits, newExec); !errors.Is(err, store.ErrBatchItemSettled) {
			t.Fatalf("claiming a finished item: %v", err)
		}
		x1 := claim(1)
		x1.Status, x1.ErrorCode, x1.ErrorMessage = krowoc.ExecFailed, "provider_auth", "refused"
		if err := db.FinishBatchItem(ctx, items[1].ID, x1); err != nil {
			t.Fatal(err)
		}
		// Item 2 runs, item 3 waits for a retry with its execution open.
		x2 := claim(2)
		x3 := claim(3)
		x3.Attempts = 1
		if err := db.ReleaseBatchItem(ctx, items[3].ID, x3); err != nil {
			t.Fatal(err)
		}

		if err := db.CancelBatch(ctx, items[0].BatchID); err != nil {
			t.Fatal(err)
		}
		b, _ := db.GetBatch(ctx, items[0].BatchID)
		want := [5]int{1, 1, 3, 1, 1} // succeeded, failed, cancelled, running, remaining
		if got := [5]int{b.Succeeded, b.Failed, b.Cancelled, b.Running, b.Remaining}; got != want || b.Status != krowoc.BatchCancelled ||
			b.FinishedAt != nil || b.CostMicros != 120 || b.InputTokens != 10 {
			t.Fatalf("after cancel: counters %v, batch %+v", got, b)
		}
		if waiting, _ := db.GetExecution(ctx, x3.ID); waiting.Status != krowoc.ExecCancelled {
			t.Fatalf("the execution waiting to retry is %s, want cancelled", waiting.Status)
		}
		if _, _, err := db.ClaimBatchItem(ctx, items[4].ID, limits, newExec); !errors.Is(err, store.ErrBatchItemSettled) {
			t.Fatalf("claiming a cancelled item: %v", err)
		}

		// The running item finishes and settles the batch, still cancelled.
		x2.Status, x2.CostMicros = krowoc.ExecSucceeded, 30
		if err := db.FinishBatchItem(ctx, items[2].ID, x2); err != nil {
			t.Fatal(err)
		}
		b, _ = db.GetBatch(ctx, items[0].BatchID)
		if b.Succeeded != 2 || b.Remaining != 0 || b.CostMicros != 150 || b.Status != krowoc.BatchCancelled || b.FinishedAt == nil {
			t.Fatalf("settled batch = %+v", b)
		}
		wantCode(t, db.CancelBatch(ctx, b.ID), krowoc.ECodeConflict)

		// Results come in row order, then model id.
		results, total, err := db.ListBatchResults(ctx, b.ID, "", store.Page{PerPage: 10})
		if err != nil || total != 6 || results[0].ErrorCode != "provider_auth" || results[1].CostMicros != 120 || results[5].Status != krowoc.ItemCancelled {
			t.Fatalf("results = %+v (%d), %v", results, total, err)
		}
	})
}

// TestBatchOutcomes settles batches whose items all succeed, all fail, or
// some of each.
func TestBatchOutcomes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		limits := store.BatchLimits{Workspace: 10, Key: 10, Lease: time.Minute}
		for _, c := range []struct {
			fail []bool
			want krowoc.BatchStatus
		}{
			{[]bool{false, false}, krowoc.BatchSucceeded},
			{[]bool{true, true}, krowoc.BatchFailed},
			{[]bool{false, true}, krowoc.BatchCompletedWithFailures},
		} {
			_, items := newTestBatch(t, db, 1)
			for i, it := range items {
				_, x, err := db.ClaimBatchItem(ctx, it.ID, limits, newExec)
				if err != nil {
					t.Fatal(err)
				}
				x.Status = krowoc.ExecSucceeded
				if c.fail[i] {
					x.Status = krowoc.ExecTimedOut
				}
				if err := db.FinishBatchItem(ctx, it.ID, x); err != nil {
					t.Fatal(err)
				}
			}
			b, _ := db.GetBatch(ctx, items[0].BatchID)
			if b.Status != c.want || b.FinishedAt == nil {
				t.Fatalf("%v: batch = %+v, want %s", c.fail, b, c.want)
			}
			wantCode(t, db.DeleteBatch(ctx, b.ID), "")
			_, err := db.GetBatch(ctx, b.ID)
			wantCode(t, err, krowoc.ECodeNotFound)
		}
	})
}
