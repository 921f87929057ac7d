package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := krowoc.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second Migrate applied %d migrations, want 0", len(applied))
		}
		status, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(status) == 0 {
			t.Fatal("no migrations listed")
		}
		for _, m := range status {
			if m.AppliedAt == nil {
				t.Errorf("migration %04d_%s is pending after Migrate", m.Version, m.Name)
			}
		}
	})
}

func TestMigrateConcurrently(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			// A fresh store migrated by several goroutines at once applies each
			// migration exactly once.
			db := storetest.Open(t, d)
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Go(func() {
					_, err := db.Migrate(context.Background())
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestEnsurePersonalWorkspace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, err := db.EnsurePersonalWorkspace(ctx, "user1", "Ada")
		if err != nil {
			t.Fatal(err)
		}
		if first.Kind != krowoc.WorkspacePersonal || first.OwnerID != "user1" || first.Name != "Ada's workspace" {
			t.Fatalf("workspace = %+v", first)
		}
		// Concurrent first requests must converge on one workspace.
		var wg sync.WaitGroup
		ids := make(chan string, 8)
		for range 8 {
			wg.Go(func() {
				ws, err := db.EnsurePersonalWorkspace(ctx, "user1", "Ada")
				if err != nil {
					t.Error(err)
					return
				}
				ids <- ws.ID
			})
		}
		wg.Wait()
		close(ids)
		for id := range ids {
			if id != first.ID {
				t.Fatalf("EnsurePersonalWorkspace returned %s, want %s", id, first.ID)
			}
		}
		list, err := db.ListWorkspaces(ctx, "user1")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != first.ID || list[0].Role != krowoc.RoleOwner {
			t.Fatalf("ListWorkspaces = %+v, want one owned personal workspace", list)
		}
	})
}

func TestConcurrentEnsureOnFreshUser(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				if _, err := db.EnsurePersonalWorkspace(context.Background(), "fresh", ""); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		list, err := db.ListWorkspaces(context.Background(), "fresh")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Name != "Personal" {
			t.Fatalf("ListWorkspaces = %+v, want one workspace named Personal", list)
		}
	})
}

func TestAuthorize(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		team, err := db.CreateTeamWorkspace(ctx, "owner", "Acme")
		if err != nil {
			t.Fatal(err)
		}
		for user, role := range map[string]krowoc.Role{"admin": krowoc.RoleAdmin, "editor": krowoc.RoleEditor, "viewer": krowoc.RoleViewer} {
			if err := db.SetMemberRole(ctx, team.ID, user, role); err != nil {
				t.Fatal(err)
			}
		}
		actions := []krowoc.Action{krowoc.ActionRead, krowoc.ActionWrite, krowoc.ActionManage, krowoc.ActionOwn}
		allowed := map[string][]bool{
			"owner":    {true, true, true, true},
			"admin":    {true, true, true, false},
			"editor":   {true, true, false, false},
			"viewer":   {true, false, false, false},
			"stranger": {false, false, false, false},
		}
		for user, want := range allowed {
			for i, action := range actions {
				m, err := db.Authorize(ctx, user, team.ID, action)
				switch {
				case want[i] && err != nil:
					t.Errorf("%s %s: %v, want allowed", user, action, err)
				case want[i] && m.UserID != user:
					t.Errorf("%s %s: membership of %s", user, action, m.UserID)
				case !want[i] && user == "stranger":
					wantCode(t, err, krowoc.ECodeNotFound)
				case !want[i]:
					wantCode(t, err, krowoc.ECodeForbidden)
				}
			}
		}
		_, err = db.Authorize(ctx, "owner", "no-such-workspace", krowoc.ActionRead)
		wantCode(t, err, krowoc.ECodeNotFound)

		// Changing a role takes effect at once; removing a member hides the workspace.
		if err := db.SetMemberRole(ctx, team.ID, "viewer", krowoc.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authorize(ctx, "viewer", team.ID, krowoc.ActionWrite); err != nil {
			t.Fatalf("promoted viewer cannot write: %v", err)
		}
		if err := db.RemoveMember(ctx, team.ID, "viewer"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authorize(ctx, "viewer", team.ID, krowoc.ActionRead)
		wantCode(t, err, krowoc.ECodeNotFound)
		wantCode(t, db.RemoveMember(ctx, team.ID, "viewer"), krowoc.ECodeNotFound)
		wantCode(t, db.SetMemberRole(ctx, "no-such-workspace", "x", krowoc.RoleViewer), krowoc.ECodeNotFound)
		wantCode(t, db.SetMemberRole(ctx, team.ID, "x", krowoc.Role("god")), krowoc.ECodeValidation)
	})
}

func TestTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }

		tok, secret, err := db.CreateToken(ctx, "u1", "  CLI  ", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "CLI" || !krowoc.LooksLikeToken(secret) || tok.Prefix != secret[:len(tok.Prefix)] {
			t.Fatalf("token = %+v, secret %q", tok, secret)
		}
		got, err := db.AuthenticateToken(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tok.ID || got.UserID != "u1" || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
			t.Fatalf("authenticated %+v", got)
		}

		// Another user's token is invisible and cannot be revoked by u2.
		list, total, err := db.ListTokens(ctx, "u2", store.Page{})
		if err != nil || total != 0 || len(list) != 0 {
			t.Fatalf("u2 sees %d tokens (%v)", total, err)
		}
		wantCode(t, db.RevokeToken(ctx, "u2", tok.ID), krowoc.ECodeNotFound)

		expiry := now.Add(time.Hour)
		short, shortSecret, err := db.CreateToken(ctx, "u1", "short", &expiry)
		if err != nil {
			t.Fatal(err)
		}
		list, total, err = db.ListTokens(ctx, "u1", store.Page{})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("u1 lists %d/%d tokens (%v)", len(list), total, err)
		}
		if list[0].ID != short.ID || list[0].ExpiresAt == nil || !list[0].ExpiresAt.Equal(expiry) {
			t.Fatalf("newest token = %+v", list[0])
		}

		now = expiry
		_, err = db.AuthenticateToken(ctx, shortSecret)
		wantCode(t, err, krowoc.ECodeUnauthorized)

		if err := db.RevokeToken(ctx, "u1", tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.AuthenticateToken(ctx, secret)
		wantCode(t, err, krowoc.ECodeUnauthorized)
		wantCode(t, db.RevokeToken(ctx, "u1", tok.ID), krowoc.ECodeNotFound)
		_, total, _ = db.ListTokens(ctx, "u1", store.Page{})
		if total != 1 {
			t.Fatalf("after revoke u1 lists %d tokens, want 1", total)
		}

		_, err = db.AuthenticateToken(ctx, "krw_"+"x")
		wantCode(t, err, krowoc.ECodeUnauthorized)
	})
}

func TestCreateTokenValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		past := time.Now().Add(-time.Minute)
		long := make([]byte, store.TokenNameMax+1)
		for i := range long {
			long[i] = 'a'
		}
		cases := []struct {
			name    string
			expires *time.Time
			field   string
		}{
			{"   ", nil, "name"},
			{string(long), nil, "name"},
			{"ok", &past, "expiresAt"},
		}
		for _, c := range cases {
			_, _, err := db.CreateToken(ctx, "u1", c.name, c.expires)
			var e *krowoc.Error
			if !errors.As(err, &e) || e.Code != krowoc.ECodeValidation || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
				t.Errorf("CreateToken(%q) = %v, want validation error on %s", c.name, err, c.field)
			}
		}
		if _, total, _ := db.ListTokens(ctx, "u1", store.Page{}); total != 0 {
			t.Fatalf("invalid creates wrote %d tokens", total)
		}
	})
}

func TestRebind(t *testing.T) {
	got := store.Postgres.Rebind(`SELECT '?' , a FROM t WHERE a = ? AND b = 'it''s ?' AND c = ?`)
	want := `SELECT '?' , a FROM t WHERE a = $1 AND b = 'it''s ?' AND c = $2`
	if got != want {
		t.Fatalf("Rebind = %s\nwant     %s", got, want)
	}
	if got := store.SQLite.Rebind("a = ?"); got != "a = ?" {
		t.Fatalf("SQLite Rebind changed the query: %s", got)
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, secret, err := db.CreateToken(ctx, "u1", "kept", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := db.EnsurePersonalWorkspace(ctx, "u1", "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AuthenticateToken(ctx, secret); err != nil {
		t.Fatalf("token lost on reopen: %v", err)
	}
	list, err := db.ListWorkspaces(ctx, "u1")
	if err != nil || len(list) != 1 || list[0].ID != ws.ID {
		t.Fatalf("workspaces after reopen = %+v (%v)", list, err)
	}
}

func TestOpenPostgresErrors(t *testing.T) {
	ctx := context.Background()
	for _, url := range []string{"mysql://x", "postgres://", "::::"} {
		_, err := store.Open(ctx, store.Options{URL: url})
		if err == nil || err.Error() != "malformed: want postgres://user:password@host:port/database" {
			t.Errorf("Open(%q) = %v, want a malformed error", url, err)
		}
	}
	_, err := store.Open(ctx, store.Options{URL: "postgres://u:sekret@127.0.0.1:1/db"})
	if err == nil {
		t.Fatal("Open on a closed port succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "cannot reach") || strings.Contains(msg, "sekret") {
		t.Fatalf("unreachable error = %q", msg)
	}
}

func TestDeleteUserData(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		personal, err := db.EnsurePersonalWorkspace(ctx, "gone", "Gone")
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.CreatePrompt(ctx, store.NewPrompt{WorkspaceID: personal.ID, UserID: "gone",
			Content: krowoc.PromptContent{Title: "Mine", PromptText: "hello"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.CreateToken(ctx, "gone", "cli", nil); err != nil {
			t.Fatal(err)
		}
		solo, _ := db.CreateTeamWorkspace(ctx, "gone", "Solo")
		shared, _ := db.CreateTeamWorkspace(ctx, "gone", "Shared")
		if err := db.SetMemberRole(ctx, shared.ID, "editor", krowoc.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if err := db.SetMemberRole(ctx, shared.ID, "admin", krowoc.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent
			if err := db.DeleteUserData(ctx, "gone"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.GetPrompt(ctx, p.ID); krowoc.ErrorCode(err) != krowoc.ECodeNotFound {
			t.Fatalf("personal prompt: %v, want not found", err)
		}
		if _, err := db.Authorize(ctx, "admin", solo.ID, krowoc.ActionRead); krowoc.ErrorCode(err) != krowoc.ECodeNotFound {
			t.Fatalf("solo team workspace survives: %v", err)
		}
		if m, err := db.Authorize(ctx, "admin", shared.ID, krowoc.ActionOwn); err != nil || m.Role != krowoc.RoleOwner {
			t.Fatalf("shared workspace passes to the admin: %+v, %v", m, err)
		}
		if list, _ := db.ListWorkspaces(ctx, "gone"); len(list) != 0 {
			t.Fatalf("memberships left: %v", list)
		}
		if toks, n, _ := db.ListTokens(ctx, "gone", store.Page{}); n != 0 || len(toks) != 0 {
			t.Fatalf("tokens left: %d", n)
		}
	})
}
