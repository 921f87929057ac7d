package store_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// BenchmarkFinishExecution measures what recording usage adds to finishing
// an execution: "usage" is FinishExecution itself; "baseline" runs the same
// transaction without the usage rollups (the two UPDATEs FinishExecution
// ran before them). The difference is the cost of recordUsage, commit
// included. cpu-ns/op is the process's CPU time per finish; on Postgres,
// pg-cpu-ns/op adds the server's own work when it runs on this machine.
//
// Two workloads: "busy" finishes all fall in one hour across 300
// combinations of prompt, model and key, so nearly every finish adds to a
// row that exists; in "sparse" each finish is the first of its hour and
// combination, so every one inserts a row.
//
//	go test -run '^$' -bench FinishExecution -benchtime 20000x ./internal/store/
func BenchmarkFinishExecution(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, load := range []string{"busy", "sparse"} {
			for _, mode := range []string{"baseline", "usage"} {
				b.Run(fmt.Sprintf("%s/%s/%s", d, load, mode), func(b *testing.B) {
					benchmarkFinish(b, d, load == "sparse", mode == "usage")
				})
			}
		}
	}
}

// startedRun starts a run of prompt in workspace wsID on a random model and
// key, and gives it a random outcome (one in 20 fails) ready to record.
func startedRun(b *testing.B, db *store.DB, r *rand.Rand, wsID, prompt string) *krowoc.Execution {
	models := []string{"openai:gpt-4o-mini", "openai:gpt-4o", "anthropic:claude-haiku-4-5"}
	model := models[r.IntN(len(models))]
	x := &krowoc.Execution{WorkspaceID: wsID, UserID: "ada", PromptID: prompt,
		Model: model, Provider: model[:strings.IndexByte(model, ':')], CredentialID: fmt.Sprint("key-", r.IntN(2))}
	if err := db.StartExecution(context.Background(), x); err != nil {
		b.Fatal(err)
	}
	latency, ttft := 200+r.Int64N(3000), 50+r.Int64N(500)
	x.Status, x.LatencyMillis, x.TTFTMillis = krowoc.ExecSucceeded, &latency, &ttft
	if r.IntN(20) == 0 {
		x.Status, x.ErrorCode = krowoc.ExecFailed, "provider_rate_limited"
	}
	x.Usage = krowoc.Usage{InputTokens: r.Int64N(2000), OutputTokens: r.Int64N(500)}
	x.CostMicros = r.Int64N(5000)
	return x
}

func benchmarkFinish(b *testing.B, d store.Dialect, sparse, usage bool) {
	ctx := context.Background()
	db := storetest.Open(b, d)
	ws, err := db.EnsurePersonalWorkspace(ctx, "ada", "ada")
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	xs := make([]*krowoc.Execution, b.N)
	for i := range xs {
		at := start.Add(time.Duration(r.Int64N(int64(time.Hour))))
		prompt := fmt.Sprint("prompt-", r.IntN(50))
		if sparse {
			at, prompt = start.Add(time.Duration(i%2000)*time.Hour), fmt.Sprint("prompt-", i)
		}
		db.Now = func() time.Time { return at }
		xs[i] = startedRun(b, db, r, ws.ID, prompt)
	}
	b.ResetTimer()
	defer reportCPU(b)()
	for i := 0; i < b.N; i++ {
		x := xs[i]
		at := x.CreatedAt.Add(2 * time.Second)
		db.Now = func() time.Time { return at }
		if usage {
			err = db.FinishExecution(ctx, x)
		} else {
			err = finishWithoutUsage(ctx, db, x)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU reports the process's CPU time (user and system) per operation
// as cpu-ns/op when the returned function runs: on a shared machine it
// moves much less than wall time.
func reportCPU(b *testing.B) func() {
	var before syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	serverBefore, server := postgresCPU()
	return func() {
		var after syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		cpu := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		if serverAfter, ok := postgresCPU(); server && ok && os.Getenv("KROWOC_TEST_DATABASE_URL") != "" {
			b.ReportMetric(float64(serverAfter-serverBefore)/float64(b.N), "pg-cpu-ns/op")
		}
	}
}

// postgresCPU returns the CPU time all local postgres processes have used
// (the benchmark's database server when it runs on this machine), from
// /proc; ok is false where that cannot be read.
func postgresCPU() (ns int64, ok bool) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	ticks := int64(0)
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		open, end := bytes.IndexByte(raw, '('), bytes.LastIndexByte(raw, ')')
		if open < 0 || end < open || string(raw[open+1:end]) != "postgres" {
			continue
		}
		// After the name: state is field 3; utime and stime are 14 and 15.
		fields := strings.Fields(string(raw[end+1:]))
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		ticks += utime + stime
		ok = true
	}
	// Linux reports these in USER_HZ, 100 per second on every platform Go runs on.
	return ticks * int64(10*time.Millisecond), ok
}

// finishWithoutUsage is FinishExecution's transaction without the usage
// rollups: the baseline of BenchmarkFinishExecution.
func finishWithoutUsage(ctx context.Context, db *store.DB, x *krowoc.Execution) error {
	return db.BenchmarkUpdate(ctx, func(exec func(q string, args ...any) error) error {
		u := x.Usage
		if err := exec(`UPDATE executions SET status = ?, error_code = ?, error_message = ?, attempts = ?,
			ttft_ms = ?, latency_ms = ?, input_tokens = ?, output_tokens = ?, cached_input_tokens = ?,
			cache_creation_tokens = ?, reasoning_tokens = ?, cost_micros = ?, response_text = ?, finished_at = ?
			WHERE id = ?`, string(x.Status), x.ErrorCode, x.ErrorMessage, x.Attempts, *x.TTFTMillis, *x.LatencyMillis,
			u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.CacheCreationTokens, u.ReasoningTokens, x.CostMicros,
			x.ResponseText, time.Now().UnixMilli(), x.ID); err != nil {
			return err
		}
		return exec(`UPDATE credentials SET last_used_at = ? WHERE id = ?`, time.Now().UnixMilli(), x.CredentialID)
	})
}

// BenchmarkRecorder measures the same under load, through the recorder
// that interactive runs use: 32 runs finish at once, so the recorder
// writes them in batches (one transaction, one usage upsert per batch).
// ns/op is wall time per finish at that throughput; "usage" minus
// "baseline" is what the rollups add to each finish.
//
//	go test -run '^$' -bench Recorder -benchtime 20000x ./internal/store/
func BenchmarkRecorder(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, load := range []string{"busy", "sparse"} {
			for _, mode := range []string{"baseline", "usage"} {
				b.Run(fmt.Sprintf("%s/%s/%s", d, load, mode), func(b *testing.B) {
					benchmarkRecorder(b, d, load == "sparse", mode == "usage")
				})
			}
		}
	}
}

func benchmarkRecorder(b *testing.B, d store.Dialect, sparse, usage bool) {
	const concurrency = 32
	ctx := context.Background()
	db := storetest.Open(b, d)
	if !usage {
		db.RecordWithoutUsage()
	}
	ws, err := db.EnsurePersonalWorkspace(ctx, "ada", "ada")
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]*krowoc.Execution, b.N)
	for i := range xs {
		prompt := fmt.Sprint("prompt-", r.IntN(50))
		if sparse {
			prompt = fmt.Sprint("prompt-", i)
		}
		xs[i] = startedRun(b, db, r, ws.ID, prompt)
	}
	next := make(chan *krowoc.Execution)
	errs := make(chan error, concurrency)
	b.ResetTimer()
	defer reportCPU(b)()
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for x := range next {
				if err := db.RecordFinish(x, nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for _, x := range xs {
		next <- x
	}
	close(next)
	wg.Wait()
	b.ReportMetric(db.RecordsPerBatch(), "records/batch")
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
