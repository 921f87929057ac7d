package jobs

import "github.com/riverqueue/river"

// ChainStepArgs runs one step of a chain run. The run holds its inputs and
// its steps' definitions and outputs, so the job carries only ids; the
// step's worker enqueues the next step's job when it succeeds.
type ChainStepArgs struct {
	RunID       string `json:"runId"`
	Position    int    `json:"position"`
	WorkspaceID string `json:"workspaceId"`
	RequestID   string `json:"requestId"`
}

// Kind names the job.
func (ChainStepArgs) Kind() string { return "chain_step" }

// InsertOpts puts it on the executions queue: each step is a provider call.
func (ChainStepArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueExecutions} }
