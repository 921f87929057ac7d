package jobs

import "github.com/riverqueue/river"

// ExecutionArgs is one background run of a prompt: the execution row holds
// everything it needs (version, model, variables, parameters, key), so the
// job carries only ids.
type ExecutionArgs struct {
	ExecutionID string `json:"executionId"`
	WorkspaceID string `json:"workspaceId"`
	RequestID   string `json:"requestId"`
}

// Kind names the job.
func (ExecutionArgs) Kind() string { return "execution" }

// InsertOpts puts it on the executions queue.
func (ExecutionArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueExecutions} }
