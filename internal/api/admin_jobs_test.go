package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/store/storetest"
)

func TestAdminJobs(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newExecEnv(t, d)
			p := createPrompt(t, e.env, e.tok, map[string]any{"title": "Hi", "promptText": "Hi"})
			x := e.asyncRun(t, p["id"].(string), map[string]any{"model": "openai:gpt-4o-mini"})
			e.waitExecution(t, x["id"].(string))

			if r := e.do("GET", "/api/v1/admin/jobs", "", nil); r.status != 401 {
				t.Fatalf("anonymous: %d", r.status)
			}
			if r := e.do("GET", "/api/v1/admin/jobs", e.tok, nil); r.status != 403 {
				t.Fatalf("user: %d", r.status)
			}
			root := e.superuser()
			if r := e.do("GET", "/api/v1/admin/jobs?state=nonsense", root, nil); r.status != 400 && r.status != 422 {
				t.Fatalf("bad state: %d %s", r.status, r.body)
			}
			var job map[string]any
			deadline := time.Now().Add(10 * time.Second)
			for job == nil {
				r := e.do("GET", "/api/v1/admin/jobs?kind=execution&state=completed", root, nil)
				if r.status != 200 {
					t.Fatalf("list: %d %s", r.status, r.body)
				}
				body := r.json(t)
				if items := body["items"].([]any); len(items) == 1 {
					job = items[0].(map[string]any)
					if len(body["counts"].([]any)) == 0 {
						t.Fatalf("counts missing: %v", body)
					}
				}
				if time.Now().After(deadline) {
					t.Fatal("the completed execution job is not listed")
				}
			}
			if job["queue"] != "executions" || job["attempt"] != float64(1) {
				t.Fatalf("job = %v", job)
			}
			id := fmt.Sprint(int64(job["id"].(float64)))
			// Retrying a completed job runs it again (the worker sees the
			// execution finished and does nothing).
			if r := e.do("POST", "/api/v1/admin/jobs/"+id+"/retry", root, nil); r.status != 200 || r.json(t)["state"] != "available" {
				t.Fatalf("retry: %d %s", r.status, r.body)
			}
			if r := e.do("POST", "/api/v1/admin/jobs/999999/cancel", root, nil); r.status != 404 {
				t.Fatalf("cancel unknown: %d %s", r.status, r.body)
			}
		})
	}
}
