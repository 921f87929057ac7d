package krowoc

import (
	"encoding/json"
	"time"
)

// The types of domain events. Each is written to the outbox in the
// transaction of the change it describes; docs/events.md lists their data.
const (
	EventPromptCreated      = "prompt.created"
	EventPromptUpdated      = "prompt.updated"
	EventPromptPublished    = "prompt.published"
	EventPromptArchived     = "prompt.archived"
	EventExecutionStarted   = "execution.started"
	EventExecutionCompleted = "execution.completed"
	EventExecutionFailed    = "execution.failed"
	EventVoteCast           = "vote.cast"
	EventUserTierChanged    = "user.tier_changed"
	// EventDeadLetterCreated goes to the dead-letter topic, not the events
	// topic.
	EventDeadLetterCreated = "deadletter.created"
)

// EventTypes returns every event type, in the order of the docs.
func EventTypes() []string {
	return []string{
		EventPromptCreated, EventPromptUpdated, EventPromptPublished, EventPromptArchived,
		EventExecutionStarted, EventExecutionCompleted, EventExecutionFailed,
		EventVoteCast, EventUserTierChanged, EventDeadLetterCreated,
	}
}

// EventSchemaVersion is the version of the envelope and data layouts written
// today. A consumer that meets a higher version it does not know should stop
// rather than guess.
const EventSchemaVersion = 1

// Actors that are not a user id.
const (
	// ActorSystem is a change made by Krowoc itself (or by code outside any
	// request, such as a command).
	ActorSystem = "system"
	// ActorSuperuserPrefix starts the actor of a change a superuser made:
	// "superuser:" followed by their Pocketbase id.
	ActorSuperuserPrefix = "superuser:"
)

// Event is a domain event as published: the envelope and its data. It is
// serialized as JSON with these field names.
type Event struct {
	// ID is unique (UUIDv7): consumers deduplicate by it, since delivery is
	// at least once.
	ID            string `json:"id"`
	Type          string `json:"type"`
	SchemaVersion int    `json:"schemaVersion"`
	// Time is when the change was made (the transaction's clock, ms).
	Time        time.Time `json:"time"`
	WorkspaceID string    `json:"workspaceId"`
	// Actor is the user id that made the change, "superuser:<id>", or
	// "system".
	Actor string `json:"actor"`
	// AggregateID is the thing the event is about (a prompt, an execution, a
	// user); events of one aggregate are delivered in order.
	AggregateID string `json:"aggregateId"`
	// RequestID is the X-Request-ID of the request that caused the change,
	// or "".
	RequestID string          `json:"requestId"`
	Data      json.RawMessage `json:"data"`
}

// EventDraft is what a write transaction knows of an event it emits; the
// store adds the id, time, schema version and request id.
type EventDraft struct {
	Type        string
	WorkspaceID string
	Actor       string
	AggregateID string
	// Data is marshalled to JSON: one of the *EventData types below, or the
	// data of a type added later. Keep it small: ids, statuses, numbers.
	// Never prompt text, variable values, responses or secrets.
	Data any
}

// PromptEventData is the data of every prompt.* event: the prompt's state
// after the change.
type PromptEventData struct {
	PromptID         string       `json:"promptId"`
	OwnerID          string       `json:"ownerId"`
	Status           PromptStatus `json:"status"`
	Visibility       Visibility   `json:"visibility"`
	LatestVersion    int          `json:"latestVersion"`
	PublishedVersion *int         `json:"publishedVersion"`
	HasDraftChanges  bool         `json:"hasDraftChanges"`
	// Via says which operation made the change: create, import, edit,
	// restore, publish, archive, unarchive or fork.
	Via string `json:"via"`
	// PreviousStatus is the status before the change when it changed.
	PreviousStatus PromptStatus `json:"previousStatus,omitempty"`
}

// ExecutionEventData is the data of every execution.* event. Usage, cost,
// timings and the error code are set once the execution has finished.
type ExecutionEventData struct {
	ExecutionID   string          `json:"executionId"`
	PromptID      string          `json:"promptId"`
	PromptVersion *int            `json:"promptVersion"`
	UserID        string          `json:"userId"`
	Model         string          `json:"model"`
	Provider      string          `json:"provider"`
	Status        ExecutionStatus `json:"status"`
	ErrorCode     string          `json:"errorCode,omitempty"`
	Attempts      int             `json:"attempts,omitempty"`
	TTFTMillis    *int64          `json:"ttftMs,omitempty"`
	LatencyMillis *int64          `json:"latencyMs,omitempty"`
	Usage         *Usage          `json:"usage,omitempty"`
	CostMicros    int64           `json:"costMicros,omitempty"`
}

// TierChangedEventData is the data of user.tier_changed.
type TierChangedEventData struct {
	UserID string `json:"userId"`
	From   Tier   `json:"from"`
	To     Tier   `json:"to"`
	// PromptLimit is the new tier's prompt limit, 0 for unlimited.
	PromptLimit int `json:"promptLimit"`
}

// VoteEventData is the data of vote.cast: the voter's vote now (1, -1, or 0
// when retracted) and the prompt's totals after it. The voter is the
// event's actor.
type VoteEventData struct {
	PromptID string `json:"promptId"`
	Value    int    `json:"value"`
	Up       int64  `json:"up"`
	Down     int64  `json:"down"`
}
