package api_test

import (
	"testing"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/store"
)

// TestTierOnlySuperusers checks the users collection rules: people sign up
// and edit their name, but only superusers set a tier.
func TestTierOnlySuperusers(t *testing.T) {
	e := newEnv(t, store.SQLite)

	r := e.do("POST", "/api/collections/users/records", "", map[string]any{
		"email": "eve@example.com", "password": "correct horse battery", "passwordConfirm": "correct horse battery", "tier": "team",
	})
	if r.status < 400 {
		t.Fatalf("sign-up with a tier was accepted: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/collections/users/records", "", map[string]any{
		"email": "eve@example.com", "password": "correct horse battery", "passwordConfirm": "correct horse battery", "name": "Eve",
	})
	if r.status != 200 {
		t.Fatalf("sign-up: %d %s", r.status, r.body)
	}
	created := r.json(t)
	if created["tier"] != "free" {
		t.Fatalf("new user tier = %v, want free", created["tier"])
	}
	id := created["id"].(string)
	rec, err := e.app.FindRecordById(accounts.Collection, id)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := rec.NewAuthToken()

	if r := e.do("PATCH", "/api/collections/users/records/"+id, tok, map[string]any{"tier": "power"}); r.status < 400 {
		t.Fatalf("user set their own tier: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", "/api/collections/users/records/"+id, tok, map[string]any{"name": "Eve Online"}); r.status != 200 {
		t.Fatalf("user cannot edit their name: %d %s", r.status, r.body)
	}
	if me := e.do("GET", "/api/v1/me", tok, nil).json(t)["user"].(map[string]any); me["tier"] != "free" || me["name"] != "Eve Online" {
		t.Fatalf("me.user = %v", me)
	}

	// A superuser changes the tier; /api/v1/me reports it.
	rec, _ = e.app.FindRecordById(accounts.Collection, id)
	rec.Set("tier", "power")
	if err := e.app.Save(rec); err != nil {
		t.Fatal(err)
	}
	if me := e.do("GET", "/api/v1/me", tok, nil).json(t)["user"].(map[string]any); me["tier"] != "power" {
		t.Fatalf("tier after superuser change = %v, want power", me["tier"])
	}
}
