package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// events returns every event of aggregate id, in outbox order.
func events(t *testing.T, db *store.DB, id string) []store.OutboxEvent {
	t.Helper()
	list, err := db.ListEvents(context.Background(), store.EventFilter{AggregateID: id, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func eventCount(t *testing.T, db *store.DB) int {
	t.Helper()
	list, err := db.ListEvents(context.Background(), store.EventFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// last returns the newest event of aggregate id and its prompt data.
func lastPromptEvent(t *testing.T, db *store.DB, id string) (store.OutboxEvent, krowoc.PromptEventData) {
	t.Helper()
	list := events(t, db, id)
	if len(list) == 0 {
		t.Fatalf("no events for %s", id)
	}
	e := list[len(list)-1]
	var d krowoc.PromptEventData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		t.Fatalf("data of %s: %v: %s", e.Type, err, e.Data)
	}
	return e, d
}

func TestPromptChangesEmitEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 5, 1, 12, 0, 0, 123_456_789, time.UTC)
		db.Now = func() time.Time { return now }
		ctx := logging.WithRequestID(context.Background(), "req-42")
		ws := workspace(t, db, "ada")

		p, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "ada", Content: content(t, "Secret plan", "Never publish {{this}}")})
		if err != nil {
			t.Fatal(err)
		}
		e, d := lastPromptEvent(t, db, p.ID)
		want := krowoc.Event{
			ID: e.ID, Type: krowoc.EventPromptCreated, SchemaVersion: krowoc.EventSchemaVersion,
			Time: now.Truncate(time.Millisecond), WorkspaceID: ws, Actor: "ada", AggregateID: p.ID, RequestID: "req-42", Data: e.Data,
		}
		if e.ID == "" || !e.Time.Equal(want.Time) || e.Type != want.Type || e.SchemaVersion != want.SchemaVersion ||
			e.WorkspaceID != want.WorkspaceID || e.Actor != want.Actor || e.AggregateID != want.AggregateID || e.RequestID != want.RequestID {
			t.Fatalf("created event = %+v, want %+v", e.Event, want)
		}
		if e.Topic != store.TopicEvents || e.DeliveredAt != nil || e.Attempts != 0 {
			t.Fatalf("new event delivery state = topic %s delivered %v attempts %d", e.Topic, e.DeliveredAt, e.Attempts)
		}
		if d.PromptID != p.ID || d.OwnerID != "ada" || d.Status != krowoc.StatusDraft || d.Via != "create" || d.LatestVersion != 0 {
			t.Fatalf("created data = %+v", d)
		}
		if raw := string(e.Data); strings.Contains(raw, "Never publish") || strings.Contains(raw, "Secret plan") {
			t.Fatalf("event data carries prompt content: %s", raw)
		}

		steps := []struct {
			name     string
			do       func() error
			wantType string
			check    func(d krowoc.PromptEventData) bool
		}{
			{"edit", func() error {
				_, err := db.UpdatePrompt(ctx, p.ID, "bob", func(p *krowoc.Prompt) error { p.Description = "new"; return nil })
				return err
			}, krowoc.EventPromptUpdated, func(d krowoc.PromptEventData) bool { return d.Via == "edit" && d.HasDraftChanges }},
			{"publish", func() error {
				_, err := db.PublishPrompt(ctx, p.ID, "ada", krowoc.VisibilityPublic)
				return err
			}, krowoc.EventPromptPublished, func(d krowoc.PromptEventData) bool {
				return d.Via == "publish" && d.LatestVersion == 1 && d.PublishedVersion != nil && *d.PublishedVersion == 1 &&
					d.Visibility == krowoc.VisibilityPublic && d.PreviousStatus == krowoc.StatusDraft
			}},
			{"restore", func() error {
				_, err := db.RestoreVersion(ctx, p.ID, 1, "ada")
				return err
			}, krowoc.EventPromptUpdated, func(d krowoc.PromptEventData) bool { return d.Via == "restore" && d.Status == krowoc.StatusPublished }},
			{"archive", func() error {
				_, err := db.ArchivePrompt(ctx, p.ID, "ada")
				return err
			}, krowoc.EventPromptArchived, func(d krowoc.PromptEventData) bool {
				return d.Via == "archive" && d.Status == krowoc.StatusArchived && d.PreviousStatus == krowoc.StatusPublished
			}},
			{"unarchive to published", func() error {
				_, err := db.UnarchivePrompt(ctx, p.ID, "ada", krowoc.StatusPublished)
				return err
			}, krowoc.EventPromptPublished, func(d krowoc.PromptEventData) bool { return d.Via == "unarchive" && d.Status == krowoc.StatusPublished }},
			{"archive again", func() error {
				_, err := db.ArchivePrompt(ctx, p.ID, "ada")
				return err
			}, krowoc.EventPromptArchived, func(d krowoc.PromptEventData) bool { return d.Status == krowoc.StatusArchived }},
			{"unarchive to draft", func() error {
				_, err := db.UnarchivePrompt(ctx, p.ID, "ada", krowoc.StatusDraft)
				return err
			}, krowoc.EventPromptUpdated, func(d krowoc.PromptEventData) bool {
				return d.Via == "unarchive" && d.Status == krowoc.StatusDraft && d.PreviousStatus == krowoc.StatusArchived
			}},
		}
		for i, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			list := events(t, db, p.ID)
			if len(list) != i+2 {
				t.Fatalf("after %s: %d events, want %d", s.name, len(list), i+2)
			}
			e, d := lastPromptEvent(t, db, p.ID)
			if e.Type != s.wantType || !s.check(d) {
				t.Fatalf("after %s: event %s %+v, want type %s", s.name, e.Type, d, s.wantType)
			}
			if s.name == "edit" && e.Actor != "bob" {
				t.Fatalf("edit actor = %q, want bob", e.Actor)
			}
		}
	})
}

func TestRefusedWritesEmitNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		p, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "ada", Content: content(t, "One", "x"), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		before := eventCount(t, db)

		_, err = db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "ada", Content: content(t, "Two", "x"), Limit: 1})
		wantCode(t, err, krowoc.ECodeQuotaExceeded)
		_, err = db.UpdatePrompt(ctx, p.ID, "ada", func(p *krowoc.Prompt) error { return krowoc.Errorf(krowoc.ECodeValidation, "no") })
		wantCode(t, err, krowoc.ECodeValidation)
		_, err = db.UpdatePrompt(ctx, p.ID, "ada", func(p *krowoc.Prompt) error { p.Visibility = krowoc.VisibilityPublic; return nil })
		wantCode(t, err, krowoc.ECodeValidation)
		_, err = db.UnarchivePrompt(ctx, p.ID, "ada", krowoc.StatusDraft)
		wantCode(t, err, krowoc.ECodeConflict)
		_, err = db.ImportPrompts(ctx, []krowoc.ExportedPrompt{
			{PromptContent: content(t, "A", "a"), Status: krowoc.StatusDraft, Visibility: krowoc.VisibilityPrivate},
		}, store.ImportOptions{WorkspaceID: ws, UserID: "ada", Limit: 1})
		wantCode(t, err, krowoc.ECodeQuotaExceeded)

		// An event emitted in a transaction that then fails is rolled back
		// with it.
		boom := errors.New("boom")
		err = db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.Emit(ctx, krowoc.EventDraft{Type: krowoc.EventVoteCast, AggregateID: p.ID, WorkspaceID: ws}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("update err = %v", err)
		}
		if got := eventCount(t, db); got != before {
			t.Fatalf("refused writes left %d events, want %d", got, before)
		}
	})
}

func TestImportEmitsOneCreatedEventPerPrompt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		create(t, db, ws, "ada", content(t, "Taken", "x"))
		one := 1
		res, err := db.ImportPrompts(ctx, []krowoc.ExportedPrompt{
			{PromptContent: content(t, "Taken", "y"), Status: krowoc.StatusDraft, Visibility: krowoc.VisibilityPrivate},
			{PromptContent: content(t, "Fresh", "z"), Status: krowoc.StatusPublished, Visibility: krowoc.VisibilityPublic,
				PublishedVersion: &one, Versions: []krowoc.ExportedVersion{{Version: 1, PromptContent: content(t, "Fresh", "z")}}},
		}, store.ImportOptions{WorkspaceID: ws, UserID: "ada", OnConflict: store.ImportCopy})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Created) != 2 {
			t.Fatalf("created %d, want 2", len(res.Created))
		}
		for _, item := range res.Created {
			list := events(t, db, item.ID)
			if len(list) != 1 || list[0].Type != krowoc.EventPromptCreated {
				t.Fatalf("events of imported %q = %+v, want one prompt.created", item.Title, list)
			}
			var d krowoc.PromptEventData
			_ = json.Unmarshal(list[0].Data, &d)
			if d.Via != "import" {
				t.Fatalf("imported via = %q", d.Via)
			}
			if item.Title == "Fresh" && (d.Status != krowoc.StatusPublished || d.LatestVersion != 1 || d.PublishedVersion == nil || d.HasDraftChanges) {
				t.Fatalf("imported published prompt data = %+v", d)
			}
		}
	})
}

func TestExecutionsEmitStartedAndFinished(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := logging.WithRequestID(context.Background(), "run-1")
		ws := workspace(t, db, "ada")
		p := create(t, db, ws, "ada", content(t, "Ask", "Ask {{q}}"))
		cases := []struct {
			status   krowoc.ExecutionStatus
			wantType string
		}{
			{krowoc.ExecSucceeded, krowoc.EventExecutionCompleted},
			{krowoc.ExecFailed, krowoc.EventExecutionFailed},
			{krowoc.ExecCancelled, krowoc.EventExecutionFailed},
			{krowoc.ExecTimedOut, krowoc.EventExecutionFailed},
		}
		for _, c := range cases {
			x := &krowoc.Execution{WorkspaceID: ws, UserID: "ada", PromptID: p.ID, Model: "openai:gpt-4o-mini", Provider: "openai",
				Variables: map[string]string{"q": "the launch code is 0000"}}
			if err := db.StartExecution(ctx, x); err != nil {
				t.Fatal(err)
			}
			latency := int64(120)
			x.Status, x.LatencyMillis, x.Attempts, x.CostMicros = c.status, &latency, 1, 42
			x.Usage = krowoc.Usage{InputTokens: 10, OutputTokens: 5}
			x.ResponseText = "a private answer"
			if c.status != krowoc.ExecSucceeded {
				x.ErrorCode, x.ErrorMessage = "provider_error", "upstream said no"
			}
			if err := db.FinishExecution(ctx, x); err != nil {
				t.Fatal(err)
			}
			list := events(t, db, x.ID)
			if len(list) != 2 || list[0].Type != krowoc.EventExecutionStarted || list[1].Type != c.wantType {
				t.Fatalf("%s: events = %v, want started then %s", c.status, types(list), c.wantType)
			}
			var started, finished krowoc.ExecutionEventData
			_ = json.Unmarshal(list[0].Data, &started)
			_ = json.Unmarshal(list[1].Data, &finished)
			if started.Status != krowoc.ExecRunning || started.Model != x.Model || started.PromptID != p.ID || started.Usage != nil {
				t.Fatalf("started data = %+v", started)
			}
			if finished.Status != c.status || finished.Usage == nil || finished.Usage.InputTokens != 10 || finished.CostMicros != 42 ||
				finished.LatencyMillis == nil || *finished.LatencyMillis != 120 {
				t.Fatalf("%s: finished data = %+v", c.status, finished)
			}
			for _, e := range list {
				raw := string(e.Data)
				if e.RequestID != "run-1" || e.Actor != "ada" || e.WorkspaceID != ws {
					t.Fatalf("%s envelope = %+v", e.Type, e.Event)
				}
				if strings.Contains(raw, "0000") || strings.Contains(raw, "private answer") || strings.Contains(raw, "upstream said") {
					t.Fatalf("%s data leaks variables, response or error text: %s", e.Type, raw)
				}
			}
		}
	})
}

func types(list []store.OutboxEvent) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Type
	}
	return out
}

func TestEmitChecksAndTopics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Emit(ctx, krowoc.EventDraft{AggregateID: "x"}); err == nil {
			t.Fatal("an event without a type was written")
		}
		if err := db.Emit(ctx, krowoc.EventDraft{Type: krowoc.EventVoteCast}); err == nil {
			t.Fatal("an event without an aggregate id was written")
		}
		if err := db.Emit(ctx, krowoc.EventDraft{Type: krowoc.EventDeadLetterCreated, AggregateID: "dl1", Data: map[string]string{"job": "j1"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.Emit(ctx, krowoc.EventDraft{Type: krowoc.EventVoteCast, AggregateID: "v1"}); err != nil {
			t.Fatal(err)
		}
		dl, vote := events(t, db, "dl1"), events(t, db, "v1")
		if len(dl) != 1 || dl[0].Topic != store.TopicDLQ || string(dl[0].Data) != `{"job":"j1"}` || dl[0].Actor != krowoc.ActorSystem {
			t.Fatalf("dead letter event = %+v", dl)
		}
		if len(vote) != 1 || vote[0].Topic != store.TopicEvents || string(vote[0].Data) != `{}` {
			t.Fatalf("vote event = %+v", vote)
		}
	})
}

func TestRecordTierChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// The user never signed in: their personal workspace is made for the event.
		err := db.RecordTierChange(ctx, store.TierChange{UserID: "u1", UserName: "Ada", From: krowoc.TierFree, To: krowoc.TierPower, Actor: "superuser:s1"})
		if err != nil {
			t.Fatal(err)
		}
		ws := workspace(t, db, "u1")
		list := events(t, db, "u1")
		if len(list) != 1 || list[0].Type != krowoc.EventUserTierChanged || list[0].WorkspaceID != ws || list[0].Actor != "superuser:s1" {
			t.Fatalf("tier events = %+v", list)
		}
		var d krowoc.TierChangedEventData
		_ = json.Unmarshal(list[0].Data, &d)
		if d != (krowoc.TierChangedEventData{UserID: "u1", From: krowoc.TierFree, To: krowoc.TierPower, PromptLimit: 0}) {
			t.Fatalf("tier data = %+v", d)
		}
	})
}

func TestOutboxDeliveryState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		var ids []string
		for i := range 5 {
			clock = clock.Add(time.Minute)
			if err := db.Emit(ctx, krowoc.EventDraft{Type: krowoc.EventVoteCast, AggregateID: "a"}); err != nil {
				t.Fatal(err)
			}
			list := events(t, db, "a")
			ids = append(ids, list[i].ID)
		}
		pending, err := db.PendingEvents(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 3 || pending[0].ID != ids[0] || pending[2].ID != ids[2] || !(pending[0].Seq < pending[1].Seq) {
			t.Fatalf("pending = %v, want the first three in order", types(pending))
		}
		b, err := db.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Count != 5 || b.Oldest == nil || !b.Oldest.Equal(pending[0].Time) {
			t.Fatalf("backlog = %+v, want 5 since %v", b, pending[0].Time)
		}

		seqs := []int64{pending[0].Seq, pending[1].Seq}
		if err := db.MarkFailed(ctx, seqs, errors.New(strings.Repeat("é", 400))); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkFailed(ctx, seqs, errors.New("broker down")); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
		if err := db.MarkDelivered(ctx, seqs); err != nil {
			t.Fatal(err)
		}
		list := events(t, db, "a")
		if list[0].Attempts != 3 || list[0].LastError != "broker down" || list[0].DeliveredAt == nil || !list[0].DeliveredAt.Equal(clock) {
			t.Fatalf("delivered event state = attempts %d error %q delivered %v", list[0].Attempts, list[0].LastError, list[0].DeliveredAt)
		}
		// A second relay marking the same rows changes nothing.
		clock = clock.Add(time.Hour)
		if err := db.MarkDelivered(ctx, seqs); err != nil {
			t.Fatal(err)
		}
		if again := events(t, db, "a"); again[0].Attempts != 3 || !again[0].DeliveredAt.Equal(list[0].DeliveredAt.UTC()) {
			t.Fatalf("re-marking moved the delivery: %+v", again[0])
		}

		pending, _ = db.PendingEvents(ctx, 10)
		if len(pending) != 3 || pending[0].ID != ids[2] {
			t.Fatalf("pending after delivery = %d events starting %v", len(pending), pending)
		}
		b, _ = db.Backlog(ctx)
		if b.Count != 3 || !b.Oldest.Equal(pending[0].Time) {
			t.Fatalf("backlog after delivery = %+v", b)
		}

		// Retention deletes delivered events before the cut-off, and only them.
		n, err := db.DeleteDeliveredEvents(ctx, clock, 100)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("deleted %d, want 2", n)
		}
		left := events(t, db, "a")
		if len(left) != 3 || left[0].ID != ids[2] {
			t.Fatalf("left after retention = %d events", len(left))
		}
		if _, err := db.ListEvents(ctx, store.EventFilter{AfterID: ids[0]}); krowoc.ErrorCode(err) != krowoc.ECodeNotFound {
			t.Fatalf("listing after a deleted event: err = %v, want not_found", err)
		}
		after, err := db.ListEvents(ctx, store.EventFilter{AfterID: ids[2], Types: []string{krowoc.EventVoteCast}})
		if err != nil {
			t.Fatal(err)
		}
		if got := []string{after[0].ID, after[1].ID}; len(after) != 2 || !slices.Equal(got, ids[3:]) {
			t.Fatalf("events after %s = %v, want %v", ids[2], got, ids[3:])
		}
	})
}

func TestOutboxLockHasOneHolder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, err := db.TryOutboxLock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Check(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Dialect() != store.Postgres {
			first.Release()
			return // one process owns a SQLite file; the lock always succeeds
		}
		if _, err := db.TryOutboxLock(ctx); !errors.Is(err, store.ErrOutboxLocked) {
			t.Fatalf("second lock: err = %v, want ErrOutboxLocked", err)
		}
		first.Release()
		second, err := db.TryOutboxLock(ctx)
		if err != nil {
			t.Fatalf("lock after release: %v", err)
		}
		second.Release()
	})
}

func TestMarkDeliveredMatchesExactlyTheGivenSeqs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 9 {
			if err := db.Emit(ctx, krowoc.EventDraft{Type: krowoc.EventVoteCast, AggregateID: "a"}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.PendingEvents(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		// Runs 0–2 and 7–8, a lone 5, given out of order and with a repeat.
		var mark []int64
		for _, i := range []int{8, 0, 1, 2, 5, 7, 1} {
			mark = append(mark, all[i].Seq)
		}
		if err := db.MarkDelivered(ctx, mark); err != nil {
			t.Fatal(err)
		}
		left, err := db.PendingEvents(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, e := range left {
			got = append(got, e.Seq)
		}
		if want := []int64{all[3].Seq, all[4].Seq, all[6].Seq}; !slices.Equal(got, want) {
			t.Fatalf("pending after marking = %v, want %v", got, want)
		}
	})
}
