package jobs

import "github.com/riverqueue/river"

// BatchItemArgs is one row × model of a batch run. The item row holds its
// variables and the batch its prompt, version and parameters, so the job
// carries only ids; CredentialID lets a worker check its slot in this
// process before it touches the database.
type BatchItemArgs struct {
	BatchID      string `json:"batchId"`
	ItemID       string `json:"itemId"`
	CredentialID string `json:"credentialId"`
	WorkspaceID  string `json:"workspaceId"`
	RequestID    string `json:"requestId"`
}

// Kind names the job.
func (BatchItemArgs) Kind() string { return "batch_item" }

// InsertOpts puts it on the batches queue, so a batch of thousands of rows
// never holds up a single background run.
func (BatchItemArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueBatches} }
