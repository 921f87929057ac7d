package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// startTwoStepRun stores a chain of two steps and starts a run of it.
func startTwoStepRun(t *testing.T, db *store.DB) *krowoc.ChainRun {
	t.Helper()
	ctx := context.Background()
	ws := workspace(t, db, "ada")
	c := &krowoc.Chain{WorkspaceID: ws, Name: "Two", Inputs: []string{"topic"}, CreatedBy: "ada", Steps: []krowoc.ChainStep{
		{PromptID: "p1", Model: "openai:gpt-4o-mini", Bindings: map[string]krowoc.Binding{"topic": {Input: "topic"}}},
		{PromptID: "p2", Model: "openai:gpt-4o-mini", Bindings: map[string]krowoc.Binding{"text": {Step: 1}}},
	}}
	if err := db.CreateChain(ctx, c); err != nil {
		t.Fatal(err)
	}
	run := &krowoc.ChainRun{ChainID: c.ID, WorkspaceID: ws, Inputs: map[string]string{"topic": "rivers"}, CreatedBy: "ada"}
	for _, st := range c.Steps {
		run.Steps = append(run.Steps, krowoc.ChainRunStep{PromptID: st.PromptID, Model: st.Model, Bindings: st.Bindings})
	}
	if err := db.StartChainRun(ctx, run, func(*store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	return run
}

func beginStep(t *testing.T, db *store.DB, run *krowoc.ChainRun, position int) *krowoc.Execution {
	t.Helper()
	x := &krowoc.Execution{WorkspaceID: run.WorkspaceID, UserID: "ada", PromptID: run.Steps[position-1].PromptID,
		Model: "openai:gpt-4o-mini", Provider: "openai"}
	if err := db.BeginChainStep(context.Background(), run.ID, position, x); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestChainStepOutcomeCommitsWithNextJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		run := startTwoStepRun(t, db)
		x := beginStep(t, db, run, 1)
		got, _ := db.GetChainRun(ctx, run.ID)
		if got.Status != krowoc.ChainRunRunning || got.Steps[0].Status != krowoc.StepRunning || got.Steps[0].ExecutionID != x.ID {
			t.Fatalf("after begin: %+v", got)
		}

		// When enqueueing the next step fails, nothing of the outcome is kept.
		x.Status, x.ResponseText = krowoc.ExecSucceeded, "Echo: rivers"
		boom := errors.New("enqueue failed")
		err := db.FinishChainStep(ctx, store.ChainStepOutcome{RunID: run.ID, Position: 1, Execution: x}, func(*store.Tx) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("finish = %v, want %v", err, boom)
		}
		got, _ = db.GetChainRun(ctx, run.ID)
		stored, _ := db.GetExecution(ctx, x.ID)
		if got.Steps[0].Status != krowoc.StepRunning || got.Steps[0].Output != nil || got.CurrentStep != 1 || stored.Status != krowoc.ExecRunning {
			t.Fatalf("after a failed enqueue: run %+v, execution %s", got, stored.Status)
		}

		// Otherwise output, execution, and the run's move to step 2 commit together.
		enqueued := 0
		if err := db.FinishChainStep(ctx, store.ChainStepOutcome{RunID: run.ID, Position: 1, Execution: x}, func(*store.Tx) error {
			enqueued++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetChainRun(ctx, run.ID)
		stored, _ = db.GetExecution(ctx, x.ID)
		if enqueued != 1 || got.CurrentStep != 2 || got.Steps[0].Status != krowoc.StepSucceeded || *got.Steps[0].Output != "Echo: rivers" ||
			stored.Status != krowoc.ExecSucceeded || got.Status != krowoc.ChainRunRunning {
			t.Fatalf("after step 1: run %+v, execution %s", got, stored.Status)
		}

		// The last step's failure fails the run there.
		y := beginStep(t, db, run, 2)
		y.Status, y.ErrorCode, y.ErrorMessage = krowoc.ExecFailed, "provider_auth", "The key was refused."
		if err := db.FinishChainStep(ctx, store.ChainStepOutcome{RunID: run.ID, Position: 2, Execution: y}, func(*store.Tx) error {
			t.Fatal("a failure enqueued a next step")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetChainRun(ctx, run.ID)
		if got.Status != krowoc.ChainRunFailed || got.ErrorStep == nil || *got.ErrorStep != 2 || got.ErrorCode != "provider_auth" ||
			got.Steps[1].Status != krowoc.StepFailed || got.FinishedAt == nil {
			t.Fatalf("after failure: %+v", got)
		}
		// A late outcome does not overwrite it.
		err = db.FinishChainStep(ctx, store.ChainStepOutcome{RunID: run.ID, Position: 2, Execution: y}, func(*store.Tx) error { return nil })
		if !errors.Is(err, store.ErrChainRunFinished) {
			t.Fatalf("late outcome: %v", err)
		}
	})
}

func TestCancelChainRunCancelsItsExecution(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		run := startTwoStepRun(t, db)
		x := beginStep(t, db, run, 1)
		got, cancelled, err := db.CancelChainRun(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := db.GetExecution(ctx, x.ID)
		if cancelled != x.ID || stored.Status != krowoc.ExecCancelled || got.Status != krowoc.ChainRunCancelled ||
			got.Steps[0].Status != krowoc.StepCancelled || got.Steps[1].Status != krowoc.StepCancelled {
			t.Fatalf("cancelled run %+v, execution %s", got, stored.Status)
		}
		if _, _, err := db.CancelChainRun(ctx, run.ID); krowoc.ErrorCode(err) != krowoc.ECodeConflict {
			t.Fatalf("cancel twice: %v", err)
		}
		// The worker's late begin finds the run over.
		if err := db.BeginChainStep(ctx, run.ID, 2, &krowoc.Execution{WorkspaceID: run.WorkspaceID, UserID: "ada", PromptID: "p2",
			Model: "openai:gpt-4o-mini", Provider: "openai"}); !errors.Is(err, store.ErrChainRunFinished) {
			t.Fatalf("begin after cancel: %v", err)
		}
	})
}

func TestChainStepFailedOutsideItsCallFailsItsExecution(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		run := startTwoStepRun(t, db)
		x := beginStep(t, db, run, 1)
		if err := db.FinishChainStep(ctx, store.ChainStepOutcome{RunID: run.ID, Position: 1, ErrorCode: "internal",
			ErrorMessage: "Something went wrong on our side."}, nil); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GetChainRun(ctx, run.ID)
		stored, _ := db.GetExecution(ctx, x.ID)
		if got.Status != krowoc.ChainRunFailed || *got.ErrorStep != 1 || got.Steps[0].Status != krowoc.StepFailed ||
			got.Steps[1].Status != krowoc.StepCancelled || stored.Status != krowoc.ExecFailed || stored.ErrorCode != "internal" {
			t.Fatalf("run %+v, execution %+v", got, stored)
		}
	})
}
