package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func content(t *testing.T, title, text string, tags ...string) krowoc.PromptContent {
	t.Helper()
	c := krowoc.PromptContent{Title: title, PromptText: text, Tags: tags}
	if err := c.Normalize(catalog.Default(), nil); err != nil {
		t.Fatalf("normalize %q: %v", title, err)
	}
	return c
}

func workspace(t *testing.T, db *store.DB, user string) string {
	t.Helper()
	ws, err := db.EnsurePersonalWorkspace(context.Background(), user, user)
	if err != nil {
		t.Fatal(err)
	}
	return ws.ID
}

func create(t *testing.T, db *store.DB, ws, user string, c krowoc.PromptContent) *krowoc.Prompt {
	t.Helper()
	p, err := db.CreatePrompt(context.Background(), store.NewPrompt{WorkspaceID: ws, UserID: user, Content: c, Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPromptLifecycleAndVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		p := create(t, db, ws, "ada", content(t, "Summarize", "Summarize {{text}} in {{ words }} words", " Writing", "writing", "NEWS "))
		if p.Status != krowoc.StatusDraft || p.Visibility != krowoc.VisibilityPrivate || p.LatestVersion != 0 {
			t.Fatalf("new prompt = %+v", p)
		}
		got, err := db.GetPrompt(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.Tags) != "[writing news]" || len(got.Variables) != 2 || got.Variables[1].Name != "words" {
			t.Fatalf("stored prompt tags %v variables %+v", got.Tags, got.Variables)
		}

		p1, err := db.PublishPrompt(ctx, p.ID, "ada", "")
		if err != nil {
			t.Fatal(err)
		}
		if p1.Status != krowoc.StatusPublished || p1.LatestVersion != 1 || *p1.PublishedVersion != 1 || p1.HasDraftChanges {
			t.Fatalf("after publish = %+v", p1)
		}
		_, err = db.PublishPrompt(ctx, p.ID, "ada", "")
		wantCode(t, err, krowoc.ECodeConflict)

		// Editing a published prompt changes the working draft only.
		edited, err := db.UpdatePrompt(ctx, p.ID, "ada", func(p *krowoc.Prompt) error {
			p.PromptText = "Summarize {{text}} briefly"
			return p.PromptContent.Normalize(catalog.Default(), nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !edited.HasDraftChanges || edited.Status != krowoc.StatusPublished || *edited.PublishedVersion != 1 {
			t.Fatalf("after edit = %+v", edited)
		}
		v1, err := db.GetVersion(ctx, p.ID, 1)
		if err != nil || v1.PromptText != "Summarize {{text}} in {{ words }} words" {
			t.Fatalf("v1 = %+v, %v", v1, err)
		}

		p2, err := db.PublishPrompt(ctx, p.ID, "ada", krowoc.VisibilityPublic)
		if err != nil {
			t.Fatal(err)
		}
		if p2.LatestVersion != 2 || *p2.PublishedVersion != 2 || p2.Visibility != krowoc.VisibilityPublic {
			t.Fatalf("after second publish = %+v", p2)
		}
		versions, err := db.ListVersions(ctx, p.ID)
		if err != nil || len(versions) != 2 || versions[0].Version != 2 {
			t.Fatalf("versions = %+v, %v", versions, err)
		}

		restored, err := db.RestoreVersion(ctx, p.ID, 1, "ada")
		if err != nil {
			t.Fatal(err)
		}
		if restored.PromptText != v1.PromptText || !restored.HasDraftChanges || *restored.PublishedVersion != 2 {
			t.Fatalf("after restore = %+v", restored)
		}
		_, err = db.RestoreVersion(ctx, p.ID, 9, "ada")
		wantCode(t, err, krowoc.ECodeNotFound)

		archived, err := db.ArchivePrompt(ctx, p.ID, "ada")
		if err != nil || archived.Status != krowoc.StatusArchived {
			t.Fatalf("archive = %+v, %v", archived, err)
		}
		_, err = db.PublishPrompt(ctx, p.ID, "ada", "")
		wantCode(t, err, krowoc.ECodeConflict)
		back, err := db.UnarchivePrompt(ctx, p.ID, "ada", krowoc.StatusPublished)
		if err != nil || back.Status != krowoc.StatusPublished || *back.PublishedVersion != 2 {
			t.Fatalf("unarchive to published = %+v, %v", back, err)
		}
		_, err = db.UpdatePrompt(ctx, p.ID, "ada", func(p *krowoc.Prompt) error { return nil })
		if err != nil {
			t.Fatal(err)
		}

		// A draft cannot be public.
		d := create(t, db, ws, "ada", content(t, "Draft", "text"))
		_, err = db.UpdatePrompt(ctx, d.ID, "ada", func(p *krowoc.Prompt) error {
			p.Visibility = krowoc.VisibilityPublic
			return nil
		})
		wantCode(t, err, krowoc.ECodeValidation)
		_, err = db.UnarchivePrompt(ctx, d.ID, "ada", krowoc.StatusDraft)
		wantCode(t, err, krowoc.ECodeConflict)
	})
}

func TestVersionsAreImmutable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		p := create(t, db, ws, "ada", content(t, "T", "original"))
		if _, err := db.PublishPrompt(ctx, p.ID, "ada", ""); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE prompt_versions SET prompt_text = 'tampered' WHERE prompt_id = ?`,
			`UPDATE prompt_versions SET version = 7 WHERE prompt_id = ?`,
		} {
			if err := db.RawExec(ctx, q, p.ID); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
		v, err := db.GetVersion(ctx, p.ID, 1)
		if err != nil || v.PromptText != "original" {
			t.Fatalf("v1 after tampering = %+v, %v", v, err)
		}
	})
}

func TestQuotaIsAtomic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "free")
		for i := range 45 {
			if _, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "free", Content: content(t, fmt.Sprint("p", i), "x"), Limit: 50}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		refused := 0
		for i := range 20 {
			wg.Go(func() {
				_, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "free", Content: content(t, fmt.Sprint("race", i), "x"), Limit: 50})
				if err != nil {
					if krowoc.ErrorCode(err) != krowoc.ECodeQuotaExceeded {
						t.Error(err)
					}
					mu.Lock()
					refused++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		all, err := db.ListPrompts(ctx, store.PromptFilter{WorkspaceID: ws}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		total := all.Total
		count, _ := db.CountOwnedPrompts(ctx, "free")
		if total != 50 || count != 50 || refused != 15 {
			t.Fatalf("after the race: %d prompts, count %d, %d refused; want 50, 50, 15", total, count, refused)
		}

		// The refusal says the limit and the count and writes nothing.
		_, err = db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "free", Content: content(t, "one more", "x"), Limit: 50})
		e, _ := err.(*krowoc.Error)
		if e == nil || e.Code != krowoc.ECodeQuotaExceeded || e.Extra["limit"] != 50 || e.Extra["count"] != 50 {
			t.Fatalf("over quota: %v", err)
		}

		// Deleting frees a place; restoring from the trash needs one.
		page, _ := db.ListPrompts(ctx, store.PromptFilter{WorkspaceID: ws}, store.Page{PerPage: 2})
		list := page.Items
		if err := db.DeletePrompt(ctx, list[0].ID, "free"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: ws, UserID: "free", Content: content(t, "fits", "x"), Limit: 50}); err != nil {
			t.Fatalf("create after delete: %v", err)
		}
		_, err = db.UndeletePrompt(ctx, list[0].ID, "free", 50)
		wantCode(t, err, krowoc.ECodeQuotaExceeded)
		if _, err := db.UndeletePrompt(ctx, list[0].ID, "free", 0); err != nil {
			t.Fatalf("undelete with no limit: %v", err)
		}
	})
}

func TestListFiltersSearchAndSort(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := workspace(t, db, "ada")
		other := workspace(t, db, "bob")
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { now = now.Add(time.Second); return now }
		a := create(t, db, ws, "ada", content(t, "Summarize news", "Summarize the article in three bullet points", "news", "writing"))
		b := create(t, db, ws, "ada", content(t, "Translate", "Translate the text into French", "writing"))
		c := create(t, db, ws, "ada", content(t, "apple pie recipe", "Write a recipe", "cooking"))
		create(t, db, other, "bob", content(t, "Summarize too", "Summarize", "news"))
		if _, err := db.PublishPrompt(ctx, b.ID, "ada", ""); err != nil {
			t.Fatal(err)
		}

		ids := func(f store.PromptFilter) []string {
			t.Helper()
			f.WorkspaceID = ws
			list, err := db.ListPrompts(ctx, f, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if list.Total != len(list.Items) || list.TotalIsLowerBound {
				t.Fatalf("total %d (lower bound %v) != %d items", list.Total, list.TotalIsLowerBound, len(list.Items))
			}
			out := []string{}
			for _, p := range list.Items {
				out = append(out, p.ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    store.PromptFilter
			want []string
		}{
			{"all, newest update first", store.PromptFilter{}, []string{b.ID, c.ID, a.ID}},
			{"created ascending", store.PromptFilter{Sort: store.SortCreated, Order: "asc"}, []string{a.ID, b.ID, c.ID}},
			{"title A to Z, ignoring case", store.PromptFilter{Sort: store.SortTitle}, []string{c.ID, a.ID, b.ID}},
			{"one tag", store.PromptFilter{Tags: []string{"writing"}}, []string{b.ID, a.ID}},
			{"every tag must match", store.PromptFilter{Tags: []string{"Writing", "news"}}, []string{a.ID}},
			{"status", store.PromptFilter{Status: krowoc.StatusPublished}, []string{b.ID}},
			{"search by word prefix", store.PromptFilter{Query: "summar"}, []string{a.ID}},
			{"search text body", store.PromptFilter{Query: "french"}, []string{b.ID}},
			{"search every word", store.PromptFilter{Query: "bullet article"}, []string{a.ID}},
			{"search tags", store.PromptFilter{Query: "cooking"}, []string{c.ID}},
			{"search punctuation only", store.PromptFilter{Query: `"*:()`}, []string{}},
			{"search with quotes", store.PromptFilter{Query: `"recipe" OR`}, []string{}},
		}
		for _, tc := range cases {
			if got := ids(tc.f); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}

		// Search follows edits, and deleted prompts leave the list for the trash.
		if _, err := db.UpdatePrompt(ctx, c.ID, "ada", func(p *krowoc.Prompt) error {
			p.PromptText = "Bake a cake"
			return p.PromptContent.Normalize(catalog.Default(), nil)
		}); err != nil {
			t.Fatal(err)
		}
		if got := ids(store.PromptFilter{Query: "cake"}); fmt.Sprint(got) != fmt.Sprint([]string{c.ID}) {
			t.Errorf("search after edit = %v", got)
		}
		if err := db.DeletePrompt(ctx, c.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		if got := ids(store.PromptFilter{Query: "cake"}); len(got) != 0 {
			t.Errorf("deleted prompt still found: %v", got)
		}
		if got := ids(store.PromptFilter{Deleted: true}); fmt.Sprint(got) != fmt.Sprint([]string{c.ID}) {
			t.Errorf("trash = %v", got)
		}
		tags, err := db.ListTags(ctx, ws)
		if err != nil || fmt.Sprint(tags) != "[{writing 2} {news 1}]" {
			t.Errorf("tags = %v, %v", tags, err)
		}

		// Purge removes old trash for good, with versions.
		n, err := db.PurgeTrash(ctx, now.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}
		_, err = db.GetPrompt(ctx, c.ID)
		wantCode(t, err, krowoc.ECodeNotFound)
	})
}

func TestExportImportRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := workspace(t, db, "ada")
		dst := workspace(t, db, "bob")
		temp := 0.3
		c := content(t, "Review", "Review {{code}}", "eng")
		c.ModelWhitelist = []string{"openai"}
		c.DefaultModel = "openai:gpt-4o-mini"
		c.DefaultParams.Temperature = &temp
		def := "func main() {}"
		if err := c.Normalize(catalog.Default(), map[string]*string{"code": &def}); err != nil {
			t.Fatal(err)
		}
		p := create(t, db, src, "ada", c)
		if _, err := db.PublishPrompt(ctx, p.ID, "ada", krowoc.VisibilityPublic); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdatePrompt(ctx, p.ID, "ada", func(p *krowoc.Prompt) error {
			p.PromptText = "Review {{code}} for bugs"
			return p.PromptContent.Normalize(catalog.Default(), nil)
		}); err != nil {
			t.Fatal(err)
		}
		create(t, db, src, "ada", content(t, "Second", "plain"))

		exported, err := db.ExportPrompts(ctx, src, nil)
		if err != nil || len(exported) != 2 {
			t.Fatalf("export = %d, %v", len(exported), err)
		}
		res, err := db.ImportPrompts(ctx, exported, store.ImportOptions{WorkspaceID: dst, UserID: "bob", OnConflict: store.ImportSkip})
		if err != nil || len(res.Created) != 2 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		again, err := db.ExportPrompts(ctx, dst, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range exported {
			a, b := exported[i], again[i]
			if !a.PromptContent.Equal(b.PromptContent) || a.Status != b.Status || a.Visibility != b.Visibility ||
				fmt.Sprint(a.PublishedVersion) != fmt.Sprint(b.PublishedVersion) && (a.PublishedVersion == nil || *a.PublishedVersion != *b.PublishedVersion) ||
				len(a.Versions) != len(b.Versions) || !a.CreatedAt.Equal(b.CreatedAt) {
				t.Fatalf("item %d differs after the round trip:\n%+v\n%+v", i, a, b)
			}
			for j := range a.Versions {
				if a.Versions[j].Version != b.Versions[j].Version || !a.Versions[j].PromptContent.Equal(b.Versions[j].PromptContent) {
					t.Fatalf("item %d version %d differs", i, j)
				}
			}
		}
		imported, _ := db.GetPrompt(ctx, res.Created[0].ID)
		if !imported.HasDraftChanges || imported.LatestVersion != 1 || imported.OwnerID != "bob" || imported.Variables[0].Default == nil {
			t.Fatalf("imported prompt = %+v", imported)
		}

		// Importing the same file again skips, or copies on request.
		res, err = db.ImportPrompts(ctx, exported, store.ImportOptions{WorkspaceID: dst, UserID: "bob", OnConflict: store.ImportSkip})
		if err != nil || len(res.Created) != 0 || len(res.Skipped) != 2 {
			t.Fatalf("re-import skip = %+v, %v", res, err)
		}
		res, err = db.ImportPrompts(ctx, exported, store.ImportOptions{WorkspaceID: dst, UserID: "bob", OnConflict: store.ImportCopy})
		if err != nil || len(res.Created) != 2 || res.Created[0].Title != "Review (copy)" {
			t.Fatalf("re-import copy = %+v, %v", res, err)
		}

		// Over quota, nothing is written.
		_, err = db.ImportPrompts(ctx, exported, store.ImportOptions{WorkspaceID: dst, UserID: "bob", Limit: 5, OnConflict: store.ImportCopy})
		wantCode(t, err, krowoc.ECodeQuotaExceeded)
		if list, _ := db.ListPrompts(ctx, store.PromptFilter{WorkspaceID: dst}, store.Page{}); list.Total != 4 {
			t.Fatalf("after refused import: %d prompts, want 4", list.Total)
		}
	})
}
