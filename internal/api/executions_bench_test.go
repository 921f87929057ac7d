package api_test

import (
	"testing"

	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// BenchmarkExecute runs a prompt through the real router and the
// simulator, answered as JSON and streamed, recording included. With
// -cpuprofile it shows where an execution's CPU goes (the simulator runs
// in the same process; its frames are under internal/llmsim).
//
//	go test -run '^$' -bench Execute -benchtime 2000x -cpuprofile cpu.out ./internal/api/
func BenchmarkExecute(b *testing.B) {
	for _, d := range storetest.Dialects() {
		e := newExecEnvWith(b, d, func(o *api.Options) { o.ExecutionsPerMinute = 1 << 30 })
		r := e.do("POST", "/api/v1/prompts", e.tok, map[string]any{"title": "bench", "promptText": "Say hello to the benchmark please"})
		if r.status != 201 {
			b.Fatalf("create prompt: %d %s", r.status, r.body)
		}
		path := "/api/v1/prompts/" + r.json(b)["id"].(string) + "/executions"
		body := `{"model":"openai:gpt-4o-mini"}`
		b.Run(string(d)+"/json", func(b *testing.B) {
			for b.Loop() {
				if r := e.do("POST", path, e.tok, body); r.status != 200 {
					b.Fatalf("execute: %d %s", r.status, r.body)
				}
			}
		})
		b.Run(string(d)+"/stream", func(b *testing.B) {
			for b.Loop() {
				if r := e.do("POST", path, e.tok, body, "Accept", "text/event-stream"); r.status != 200 {
					b.Fatalf("execute: %d %s", r.status, r.body)
				}
			}
		})
	}
}
