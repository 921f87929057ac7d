package leaderboard_test

import (
	"math"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/leaderboard"
	"github.com/krowoc/krowoc/internal/store"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestWeighted(t *testing.T) {
	tests := []struct {
		name             string
		e, v, maxE, maxV int64
		want             float64
	}{
		{"all zeros: no division by zero", 0, 0, 0, 0, 0},
		{"the leader of both", 40, 10, 40, 10, 1},
		{"half of each", 20, 5, 40, 10, 0.6*0.5 + 0.4*0.5},
		{"a single vote, no executions anywhere", 0, 1, 0, 1, 0.4},
		{"executions only, no votes anywhere", 30, 0, 40, 0, 0.6 * 30.0 / 40.0},
		{"one prompt far ahead leaves the rest near 0", 10, 0, 10_000, 0, 0.6 * 10.0 / 10_000.0},
		{"negative net votes earn no vote credit", 40, -3, 40, 10, 0.6},
		{"negative net votes with no positive maximum", 0, -3, 0, 0, 0},
	}
	for _, tt := range tests {
		if got := leaderboard.Weighted(tt.e, tt.v, tt.maxE, tt.maxV); !near(got, tt.want) {
			t.Errorf("%s: Weighted(%d, %d, %d, %d) = %v, want %v", tt.name, tt.e, tt.v, tt.maxE, tt.maxV, got, tt.want)
		}
	}
}

func TestWilson(t *testing.T) {
	// Worked by hand from (p + z²/2n − z·√((p(1−p) + z²/4n)/n)) / (1 + z²/n), z = 1.96, z² = 3.8416.
	tests := []struct {
		name     string
		up, down int64
		want     float64
	}{
		{"no votes", 0, 0, 0},
		// n=1, p=1: (1 + 1.9208 − 1.96·√0.9604) / 4.8416 = (2.9208 − 1.9208) / 4.8416 = 1/4.8416
		{"a single up-vote", 1, 0, 1 / 4.8416},
		// n=1, p=0: (0 + 1.9208 − 1.96·0.98) / 4.8416 = 0
		{"a single down-vote", 0, 1, 0},
		// n=10, p=0.8: (0.8 + 0.19208 − 1.96·√(0.25604/10)) / 1.38416
		{"8 up, 2 down", 8, 2, (0.8 + 0.19208 - 1.96*math.Sqrt(0.025604)) / 1.38416},
		// n=10, p=0.2: (0.2 + 0.19208 − 1.96·√(0.25604/10)) / 1.38416
		{"2 up, 8 down", 2, 8, (0.2 + 0.19208 - 1.96*math.Sqrt(0.025604)) / 1.38416},
		// n=100, p=0.5: (0.5 + 0.019208 − 1.96·√((0.25 + 0.009604)/100)) / 1.038416
		{"50 up, 50 down", 50, 50, (0.5 + 0.019208 - 1.96*math.Sqrt(0.00259604)) / 1.038416},
	}
	for _, tt := range tests {
		if got := leaderboard.Wilson(tt.up, tt.down); !near(got, tt.want) {
			t.Errorf("%s: Wilson(%d, %d) = %v, want %v", tt.name, tt.up, tt.down, got, tt.want)
		}
	}
	if a, b := leaderboard.Wilson(8, 2), leaderboard.Wilson(80, 20); a >= b {
		t.Errorf("the same share with more votes must score higher: %v >= %v", a, b)
	}
}

func TestDecay(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		age  time.Duration
		want float64
	}{
		{0, 1},
		{-time.Hour, 1}, // clock skew never boosts
		{day, math.Pow(2, -1.0/14)},
		{7 * day, 1 / math.Sqrt2},
		{14 * day, 0.5},
		{28 * day, 0.25},
		{70 * day, 1.0 / 32},
	}
	for _, tt := range tests {
		if got := leaderboard.Decay(tt.age); !near(got, tt.want) {
			t.Errorf("Decay(%s) = %v, want %v", tt.age, got, tt.want)
		}
	}
}

func TestFinal(t *testing.T) {
	if got, want := leaderboard.Final(1, 1, 1), 1.0; !near(got, want) {
		t.Errorf("Final(1, 1, 1) = %v, want %v", got, want)
	}
	if got, want := leaderboard.Final(0.5, 0.2, 0.5), 0.5*(0.7*0.5+0.3*0.2); !near(got, want) {
		t.Errorf("Final(0.5, 0.2, 0.5) = %v, want %v", got, want)
	}
	if got := leaderboard.Final(0, 0, 1); got != 0 {
		t.Errorf("Final of nothing = %v, want 0", got)
	}
}

func TestRank(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	fresh := now.Add(-time.Hour)
	cand := func(id string, e, up, down int64, published time.Time) store.BoardCandidate {
		return store.BoardCandidate{PromptID: id, E: e, Up: up, Down: down, PublishedAt: published}
	}
	ids := func(entries []store.BoardEntry) []string {
		out := make([]string, len(entries))
		for i, e := range entries {
			out[i] = e.PromptID
		}
		return out
	}

	t.Run("all zeros rank by recency, then id", func(t *testing.T) {
		entries, maxE, maxV := leaderboard.Rank([]store.BoardCandidate{
			cand("b", 0, 0, 0, fresh), cand("a", 0, 0, 0, fresh), cand("c", 0, 0, 0, fresh.Add(time.Minute)),
		}, now)
		if maxE != 0 || maxV != 0 {
			t.Fatalf("maxima = %d, %d, want 0, 0", maxE, maxV)
		}
		if got := ids(entries); got[0] != "c" || got[1] != "a" || got[2] != "b" {
			t.Fatalf("order = %v, want [c a b]", got)
		}
		for i, e := range entries {
			if e.Rank != i+1 || e.Final != 0 || math.IsNaN(e.Weighted) {
				t.Fatalf("entry %d = %+v", i, e)
			}
		}
	})

	t.Run("exact ties go to the prompt id", func(t *testing.T) {
		entries, _, _ := leaderboard.Rank([]store.BoardCandidate{
			cand("old", 10, 2, 0, fresh), cand("new", 10, 2, 0, fresh), cand("id-b", 10, 2, 0, fresh),
		}, now)
		if got := ids(entries); got[0] != "id-b" || got[1] != "new" || got[2] != "old" {
			t.Fatalf("order = %v, want ids in order when everything ties", got)
		}
	})

	t.Run("a prompt far ahead, negative votes and a single vote", func(t *testing.T) {
		entries, maxE, maxV := leaderboard.Rank([]store.BoardCandidate{
			cand("far", 1000, 10, 0, fresh),
			cand("liked", 5, 1, 0, fresh),
			cand("disliked", 5, 0, 4, fresh),
			cand("quiet", 0, 0, 0, fresh),
		}, now)
		if maxE != 1000 || maxV != 10 {
			t.Fatalf("maxima = %d, %d, want 1000, 10", maxE, maxV)
		}
		if got := ids(entries); got[0] != "far" || got[1] != "liked" || got[2] != "disliked" || got[3] != "quiet" {
			t.Fatalf("order = %v", got)
		}
		d := leaderboard.Decay(time.Hour)
		want := d * (0.7*(0.6+0.4) + 0.3*leaderboard.Wilson(10, 0))
		if !near(entries[0].Final, want) || entries[0].V != 10 {
			t.Fatalf("far = %+v, want final %v", entries[0], want)
		}
		if entries[2].V != -4 || !near(entries[2].Weighted, 0.6*5.0/1000) || entries[2].Wilson != 0 {
			t.Fatalf("disliked = %+v", entries[2])
		}
	})

	t.Run("decay keeps a stale leader from holding the top", func(t *testing.T) {
		entries, _, _ := leaderboard.Rank([]store.BoardCandidate{
			cand("stale", 100, 20, 0, now.Add(-60*24*time.Hour)),
			cand("rising", 40, 8, 0, fresh),
		}, now)
		if got := ids(entries); got[0] != "rising" {
			t.Fatalf("order = %v, want the fresh prompt first", got)
		}
	})

	t.Run("only the best Size are kept", func(t *testing.T) {
		var pool []store.BoardCandidate
		for i := range leaderboard.Size + 30 {
			pool = append(pool, cand(string(rune('A'+i%26))+string(rune('a'+i/26)), int64(i), 0, 0, fresh))
		}
		entries, _, _ := leaderboard.Rank(pool, now)
		if len(entries) != leaderboard.Size || entries[0].E != int64(leaderboard.Size+29) || entries[len(entries)-1].Rank != leaderboard.Size {
			t.Fatalf("kept %d entries, first E %d", len(entries), entries[0].E)
		}
	})
}
