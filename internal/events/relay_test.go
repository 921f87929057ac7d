package events_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/krowoc/krowoc/internal/events"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func quietLog() *slog.Logger { return logging.New(io.Discard, false, slog.LevelError) }

// fast are relay options for tests: short polls, lock retries and backoff.
func fast() events.Options {
	return events.Options{
		PollInterval: 20 * time.Millisecond, LockRetry: 50 * time.Millisecond,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	}
}

func newRelay(t *testing.T, db *store.DB, opts events.Options) *events.Relay {
	t.Helper()
	r, err := events.NewRelay(db, quietLog(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// start runs r until the returned stop is called (or the test ends) and
// checks that Run returns nil.
func start(t *testing.T, r *events.Relay) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var stopped atomic.Bool
	stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func backlog(t *testing.T, db *store.DB) int64 {
	t.Helper()
	b, err := db.Backlog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b.Count
}

func emit(t *testing.T, db *store.DB, ctx context.Context, eventType, aggregate string, data any) {
	t.Helper()
	if err := db.Emit(ctx, krowoc.EventDraft{Type: eventType, AggregateID: aggregate, WorkspaceID: "ws1", Actor: "u1", Data: data}); err != nil {
		t.Fatal(err)
	}
}

// receive reads n events from ch or fails after a timeout.
func receive(t *testing.T, ch <-chan krowoc.Event, n int) []krowoc.Event {
	t.Helper()
	var out []krowoc.Event
	timeout := time.After(10 * time.Second)
	for len(out) < n {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatalf("subscription closed after %d of %d events", len(out), n)
			}
			out = append(out, e)
		case <-timeout:
			t.Fatalf("received %d of %d events", len(out), n)
		}
	}
	return out
}

func TestRelayDeliversInProcess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		r := newRelay(t, db, fast())
		all, cancelAll := r.Subscribe()
		defer cancelAll()
		created, cancelCreated := r.Subscribe(krowoc.EventPromptCreated)
		defer cancelCreated()
		start(t, r)

		ctx := logging.WithRequestID(context.Background(), "req-7")
		ws, err := db.EnsurePersonalWorkspace(ctx, "ada", "Ada")
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws.ID, UserID: "ada",
			Content: krowoc.PromptContent{Title: "T", PromptText: "x", Tags: []string{}, ModelWhitelist: []string{}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdatePrompt(ctx, p.ID, "ada", func(p *krowoc.Prompt) error { p.Description = "d"; return nil }); err != nil {
			t.Fatal(err)
		}

		got := receive(t, all, 2)
		if got[0].Type != krowoc.EventPromptCreated || got[1].Type != krowoc.EventPromptUpdated ||
			got[0].AggregateID != p.ID || got[0].RequestID != "req-7" || got[0].WorkspaceID != ws.ID {
			t.Fatalf("all subscriber got %+v", got)
		}
		only := receive(t, created, 1)
		if only[0].ID != got[0].ID {
			t.Fatalf("filtered subscriber got %+v", only[0])
		}
		select {
		case e := <-created:
			t.Fatalf("filtered subscriber got %s too", e.Type)
		case <-time.After(100 * time.Millisecond):
		}
		waitFor(t, 5*time.Second, "the backlog to empty", func() bool { return backlog(t, db) == 0 })
		list, err := db.ListEvents(context.Background(), store.EventFilter{AggregateID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.DeliveredAt == nil || e.Attempts != 1 {
				t.Fatalf("event %s after relay: delivered %v attempts %d", e.Type, e.DeliveredAt, e.Attempts)
			}
		}
		if v := gauge(t, r, "krowoc_outbox_delivered_total"); v < 2 {
			t.Fatalf("delivered counter = %v, want at least 2", v)
		}
	})
}

func TestRelayDeletesDeliveredEventsAfterRetention(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var clock atomic.Int64
		clock.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
		db.Now = func() time.Time { return time.UnixMilli(clock.Load()).UTC() }
		opts := fast()
		opts.Retention, opts.CleanupInterval = time.Hour, 20*time.Millisecond

		ctx := context.Background()
		for i := range 3 {
			emit(t, db, ctx, krowoc.EventVoteCast, fmt.Sprint("old", i), nil)
		}
		r := newRelay(t, db, opts)
		start(t, r)
		waitFor(t, 5*time.Second, "the old events to be delivered", func() bool { return backlog(t, db) == 0 })

		// Half the retention later the events are kept; past it they go,
		// while newer events stay.
		clock.Add((30 * time.Minute).Milliseconds())
		emit(t, db, ctx, krowoc.EventVoteCast, "new", nil)
		waitFor(t, 5*time.Second, "the new event to be delivered", func() bool { return backlog(t, db) == 0 })
		time.Sleep(100 * time.Millisecond) // several cleanups
		if n := len(allEvents(t, db)); n != 4 {
			t.Fatalf("%d events kept within the retention, want 4", n)
		}
		clock.Add((31 * time.Minute).Milliseconds())
		waitFor(t, 5*time.Second, "the old events to be deleted", func() bool { return len(allEvents(t, db)) == 1 })
		if left := allEvents(t, db); left[0].AggregateID != "new" {
			t.Fatalf("kept %s, want the new event", left[0].AggregateID)
		}
	})
}

func allEvents(t *testing.T, db *store.DB) []store.OutboxEvent {
	t.Helper()
	list, err := db.ListEvents(context.Background(), store.EventFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestSlowSubscriberIsDroppedNotWaitedFor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		opts := fast()
		opts.SubscriberBuffer = 2
		r := newRelay(t, db, opts)
		slow, cancelSlow := r.Subscribe()
		defer cancelSlow()
		start(t, r)
		ctx := context.Background()
		for i := range 5 {
			emit(t, db, ctx, krowoc.EventVoteCast, "a", map[string]int{"n": i})
		}
		// The relay delivers everything although nobody reads slow.
		waitFor(t, 5*time.Second, "delivery past a slow subscriber", func() bool { return backlog(t, db) == 0 })

		fastSub, cancelFast := r.Subscribe()
		defer cancelFast()
		emit(t, db, ctx, krowoc.EventVoteCast, "a", map[string]int{"n": 5})
		if got := receive(t, fastSub, 1); string(got[0].Data) != `{"n":5}` {
			t.Fatalf("subscriber that keeps up got %s", got[0].Data)
		}

		n := 0
		for range slow {
			n++
		}
		if n != 2 {
			t.Fatalf("slow subscriber read %d events before its channel closed, want its buffer of 2", n)
		}
		if v := gauge(t, r, "krowoc_events_subscribers_dropped_total"); v != 1 {
			t.Fatalf("dropped subscribers = %v, want 1", v)
		}
		cancelSlow() // after a drop, cancel is harmless
	})
}

func TestBacklogMetrics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var clock atomic.Int64
		clock.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
		db.Now = func() time.Time { return time.UnixMilli(clock.Load()).UTC() }
		for i := range 3 {
			emit(t, db, context.Background(), krowoc.EventVoteCast, fmt.Sprint(i), nil)
		}
		clock.Add((90 * time.Second).Milliseconds())
		r := newRelay(t, db, fast()) // not running: the backlog stays
		if got := gauge(t, r, "krowoc_outbox_backlog"); got != 3 {
			t.Fatalf("backlog = %v, want 3", got)
		}
		if got := gauge(t, r, "krowoc_outbox_oldest_age_seconds"); got != 90 {
			t.Fatalf("oldest age = %v s, want 90", got)
		}
		if got := gauge(t, r, "krowoc_outbox_relay_leader"); got != 0 {
			t.Fatalf("leader = %v before Run, want 0", got)
		}
	})
}

// gauge gathers r's metrics and returns the sum of the named family's values.
func gauge(t *testing.T, r *events.Relay, name string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := reg.Register(r); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		sum := 0.0
		for _, m := range f.GetMetric() {
			sum += value(m)
		}
		return sum
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return 0
}

// TestOneRelayPublishesPerDatabase runs two relays on one Postgres
// database: only the lock holder publishes, and the other takes over when
// it stops.
func TestOneRelayPublishesPerDatabase(t *testing.T) {
	if !hasPostgres() {
		t.Skip(storetest.EnvPostgresURL + " is not set")
	}
	db := storetest.Open(t, store.Postgres)
	a, b := newRelay(t, db, fast()), newRelay(t, db, fast())
	fromA, cancelA := a.Subscribe()
	defer cancelA()
	fromB, cancelB := b.Subscribe()
	defer cancelB()
	stopA := start(t, a)
	waitFor(t, 5*time.Second, "relay a to lead", func() bool { return gauge(t, a, "krowoc_outbox_relay_leader") == 1 })
	start(t, b)

	ctx := context.Background()
	for i := range 20 {
		emit(t, db, ctx, krowoc.EventVoteCast, fmt.Sprint("k", i%3), nil)
	}
	receive(t, fromA, 20)
	waitFor(t, 5*time.Second, "the backlog to empty", func() bool { return backlog(t, db) == 0 })
	time.Sleep(200 * time.Millisecond) // b polls and retries the lock meanwhile
	select {
	case e := <-fromB:
		t.Fatalf("the standby relay published %s", e.ID)
	default:
	}
	if gauge(t, b, "krowoc_outbox_relay_leader") != 0 {
		t.Fatal("both relays report leading")
	}

	stopA()
	waitFor(t, 5*time.Second, "relay b to take over", func() bool { return gauge(t, b, "krowoc_outbox_relay_leader") == 1 })
	emit(t, db, ctx, krowoc.EventVoteCast, "after", nil)
	if got := receive(t, fromB, 1); got[0].AggregateID != "after" {
		t.Fatalf("relay b published %+v", got[0])
	}
}
