package leaderboard

import (
	"context"
	"fmt"
	"time"

	"github.com/krowoc/krowoc/internal/store"
)

// Result is a finished scoring run and the entries it stored.
type Result struct {
	store.BoardRun
	// Ranked is the stored snapshot, best first.
	Ranked []store.BoardEntry `json:"ranked"`
}

// Window is the activity window of a run at now: the 24 hours ending at
// now, with ExecutionCapPerHour.
func Window(now time.Time) store.ActivityWindow {
	return store.ActivityWindow{Now: now, Cap: ExecutionCapPerHour}
}

// Run scores the public prompts as of now and stores the run with its
// snapshot: it reads the pool (the PoolSize leaders by counted executions
// in the last 24 hours and by net votes), ranks it, attaches each kept
// prompt's hourly activity, and deletes runs older than Retention. It is
// the entry point of the hourly job and of the superusers' on-demand run;
// runs are independent, so two at once only store two runs.
func Run(ctx context.Context, db *store.DB, now time.Time) (*Result, error) {
	started := time.Now()
	w := Window(now)
	pool, err := db.LeaderboardPool(ctx, w, PoolSize)
	if err != nil {
		return nil, fmt.Errorf("scoring run: %w", err)
	}
	entries, maxE, maxV := Rank(pool, now)
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.PromptID
	}
	activity, err := db.Activity(ctx, w, ids)
	if err != nil {
		return nil, fmt.Errorf("scoring run: %w", err)
	}
	for i := range entries {
		if a, ok := activity[entries[i].PromptID]; ok {
			entries[i].Activity = a
		} else {
			entries[i].Activity = make([]int64, store.Slots)
		}
	}
	res := &Result{
		BoardRun: store.BoardRun{ComputedAt: now.UTC().Truncate(time.Millisecond), Candidates: len(pool), Entries: len(entries), MaxE: maxE, MaxV: maxV},
		Ranked:   entries,
	}
	res.DurationMS = time.Since(started).Milliseconds()
	if err := db.SaveLeaderboardRun(ctx, &res.BoardRun, entries, now.Add(-Retention)); err != nil {
		return nil, fmt.Errorf("scoring run: %w", err)
	}
	return res, nil
}
