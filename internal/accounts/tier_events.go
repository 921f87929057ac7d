package accounts

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
)

// tierCause is who changed a user through the API, and in which request.
type tierCause struct {
	actor, requestID string
}

// BindTierEvents publishes user.tier_changed through the domain store's
// outbox whenever a user's tier changes in Pocketbase, once the change is
// saved (admin UI, API or code). Quotas need nothing more: the API reads
// the tier from Pocketbase on every request. The two databases cannot
// share a transaction, so the event is written right after Pocketbase's
// save; if the domain store fails even after retries, the tier stays
// changed and the error is logged.
func BindTierEvents(app core.App, db *store.DB, log *slog.Logger) {
	// While an API request updates a user, remember who sent it: the save
	// itself carries no request context.
	var causes sync.Map // user id → tierCause
	app.OnRecordUpdateRequest(Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		c := tierCause{actor: krowoc.ActorSystem, requestID: logging.RequestID(e.Request.Context())}
		switch {
		case e.Auth != nil && e.Auth.IsSuperuser():
			c.actor = krowoc.ActorSuperuserPrefix + e.Auth.Id
		case e.Auth != nil:
			c.actor = e.Auth.Id
		}
		causes.Store(e.Record.Id, c)
		defer causes.Delete(e.Record.Id)
		return e.Next()
	})

	app.OnRecordAfterUpdateSuccess(Collection).BindFunc(func(e *core.RecordEvent) error {
		from, _ := krowoc.ParseTier(e.Record.Original().GetString("tier"))
		to, _ := krowoc.ParseTier(e.Record.GetString("tier"))
		if from == to {
			return e.Next()
		}
		c := tierCause{actor: krowoc.ActorSystem}
		if v, ok := causes.Load(e.Record.Id); ok {
			c = v.(tierCause)
		}
		ctx := context.Background()
		if e.Context != nil {
			ctx = context.WithoutCancel(e.Context)
		}
		ctx = logging.WithRequestID(ctx, c.requestID)
		change := store.TierChange{UserID: e.Record.Id, UserName: e.Record.GetString("name"), From: from, To: to, Actor: c.actor}
		var err error
		for attempt, wait := range []time.Duration{0, 200 * time.Millisecond, time.Second} {
			time.Sleep(wait)
			attemptCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = db.RecordTierChange(attemptCtx, change)
			cancel()
			if err == nil {
				break
			}
			log.WarnContext(ctx, "publish a tier change", "user_id", change.UserID, "attempt", attempt+1, "error", err)
		}
		if err != nil {
			log.ErrorContext(ctx, "tier changed but user.tier_changed was not published",
				"user_id", change.UserID, "from", string(from), "to", string(to), "error", err)
		}
		return e.Next()
	})
}
