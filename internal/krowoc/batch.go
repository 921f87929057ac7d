package krowoc

import "time"

// BatchStatus is where a batch run stands.
type BatchStatus string

// The states of a batch. A batch is queued until its first item starts and
// running until every item has settled; then it ends succeeded (every item
// succeeded), failed (none did), completed_with_failures (some did), or
// cancelled (someone cancelled it; its pending items never ran).
const (
	BatchQueued                BatchStatus = "queued"
	BatchRunning               BatchStatus = "running"
	BatchSucceeded             BatchStatus = "succeeded"
	BatchFailed                BatchStatus = "failed"
	BatchCompletedWithFailures BatchStatus = "completed_with_failures"
	BatchCancelled             BatchStatus = "cancelled"
)

// Active reports whether the batch may still start items.
func (s BatchStatus) Active() bool { return s == BatchQueued || s == BatchRunning }

// BatchItemStatus is where one row × model of a batch stands.
type BatchItemStatus string

// The states of a batch item.
const (
	ItemPending   BatchItemStatus = "pending"
	ItemRunning   BatchItemStatus = "running"
	ItemSucceeded BatchItemStatus = "succeeded"
	ItemFailed    BatchItemStatus = "failed"
	ItemCancelled BatchItemStatus = "cancelled"
)

// ECodeInvalidRows refuses a batch whose rows are unreadable or invalid;
// the problem lists the bad rows and nothing is written.
const ECodeInvalidRows = "invalid_rows"

// Batch is one prompt run over many rows of variables on one or more
// models. Total is rows × models; Succeeded, Failed and Cancelled count
// settled items, and the rest are Remaining.
type Batch struct {
	ID            string            `json:"id"`
	WorkspaceID   string            `json:"workspaceId"`
	PromptID      string            `json:"promptId"`
	PromptVersion *int              `json:"promptVersion"`
	Models        []string          `json:"models"`
	Credentials   map[string]string `json:"credentials"`
	VariableNames []string          `json:"variableNames"`
	Params        Params            `json:"params"`
	Status        BatchStatus       `json:"status"`
	Rows          int               `json:"rows"`
	Total         int               `json:"total"`
	Succeeded     int               `json:"succeeded"`
	Failed        int               `json:"failed"`
	Cancelled     int               `json:"cancelled"`
	Running       int               `json:"running"`
	Remaining     int               `json:"remaining"`
	InputTokens   int64             `json:"inputTokens"`
	OutputTokens  int64             `json:"outputTokens"`
	CostMicros    int64             `json:"costMicros"`
	CreatedBy     string            `json:"createdBy"`
	RequestID     string            `json:"requestId"`
	CreatedAt     time.Time         `json:"createdAt"`
	StartedAt     *time.Time        `json:"startedAt"`
	FinishedAt    *time.Time        `json:"finishedAt"`
}

// BatchItem is one row of a batch on one model.
type BatchItem struct {
	ID           string            `json:"id"`
	BatchID      string            `json:"batchId"`
	WorkspaceID  string            `json:"-"`
	Row          int               `json:"row"`
	Model        string            `json:"model"`
	CredentialID string            `json:"-"`
	Variables    map[string]string `json:"variables"`
	Status       BatchItemStatus   `json:"status"`
	ExecutionID  string            `json:"executionId,omitempty"`
	FinishedAt   *time.Time        `json:"finishedAt"`
}

// BatchResult is a batch item with the outcome of its execution.
type BatchResult struct {
	BatchItem
	ResponseText  string `json:"responseText"`
	Usage         Usage  `json:"usage"`
	CostMicros    int64  `json:"costMicros"`
	LatencyMillis *int64 `json:"latencyMs"`
	Attempts      int    `json:"attempts"`
	ErrorCode     string `json:"errorCode,omitempty"`
	ErrorMessage  string `json:"errorMessage,omitempty"`
}
