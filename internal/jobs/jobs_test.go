package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// flakyArgs fails its first Failures attempts; Permanent fails for good at
// once; Hang waits for its context to end.
type flakyArgs struct {
	WorkspaceID string `json:"workspaceId"`
	RequestID   string `json:"requestId"`
	Failures    int    `json:"failures"`
	Permanent   bool   `json:"permanent"`
	Hang        bool   `json:"hang"`
}

func (flakyArgs) Kind() string { return "test_flaky" }

type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	mu       sync.Mutex
	attempts map[int64][]time.Time
}

func (w *flakyWorker) Timeout(*river.Job[flakyArgs]) time.Duration { return 200 * time.Millisecond }

func (w *flakyWorker) Work(ctx context.Context, job *river.Job[flakyArgs]) error {
	w.mu.Lock()
	w.attempts[job.ID] = append(w.attempts[job.ID], time.Now())
	w.mu.Unlock()
	switch {
	case job.Args.Permanent:
		return river.JobCancel(errors.New("the provider refused the key"))
	case job.Args.Hang:
		<-ctx.Done()
		return ctx.Err()
	case job.Attempt <= job.Args.Failures:
		return errors.New("provider overloaded")
	}
	return nil
}

func (w *flakyWorker) count(id int64) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.attempts[id])
}

func (w *flakyWorker) gaps(id int64) []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []time.Duration
	at := w.attempts[id]
	for i := 1; i < len(at); i++ {
		out = append(out, at[i].Sub(at[i-1]))
	}
	return out
}

type harness struct {
	db     *store.DB
	jobs   *jobs.Jobs
	worker *flakyWorker
	ws     string
	events <-chan *river.Event
}

func start(t *testing.T, db *store.DB) *harness {
	t.Helper()
	ctx := context.Background()
	ws, err := db.EnsurePersonalWorkspace(ctx, "user_jobs", "Jobs")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	j := jobs.New(db, log, jobs.Options{Work: true, RetryBase: 40 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	w := &flakyWorker{attempts: map[int64][]time.Time{}}
	jobs.Register(j, w)
	if err := j.Open(ctx); err != nil {
		t.Fatal(err)
	}
	events, cancel := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	if err := j.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		stop, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		if err := j.Stop(stop); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return &harness{db: db, jobs: j, worker: w, ws: ws.ID, events: events}
}

// enqueue inserts args in a store transaction, as domain writes do.
func (h *harness) enqueue(t *testing.T, args flakyArgs) int64 {
	t.Helper()
	var id int64
	err := h.db.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = h.jobs.InsertTx(context.Background(), tx, args, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitFinal waits until job id completes or is discarded or cancelled.
func (h *harness) waitFinal(t *testing.T, id int64) *river.Event {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-h.events:
			if ev.Job.ID == id && ev.Job.FinalizedAt != nil {
				return ev
			}
		case <-deadline:
			t.Fatalf("job %d did not finish", id)
		}
	}
}

func (h *harness) deadLetters(t *testing.T) []krowoc.DeadLetter {
	t.Helper()
	list, _, err := h.db.ListDeadLetters(context.Background(), store.DeadLetterFilter{WorkspaceID: h.ws}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestRetriesThenSucceeds(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := start(t, db)
		id := h.enqueue(t, flakyArgs{WorkspaceID: h.ws, Failures: 2})
		ev := h.waitFinal(t, id)
		if ev.Job.State != rivertype.JobStateCompleted {
			t.Fatalf("state = %s, want completed", ev.Job.State)
		}
		if n := h.worker.count(id); n != 3 {
			t.Fatalf("attempts = %d, want 3 (two retries)", n)
		}
		// Backoff doubles: the second gap is longer than the first, and
		// both are at least the base minus the jitter.
		gaps := h.worker.gaps(id)
		if gaps[0] < 30*time.Millisecond || gaps[1] < 60*time.Millisecond {
			t.Fatalf("retry gaps %v are shorter than the backoff", gaps)
		}
		if got := h.deadLetters(t); len(got) != 0 {
			t.Fatalf("dead letters = %v, want none", got)
		}
	})
}

func TestExhaustedJobBecomesDeadLetterAndRequeues(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := start(t, db)
		id := h.enqueue(t, flakyArgs{WorkspaceID: h.ws, RequestID: "req-123", Failures: 5})
		ev := h.waitFinal(t, id)
		if ev.Job.State != rivertype.JobStateDiscarded {
			t.Fatalf("state = %s, want discarded", ev.Job.State)
		}
		if n := h.worker.count(id); n != 3 {
			t.Fatalf("attempts = %d, want 3", n)
		}
		list := h.deadLetters(t)
		if len(list) != 1 {
			t.Fatalf("dead letters = %d, want 1", len(list))
		}
		d := list[0]
		if d.Kind != "test_flaky" || d.JobID != id || d.Attempts != 3 || d.RequestID != "req-123" || len(d.Errors) != 3 {
			t.Fatalf("dead letter = %+v", d)
		}
		if d.Errors[2].Error != "provider overloaded" {
			t.Fatalf("last error = %q", d.Errors[2].Error)
		}

		// Requeue runs the same payload again with fresh attempts; with
		// five failures built in it fails three more times and becomes a
		// second dead letter, while the first one says it was requeued.
		if _, err := h.jobs.Requeue(context.Background(), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.jobs.Requeue(context.Background(), d.ID); err == nil || krowoc.ErrorCode(err) != krowoc.ECodeConflict {
			t.Fatalf("second requeue: %v, want conflict", err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for len(h.deadLetters(t)) < 2 {
			if time.Now().After(deadline) {
				t.Fatal("the requeued job did not run")
			}
			time.Sleep(50 * time.Millisecond)
		}
		got, err := db.GetDeadLetter(context.Background(), d.ID)
		if err != nil || got.Status != krowoc.DeadLetterRequeued {
			t.Fatalf("requeued dead letter = %+v, %v", got, err)
		}
	})
}

func TestNonRetryableFailsAtOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := start(t, db)
		id := h.enqueue(t, flakyArgs{WorkspaceID: h.ws, Permanent: true})
		ev := h.waitFinal(t, id)
		if ev.Job.State != rivertype.JobStateCancelled {
			t.Fatalf("state = %s, want cancelled", ev.Job.State)
		}
		if n := h.worker.count(id); n != 1 {
			t.Fatalf("attempts = %d, want 1", n)
		}
		list := h.deadLetters(t)
		if len(list) != 1 || list[0].Attempts != 1 {
			t.Fatalf("dead letters = %+v", list)
		}
		if _, err := h.jobs.Discard(context.Background(), list[0].ID); err != nil {
			t.Fatal(err)
		}
		open, _, _ := db.ListDeadLetters(context.Background(), store.DeadLetterFilter{WorkspaceID: h.ws, Status: krowoc.DeadLetterOpen}, store.Page{})
		if len(open) != 0 {
			t.Fatalf("open dead letters after discard = %d", len(open))
		}
	})
}

func TestTimeoutCountsAsFailedAttempt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := start(t, db)
		id := h.enqueue(t, flakyArgs{WorkspaceID: h.ws, Hang: true})
		ev := h.waitFinal(t, id)
		if ev.Job.State != rivertype.JobStateDiscarded || h.worker.count(id) != 3 {
			t.Fatalf("state = %s after %d attempts, want discarded after 3", ev.Job.State, h.worker.count(id))
		}
		list := h.deadLetters(t)
		if len(list) != 1 {
			t.Fatalf("dead letters = %d", len(list))
		}
	})
}

func TestRolledBackWriteEnqueuesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := start(t, db)
		boom := errors.New("domain write failed")
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			if _, err := h.jobs.InsertTx(context.Background(), tx, flakyArgs{WorkspaceID: h.ws}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		res, err := h.jobs.Client().JobList(context.Background(), river.NewJobListParams().Kinds("test_flaky"))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) != 0 {
			t.Fatalf("jobs after rollback = %d, want 0", len(res.Jobs))
		}
	})
}

func TestDeadLetterIsPublished(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := start(t, db)
		id := h.enqueue(t, flakyArgs{WorkspaceID: h.ws, Permanent: true})
		h.waitFinal(t, id)
		list := h.deadLetters(t)
		if len(list) != 1 {
			t.Fatalf("dead letters = %d", len(list))
		}
		evs, err := db.ListEvents(context.Background(), store.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, ev := range evs {
			if ev.Type == krowoc.EventDeadLetterCreated {
				found = ev.AggregateID == list[0].ID && ev.Topic == store.TopicDLQ && ev.WorkspaceID == h.ws
			}
		}
		if !found {
			t.Fatalf("no deadletter.created event on the dlq topic for %s in %+v", list[0].ID, evs)
		}
	})
}
