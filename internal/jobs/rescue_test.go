package jobs_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// Environment of the child process TestRescueChild runs as.
const (
	envChildDir    = "KROWOC_JOBS_CHILD_DIR"
	envChildURL    = "KROWOC_JOBS_CHILD_URL"
	envChildSchema = "KROWOC_JOBS_CHILD_SCHEMA"
)

// hangArgs hangs on its first attempt and succeeds on any later one.
type hangArgs struct {
	WorkspaceID string `json:"workspaceId"`
}

func (hangArgs) Kind() string { return "test_hang" }

type hangWorker struct {
	river.WorkerDefaults[hangArgs]
	// forever makes the first attempt ignore its timeout, as a process
	// that is about to be killed would; otherwise it ends at the timeout.
	forever bool
}

func (hangWorker) Timeout(*river.Job[hangArgs]) time.Duration { return 500 * time.Millisecond }

func (w hangWorker) Work(ctx context.Context, job *river.Job[hangArgs]) error {
	if job.Attempt > 1 {
		return nil
	}
	if w.forever {
		select {} // the process is killed while it works
	}
	<-ctx.Done()
	return ctx.Err()
}

func openShared(t testing.TB, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestRescueChild is the worker process TestKilledWorkerJobIsPickedUpAgain
// kills. It does nothing when run on its own.
func TestRescueChild(t *testing.T) {
	dir, url := os.Getenv(envChildDir), os.Getenv(envChildURL)
	if dir == "" && url == "" {
		return
	}
	db := openShared(t, store.Options{DataDir: dir, URL: url, PostgresSchema: os.Getenv(envChildSchema)})
	j := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{Work: true, PollInterval: 50 * time.Millisecond})
	jobs.Register(j, hangWorker{forever: true})
	if err := j.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := j.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {}
}

func TestKilledWorkerJobIsPickedUpAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River's leader lease to expire")
	}
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			opts := store.Options{DataDir: t.TempDir()}
			env := []string{envChildDir + "=" + opts.DataDir}
			if d == store.Postgres {
				b := make([]byte, 6)
				_, _ = rand.Read(b)
				opts = store.Options{URL: os.Getenv(storetest.EnvPostgresURL), PostgresSchema: "t_" + hex.EncodeToString(b)}
				env = []string{envChildURL + "=" + opts.URL, envChildSchema + "=" + opts.PostgresSchema}
			}
			db := openShared(t, opts)
			t.Cleanup(func() {
				if opts.PostgresSchema != "" {
					_ = db.DropSchema(context.Background(), opts.PostgresSchema)
				}
				db.Close()
			})
			ws, err := db.EnsurePersonalWorkspace(ctx, "user_rescue", "Rescue")
			if err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			inserter := jobs.New(db, log, jobs.Options{})
			if err := inserter.Open(ctx); err != nil {
				t.Fatal(err)
			}
			id, err := inserter.Insert(ctx, hangArgs{WorkspaceID: ws.ID}, nil)
			if err != nil {
				t.Fatal(err)
			}

			child := exec.Command(os.Args[0], "-test.run=^TestRescueChild$", "-test.count=1")
			child.Env = append(os.Environ(), env...)
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			killed := false
			t.Cleanup(func() {
				if !killed {
					_ = child.Process.Kill()
					_ = child.Wait()
				}
			})
			// Wait until the child is working the job, then kill it hard.
			deadline := time.Now().Add(30 * time.Second)
			for {
				job, err := inserter.Client().JobGet(ctx, id)
				if err == nil && job.State == rivertype.JobStateRunning {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the child never started the job (state %v, %v)", job, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = child.Wait()
			killed = true

			// A new worker rescues the abandoned job and runs it again.
			j := jobs.New(db, log, jobs.Options{Work: true, RescueAfter: time.Second, JobTimeout: 500 * time.Millisecond,
				RetryBase: 20 * time.Millisecond, PollInterval: 50 * time.Millisecond})
			jobs.Register(j, hangWorker{})
			if err := j.Open(ctx); err != nil {
				t.Fatal(err)
			}
			if err := j.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = j.Stop(stop)
			})
			deadline = time.Now().Add(90 * time.Second)
			for {
				job, err := j.Client().JobGet(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if job.State == rivertype.JobStateCompleted {
					if job.Attempt != 2 {
						t.Fatalf("completed on attempt %d, want 2", job.Attempt)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the abandoned job was not picked up again: state %s, attempt %d", job.State, job.Attempt)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
