package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

// TestTierChangeIsPublishedAndApplied changes a user's tier through
// Pocketbase's API as a superuser: the domain store gets user.tier_changed
// with the superuser and request as its cause, and /api/v1/me shows the new
// prompt limit at once.
func TestTierChangeIsPublishedAndApplied(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			accounts.BindTierEvents(e.app, e.db, logging.New(io.Discard, false, slog.LevelError))
			id, tok := e.user("ada@example.com")

			me := e.do("GET", "/api/v1/me", tok, nil).json(t)
			if me["promptLimit"] != float64(krowoc.FreePromptLimit) {
				t.Fatalf("free promptLimit = %v", me["promptLimit"])
			}
			wsID := me["workspaces"].([]any)[0].(map[string]any)["id"].(string)

			superusers, err := e.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
			if err != nil {
				t.Fatal(err)
			}
			su := core.NewRecord(superusers)
			su.SetEmail("root@example.com")
			su.SetPassword("correct horse battery")
			if err := e.app.Save(su); err != nil {
				t.Fatal(err)
			}
			suToken, err := su.NewAuthToken()
			if err != nil {
				t.Fatal(err)
			}

			r := e.do("PATCH", "/api/collections/users/records/"+id, suToken, map[string]any{"tier": "power"}, "X-Request-ID", "tier-req-1")
			if r.status != 200 {
				t.Fatalf("superuser tier change: %d %s", r.status, r.body)
			}
			list := tierEvents(t, e.db, id)
			if len(list) != 1 {
				t.Fatalf("%d tier events, want 1", len(list))
			}
			ev := list[0]
			if ev.WorkspaceID != wsID || ev.Actor != "superuser:"+su.Id || ev.RequestID != "tier-req-1" || ev.Topic != store.TopicEvents {
				t.Fatalf("tier event envelope = %+v (workspace want %s)", ev.Event, wsID)
			}
			var data krowoc.TierChangedEventData
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				t.Fatal(err)
			}
			if data != (krowoc.TierChangedEventData{UserID: id, From: krowoc.TierFree, To: krowoc.TierPower, PromptLimit: 0}) {
				t.Fatalf("tier event data = %+v", data)
			}
			me = e.do("GET", "/api/v1/me", tok, nil).json(t)
			if me["promptLimit"] != nil || me["user"].(map[string]any)["tier"] != "power" {
				t.Fatalf("after the change: promptLimit %v tier %v, want unlimited power", me["promptLimit"], me["user"].(map[string]any)["tier"])
			}

			// Saving without changing the tier publishes nothing.
			for _, body := range []map[string]any{{"tier": "power"}, {"name": "Ada L."}} {
				if r := e.do("PATCH", "/api/collections/users/records/"+id, suToken, body); r.status != 200 {
					t.Fatalf("patch %v: %d %s", body, r.status, r.body)
				}
			}
			if n := len(tierEvents(t, e.db, id)); n != 1 {
				t.Fatalf("%d tier events after saves that kept the tier, want 1", n)
			}

			// A change made by code, outside any request, is the system's.
			rec, err := e.app.FindRecordById(accounts.Collection, id)
			if err != nil {
				t.Fatal(err)
			}
			rec.Set("tier", "free")
			if err := e.app.Save(rec); err != nil {
				t.Fatal(err)
			}
			list = tierEvents(t, e.db, id)
			if len(list) != 2 || list[1].Actor != krowoc.ActorSystem || list[1].RequestID != "" {
				t.Fatalf("tier events after a change by code = %+v", list)
			}
			me = e.do("GET", "/api/v1/me", tok, nil).json(t)
			if me["promptLimit"] != float64(krowoc.FreePromptLimit) {
				t.Fatalf("promptLimit back on free = %v", me["promptLimit"])
			}
		})
	}
}

func tierEvents(t *testing.T, db *store.DB, userID string) []store.OutboxEvent {
	t.Helper()
	list, err := db.ListEvents(context.Background(), store.EventFilter{AggregateID: userID, Types: []string{krowoc.EventUserTierChanged}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}
