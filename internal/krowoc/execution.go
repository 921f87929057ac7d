package krowoc

import "time"

// ExecutionStatus is where a run of a prompt is.
type ExecutionStatus string

// The states of an execution.
const (
	ExecRunning   ExecutionStatus = "running"
	ExecSucceeded ExecutionStatus = "succeeded"
	ExecFailed    ExecutionStatus = "failed"
	ExecCancelled ExecutionStatus = "cancelled"
	ExecTimedOut  ExecutionStatus = "timed_out"
)

// Error codes of refused or failed executions.
const (
	ECodeModelNotAllowed  = "model_not_allowed"
	ECodeMissingVariables = "missing_variables"
	ECodeNoCredential     = "no_credential"
	// ECodeBaseURLNotAllowed means the key's base URL is outside the
	// server's allow-list (KROWOC_ALLOWED_BASE_URLS).
	ECodeBaseURLNotAllowed = "base_url_not_allowed"
	// ECodeUpstream means the provider call failed; the problem names the
	// execution and the reason (provider_auth, provider_rate_limited, …).
	ECodeUpstream = "upstream_failed"
)

// Usage is the normalized token usage of an execution.
type Usage struct {
	InputTokens         int64 `json:"inputTokens"`
	OutputTokens        int64 `json:"outputTokens"`
	CachedInputTokens   int64 `json:"cachedInputTokens"`
	CacheCreationTokens int64 `json:"cacheCreationTokens"`
	ReasoningTokens     int64 `json:"reasoningTokens"`
}

// Execution is one run of a prompt with one model.
type Execution struct {
	ID            string            `json:"id"`
	WorkspaceID   string            `json:"workspaceId"`
	UserID        string            `json:"userId"`
	PromptID      string            `json:"promptId"`
	PromptVersion *int              `json:"promptVersion"`
	Model         string            `json:"model"`
	Provider      string            `json:"provider"`
	CredentialID  string            `json:"credentialId"`
	Variables     map[string]string `json:"variables"`
	Params        Params            `json:"params"`
	Status        ExecutionStatus   `json:"status"`
	ErrorCode     string            `json:"errorCode,omitempty"`
	ErrorMessage  string            `json:"errorMessage,omitempty"`
	Attempts      int               `json:"attempts"`
	TTFTMillis    *int64            `json:"ttftMs"`
	LatencyMillis *int64            `json:"latencyMs"`
	Usage         Usage             `json:"usage"`
	CostMicros    int64             `json:"costMicros"`
	ResponseText  string            `json:"responseText"`
	RequestID     string            `json:"requestId"`
	CreatedAt     time.Time         `json:"createdAt"`
	FinishedAt    *time.Time        `json:"finishedAt"`
}
