// Command jobbench measures background runs through the whole path: enqueue
// (POST …/executions with async), River picking the job, the call to the
// provider simulator, and recording the outcome. It reports the enqueue
// rate, jobs finished per second end to end, and the server's CPU per job.
// See docs/performance.md.
//
//	go run ./bench/jobbench -bin bin/krowoc -jobs 2000
//	go run ./bench/jobbench -bin bin/krowoc -jobs 2000 -database-url postgres://…/fresh_db
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/krowoc/krowoc/bench/internal/benchkit"
	"github.com/krowoc/krowoc/internal/llmsim"
)

const key = "sk-bench-0000"

func main() {
	bin := flag.String("bin", "bin/krowoc", "krowoc binary")
	n := flag.Int("jobs", 2000, "background runs to enqueue")
	conc := flag.Int("concurrency", 16, "clients enqueueing at once")
	dbURL := flag.String("database-url", "", "a fresh Postgres database (empty: the embedded SQLite default)")
	flag.Parse()
	if err := run(*bin, *n, *conc, *dbURL); err != nil {
		fmt.Fprintln(os.Stderr, "jobbench:", err)
		os.Exit(1)
	}
}

func run(bin string, n, conc int, dbURL string) error {
	sim := llmsim.NewServer(llmsim.Options{APIKey: key})
	defer sim.Close()
	env := []string{"KROWOC_OPENAI_BASE_URL=" + sim.OpenAIBaseURL()}
	store := "sqlite"
	if dbURL != "" {
		env = append(env, "KROWOC_DATABASE_URL="+dbURL)
		store = "postgres"
	}
	srv, err := benchkit.Start(bin, env...)
	if err != nil {
		return err
	}
	defer srv.Stop()
	token, err := srv.SignUp("jobbench@example.com")
	if err != nil {
		return err
	}
	promptID, err := srv.Post("/api/v1/prompts", token, `{"title":"jobbench","promptText":"Say hello to the queue please"}`, "id")
	if err != nil {
		return err
	}
	if _, err := srv.Post("/api/v1/credentials", token, `{"provider":"openai","label":"sim","key":"`+key+`"}`, "id"); err != nil {
		return err
	}

	cpuBefore, err := srv.CPUTime()
	if err != nil {
		return err
	}
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if _, err := srv.Post("/api/v1/prompts/"+promptID+"/executions", token, `{"model":"openai:gpt-4o-mini","async":true}`, "id"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	enqueued := time.Since(start)

	for {
		m, err := srv.Do("GET", "/api/v1/executions?status=running&perPage=1", token, "")
		if err != nil {
			return err
		}
		if m["total"].(float64) == 0 {
			break
		}
		if time.Since(start) > 30*time.Minute {
			return fmt.Errorf("runs still pending after 30 minutes")
		}
		time.Sleep(20 * time.Millisecond)
	}
	total := time.Since(start)
	cpuAfter, _ := srv.CPUTime()
	m, err := srv.Do("GET", "/api/v1/executions?status=succeeded&perPage=1", token, "")
	if err != nil {
		return err
	}
	succeeded := int(m["total"].(float64))

	fmt.Printf("background runs on %s: %d enqueued by %d clients, %d succeeded\n", store, n, conc, succeeded)
	fmt.Printf("  enqueue:            %7.0f runs/s (%s)\n", float64(n)/enqueued.Seconds(), enqueued.Round(time.Millisecond))
	fmt.Printf("  finished end to end: %6.0f runs/s (%s)\n", float64(n)/total.Seconds(), total.Round(time.Millisecond))
	fmt.Printf("  server CPU per run:  %s (enqueue, job, call, record; user+system from /proc)\n", (cpuAfter-cpuBefore)/time.Duration(n))
	if succeeded != n {
		return fmt.Errorf("%d of %d runs did not succeed", n-succeeded, n)
	}
	return nil
}
