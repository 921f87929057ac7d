package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/secret"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func TestCredentialsAreSealedAndBoundToTheirRow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		oldMaster := secret.NewMasterKey()
		keys, _ := secret.New(oldMaster)
		ws := workspace(t, db, "ada")
		a, err := db.CreateCredential(ctx, keys, store.NewCredential{WorkspaceID: ws, UserID: "ada", Provider: "openai", Label: "main", Key: "sk-alpha-1234"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.CreateCredential(ctx, keys, store.NewCredential{WorkspaceID: ws, UserID: "ada", Provider: "openai", Label: "other", Key: "sk-bravo-5678"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Last4 != "1234" {
			t.Fatalf("last4 = %q", a.Last4)
		}
		if key, err := db.CredentialKey(ctx, keys, a.ID); err != nil || key != "sk-alpha-1234" {
			t.Fatalf("key = %q, %v", key, err)
		}

		// A ciphertext moved to another row does not decrypt there.
		if err := db.RawExec(ctx, `UPDATE credentials SET key_sealed = (SELECT key_sealed FROM credentials WHERE id = ?) WHERE id = ?`, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CredentialKey(ctx, keys, b.ID); !errors.Is(err, secret.ErrDecrypt) {
			t.Fatalf("moved ciphertext: %v, want ErrDecrypt", err)
		}

		if err := db.DeleteCredential(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListCredentials(ctx, ws)
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
	})
}

func TestResealCredentials(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		oldMaster, newMaster := secret.NewMasterKey(), secret.NewMasterKey()
		before, _ := secret.New(oldMaster)
		ws := workspace(t, db, "ada")
		var ids []string
		for i := range 3 {
			c, err := db.CreateCredential(ctx, before, store.NewCredential{WorkspaceID: ws, UserID: "ada", Provider: "anthropic", Label: "k", Key: "sk-ant-" + string(rune('a'+i)) + "xyz9"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		during, _ := secret.New(newMaster, oldMaster)
		n, err := db.ResealCredentials(ctx, during)
		if err != nil || n != 3 {
			t.Fatalf("reseal = %d, %v", n, err)
		}
		if n, _ := db.ResealCredentials(ctx, during); n != 0 {
			t.Fatalf("second reseal changed %d rows", n)
		}
		after, _ := secret.New(newMaster) // the old key is gone
		for i, id := range ids {
			key, err := db.CredentialKey(ctx, after, id)
			if err != nil || key != "sk-ant-"+string(rune('a'+i))+"xyz9" {
				t.Fatalf("key %d after rotation = %q, %v", i, key, err)
			}
		}
	})
}

// A finished run marks the key it used, and only that key, as used then.
func TestFinishMarksTheKeyUsed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		keys, _ := secret.New(secret.NewMasterKey())
		ws := workspace(t, db, "ada")
		used, err := db.CreateCredential(ctx, keys, store.NewCredential{WorkspaceID: ws, UserID: "ada", Provider: "openai", Label: "used", Key: "sk-used-1111"})
		if err != nil {
			t.Fatal(err)
		}
		idle, err := db.CreateCredential(ctx, keys, store.NewCredential{WorkspaceID: ws, UserID: "ada", Provider: "openai", Label: "idle", Key: "sk-idle-2222"})
		if err != nil {
			t.Fatal(err)
		}
		startedAt := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		finishedAt := startedAt.Add(100 * time.Millisecond) // its latency
		record(t, db, ws, run{at: startedAt, prompt: "prompt-a", model: "openai:gpt-4o", cred: used.ID,
			status: krowoc.ExecSucceeded, latency: ms(100), ttft: ms(10), in: 1, out: 1, cost: 1})
		list, err := db.ListCredentials(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			switch {
			case c.ID == used.ID && (c.LastUsedAt == nil || !c.LastUsedAt.Equal(finishedAt)):
				t.Errorf("used key: last used %v, want %v", c.LastUsedAt, finishedAt)
			case c.ID == idle.ID && c.LastUsedAt != nil:
				t.Errorf("idle key: last used %v, want never", c.LastUsedAt)
			}
		}
	})
}
