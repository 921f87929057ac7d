// Command queuebench measures the job queue alone, without HTTP or
// providers: how fast jobs are enqueued one per transaction (as domain
// writes do) from concurrent writers, and how fast a process works them with
// a worker that does nothing. It answers "is the queue the bottleneck?".
// See docs/performance.md.
//
//	go run ./bench/queuebench -jobs 5000
//	go run ./bench/queuebench -jobs 5000 -database-url postgres://…/fresh_db
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/store"
)

type noopArgs struct {
	WorkspaceID string `json:"workspaceId"`
	N           int    `json:"n"`
}

func (noopArgs) Kind() string { return "bench_noop" }

func (noopArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueExecutions} }

func main() {
	n := flag.Int("jobs", 5000, "jobs to enqueue and work")
	writers := flag.Int("writers", 16, "concurrent enqueueing transactions")
	dbURL := flag.String("database-url", "", "a fresh Postgres database (empty: a temporary SQLite file)")
	flag.Parse()
	if err := run(*n, *writers, *dbURL); err != nil {
		fmt.Fprintln(os.Stderr, "queuebench:", err)
		os.Exit(1)
	}
}

func run(n, writers int, dbURL string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "queuebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, store.Options{DataDir: dir, URL: dbURL})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	ws, err := db.EnsurePersonalWorkspace(ctx, "queuebench", "Queue bench")
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	// Enqueue only: each job in its own write transaction.
	inserter := jobs.New(db, log, jobs.Options{})
	if err := inserter.Open(ctx); err != nil {
		return err
	}
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range writers {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				err := db.Update(ctx, func(tx *store.Tx) error {
					_, err := inserter.InsertTx(ctx, tx, noopArgs{WorkspaceID: ws.ID, N: int(i)}, nil)
					return err
				})
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	enqueue := time.Since(start)

	// Work them all with a worker that does nothing.
	var done atomic.Int64
	all := make(chan struct{})
	q := jobs.New(db, log, jobs.Options{Work: true, ExecutionWorkers: 100, PollInterval: 50 * time.Millisecond})
	jobs.Register(q, river.WorkFunc(func(ctx context.Context, job *river.Job[noopArgs]) error {
		if done.Add(1) == int64(n) {
			close(all)
		}
		return nil
	}))
	if err := q.Open(ctx); err != nil {
		return err
	}
	start = time.Now()
	if err := q.Start(ctx); err != nil {
		return err
	}
	select {
	case <-all:
	case <-time.After(30 * time.Minute):
		return fmt.Errorf("only %d of %d jobs worked in 30 minutes", done.Load(), n)
	}
	work := time.Since(start)
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_ = q.Stop(stop)

	fmt.Printf("job queue on %s, %d jobs\n", db.Dialect(), n)
	fmt.Printf("  enqueue, one transaction each, %d writers: %7.0f jobs/s (%s)\n", writers, float64(n)/enqueue.Seconds(), enqueue.Round(time.Millisecond))
	fmt.Printf("  work with a no-op worker:                 %7.0f jobs/s (%s)\n", float64(n)/work.Seconds(), work.Round(time.Millisecond))
	return nil
}
