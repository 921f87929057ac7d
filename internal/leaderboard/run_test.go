package leaderboard_test

import (
	"context"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/leaderboard"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// clock freezes db.Now at a moment the test moves by hand.
type clock struct{ now time.Time }

func freeze(db *store.DB, start time.Time) *clock {
	c := &clock{now: start}
	db.Now = func() time.Time { return c.now }
	return c
}

func publicPrompt(t *testing.T, db *store.DB, owner, title string) string {
	t.Helper()
	ctx := context.Background()
	ws, err := db.EnsurePersonalWorkspace(ctx, owner, owner)
	if err != nil {
		t.Fatal(err)
	}
	c := krowoc.PromptContent{Title: title, PromptText: "Say hi to {{name}}", Tags: []string{"greeting"}}
	if err := c.Normalize(catalog.Default(), nil); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws.ID, UserID: owner, Content: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishPrompt(ctx, p.ID, owner, krowoc.VisibilityPublic); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// runs records n succeeded executions of a prompt's published version 1
// by user at the clock's time.
func runs(t *testing.T, db *store.DB, promptID, user string, n int) {
	t.Helper()
	ctx := context.Background()
	ws, err := db.EnsurePersonalWorkspace(ctx, user, user)
	if err != nil {
		t.Fatal(err)
	}
	v := 1
	for range n {
		x := &krowoc.Execution{WorkspaceID: ws.ID, UserID: user, PromptID: promptID, PromptVersion: &v, Model: "openai:gpt-4o-mini", Provider: "openai"}
		if err := db.StartExecution(ctx, x); err != nil {
			t.Fatal(err)
		}
		x.Status = krowoc.ExecSucceeded
		if err := db.FinishExecution(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
}

func vote(t *testing.T, db *store.DB, promptID, user string, value int) {
	t.Helper()
	if _, err := db.Vote(context.Background(), promptID, user, value); err != nil {
		t.Fatalf("vote %d by %s: %v", value, user, err)
	}
}

func TestRunOnBothDatabases(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		c := freeze(db, start)

		alpha := publicPrompt(t, db, "ann", "Alpha")
		beta := publicPrompt(t, db, "bob", "Beta")
		gamma := publicPrompt(t, db, "cyd", "Gamma")
		hidden := publicPrompt(t, db, "dee", "Hidden")

		// Two hours later: a script runs Alpha 50 times in one hour (3 count),
		// two people run Beta twice each, Hidden is popular but goes private.
		c.now = start.Add(2 * time.Hour)
		runs(t, db, alpha, "script", 50)
		runs(t, db, beta, "u1", 2)
		runs(t, db, beta, "u2", 2)
		runs(t, db, hidden, "u1", 3)
		runs(t, db, hidden, "u2", 3)
		vote(t, db, hidden, "u1", 1)
		vote(t, db, gamma, "u1", 1)
		vote(t, db, gamma, "u2", -1)
		if _, err := db.UpdatePrompt(ctx, hidden, "dee", func(p *krowoc.Prompt) error { p.Visibility = krowoc.VisibilityPrivate; return nil }); err != nil {
			t.Fatal(err)
		}
		// Runs of a working draft (no version) and failed runs never count.
		ws, _ := db.EnsurePersonalWorkspace(ctx, "ann", "ann")
		draft := &krowoc.Execution{WorkspaceID: ws.ID, UserID: "ann", PromptID: alpha, Model: "openai:gpt-4o-mini", Provider: "openai"}
		if err := db.StartExecution(ctx, draft); err != nil {
			t.Fatal(err)
		}
		draft.Status = krowoc.ExecSucceeded
		_ = db.FinishExecution(ctx, draft)

		c.now = start.Add(3 * time.Hour)
		first, err := leaderboard.Run(ctx, db, c.now)
		if err != nil {
			t.Fatal(err)
		}
		if first.Candidates != 3 || first.MaxE != 4 || first.MaxV != 0 {
			t.Fatalf("first run = %+v, want 3 candidates, maxE 4 (Beta), maxV 0", first.BoardRun)
		}
		got := map[string]store.BoardEntry{}
		for _, e := range first.Ranked {
			got[e.PromptID] = e
		}
		if _, ok := got[hidden]; ok {
			t.Fatal("a private prompt was ranked")
		}
		if got[alpha].E != 3 || got[beta].E != 4 || got[gamma].E != 0 {
			t.Fatalf("E: alpha %d (capped at 3), beta %d, gamma %d", got[alpha].E, got[beta].E, got[gamma].E)
		}
		if got[gamma].Up != 1 || got[gamma].Down != 1 || got[gamma].V != 0 {
			t.Fatalf("gamma votes = %+v", got[gamma])
		}
		// Published 3 h before the run; weighted 0.6·E/4.
		d := leaderboard.Decay(3 * time.Hour)
		if want := d * 0.7 * 0.6; !near(got[beta].Final, want) || got[beta].Rank != 1 {
			t.Fatalf("beta = %+v, want rank 1 with final %v", got[beta], want)
		}
		if want := d * 0.7 * 0.6 * 3 / 4; !near(got[alpha].Final, want) || got[alpha].Rank != 2 {
			t.Fatalf("alpha = %+v, want rank 2 with final %v", got[alpha], want)
		}
		if want := d * 0.3 * leaderboard.Wilson(1, 1); !near(got[gamma].Final, want) || got[gamma].Rank != 3 {
			t.Fatalf("gamma = %+v, want rank 3 with final %v", got[gamma], want)
		}
		// The 2-hour-old runs fall in slot 22 of the window (0 is the oldest hour).
		if a := got[beta].Activity; len(a) != store.Slots || a[22] != 4 || a[23] != 0 {
			t.Fatalf("beta activity = %v", a)
		}

		// An hour later Alpha is liked by many and the script's hour is
		// still counted once; Alpha overtakes Beta.
		c.now = start.Add(4 * time.Hour)
		for _, u := range []string{"u1", "u2", "u3"} {
			vote(t, db, alpha, u, 1)
		}
		second, err := leaderboard.Run(ctx, db, c.now)
		if err != nil {
			t.Fatal(err)
		}
		if second.Ranked[0].PromptID != alpha || second.Ranked[1].PromptID != beta {
			t.Fatalf("second run order = %v, %v", second.Ranked[0].PromptID, second.Ranked[1].PromptID)
		}
		board, err := db.Leaderboard(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if board.Run == nil || board.Run.ID != second.ID || board.PreviousRunAt == nil || !board.PreviousRunAt.Equal(first.ComputedAt) {
			t.Fatalf("board run = %+v, previous %v", board.Run, board.PreviousRunAt)
		}
		if len(board.Rows) != 3 {
			t.Fatalf("board has %d rows, want 3", len(board.Rows))
		}
		top := board.Rows[0]
		if top.PromptID != alpha || top.Rank != 1 || top.PreviousRank == nil || *top.PreviousRank != 2 ||
			top.Title != "Alpha" || top.AuthorID != "ann" || top.VotesUp != 3 || top.Version != 1 || len(top.Tags) != 1 {
			t.Fatalf("top row = %+v", top)
		}
		var counted int64
		for _, n := range top.Activity {
			counted += n
		}
		if len(top.Activity) != store.Slots || counted != 3 || top.Activity[21] != 3 {
			t.Fatalf("top row activity = %v, want the script's 3 counted runs two hours before", top.Activity)
		}

		// After 25 hours the executions left the window; only votes remain.
		c.now = start.Add(28 * time.Hour)
		third, err := leaderboard.Run(ctx, db, c.now)
		if err != nil {
			t.Fatal(err)
		}
		if third.MaxE != 0 || third.Ranked[0].PromptID != alpha || third.Ranked[0].E != 0 {
			t.Fatalf("third run = %+v first %+v", third.BoardRun, third.Ranked[0])
		}

		// A prompt made private after a run disappears from the board at once.
		if _, err := db.UpdatePrompt(ctx, alpha, "ann", func(p *krowoc.Prompt) error { p.Visibility = krowoc.VisibilityPrivate; return nil }); err != nil {
			t.Fatal(err)
		}
		board, err = db.Leaderboard(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range board.Rows {
			if r.PromptID == alpha || r.PromptID == hidden {
				t.Fatalf("private prompt %s on the board", r.PromptID)
			}
		}

		// Runs older than the retention are deleted with their snapshots.
		c.now = start.Add(leaderboard.Retention + 30*time.Hour)
		if _, err := leaderboard.Run(ctx, db, c.now); err != nil {
			t.Fatal(err)
		}
		board, _ = db.Leaderboard(ctx, "")
		if board.PreviousRunAt != nil {
			t.Fatalf("the runs before the retention are still there: previous %v", board.PreviousRunAt)
		}
	})
}

func TestExecutionCap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		c := freeze(db, start)
		p := publicPrompt(t, db, "ann", "Capped")
		// The author's own runs count the same way: at most 3 per hour slot.
		for h := range 5 {
			c.now = start.Add(time.Duration(h)*time.Hour + 10*time.Minute)
			runs(t, db, p, "ann", 5)
		}
		c.now = start.Add(5 * time.Hour)
		runs(t, db, p, "u1", 1)
		w := leaderboard.Window(c.now)
		act, err := db.Activity(ctx, w, []string{p})
		if err != nil {
			t.Fatal(err)
		}
		var e int64
		for _, n := range act[p] {
			if n > 4 {
				t.Fatalf("slot with %d counted executions, want at most 3 per user: %v", n, act[p])
			}
			e += n
		}
		if e != 5*3+1 {
			t.Fatalf("E = %d (%v), want 16", e, act[p])
		}
		pool, err := db.LeaderboardPool(ctx, w, leaderboard.PoolSize)
		if err != nil || len(pool) != 1 || pool[0].E != e {
			t.Fatalf("pool = %+v (%v), want E %d", pool, err, e)
		}
		// The per-prompt counter counts every succeeded run.
		got, err := db.GetPublicPrompt(ctx, p)
		if err != nil || got.Stats.Executions != 26 {
			t.Fatalf("stats = %+v (%v), want 26 executions", got, err)
		}
	})
}
