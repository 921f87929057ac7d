package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// listIDs lists the ids of one page of f (100 per page) and checks that the
// total agrees with the page.
func listIDs(t *testing.T, db *store.DB, f store.PromptFilter) []string {
	t.Helper()
	list, err := db.ListPrompts(context.Background(), f, store.Page{PerPage: 100})
	if err != nil {
		t.Fatalf("list %+v: %v", f, err)
	}
	if list.Total != len(list.Items) || list.TotalIsLowerBound {
		t.Fatalf("list %+v: total %d (lower bound %v) for %d items", f, list.Total, list.TotalIsLowerBound, len(list.Items))
	}
	out := []string{}
	for _, p := range list.Items {
		out = append(out, p.ID)
	}
	return out
}

// wantTagRowsInStep fails when prompt_tags no longer mirrors the prompts.
func wantTagRowsInStep(t *testing.T, db *store.DB, after string) {
	t.Helper()
	if diff, err := db.TagRowsOutOfStep(context.Background()); err != nil || len(diff) > 0 {
		t.Fatalf("after %s, prompt_tags is out of step with prompts (%v):\n%v", after, err, diff)
	}
}

func TestTagRowsFollowEveryWrite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { now = now.Add(time.Second); return now }
		ws := workspace(t, db, "ada")
		edit := func(id string, change func(p *krowoc.Prompt)) {
			t.Helper()
			if _, err := db.UpdatePrompt(ctx, id, "ada", func(p *krowoc.Prompt) error {
				change(p)
				return p.PromptContent.Normalize(catalog.Default(), nil)
			}); err != nil {
				t.Fatal(err)
			}
		}
		type step struct {
			name string
			f    store.PromptFilter
			want []string
		}
		check := func(after string, steps ...step) {
			t.Helper()
			wantTagRowsInStep(t, db, after)
			for _, s := range steps {
				s.f.WorkspaceID = ws
				if got := listIDs(t, db, s.f); fmt.Sprint(got) != fmt.Sprint(s.want) {
					t.Errorf("after %s, %s: got %v, want %v", after, s.name, got, s.want)
				}
			}
		}
		news := func(status krowoc.PromptStatus, sort store.PromptSort) store.PromptFilter {
			return store.PromptFilter{Tags: []string{"news"}, Status: status, Sort: sort}
		}

		a := create(t, db, ws, "ada", content(t, "Alpha", "first text", "news", "writing"))
		b := create(t, db, ws, "ada", content(t, "beta", "second text", "news"))
		c := create(t, db, ws, "ada", content(t, "Gamma", "third text", "news", "writing"))
		check("create",
			step{"news drafts by title", news(krowoc.StatusDraft, store.SortTitle), []string{a.ID, b.ID, c.ID}},
			step{"news by newest update", news("", ""), []string{c.ID, b.ID, a.ID}},
			step{"news by creation, oldest first", store.PromptFilter{Tags: []string{"news"}, Sort: store.SortCreated, Order: "asc"}, []string{a.ID, b.ID, c.ID}},
			step{"news and writing", store.PromptFilter{Tags: []string{"writing", "news"}, Sort: store.SortTitle}, []string{a.ID, c.ID}})

		edit(a.ID, func(p *krowoc.Prompt) { p.Title = "Zulu"; p.Tags = []string{"news", "ideas"} })
		check("an edit of title and tags",
			step{"news drafts by title", news(krowoc.StatusDraft, store.SortTitle), []string{b.ID, c.ID, a.ID}},
			step{"news by newest update", news("", ""), []string{a.ID, c.ID, b.ID}},
			step{"writing", store.PromptFilter{Tags: []string{"writing"}}, []string{c.ID}},
			step{"ideas", store.PromptFilter{Tags: []string{"ideas"}}, []string{a.ID}})

		if _, err := db.PublishPrompt(ctx, b.ID, "ada", krowoc.VisibilityPublic); err != nil {
			t.Fatal(err)
		}
		check("publishing in public",
			step{"published news", news(krowoc.StatusPublished, ""), []string{b.ID}},
			step{"public news", store.PromptFilter{Tags: []string{"news"}, Visibility: krowoc.VisibilityPublic}, []string{b.ID}},
			step{"news drafts", news(krowoc.StatusDraft, store.SortTitle), []string{c.ID, a.ID}})

		edit(b.ID, func(p *krowoc.Prompt) { p.Visibility = krowoc.VisibilityPrivate })
		check("making it private",
			step{"public news", store.PromptFilter{Tags: []string{"news"}, Visibility: krowoc.VisibilityPublic}, []string{}},
			step{"private news", store.PromptFilter{Tags: []string{"news"}, Visibility: krowoc.VisibilityPrivate, Sort: store.SortTitle}, []string{b.ID, c.ID, a.ID}})

		if _, err := db.ArchivePrompt(ctx, a.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		check("archiving",
			step{"archived news", news(krowoc.StatusArchived, ""), []string{a.ID}},
			step{"news drafts", news(krowoc.StatusDraft, ""), []string{c.ID}})

		if _, err := db.UnarchivePrompt(ctx, a.ID, "ada", krowoc.StatusDraft); err != nil {
			t.Fatal(err)
		}
		check("unarchiving to draft",
			step{"archived news", news(krowoc.StatusArchived, ""), []string{}},
			step{"news drafts", news(krowoc.StatusDraft, store.SortTitle), []string{c.ID, a.ID}})

		// Publish v1 as "Zulu", rename the draft, then restore v1's title.
		if _, err := db.PublishPrompt(ctx, a.ID, "ada", ""); err != nil {
			t.Fatal(err)
		}
		edit(a.ID, func(p *krowoc.Prompt) { p.Title = "Aardvark" })
		check("renaming after publishing",
			step{"published news by title", news(krowoc.StatusPublished, store.SortTitle), []string{a.ID, b.ID}})
		if _, err := db.RestoreVersion(ctx, a.ID, 1, "ada"); err != nil {
			t.Fatal(err)
		}
		check("restoring v1",
			step{"published news by title", news(krowoc.StatusPublished, store.SortTitle), []string{b.ID, a.ID}})

		if _, err := db.ArchivePrompt(ctx, a.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UnarchivePrompt(ctx, a.ID, "ada", krowoc.StatusPublished); err != nil {
			t.Fatal(err)
		}
		check("unarchiving to published",
			step{"published news by title", news(krowoc.StatusPublished, store.SortTitle), []string{b.ID, a.ID}})

		if err := db.DeletePrompt(ctx, c.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		check("moving to the trash",
			step{"news", news("", store.SortTitle), []string{b.ID, a.ID}},
			step{"writing", store.PromptFilter{Tags: []string{"writing"}}, []string{}},
			step{"news in the trash", store.PromptFilter{Tags: []string{"news"}, Deleted: true}, []string{c.ID}})
		if tags, err := db.ListTags(ctx, ws); err != nil || fmt.Sprint(tags) != "[{news 2} {ideas 1}]" {
			t.Errorf("tags with one prompt in the trash = %v, %v", tags, err)
		}

		if _, err := db.UndeletePrompt(ctx, c.ID, "ada", 0); err != nil {
			t.Fatal(err)
		}
		check("restoring from the trash",
			step{"news", news("", store.SortTitle), []string{b.ID, c.ID, a.ID}},
			step{"writing", store.PromptFilter{Tags: []string{"writing"}}, []string{c.ID}},
			step{"news in the trash", store.PromptFilter{Tags: []string{"news"}, Deleted: true}, []string{}})

		res, err := db.ImportPrompts(ctx, []krowoc.ExportedPrompt{
			{PromptContent: content(t, "Imported", "imported text", "news"), Status: krowoc.StatusArchived,
				Visibility: krowoc.VisibilityPrivate, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)},
		}, store.ImportOptions{WorkspaceID: ws, UserID: "ada", OnConflict: store.ImportCopy})
		if err != nil {
			t.Fatal(err)
		}
		imported := res.Created[0].ID
		check("importing",
			step{"archived news", news(krowoc.StatusArchived, ""), []string{imported}},
			step{"news by oldest update", store.PromptFilter{Tags: []string{"news"}, Order: "asc"}, []string{imported, c.ID, b.ID, a.ID}})

		// A fork lands in another workspace as a private draft with the tags.
		bobWS := workspace(t, db, "bob")
		_, err = db.ForkPrompt(ctx, store.Fork{PromptID: b.ID, WorkspaceID: bobWS, UserID: "bob"})
		wantCode(t, err, krowoc.ECodeNotFound) // b was made private
		if _, err := db.PublishPrompt(ctx, b.ID, "ada", krowoc.VisibilityPublic); err != nil {
			t.Fatal(err)
		}
		fork, err := db.ForkPrompt(ctx, store.Fork{PromptID: b.ID, WorkspaceID: bobWS, UserID: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		wantTagRowsInStep(t, db, "forking")
		if got := listIDs(t, db, store.PromptFilter{WorkspaceID: bobWS, Tags: []string{"news"}, Status: krowoc.StatusDraft,
			Visibility: krowoc.VisibilityPrivate}); fmt.Sprint(got) != fmt.Sprint([]string{fork.ID}) {
			t.Errorf("bob's news drafts = %v, want the fork", got)
		}

		// Purges remove the tag rows with the prompts.
		if err := db.DeletePrompt(ctx, imported, "ada"); err != nil {
			t.Fatal(err)
		}
		if err := db.PurgePrompt(ctx, imported); err != nil {
			t.Fatal(err)
		}
		check("purging one prompt",
			step{"archived news", news(krowoc.StatusArchived, ""), []string{}},
			step{"news in the trash", store.PromptFilter{Tags: []string{"news"}, Deleted: true}, []string{}})
		if err := db.DeletePrompt(ctx, c.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.PurgeTrash(ctx, now.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("purge trash = %d, %v", n, err)
		}
		check("purging the trash",
			step{"news", news("", store.SortTitle), []string{b.ID, a.ID}},
			step{"writing", store.PromptFilter{Tags: []string{"writing"}}, []string{}})

		// Deleting a user's data removes their workspace, prompts and tags.
		if err := db.DeleteUserData(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
		wantTagRowsInStep(t, db, "deleting a user's workspace")
		if got := listIDs(t, db, store.PromptFilter{WorkspaceID: bobWS, Tags: []string{"news"}}); len(got) != 0 {
			t.Errorf("the deleted workspace still lists %v", got)
		}
	})
}

func TestTaggedPagesAndTotals(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		other := workspace(t, db, "bob")
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { now = now.Add(time.Second); return now }
		// 30 prompts tagged "a"; every third also "b"; the even ones archived.
		var want, wantBoth []string
		for i := range 30 {
			tags := []string{"a"}
			if i%3 == 0 {
				tags = append(tags, "b")
			}
			p := create(t, db, ws, "ada", content(t, fmt.Sprintf("Prompt %02d", i), "text", tags...))
			if i%2 == 0 {
				if _, err := db.ArchivePrompt(ctx, p.ID, "ada"); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want = append(want, p.ID)
			if i%3 == 0 {
				wantBoth = append(wantBoth, p.ID)
			}
		}
		create(t, db, other, "bob", content(t, "Prompt 00", "text", "a", "b"))

		f := store.PromptFilter{WorkspaceID: ws, Tags: []string{"a"}, Status: krowoc.StatusDraft, Sort: store.SortTitle}
		var got []string
		for n := 1; n <= 3; n++ {
			page, err := db.ListPrompts(ctx, f, store.Page{Number: n, PerPage: 6})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 15 || page.TotalIsLowerBound {
				t.Fatalf("page %d: total %d (lower bound %v), want 15", n, page.Total, page.TotalIsLowerBound)
			}
			for _, p := range page.Items {
				got = append(got, p.ID)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("three pages of drafts tagged a, by title:\n got %v\nwant %v", got, want)
		}
		f.Tags = []string{"b", "A"}
		if got := listIDs(t, db, f); fmt.Sprint(got) != fmt.Sprint(wantBoth) {
			t.Errorf("drafts tagged a and b = %v, want %v", got, wantBoth)
		}
		f.Order = "desc"
		if got := listIDs(t, db, f); len(got) != len(wantBoth) || got[0] != wantBoth[len(wantBoth)-1] {
			t.Errorf("drafts tagged a and b, Z to A = %v", got)
		}
		f.Tags = []string{"a", "missing"}
		if got := listIDs(t, db, f); len(got) != 0 {
			t.Errorf("a tag nobody has matched %v", got)
		}
		// A tag filter with a search or a usage sort takes the general path.
		f = store.PromptFilter{WorkspaceID: ws, Tags: []string{"b"}, Query: "prompt", Status: krowoc.StatusDraft, Sort: store.SortTitle}
		if got := listIDs(t, db, f); fmt.Sprint(got) != fmt.Sprint(wantBoth) {
			t.Errorf("search within tag b = %v, want %v", got, wantBoth)
		}
		f = store.PromptFilter{WorkspaceID: ws, Tags: []string{"b"}, Status: krowoc.StatusDraft, Sort: store.SortUsage}
		if got := listIDs(t, db, f); len(got) != len(wantBoth) {
			t.Errorf("tag b by usage = %v, want %d prompts", got, len(wantBoth))
		}
	})
}

func TestSearchIsScopedToWorkspaceAndTrash(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		other := workspace(t, db, "bob")
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { now = now.Add(time.Second); return now }
		long := create(t, db, ws, "ada", content(t, "Internationalization", "Localize the interface"))
		short := create(t, db, ws, "ada", content(t, "Intro", "A short interview"))
		create(t, db, other, "bob", content(t, "Internationalization", "Localize the interface"))
		search := func(f store.PromptFilter) []string {
			t.Helper()
			f.WorkspaceID = ws
			return listIDs(t, db, f)
		}
		// Prefixes of every length, shorter and longer than the indexed ones;
		// newest first, and only this workspace's prompts.
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"i", []string{short.ID, long.ID}},
			{"in", []string{short.ID, long.ID}},
			{"int", []string{short.ID, long.ID}},
			{"inter", []string{short.ID, long.ID}},
			{"interv", []string{short.ID}},
			{"internat", []string{long.ID}},
			{"internationalization", []string{long.ID}},
			{"internationalizations", []string{}},
			{"intro interview", []string{short.ID}},
			{"localize intro", []string{}},
		} {
			if got := search(store.PromptFilter{Query: tc.q}); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("search %q = %v, want %v", tc.q, got, tc.want)
			}
		}
		if got := search(store.PromptFilter{Query: "inter", Sort: store.SortTitle}); fmt.Sprint(got) != fmt.Sprint([]string{long.ID, short.ID}) {
			t.Errorf("search sorted by title = %v", got)
		}
		if got := search(store.PromptFilter{Query: "  "}); len(got) != 2 {
			t.Errorf("a blank search should list everything, got %v", got)
		}

		// The trash is searched apart from the live prompts, and a restored
		// prompt is found among them again.
		if err := db.DeletePrompt(ctx, long.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		if got := search(store.PromptFilter{Query: "inter"}); fmt.Sprint(got) != fmt.Sprint([]string{short.ID}) {
			t.Errorf("live search after trashing = %v", got)
		}
		if got := search(store.PromptFilter{Query: "inter", Deleted: true}); fmt.Sprint(got) != fmt.Sprint([]string{long.ID}) {
			t.Errorf("trash search = %v", got)
		}
		if _, err := db.UndeletePrompt(ctx, long.ID, "ada", 0); err != nil {
			t.Fatal(err)
		}
		if got := search(store.PromptFilter{Query: "localize"}); fmt.Sprint(got) != fmt.Sprint([]string{long.ID}) {
			t.Errorf("search after restoring = %v", got)
		}
		if got := search(store.PromptFilter{Query: "inter", Deleted: true}); len(got) != 0 {
			t.Errorf("trash search after restoring = %v", got)
		}

		// Deleting a workspace takes its prompts out of the search index; a
		// workspace created afterwards does not see them.
		before, err := db.SearchIndexRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteUserData(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
		after, err := db.SearchIndexRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.SQLite && after != before-1 {
			t.Errorf("search index rows: %d before deleting bob's workspace, %d after; want one fewer", before, after)
		}
		carol := workspace(t, db, "carol")
		if got := listIDs(t, db, store.PromptFilter{WorkspaceID: carol, Query: "localize"}); len(got) != 0 {
			t.Errorf("a new workspace finds %v", got)
		}
		if got := search(store.PromptFilter{Query: "localize"}); fmt.Sprint(got) != fmt.Sprint([]string{long.ID}) {
			t.Errorf("search after another workspace went = %v", got)
		}
	})
}

// TestMigrationBackfillsListColumns writes prompts the way the schema before
// migration 0011 held them, migrates, and lists them by tag and by search.
func TestMigrationBackfillsListColumns(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.OpenEmpty(t, d)
			if err := db.MigrateTo(ctx, 10); err != nil {
				t.Fatal(err)
			}
			prompts := []struct {
				id, ws, title, status, text string
				tags                        []string
				deletedAt                   any
			}{
				{"p1", "w1", "Bravo", "draft", "shared words here", []string{"news", "ideas"}, nil},
				{"p2", "w1", "alpha", "draft", "shared words there", []string{"news"}, nil},
				{"p3", "w1", "Charlie", "archived", "shared words", []string{"news"}, nil},
				{"p4", "w1", "Delta", "draft", "shared words", []string{"news"}, int64(5000)},
				{"p5", "w2", "Echo", "draft", "shared words", []string{"news"}, nil},
			}
			err := db.BenchmarkUpdate(ctx, func(exec func(q string, args ...any) error) error {
				for i, ws := range []string{"w1", "w2"} {
					if err := exec(`INSERT INTO workspaces (id, name, kind, owner_id, created_at, updated_at) VALUES (?, ?, 'team', 'u', ?, ?)`,
						ws, ws, i, i); err != nil {
						return err
					}
				}
				for i, p := range prompts {
					tags, _ := json.Marshal(p.tags)
					if err := exec(`INSERT INTO prompts (id, workspace_id, owner_id, title, title_key, tags, status, created_by, updated_by,
						created_at, updated_at, deleted_at) VALUES (?, ?, 'u', ?, ?, ?, ?, 'u', 'u', ?, ?, ?)`,
						p.id, p.ws, p.title, strings.ToLower(p.title), string(tags), p.status, 1000+i, 2000+i, p.deletedAt); err != nil {
						return err
					}
					if err := exec(`INSERT INTO prompt_texts (prompt_id, prompt_text) VALUES (?, ?)`, p.id, p.text); err != nil {
						return err
					}
					for _, tag := range p.tags {
						if err := exec(`INSERT INTO prompt_tags (prompt_id, workspace_id, tag) VALUES (?, ?, ?)`, p.id, p.ws, tag); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			wantTagRowsInStep(t, db, "migrating")
			for _, tc := range []struct {
				name string
				f    store.PromptFilter
				want []string
			}{
				{"news drafts by title", store.PromptFilter{WorkspaceID: "w1", Tags: []string{"news"}, Status: krowoc.StatusDraft, Sort: store.SortTitle}, []string{"p2", "p1"}},
				{"news by newest update", store.PromptFilter{WorkspaceID: "w1", Tags: []string{"news"}}, []string{"p3", "p2", "p1"}},
				{"news in the trash", store.PromptFilter{WorkspaceID: "w1", Tags: []string{"news"}, Deleted: true}, []string{"p4"}},
				{"search, newest added first", store.PromptFilter{WorkspaceID: "w1", Query: "shared"}, []string{"p3", "p2", "p1"}},
				{"search the trash", store.PromptFilter{WorkspaceID: "w1", Query: "words", Deleted: true}, []string{"p4"}},
				{"search another workspace", store.PromptFilter{WorkspaceID: "w2", Query: "shared"}, []string{"p5"}},
			} {
				if got := listIDs(t, db, tc.f); fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				}
			}
			// A workspace created after the migration has a search scope of its own.
			ws := workspace(t, db, "ada")
			create(t, db, ws, "ada", content(t, "Mine", "shared words"))
			if got := listIDs(t, db, store.PromptFilter{WorkspaceID: "w2", Query: "shared"}); fmt.Sprint(got) != "[p5]" {
				t.Errorf("w2 search after a new workspace's prompt = %v", got)
			}
			if got := listIDs(t, db, store.PromptFilter{WorkspaceID: ws, Query: "shared"}); len(got) != 1 {
				t.Errorf("the new workspace's search = %v", got)
			}
		})
	}
}

func TestSearchTotalsStopAtTheCap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		db.SetSearchCountCap(3)
		var ids []string
		for i := range 5 {
			p := create(t, db, ws, "ada", content(t, fmt.Sprintf("Prompt %d", i), "common words", "tag"))
			ids = append(ids, p.ID)
		}
		create(t, db, ws, "ada", content(t, "Other", "rare words", "tag"))
		list := func(f store.PromptFilter, page store.Page) store.PromptPage {
			t.Helper()
			f.WorkspaceID = ws
			got, err := db.ListPrompts(ctx, f, page)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		for _, tc := range []struct {
			name       string
			f          store.PromptFilter
			total      int
			lowerBound bool
		}{
			{"a search past the cap", store.PromptFilter{Query: "common"}, 3, true},
			{"a search past the cap, with a filter", store.PromptFilter{Query: "common", Status: krowoc.StatusDraft, Tags: []string{"tag"}}, 3, true},
			{"a search past the cap, by title", store.PromptFilter{Query: "words", Sort: store.SortTitle}, 3, true},
			{"a search under the cap", store.PromptFilter{Query: "rare"}, 1, false},
			{"a list without a search", store.PromptFilter{}, 6, false},
			{"a tag without a search", store.PromptFilter{Tags: []string{"tag"}}, 6, false},
		} {
			got := list(tc.f, store.Page{PerPage: 2})
			if got.Total != tc.total || got.TotalIsLowerBound != tc.lowerBound {
				t.Errorf("%s: total %d (lower bound %v), want %d (%v)", tc.name, got.Total, got.TotalIsLowerBound, tc.total, tc.lowerBound)
			}
		}
		// Pages past the counted matches still list the rest.
		var got []string
		for n := 1; n <= 4; n++ {
			for _, p := range list(store.PromptFilter{Query: "common"}, store.Page{Number: n, PerPage: 2}).Items {
				got = append([]string{p.ID}, got...) // newest first, so reverse
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("every page of a capped search = %v, want %v", got, ids)
		}
		db.SetSearchCountCap(5)
		if got := list(store.PromptFilter{Query: "common"}, store.Page{}); got.Total != 5 || got.TotalIsLowerBound {
			t.Errorf("exactly the cap: total %d (lower bound %v), want 5 exactly", got.Total, got.TotalIsLowerBound)
		}
	})
}
