// Package leaderboard ranks public prompts: the scoring functions (weighted
// usage and votes, Wilson lower bound, recency decay), the ranking of a
// pool and the scoring run that stores a snapshot. docs/leaderboard.md
// explains the rules with a worked example.
package leaderboard

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/store"
)

// The rules of a scoring run.
const (
	// Size is how many prompts a run keeps (the leaderboard's length), and
	// PoolSize how many leaders by executions and by net votes it considers.
	Size     = 50
	PoolSize = 50
	// ExecutionCapPerHour is how many executions of one prompt by one user
	// count in each hour of the 24-hour window.
	ExecutionCapPerHour = 3
	// WeightExecutions and WeightVotes make the weighted score.
	WeightExecutions = 0.6
	WeightVotes      = 0.4
	// ShareWeighted and ShareWilson make the final score before decay.
	ShareWeighted = 0.7
	ShareWilson   = 0.3
	// Z is the normal quantile of the Wilson bound: 95% confidence.
	Z = 1.96
	// HalfLife is the age at which the decay halves a prompt's score; age
	// runs from when its current version was published.
	HalfLife = 14 * 24 * time.Hour
	// Retention is how long runs and their snapshots are kept.
	Retention = 30 * 24 * time.Hour
)

// Weighted is 0.6·E/maxE + 0.4·max(V,0)/maxV, where maxE and maxV are the
// largest E and max(V,0) of the pool. A term whose maximum is 0 is 0: with
// no executions (or no net-positive votes) anywhere, that measure cannot
// tell prompts apart. Negative net votes earn no vote credit; the Wilson
// score is what pulls a disliked prompt down.
func Weighted(e, v, maxE, maxV int64) float64 {
	var s float64
	if maxE > 0 {
		s += WeightExecutions * float64(e) / float64(maxE)
	}
	if maxV > 0 && v > 0 {
		s += WeightVotes * float64(v) / float64(maxV)
	}
	return s
}

// Wilson is the lower bound of the 95% Wilson score interval of the share
// of up-votes among up+down votes; 0 when there are no votes or no
// up-votes (where the formula is 0 up to rounding).
func Wilson(up, down int64) float64 {
	n := float64(up + down)
	if n <= 0 || up <= 0 {
		return 0
	}
	p := float64(up) / n
	z2 := Z * Z
	return (p + z2/(2*n) - Z*math.Sqrt((p*(1-p)+z2/(4*n))/n)) / (1 + z2/n)
}

// Decay is 2^(-age/HalfLife): 1 when just published, 0.5 after HalfLife.
// A negative age (a clock behind the database's) counts as 0.
func Decay(age time.Duration) float64 {
	if age < 0 {
		age = 0
	}
	return math.Exp2(-age.Hours() / HalfLife.Hours())
}

// Final combines the scores: decay · (0.7·weighted + 0.3·wilson).
func Final(weighted, wilson, decay float64) float64 {
	return decay * (ShareWeighted*weighted + ShareWilson*wilson)
}

// Rank scores every candidate at now and returns the best Size in rank
// order (1 first) with the pool's maxima. Equal final scores are ordered
// by more executions, then more net votes, then the newer publication,
// then the prompt id, so a run's order never depends on the database.
func Rank(pool []store.BoardCandidate, now time.Time) (entries []store.BoardEntry, maxE, maxV int64) {
	for _, c := range pool {
		maxE = max(maxE, c.E)
		maxV = max(maxV, c.Up-c.Down)
	}
	type scored struct {
		store.BoardEntry
		published time.Time
	}
	all := make([]scored, len(pool))
	for i, c := range pool {
		v := c.Up - c.Down
		w := Weighted(c.E, v, maxE, maxV)
		wil := Wilson(c.Up, c.Down)
		d := Decay(now.Sub(c.PublishedAt))
		all[i] = scored{
			BoardEntry: store.BoardEntry{PromptID: c.PromptID, Weighted: w, Wilson: wil, Decay: d, Final: Final(w, wil, d),
				E: c.E, V: v, Up: c.Up, Down: c.Down},
			published: c.PublishedAt,
		}
	}
	slices.SortFunc(all, func(a, b scored) int {
		return cmp.Or(
			cmp.Compare(b.Final, a.Final),
			cmp.Compare(b.E, a.E),
			cmp.Compare(b.V, a.V),
			b.published.Compare(a.published),
			strings.Compare(a.PromptID, b.PromptID),
		)
	})
	if len(all) > Size {
		all = all[:Size]
	}
	entries = make([]store.BoardEntry, len(all))
	for i, s := range all {
		entries[i] = s.BoardEntry
		entries[i].Rank = i + 1
	}
	return entries, maxE, max(maxV, 0)
}
