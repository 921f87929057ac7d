package krowoc

import (
	"encoding/json"
	"time"
)

// DeadLetterStatus is where a dead letter stands.
type DeadLetterStatus string

const (
	// DeadLetterOpen waits for an admin.
	DeadLetterOpen DeadLetterStatus = "open"
	// DeadLetterRequeued was sent back to the queue.
	DeadLetterRequeued DeadLetterStatus = "requeued"
	// DeadLetterDiscarded was dismissed.
	DeadLetterDiscarded DeadLetterStatus = "discarded"
)

// JobError is one failed attempt of a background job.
type JobError struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Error   string    `json:"error"`
}

// DeadLetter is a background job that exhausted its attempts or failed for
// good, kept with what it was asked to do and how it failed.
type DeadLetter struct {
	ID          string           `json:"id"`
	WorkspaceID string           `json:"workspaceId"`
	JobID       int64            `json:"jobId"`
	Kind        string           `json:"kind"`
	Payload     json.RawMessage  `json:"payload"`
	Errors      []JobError       `json:"errors"`
	Attempts    int              `json:"attempts"`
	RequestID   string           `json:"requestId"`
	Status      DeadLetterStatus `json:"status"`
	CreatedAt   time.Time        `json:"createdAt"`
	UpdatedAt   time.Time        `json:"updatedAt"`
}

// DeadLetterEventData is the data of a deadletter.created event (published
// to the dead-letter topic): which job failed for good and with what
// arguments (ids only).
type DeadLetterEventData struct {
	DeadLetterID string          `json:"deadLetterId"`
	JobID        int64           `json:"jobId"`
	Kind         string          `json:"kind"`
	Attempts     int             `json:"attempts"`
	Payload      json.RawMessage `json:"payload"`
}
