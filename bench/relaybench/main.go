// Command relaybench measures the event relay from the outbox to Kafka (an
// in-process kfake cluster) on SQLite and, with -database-url, Postgres:
//
//   - drain: the outbox is filled with -events execution events, then a
//     relay publishes them all; events/s at each -batch size.
//   - steady: writers commit -rate events/s, one per transaction as
//     executions do, for -steady while the relay runs; the largest backlog
//     and oldest-event age seen, and the time to drain after the writers
//     stop, say whether the relay keeps up.
//
// See docs/performance.md for the method and results.
//
//	go run ./bench/relaybench -database-url postgres://postgres@127.0.0.1:5432/bench?sslmode=disable
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/krowoc/krowoc/internal/events"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

func main() {
	n := flag.Int("events", 50_000, "events in the outbox for each drain run")
	batches := flag.String("batch", "100,500,2000", "relay batch sizes to drain with, comma-separated")
	dbURL := flag.String("database-url", "", "also run on this Postgres database (a scratch schema is made and dropped)")
	rate := flag.Int("rate", 2000, "events per second the steady run commits (1,000 executions/s write 2,000: started and finished)")
	steady := flag.Duration("steady", 10*time.Second, "length of the steady run")
	partitions := flag.Int("partitions", 12, "partitions of the events topic")
	writers := flag.Int("writers", 32, "concurrent writers in the steady run (requests in flight)")
	perTx := flag.Int("per-tx", 1, "events each steady-run transaction commits (more when writes are batched)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "relaybench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "relaybench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	sizes, err := parseSizes(*batches)
	if err != nil {
		fmt.Fprintln(os.Stderr, "relaybench: -batch:", err)
		os.Exit(2)
	}
	b := bench{events: *n, rate: *rate, steady: *steady, partitions: int32(*partitions), writers: *writers, perTx: max(1, *perTx)}
	dialects := []store.Options{{}}
	if *dbURL != "" {
		dialects = append(dialects, store.Options{URL: *dbURL})
	}
	for _, opts := range dialects {
		if err := b.run(opts, sizes); err != nil {
			pprof.StopCPUProfile()
			fmt.Fprintln(os.Stderr, "relaybench:", err)
			os.Exit(1)
		}
	}
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("not a batch size: %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

type bench struct {
	events     int
	rate       int
	steady     time.Duration
	partitions int32
	writers    int
	perTx      int
}

func (b bench) run(opts store.Options, sizes []int) error {
	for _, size := range sizes {
		if err := b.withStore(opts, func(db *store.DB) error { return b.drain(db, size) }); err != nil {
			return err
		}
	}
	return b.withStore(opts, func(db *store.DB) error { return b.steadyRun(db, 500) })
}

// withStore runs fn on a fresh, migrated store: a temporary SQLite file, or
// a scratch Postgres schema dropped afterwards.
func (b bench) withStore(opts store.Options, fn func(*store.DB) error) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "relaybench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opts.DataDir = dir
	if opts.URL != "" {
		r := make([]byte, 6)
		_, _ = rand.Read(r)
		opts.PostgresSchema = "relaybench_" + hex.EncodeToString(r)
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer db.Close()
	if opts.PostgresSchema != "" {
		defer db.DropSchema(context.Background(), opts.PostgresSchema)
	}
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	return fn(db)
}

// draft is an execution.completed event of the size real ones have.
func draft(i int) krowoc.EventDraft {
	version, ttft, latency := 3, int64(412), int64(1830)
	id := fmt.Sprintf("01a2b3c4-0000-7000-8000-%012d", i)
	return krowoc.EventDraft{
		Type: krowoc.EventExecutionCompleted, WorkspaceID: "01a2b3c4-1111-7000-8000-000000000001",
		Actor: "u1234567890abcd", AggregateID: id,
		Data: krowoc.ExecutionEventData{
			ExecutionID: id, PromptID: "01a2b3c4-2222-7000-8000-000000000002", PromptVersion: &version,
			UserID: "u1234567890abcd", Model: "openai:gpt-4o-mini", Provider: "openai", Status: krowoc.ExecSucceeded,
			Attempts: 1, TTFTMillis: &ttft, LatencyMillis: &latency,
			Usage:      &krowoc.Usage{InputTokens: 812, OutputTokens: 233, CachedInputTokens: 512},
			CostMicros: 262,
		},
	}
}

func (b bench) cluster() (*kfake.Cluster, error) {
	return kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(b.partitions, events.DefaultTopic, events.DefaultDLQTopic))
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// start runs a relay with batch size size against c until stop is called.
func start(db *store.DB, c *kfake.Cluster, size int) (stop func(), err error) {
	r, err := events.NewRelay(db, quiet(), events.Options{
		BatchSize: size, PollInterval: 20 * time.Millisecond,
		Kafka: &events.KafkaOptions{Brokers: c.ListenAddrs()},
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = r.Run(ctx) }()
	return func() { cancel(); <-done }, nil
}

func (b bench) drain(db *store.DB, size int) error {
	ctx := context.Background()
	for start := 0; start < b.events; start += 1000 {
		err := db.Update(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+1000, b.events); i++ {
				if err := tx.Emit(ctx, draft(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill the outbox: %w", err)
		}
	}
	c, err := b.cluster()
	if err != nil {
		return err
	}
	defer c.Close()
	began := time.Now()
	stop, err := start(db, c, size)
	if err != nil {
		return err
	}
	defer stop()
	if err := waitEmpty(db, 5*time.Minute); err != nil {
		return err
	}
	elapsed := time.Since(began)
	fmt.Printf("drain  %-8s batch %5d: %d events in %.2fs = %.0f events/s\n",
		db.Dialect(), size, b.events, elapsed.Seconds(), float64(b.events)/elapsed.Seconds())
	return nil
}

func waitEmpty(db *store.DB, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		bl, err := db.Backlog(context.Background())
		if err != nil {
			return err
		}
		if bl.Count == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("backlog of %d after %s", bl.Count, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b bench) steadyRun(db *store.DB, size int) error {
	c, err := b.cluster()
	if err != nil {
		return err
	}
	defer c.Close()
	stop, err := start(db, c, size)
	if err != nil {
		return err
	}
	defer stop()

	// Writers commit perTx events per transaction (one, as executions do
	// today), paced to the rate.
	writers, per := b.writers, b.perTx
	ctx := context.Background()
	total := int(float64(b.rate)*b.steady.Seconds()) / per * per
	began := time.Now()
	var wg sync.WaitGroup
	var writeErr error
	var errOnce sync.Once
	for w := range writers {
		wg.Go(func() {
			for i := w * per; i < total; i += writers * per {
				due := began.Add(time.Duration(float64(i) / float64(b.rate) * float64(time.Second)))
				time.Sleep(time.Until(due))
				err := db.Update(ctx, func(tx *store.Tx) error {
					for j := i; j < i+per; j++ {
						if err := tx.Emit(ctx, draft(j)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errOnce.Do(func() { writeErr = err })
					return
				}
			}
		})
	}
	var maxBacklog int64
	var maxAge time.Duration
	sampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-sampling:
				return
			case <-tick.C:
			}
			bl, err := db.Backlog(ctx)
			if err != nil {
				continue
			}
			maxBacklog = max(maxBacklog, bl.Count)
			if bl.Oldest != nil {
				maxAge = max(maxAge, time.Since(*bl.Oldest))
			}
		}
	}()
	wg.Wait()
	writeTime := time.Since(began)
	stopWriting := time.Now()
	if err := waitEmpty(db, 5*time.Minute); err != nil {
		return err
	}
	drainAfter := time.Since(stopWriting)
	close(sampling)
	<-sampled
	if writeErr != nil {
		return writeErr
	}
	fmt.Printf("steady %-8s batch %5d: %d events (%d per transaction) at %.0f/s written (target %d/s); max backlog %d, max oldest age %s, drained %s after the writers stopped\n",
		db.Dialect(), size, total, per, float64(total)/writeTime.Seconds(), b.rate, maxBacklog,
		maxAge.Round(time.Millisecond), drainAfter.Round(time.Millisecond))
	return nil
}
