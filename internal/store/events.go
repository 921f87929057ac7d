package store

import (
	"context"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
)

// The events domain writes emit, each called inside the write's own
// transaction after the write (see Tx.Emit). docs/events.md documents their
// data; keep the two in step.

// emitPrompt writes a prompt.* event describing p after a change made by
// actor through via (create, import, edit, restore, publish, archive,
// unarchive). previous is the status before the change, or "".
func emitPrompt(ctx context.Context, tx *Tx, eventType string, p *krowoc.Prompt, actor, via string, previous krowoc.PromptStatus) error {
	if previous == p.Status {
		previous = ""
	}
	return tx.Emit(ctx, krowoc.EventDraft{
		Type: eventType, WorkspaceID: p.WorkspaceID, Actor: actor, AggregateID: p.ID,
		Data: krowoc.PromptEventData{
			PromptID: p.ID, OwnerID: p.OwnerID, Status: p.Status, Visibility: p.Visibility,
			LatestVersion: p.LatestVersion, PublishedVersion: p.PublishedVersion,
			HasDraftChanges: p.HasDraftChanges, Via: via, PreviousStatus: previous,
		},
	})
}

// emitExecutionStarted writes execution.started for a new running execution.
func emitExecutionStarted(ctx context.Context, tx *Tx, x *krowoc.Execution) error {
	return tx.emitAll(ctx, []krowoc.EventDraft{executionStarted(x)}, []string{executionRequestID(ctx, x)})
}

func executionStarted(x *krowoc.Execution) krowoc.EventDraft {
	return krowoc.EventDraft{
		Type: krowoc.EventExecutionStarted, WorkspaceID: x.WorkspaceID, Actor: x.UserID, AggregateID: x.ID,
		Data: krowoc.ExecutionEventData{
			ExecutionID: x.ID, PromptID: x.PromptID, PromptVersion: x.PromptVersion, UserID: x.UserID,
			Model: x.Model, Provider: x.Provider, Status: x.Status,
		},
	}
}

// executionRequestID is the request id of an execution's events: the
// request that started it, or ctx's.
func executionRequestID(ctx context.Context, x *krowoc.Execution) string {
	if x.RequestID != "" {
		return x.RequestID
	}
	return logging.RequestID(ctx)
}

// executionFinished is execution.completed for a succeeded
// execution and execution.failed for any other outcome (failed, cancelled,
// timed_out; the status says which), with usage, cost and timings.
func executionFinished(x *krowoc.Execution) krowoc.EventDraft {
	eventType := krowoc.EventExecutionFailed
	if x.Status == krowoc.ExecSucceeded {
		eventType = krowoc.EventExecutionCompleted
	}
	usage := x.Usage
	return krowoc.EventDraft{
		Type: eventType, WorkspaceID: x.WorkspaceID, Actor: x.UserID, AggregateID: x.ID,
		Data: krowoc.ExecutionEventData{
			ExecutionID: x.ID, PromptID: x.PromptID, PromptVersion: x.PromptVersion, UserID: x.UserID,
			Model: x.Model, Provider: x.Provider, Status: x.Status, ErrorCode: x.ErrorCode, Attempts: x.Attempts,
			TTFTMillis: x.TTFTMillis, LatencyMillis: x.LatencyMillis, Usage: &usage, CostMicros: x.CostMicros,
		},
	}
}

// TierChange is a user's tier changed in Pocketbase.
type TierChange struct {
	UserID   string
	UserName string
	From, To krowoc.Tier
	// Actor made the change: "superuser:<id>" or "system".
	Actor string
}

// RecordTierChange publishes user.tier_changed in the user's personal
// workspace, creating that workspace first if the user never signed in.
// Quotas need nothing more: they read the tier from Pocketbase at each check.
func (db *DB) RecordTierChange(ctx context.Context, c TierChange) error {
	ws, err := db.EnsurePersonalWorkspace(ctx, c.UserID, c.UserName)
	if err != nil {
		return err
	}
	return db.Emit(ctx, krowoc.EventDraft{
		Type: krowoc.EventUserTierChanged, WorkspaceID: ws.ID, Actor: c.Actor, AggregateID: c.UserID,
		Data: krowoc.TierChangedEventData{UserID: c.UserID, From: c.From, To: c.To, PromptLimit: krowoc.PromptLimit(c.To)},
	})
}
