package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func publish(t *testing.T, db *store.DB, id, user string, vis krowoc.Visibility) {
	t.Helper()
	if _, err := db.PublishPrompt(context.Background(), id, user, vis); err != nil {
		t.Fatal(err)
	}
}

func TestVoteRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ann")
		p := create(t, db, ws, "ann", content(t, "Voted", "text"))

		// Drafts and private prompts cannot be voted on, and say not_found.
		_, err := db.Vote(ctx, p.ID, "bob", 1)
		wantCode(t, err, krowoc.ECodeNotFound)
		publish(t, db, p.ID, "ann", krowoc.VisibilityPrivate)
		_, err = db.Vote(ctx, p.ID, "bob", 1)
		wantCode(t, err, krowoc.ECodeNotFound)
		publish(t, db, p.ID, "ann", krowoc.VisibilityPublic)

		// Authors cannot vote on their own prompts.
		_, err = db.Vote(ctx, p.ID, "ann", 1)
		wantCode(t, err, krowoc.ECodeForbidden)

		steps := []struct {
			user     string
			value    int
			up, down int64
			mine     int
		}{
			{"bob", 1, 1, 0, 1},
			{"bob", 1, 1, 0, 1}, // one vote per user: voting the same again changes nothing
			{"cat", -1, 1, 1, -1},
			{"bob", -1, 0, 2, -1}, // changed
			{"bob", 0, 0, 1, 0},   // retracted
			{"bob", 0, 0, 1, 0},   // retracting twice is fine
		}
		for i, s := range steps {
			tally, err := db.Vote(ctx, p.ID, s.user, s.value)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if tally.Up != s.up || tally.Down != s.down || tally.Net != s.up-s.down || tally.Mine != s.mine {
				t.Fatalf("step %d (%s votes %d): tally %+v, want up %d down %d mine %d", i, s.user, s.value, tally, s.up, s.down, s.mine)
			}
		}
		_, err = db.Vote(ctx, p.ID, "bob", 2)
		wantCode(t, err, krowoc.ECodeValidation)

		if mine, err := db.VoteTally(ctx, p.ID, "cat"); err != nil || mine.Mine != -1 {
			t.Fatalf("cat's tally = %+v (%v)", mine, err)
		}

		// Concurrent votes by many users never lose a count.
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				if _, err := db.Vote(ctx, p.ID, "voter"+string(rune('a'+i)), 1); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		tally, err := db.VoteTally(ctx, p.ID, "")
		if err != nil || tally.Up != 20 || tally.Down != 1 || tally.Mine != 0 {
			t.Fatalf("after concurrent votes: %+v (%v)", tally, err)
		}
	})
}

func TestForkLineageAndQuota(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		annWS := workspace(t, db, "ann")
		origin := create(t, db, annWS, "ann", content(t, "Origin", "Published text {{x}}", "tag1"))
		bobWS := workspace(t, db, "bob")

		_, err := db.ForkPrompt(ctx, store.Fork{PromptID: origin.ID, WorkspaceID: bobWS, UserID: "bob"})
		wantCode(t, err, krowoc.ECodeNotFound) // a draft is not public

		publish(t, db, origin.ID, "ann", krowoc.VisibilityPublic)
		// The working draft moves on; a fork copies the published version.
		if _, err := db.UpdatePrompt(ctx, origin.ID, "ann", func(p *krowoc.Prompt) error {
			p.PromptText = "Secret draft text"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		fork, err := db.ForkPrompt(ctx, store.Fork{PromptID: origin.ID, WorkspaceID: bobWS, UserID: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.GetPrompt(ctx, fork.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.PromptText != "Published text {{x}}" || stored.Title != "Origin" || stored.Status != krowoc.StatusDraft ||
			stored.Visibility != krowoc.VisibilityPrivate || stored.OwnerID != "bob" || stored.WorkspaceID != bobWS {
			t.Fatalf("fork = %+v", stored)
		}
		if o := stored.ForkedFrom; o == nil || o.PromptID != origin.ID || o.Version != 1 || o.AuthorID != "ann" {
			t.Fatalf("fork origin = %+v", stored.ForkedFrom)
		}
		pub, err := db.GetPublicPrompt(ctx, origin.ID)
		if err != nil || pub.Stats.Forks != 1 {
			t.Fatalf("origin stats = %+v (%v)", pub, err)
		}

		// Forks count against the forking user's quota, atomically.
		for i := 1; i < 3; i++ {
			if _, err := db.ForkPrompt(ctx, store.Fork{PromptID: origin.ID, WorkspaceID: bobWS, UserID: "bob", Limit: 3}); err != nil {
				t.Fatalf("fork %d: %v", i, err)
			}
		}
		_, err = db.ForkPrompt(ctx, store.Fork{PromptID: origin.ID, WorkspaceID: bobWS, UserID: "bob", Limit: 3})
		wantCode(t, err, krowoc.ECodeQuotaExceeded)
		if n, _ := db.CountOwnedPrompts(ctx, "bob"); n != 3 {
			t.Fatalf("bob owns %d prompts, want 3", n)
		}
		pub, _ = db.GetPublicPrompt(ctx, origin.ID)
		if pub.Stats.Forks != 3 {
			t.Fatalf("forks = %d after a refused fork, want 3", pub.Stats.Forks)
		}
	})
}

func TestPublicPromptNeverLeaks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ann")
		p := create(t, db, ws, "ann", content(t, "Public title", "Version one"))
		_, err := db.GetPublicPrompt(ctx, p.ID)
		wantCode(t, err, krowoc.ECodeNotFound) // draft

		publish(t, db, p.ID, "ann", krowoc.VisibilityPrivate)
		_, err = db.GetPublicPrompt(ctx, p.ID)
		wantCode(t, err, krowoc.ECodeNotFound) // private

		publish(t, db, p.ID, "ann", krowoc.VisibilityPublic)
		if _, err := db.UpdatePrompt(ctx, p.ID, "ann", func(p *krowoc.Prompt) error {
			p.Title, p.PromptText = "Draft title", "Draft text"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetPublicPrompt(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Public title" || got.PromptText != "Version one" || got.Version != 1 || got.AuthorID != "ann" {
			t.Fatalf("public prompt shows %+v, want the published version only", got)
		}

		if _, err := db.ArchivePrompt(ctx, p.ID, "ann"); err != nil {
			t.Fatal(err)
		}
		_, err = db.GetPublicPrompt(ctx, p.ID)
		wantCode(t, err, krowoc.ECodeNotFound) // archived
		if _, err := db.UnarchivePrompt(ctx, p.ID, "ann", krowoc.StatusPublished); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetPublicPrompt(ctx, p.ID); err != nil {
			t.Fatalf("unarchived to published: %v", err)
		}
		if err := db.DeletePrompt(ctx, p.ID, "ann"); err != nil {
			t.Fatal(err)
		}
		_, err = db.GetPublicPrompt(ctx, p.ID)
		wantCode(t, err, krowoc.ECodeNotFound) // in the trash
	})
}

func TestListSortsByUsageAndVotes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ann")
		var ids []string
		for _, title := range []string{"A", "B", "C"} {
			p := create(t, db, ws, "ann", content(t, title, "text"))
			publish(t, db, p.ID, "ann", krowoc.VisibilityPublic)
			ids = append(ids, p.ID)
		}
		v := 1
		execute := func(id string, n int) {
			for range n {
				x := &krowoc.Execution{WorkspaceID: ws, UserID: "ann", PromptID: id, PromptVersion: &v, Model: "openai:gpt-4o-mini", Provider: "openai"}
				if err := db.StartExecution(ctx, x); err != nil {
					t.Fatal(err)
				}
				x.Status = krowoc.ExecSucceeded
				if err := db.FinishExecution(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
		}
		execute(ids[1], 3)
		execute(ids[2], 1)
		failed := &krowoc.Execution{WorkspaceID: ws, UserID: "ann", PromptID: ids[0], Model: "openai:gpt-4o-mini", Provider: "openai"}
		_ = db.StartExecution(ctx, failed)
		failed.Status = krowoc.ExecFailed
		_ = db.FinishExecution(ctx, failed)
		for _, u := range []string{"u1", "u2"} {
			if _, err := db.Vote(ctx, ids[2], u, 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Vote(ctx, ids[1], "u1", -1); err != nil {
			t.Fatal(err)
		}

		order := func(sort store.PromptSort, dir string) []string {
			page, err := db.ListPrompts(ctx, store.PromptFilter{WorkspaceID: ws, Sort: sort, Order: dir}, store.Page{})
			list := page.Items
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range list {
				out = append(out, s.Title)
			}
			return out
		}
		for _, tt := range []struct {
			sort store.PromptSort
			dir  string
			want string
		}{
			{store.SortUsage, "", "[B C A]"},
			{store.SortUsage, "asc", "[A C B]"},
			{store.SortVotes, "", "[C A B]"},
		} {
			if got := order(tt.sort, tt.dir); fmtList(got) != tt.want {
				t.Errorf("sort %s %s = %v, want %s", tt.sort, tt.dir, got, tt.want)
			}
		}
		page, _ := db.ListPrompts(ctx, store.PromptFilter{WorkspaceID: ws, Sort: store.SortUsage}, store.Page{})
		list := page.Items
		if list[0].Executions != 3 || list[1].Votes != 2 {
			t.Fatalf("summaries carry the counters: %+v", list)
		}
	})
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}
