package krowoc

import "time"

// Limits of a chain.
const (
	ChainNameMax        = 200
	ChainDescriptionMax = 2_000
	ChainStepsMax       = 20
	ChainInputsMax      = 20
	ChainInputValueMax  = PromptTextMax
)

// Binding says where a step's variable gets its value: exactly one of a
// chain input (by name), an earlier step's output (by position, from 1) or
// literal text.
type Binding struct {
	Input   string  `json:"input,omitempty"`
	Step    int     `json:"step,omitempty"`
	Literal *string `json:"literal,omitempty"`
}

// ChainStep is one stage of a chain: a prompt on a model. A nil Version
// runs the prompt's published version as it is when the run starts (the
// working draft when the prompt was never published).
type ChainStep struct {
	PromptID string             `json:"promptId"`
	Version  *int               `json:"version"`
	Model    string             `json:"model"`
	Bindings map[string]Binding `json:"bindings"`
}

// Chain is a multi-stage workflow: steps run in order, each fed by the
// chain's inputs and the outputs of the steps before it.
type Chain struct {
	ID          string      `json:"id"`
	WorkspaceID string      `json:"workspaceId"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Inputs      []string    `json:"inputs"`
	Steps       []ChainStep `json:"steps"`
	CreatedBy   string      `json:"createdBy"`
	UpdatedBy   string      `json:"updatedBy"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
}

// ChainRunStatus is where a run of a chain is.
type ChainRunStatus string

// The states of a chain run.
const (
	ChainRunQueued    ChainRunStatus = "queued"
	ChainRunRunning   ChainRunStatus = "running"
	ChainRunSucceeded ChainRunStatus = "succeeded"
	ChainRunFailed    ChainRunStatus = "failed"
	ChainRunCancelled ChainRunStatus = "cancelled"
)

// Finished reports whether the run has ended.
func (s ChainRunStatus) Finished() bool {
	return s == ChainRunSucceeded || s == ChainRunFailed || s == ChainRunCancelled
}

// ChainStepStatus is where one step of a run is.
type ChainStepStatus string

// The states of a run's step.
const (
	StepPending   ChainStepStatus = "pending"
	StepRunning   ChainStepStatus = "running"
	StepSucceeded ChainStepStatus = "succeeded"
	StepFailed    ChainStepStatus = "failed"
	StepCancelled ChainStepStatus = "cancelled"
)

// ChainRunStep is one step of a run: what it ran (the version resolved
// when the run started; nil is the working draft), the execution that ran
// it, and its output or error.
type ChainRunStep struct {
	Position      int                `json:"position"`
	PromptID      string             `json:"promptId"`
	PromptVersion *int               `json:"promptVersion"`
	Model         string             `json:"model"`
	Bindings      map[string]Binding `json:"bindings"`
	Status        ChainStepStatus    `json:"status"`
	ExecutionID   string             `json:"executionId,omitempty"`
	Output        *string            `json:"output"`
	ErrorCode     string             `json:"errorCode,omitempty"`
	ErrorMessage  string             `json:"errorMessage,omitempty"`
	StartedAt     *time.Time         `json:"startedAt"`
	FinishedAt    *time.Time         `json:"finishedAt"`
}

// ChainRun is one run of a chain with given inputs. A failed run names the
// step that failed and why.
type ChainRun struct {
	ID           string            `json:"id"`
	ChainID      string            `json:"chainId"`
	WorkspaceID  string            `json:"workspaceId"`
	Status       ChainRunStatus    `json:"status"`
	Inputs       map[string]string `json:"inputs"`
	CurrentStep  int               `json:"currentStep"`
	StepCount    int               `json:"stepCount"`
	ErrorStep    *int              `json:"errorStep"`
	ErrorCode    string            `json:"errorCode,omitempty"`
	ErrorMessage string            `json:"errorMessage,omitempty"`
	CreatedBy    string            `json:"createdBy"`
	RequestID    string            `json:"requestId"`
	CreatedAt    time.Time         `json:"createdAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
	FinishedAt   *time.Time        `json:"finishedAt"`
	// Steps are filled in when a single run is read, not in lists.
	Steps []ChainRunStep `json:"steps,omitempty"`
}
