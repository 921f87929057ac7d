package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/krowoc/krowoc/internal/leaderboard"
	"github.com/krowoc/krowoc/internal/store"
)

// TokenRetention is how long expired and revoked access tokens stay listed
// before the daily cleanup deletes them.
const TokenRetention = 30 * 24 * time.Hour

// PurgeTrashArgs deletes prompts that have been in the trash past their
// retention. Hourly, and at start.
type PurgeTrashArgs struct{}

// Kind names the job.
func (PurgeTrashArgs) Kind() string { return "purge_trash" }

// InsertOpts puts it on the maintenance queue.
func (PurgeTrashArgs) InsertOpts() river.InsertOpts { return maintenanceOpts() }

// PurgeTokensArgs deletes access tokens dead for TokenRetention. Daily.
type PurgeTokensArgs struct{}

// Kind names the job.
func (PurgeTokensArgs) Kind() string { return "purge_tokens" }

// InsertOpts puts it on the maintenance queue.
func (PurgeTokensArgs) InsertOpts() river.InsertOpts { return maintenanceOpts() }

// OptimizeArgs refreshes the query planner's statistics. Hourly, never at
// start: on a new, empty database they would tell the planner every table
// is tiny.
type OptimizeArgs struct{}

// Kind names the job.
func (OptimizeArgs) Kind() string { return "optimize" }

// InsertOpts puts it on the maintenance queue.
func (OptimizeArgs) InsertOpts() river.InsertOpts { return maintenanceOpts() }

// maintenanceOpts: one pending job of a kind at a time, so a backlog after
// downtime does not run the same cleanup many times over.
func maintenanceOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
		rivertype.JobStateScheduled,
	}}}
}

// RegisterMaintenance adds the upkeep every deployment needs: the trash
// purge (hourly and at start), token cleanup (daily), planner statistics
// (hourly), leaderboard scoring (hourly), the usage roll-up (every minute)
// and the cleanup after a user is deleted.
func RegisterMaintenance(j *Jobs) {
	Register(j, river.WorkFunc(func(ctx context.Context, job *river.Job[PurgeTrashArgs]) error {
		n, err := j.db.PurgeTrash(ctx, j.db.Now().Add(-store.TrashRetention))
		if n > 0 {
			j.log.InfoContext(ctx, "purged prompts from the trash", "count", n)
		}
		return err
	}))
	Register(j, river.WorkFunc(func(ctx context.Context, job *river.Job[PurgeTokensArgs]) error {
		n, err := j.db.PurgeTokens(ctx, j.db.Now().Add(-TokenRetention))
		if n > 0 {
			j.log.InfoContext(ctx, "deleted dead access tokens", "count", n)
		}
		return err
	}))
	Register(j, river.WorkFunc(func(ctx context.Context, job *river.Job[OptimizeArgs]) error {
		return j.db.Optimize(ctx)
	}))
	registerUserCleanup(j)
	registerLeaderboard(j)
	registerUsageRoller(j)
	j.Every(time.Hour, PurgeTrashArgs{}, true)
	j.Every(24*time.Hour, PurgeTokensArgs{}, false)
	j.Every(time.Hour, OptimizeArgs{}, false)
}

// UserCleanupArgs removes a deleted user's data from the domain store (see
// store.DeleteUserData). Enqueued when Pocketbase deletes the account.
type UserCleanupArgs struct {
	UserID string `json:"userId"`
}

// Kind names the job.
func (UserCleanupArgs) Kind() string { return "user_cleanup" }

// InsertOpts puts it on the maintenance queue.
func (UserCleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance}
}

func registerUserCleanup(j *Jobs) {
	Register(j, river.WorkFunc(func(ctx context.Context, job *river.Job[UserCleanupArgs]) error {
		if err := j.db.DeleteUserData(ctx, job.Args.UserID); err != nil {
			return err
		}
		j.log.InfoContext(ctx, "removed a deleted user's data", "user_id", job.Args.UserID)
		return nil
	}))
}

// ScoreLeaderboardArgs runs the leaderboard's scoring (hourly, and at
// start unless the last run is under an hour old, so restarts do not crowd
// the hour-to-hour snapshots).
type ScoreLeaderboardArgs struct{}

// Kind names the job.
func (ScoreLeaderboardArgs) Kind() string { return "score_leaderboard" }

// InsertOpts puts it on the maintenance queue.
func (ScoreLeaderboardArgs) InsertOpts() river.InsertOpts { return maintenanceOpts() }

func registerLeaderboard(j *Jobs) {
	Register(j, river.WorkFunc(func(ctx context.Context, job *river.Job[ScoreLeaderboardArgs]) error {
		now := j.db.Now()
		if board, err := j.db.Leaderboard(ctx, ""); err == nil && board.Run != nil && now.Sub(board.Run.ComputedAt) < 55*time.Minute {
			return nil
		}
		res, err := leaderboard.Run(ctx, j.db, now)
		if err != nil {
			return err
		}
		j.log.InfoContext(ctx, "leaderboard scored", "run_id", res.ID, "candidates", res.Candidates,
			"entries", res.Entries, "duration_ms", res.DurationMS)
		return nil
	}))
	j.Every(time.Hour, ScoreLeaderboardArgs{}, true)
}

// RollUsageArgs rolls finished hours of usage up into day rows and per-key
// rows (store.RollUsage), so long dashboard ranges read few rows. Every
// minute; only the leader enqueues it, so rolls never race.
type RollUsageArgs struct{}

// Kind names the job.
func (RollUsageArgs) Kind() string { return "roll_usage" }

// InsertOpts puts it on the maintenance queue.
func (RollUsageArgs) InsertOpts() river.InsertOpts { return maintenanceOpts() }

func registerUsageRoller(j *Jobs) {
	Register(j, river.WorkFunc(func(ctx context.Context, job *river.Job[RollUsageArgs]) error {
		_, err := j.db.RollUsage(ctx)
		return err
	}))
	j.Every(time.Minute, RollUsageArgs{}, true)
}
