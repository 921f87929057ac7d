package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// finishAs gives x the outcome of r.
func finishAs(x *krowoc.Execution, r run) {
	x.Status, x.ErrorCode, x.LatencyMillis, x.TTFTMillis = r.status, r.code, r.latency, r.ttft
	if r.code != "" {
		x.ErrorMessage = "upstream said no"
	}
	x.Usage = krowoc.Usage{InputTokens: r.in, OutputTokens: r.out, CachedInputTokens: r.cached, CacheCreationTokens: r.cacheCreation, ReasoningTokens: r.reasoning}
	x.CostMicros, x.Attempts, x.ResponseText = r.cost, 1, "answer"
}

func newRun(ws string, r run) *krowoc.Execution {
	provider, _, _ := strings.Cut(r.model, ":")
	x := &krowoc.Execution{WorkspaceID: ws, UserID: "ada", PromptID: r.prompt, Model: r.model, Provider: provider, CredentialID: r.cred,
		Variables: map[string]string{"q": "why"}}
	if r.version > 0 {
		v := r.version
		x.PromptVersion = &v
	}
	return x
}

// TestRecorderMatchesDirectWrites runs the same executions once through
// Start/FinishExecution one by one and once through the recorder from many
// goroutines at once: the histories, events and usage rollups are the same.
func TestRecorderMatchesDirectWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 5, 10, 30, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		direct, batched := workspace(t, db, "ada"), workspace(t, db, "bob")
		runs := randomRuns(rand.New(rand.NewPCG(5, 6)), 300, now, 1, "prompt-a", "prompt-b")

		for _, r := range runs {
			x := newRun(direct, r)
			if err := db.StartExecution(ctx, x); err != nil {
				t.Fatal(err)
			}
			finishAs(x, r)
			if err := db.FinishExecution(ctx, x); err != nil {
				t.Fatal(err)
			}
		}

		recorded := make([]*krowoc.Execution, len(runs))
		var wg sync.WaitGroup
		errs := make(chan error, len(runs))
		for i, r := range runs {
			wg.Go(func() {
				x := newRun(batched, r)
				x.RequestID = fmt.Sprint("req-", i)
				var start *store.Pending
				if i%3 == 1 { // answered whole at the end
					start = db.DeferStart(x)
				} else {
					start = db.RecordStart(x)
				}
				if i%3 == 0 { // some wait for their start, as a stream does
					if err := start.Wait(ctx); err != nil {
						errs <- err
						return
					}
				}
				finishAs(x, r)
				if err := db.RecordFinish(x, start); err != nil {
					errs <- err
				}
				recorded[i] = x
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		want, err := db.UsageLedger(ctx, direct)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.UsageLedger(ctx, batched)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("usage through the recorder differs:\n got %v\nwant %v", got, want)
		}
		list, total, err := db.ListExecutions(ctx, store.ExecutionFilter{WorkspaceID: batched}, store.Page{Number: 1, PerPage: 100})
		if err != nil || total != len(runs) || len(list) != 100 {
			t.Fatalf("history: %d of %d (%v), want %d", len(list), total, err, len(runs))
		}
		for i, x := range recorded {
			stored, err := db.GetExecution(ctx, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			r := runs[i]
			if stored.Status != r.status || stored.CostMicros != r.cost || stored.Usage.InputTokens != r.in ||
				stored.ResponseText != "answer" || stored.FinishedAt == nil || !stored.CreatedAt.Equal(x.CreatedAt) || stored.Variables["q"] != "why" {
				t.Fatalf("run %d stored as %+v, want %+v", i, stored, r)
			}
			list := events(t, db, x.ID)
			if len(list) != 2 || list[0].Type != krowoc.EventExecutionStarted {
				t.Fatalf("run %d events = %v, want started then finished", i, types(list))
			}
			if list[0].RequestID != x.RequestID || list[1].RequestID != x.RequestID {
				t.Fatalf("run %d events carry request ids %q, %q, want %q", i, list[0].RequestID, list[1].RequestID, x.RequestID)
			}
		}
	})
}

// TestRecorderBatches writes batches the way the recorder forms them: a run
// that started and finished between two writes is one row with both events,
// a record that cannot be written costs only itself, and the outcome of a
// run cancelled meanwhile is refused without counting it twice.
func TestRecorderBatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		ok := run{prompt: "prompt-a", model: "openai:gpt-4o-mini", cred: "key-openai", status: krowoc.ExecSucceeded, latency: ms(40), ttft: ms(10), in: 12, out: 7, cost: 99}

		whole := newRun(ws, ok)
		start := db.StartRecord(whole)
		finishAs(whole, ok)
		// A run of a workspace that does not exist fails its write.
		orphan := newRun("no-such-workspace", ok)
		orphanStart := db.StartRecord(orphan)
		finishAs(orphan, ok)
		finish, orphanFinish := store.FinishRecord(whole, start), store.FinishRecord(orphan, orphanStart)
		db.WriteRecords(start, orphanStart, finish, orphanFinish)

		if err := finish.Wait(ctx); err != nil {
			t.Fatalf("finish: %v", err)
		}
		if err := orphanStart.Wait(ctx); err == nil {
			t.Fatal("the orphan's start was written")
		}
		if err := orphanFinish.Wait(ctx); err == nil {
			t.Fatal("the orphan's finish reports success")
		}
		stored, err := db.GetExecution(ctx, whole.ID)
		if err != nil || stored.Status != krowoc.ExecSucceeded || stored.CostMicros != 99 || stored.FinishedAt == nil {
			t.Fatalf("whole run stored as %+v (%v)", stored, err)
		}
		if list := events(t, db, whole.ID); len(list) != 2 || list[0].Type != krowoc.EventExecutionStarted || list[1].Type != krowoc.EventExecutionCompleted {
			t.Fatalf("events = %v, want started then completed", types(list))
		}
		if _, err := db.GetExecution(ctx, orphan.ID); krowoc.ErrorCode(err) != krowoc.ECodeNotFound {
			t.Fatalf("orphan stored: %v", err)
		}

		// Written whole in one batch, and started then finished in two:
		// the same merged batch again, now together.
		together := newRun(ws, ok)
		s2 := db.StartRecord(together)
		finishAs(together, ok)
		db.WriteRecords(s2, store.FinishRecord(together, s2))
		if list := events(t, db, together.ID); len(list) != 2 {
			t.Fatalf("events = %v", types(list))
		}

		cancelled := newRun(ws, ok)
		s3 := db.StartRecord(cancelled)
		db.WriteRecords(s3)
		if _, err := db.CancelExecution(ctx, cancelled.ID); err != nil {
			t.Fatal(err)
		}
		late := *cancelled
		finishAs(&late, ok)
		f3 := store.FinishRecord(&late, s3)
		db.WriteRecords(f3)
		if err := f3.Wait(ctx); !errors.Is(err, store.ErrExecutionFinished) {
			t.Fatalf("finish after cancel: %v, want ErrExecutionFinished", err)
		}
		got, err := db.GetExecution(ctx, cancelled.ID)
		if err != nil || got.Status != krowoc.ExecCancelled {
			t.Fatalf("cancelled run = %+v (%v)", got, err)
		}
		groups, err := db.UsageBreakdown(ctx, store.UsageFilter{WorkspaceID: ws, From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || groups[0].Counts.Executions != 3 || groups[0].Counts.Succeeded != 2 || groups[0].Counts.Cancelled != 1 {
			t.Fatalf("usage = %+v, want 2 succeeded and 1 cancelled", groups)
		}
	})
}

// TestDeferredStarts shows a deferred start written whole with an outcome
// that follows soon, and alone (as running) when its outcome is late.
func TestDeferredStarts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		ok := run{prompt: "prompt-a", model: "openai:gpt-4o-mini", cred: "key-openai", status: krowoc.ExecSucceeded, latency: ms(40), in: 12, out: 7, cost: 99}

		quick := newRun(ws, ok)
		start := db.DeferStart(quick)
		finishAs(quick, ok)
		if err := db.RecordFinish(quick, start); err != nil {
			t.Fatal(err)
		}
		if err := start.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := db.GetExecution(ctx, quick.ID); err != nil || got.Status != krowoc.ExecSucceeded {
			t.Fatalf("quick run = %+v (%v)", got, err)
		}

		slow := newRun(ws, ok)
		start = db.DeferStart(slow)
		if err := start.Wait(ctx); err != nil { // written by itself once its time is up
			t.Fatal(err)
		}
		if got, err := db.GetExecution(ctx, slow.ID); err != nil || got.Status != krowoc.ExecRunning {
			t.Fatalf("slow run while running = %+v (%v)", got, err)
		}
		finishAs(slow, ok)
		if err := db.RecordFinish(slow, start); err != nil {
			t.Fatal(err)
		}
		for _, x := range []*krowoc.Execution{quick, slow} {
			if list := events(t, db, x.ID); len(list) != 2 || list[0].Type != krowoc.EventExecutionStarted {
				t.Fatalf("events = %v, want started then completed", types(list))
			}
		}
	})
}
