// Package jobs runs Krowoc's background work on River, on the domain
// database itself: River's SQLite driver on the embedded default, and on
// Postgres River's database/sql driver with a pgx LISTEN connection for
// wake-ups. Either way a job is enqueued in the same transaction as the
// domain write that causes it, and a job that fails for good becomes a
// dead letter its workspace's admins can inspect, requeue or discard.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
)

// Queues. Executions have their own so a long batch cannot hold up
// maintenance, and maintenance cannot hold up a user's run; batch items
// have theirs so thousands of rows cannot hold up a single run.
const (
	QueueExecutions  = "executions"
	QueueBatches     = "batches"
	QueueMaintenance = "maintenance"
)

// Options tune the queue. Zero values take the product's defaults.
type Options struct {
	// Work runs workers in this process; false only enqueues.
	Work bool
	// MaxAttempts is how often a job runs before it becomes a dead letter:
	// 3, that is two retries.
	MaxAttempts int
	// RetryBase is the first retry's delay (default 2 s); each retry doubles
	// it, with ±25% jitter.
	RetryBase time.Duration
	// JobTimeout bounds one attempt of a job that sets no timeout of its own
	// (default 30 s).
	JobTimeout time.Duration
	// ExecutionWorkers is how many provider calls this process makes at
	// once for background runs (default 50).
	ExecutionWorkers int
	// RescueAfter is how long a job may stay running before it is
	// considered abandoned (its process died) and run again (default
	// 2 min; it must exceed every job's timeout).
	RescueAfter time.Duration
	// BatchWorkers is how many batch items this process works at once
	// (default 20). Each takes a slot under the per-workspace and per-key
	// bounds first, or snoozes.
	BatchWorkers int
	// PollInterval is how often an idle SQLite queue looks for new jobs
	// that another process enqueued (default 1 s; jobs enqueued by this
	// process wake it at once).
	PollInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 2 * time.Second
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = 30 * time.Second
	}
	if o.ExecutionWorkers <= 0 {
		o.ExecutionWorkers = 50
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = 2 * time.Minute
	}
	if o.BatchWorkers <= 0 {
		o.BatchWorkers = 20
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	return o
}

// Jobs is the job queue of one process. Create it with New, register
// workers and periodic jobs, then Open it (and Start it to work jobs).
type Jobs struct {
	db       *store.DB
	log      *slog.Logger
	opts     Options
	workers  *river.Workers
	periodic []*river.PeriodicJob
	client   *river.Client[*sql.Tx]
	listener *pgxpool.Pool
	// requeue turns a dead letter's payload into the job to enqueue, by
	// kind; kinds without one are enqueued as they were.
	requeue map[string]RequeueFunc
}

// RequeueFunc builds the job that requeues a dead letter, inside the
// transaction that marks it requeued. Executions use it to run as a new
// execution rather than rewrite the failed one.
type RequeueFunc func(ctx context.Context, tx *store.Tx, payload json.RawMessage) (river.JobArgs, error)

// OnRequeue sets how dead letters of kind are requeued.
func (j *Jobs) OnRequeue(kind string, fn RequeueFunc) { j.requeue[kind] = fn }

// New returns a queue on db that is not open yet.
func New(db *store.DB, log *slog.Logger, opts Options) *Jobs {
	return &Jobs{db: db, log: log, opts: opts.withDefaults(), workers: river.NewWorkers(), requeue: map[string]RequeueFunc{}}
}

// Options returns the queue's settings with defaults applied.
func (j *Jobs) Options() Options { return j.opts }

// Register adds a worker for one kind of job. Call it before Open.
func Register[T river.JobArgs](j *Jobs, w river.Worker[T]) {
	river.AddWorker(j.workers, w)
}

// Every schedules args to be enqueued every interval (and once at start
// when runOnStart). Only the elected leader among the processes sharing a
// database enqueues periodic jobs. Call it before Open.
func (j *Jobs) Every(interval time.Duration, args river.JobArgs, runOnStart bool) {
	j.periodic = append(j.periodic, river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil },
		&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: runOnStart}))
}

// Open creates the River client. It does not start working jobs.
func (j *Jobs) Open(ctx context.Context) error {
	var driver riverdriver.Driver[*sql.Tx]
	if j.db.Dialect() == store.Postgres {
		pool, err := j.db.ListenerPool(ctx)
		if err != nil {
			return fmt.Errorf("job queue listener: %w", err)
		}
		j.listener = pool
		driver = riverdatabasesql.NewWithPgxListener(j.db.Writer(), pool)
	} else {
		driver = riversqlite.New(j.db.Writer())
	}
	cfg := &river.Config{
		Logger:               j.log.With("component", "jobs"),
		MaxAttempts:          j.opts.MaxAttempts,
		RetryPolicy:          retryPolicy{base: j.opts.RetryBase},
		JobTimeout:           j.opts.JobTimeout,
		RescueStuckJobsAfter: j.opts.RescueAfter,
		FetchPollInterval:    j.opts.PollInterval,
		FetchCooldown:        min(25*time.Millisecond, j.opts.PollInterval),
		ErrorHandler:         &errorLogger{log: j.log},
		Middleware:           []rivertype.Middleware{&deadLetterer{j: j}},
		// Completed jobs are kept a day so superusers can see recent work.
		CompletedJobRetentionPeriod: 24 * time.Hour,
	}
	if j.opts.Work {
		cfg.Workers = j.workers
		cfg.PeriodicJobs = j.periodic
		cfg.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 10},
			QueueExecutions:    {MaxWorkers: j.opts.ExecutionWorkers},
			QueueBatches:       {MaxWorkers: j.opts.BatchWorkers},
			QueueMaintenance:   {MaxWorkers: 2},
		}
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		j.closeListener()
		return fmt.Errorf("job queue: %w", err)
	}
	j.client = client
	return nil
}

// Start works jobs until Stop. It does nothing when the queue only
// enqueues.
func (j *Jobs) Start(ctx context.Context) error {
	if !j.opts.Work {
		return nil
	}
	if err := j.client.Start(ctx); err != nil {
		return fmt.Errorf("start the job queue: %w", err)
	}
	return nil
}

// Stop lets running jobs finish for up to the context's deadline, then
// cancels them; a cancelled job runs again elsewhere or after restart.
func (j *Jobs) Stop(ctx context.Context) error {
	defer j.closeListener()
	if j.client == nil || !j.opts.Work {
		return nil
	}
	err := j.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = j.client.StopAndCancel(hard)
	}
	return err
}

func (j *Jobs) closeListener() {
	if j.listener != nil {
		j.listener.Close()
		j.listener = nil
	}
}

// Client is the River client, for listing and managing jobs.
func (j *Jobs) Client() *river.Client[*sql.Tx] { return j.client }

// InsertTx enqueues a job inside a store transaction: it exists exactly
// when the transaction commits.
func (j *Jobs) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := j.client.InsertTx(ctx, tx.SQL(), args, opts)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// InsertManyTx enqueues many jobs inside a store transaction in one
// statement per driver batch: a batch run's thousands of items commit with
// the batch.
func (j *Jobs) InsertManyTx(ctx context.Context, tx *store.Tx, args []river.JobArgs) error {
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a}
	}
	if _, err := j.client.InsertManyFastTx(ctx, tx.SQL(), params); err != nil {
		return fmt.Errorf("enqueue %d jobs: %w", len(args), err)
	}
	return nil
}

// Insert enqueues a job on its own.
func (j *Jobs) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := j.client.Insert(ctx, args, opts)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// Final reports whether err ends the job for good: it was cancelled as not
// worth retrying, or this was its last attempt. Workers use it to record a
// failure once rather than on every attempt.
func Final(job *rivertype.JobRow, err error) bool {
	if err == nil {
		return false
	}
	var snooze *rivertype.JobSnoozeError
	if errors.As(err, &snooze) {
		return false
	}
	var cancel *rivertype.JobCancelError
	return errors.As(err, &cancel) || job.Attempt >= job.MaxAttempts
}

// retryPolicy retries after base, 2·base, 4·base, … with ±25% jitter so
// jobs that failed together do not retry together.
type retryPolicy struct{ base time.Duration }

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	n := max(job.Attempt, 1) - 1
	wait := p.base << min(n, 16)
	jitter := time.Duration(rand.Int64N(int64(wait)/2+1)) - wait/4
	return time.Now().Add(wait + jitter)
}

// envelope is what every Krowoc job's arguments carry besides their own
// fields.
type envelope struct {
	WorkspaceID string `json:"workspaceId"`
	RequestID   string `json:"requestId"`
}

// deadLetterer puts the request id of the job's cause on its context, and
// records a dead letter when a workspace's job fails for good.
type deadLetterer struct {
	river.MiddlewareDefaults
	j *Jobs
}

func (m *deadLetterer) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	var env envelope
	_ = json.Unmarshal(job.EncodedArgs, &env)
	if env.RequestID != "" {
		ctx = logging.WithRequestID(ctx, env.RequestID)
	}
	err := doInner(ctx)
	if !Final(job, err) {
		return err
	}
	if env.WorkspaceID == "" {
		m.j.log.ErrorContext(ctx, "job failed for good", "kind", job.Kind, "job_id", job.ID, "error", err)
		return err
	}
	d := &krowoc.DeadLetter{
		WorkspaceID: env.WorkspaceID, JobID: job.ID, Kind: job.Kind, Payload: job.EncodedArgs,
		Attempts: job.Attempt, RequestID: env.RequestID,
	}
	for _, e := range job.Errors {
		d.Errors = append(d.Errors, krowoc.JobError{Attempt: e.Attempt, At: e.At, Error: e.Error})
	}
	d.Errors = append(d.Errors, krowoc.JobError{Attempt: job.Attempt, At: time.Now().UTC(), Error: err.Error()})
	recordErr := m.j.db.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		if err := store.AddDeadLetter(ctx, tx, d); err != nil {
			return err
		}
		return tx.Emit(ctx, krowoc.EventDraft{
			Type: krowoc.EventDeadLetterCreated, WorkspaceID: d.WorkspaceID, Actor: krowoc.ActorSystem, AggregateID: d.ID,
			Data: krowoc.DeadLetterEventData{DeadLetterID: d.ID, JobID: d.JobID, Kind: d.Kind, Attempts: d.Attempts, Payload: d.Payload},
		})
	})
	if recordErr != nil {
		m.j.log.ErrorContext(ctx, "record dead letter", "kind", job.Kind, "job_id", job.ID, "error", recordErr)
	} else {
		m.j.log.WarnContext(ctx, "job became a dead letter", "kind", job.Kind, "job_id", job.ID,
			"dead_letter_id", d.ID, "workspace_id", d.WorkspaceID)
	}
	return err
}

// errorLogger logs failed attempts and recovers panics as failures.
type errorLogger struct{ log *slog.Logger }

func (h *errorLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.log.WarnContext(ctx, "job attempt failed", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "error", err)
	return nil
}

func (h *errorLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log.ErrorContext(ctx, "job panicked", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "panic", fmt.Sprint(panicVal))
	return nil
}

// rawArgs re-enqueues a stored job payload as is.
type rawArgs struct {
	kind    string
	payload json.RawMessage
}

func (a rawArgs) Kind() string                 { return a.kind }
func (a rawArgs) MarshalJSON() ([]byte, error) { return a.payload, nil }

// Requeue puts a dead letter's job back on the queue with fresh attempts
// and marks the dead letter requeued, both or neither.
func (j *Jobs) Requeue(ctx context.Context, id string) (*krowoc.DeadLetter, error) {
	var out *krowoc.DeadLetter
	err := j.db.Update(ctx, func(tx *store.Tx) error {
		d, err := store.SetDeadLetterStatus(ctx, tx, id, krowoc.DeadLetterRequeued)
		if err != nil {
			return err
		}
		queue := river.QueueDefault
		if prior, err := j.client.JobGetTx(ctx, tx.SQL(), d.JobID); err == nil {
			queue = prior.Queue
		}
		var args river.JobArgs = rawArgs{kind: d.Kind, payload: d.Payload}
		if fn := j.requeue[d.Kind]; fn != nil {
			if args, err = fn(ctx, tx, d.Payload); err != nil {
				return err
			}
		}
		if _, err := j.InsertTx(ctx, tx, args, &river.InsertOpts{Queue: queue}); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

// Discard dismisses a dead letter.
func (j *Jobs) Discard(ctx context.Context, id string) (*krowoc.DeadLetter, error) {
	var out *krowoc.DeadLetter
	err := j.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.SetDeadLetterStatus(ctx, tx, id, krowoc.DeadLetterDiscarded)
		return err
	})
	return out, err
}
