package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

// The jobs console: superusers see River's queues and jobs and retry or
// cancel them. Workspace admins see their own failures as dead letters.
func bindAdminJobAPI(s *Server, g group) {
	g.rg.BindFunc(requireSuperuser)
	g.handle(http.MethodGet, "/jobs", s.handleAdminListJobs)
	g.handle(http.MethodPost, "/jobs/{id}/retry", s.handleAdminRetryJob)
	g.handle(http.MethodPost, "/jobs/{id}/cancel", s.handleAdminCancelJob)
}

// requireSuperuser admits only Pocketbase superuser tokens.
func requireSuperuser(e *core.RequestEvent) error {
	if !e.HasSuperuserAuth() {
		if e.Auth == nil {
			return krowoc.Errorf(krowoc.ECodeUnauthorized, "Sign in to the admin UI (/_/) and send its superuser token.")
		}
		return krowoc.Errorf(krowoc.ECodeForbidden, "Only superusers can see the job queues.")
	}
	return e.Next()
}

// adminJob is a River job as the console shows it.
type adminJob struct {
	ID          int64             `json:"id"`
	Kind        string            `json:"kind"`
	Queue       string            `json:"queue"`
	State       string            `json:"state"`
	Attempt     int               `json:"attempt"`
	MaxAttempts int               `json:"maxAttempts"`
	Args        json.RawMessage   `json:"args"`
	Errors      []krowoc.JobError `json:"errors"`
	CreatedAt   time.Time         `json:"createdAt"`
	ScheduledAt time.Time         `json:"scheduledAt"`
	AttemptedAt *time.Time        `json:"attemptedAt"`
	FinalizedAt *time.Time        `json:"finalizedAt"`
}

func toAdminJob(j *rivertype.JobRow) adminJob {
	out := adminJob{ID: j.ID, Kind: j.Kind, Queue: j.Queue, State: string(j.State), Attempt: j.Attempt,
		MaxAttempts: j.MaxAttempts, Args: j.EncodedArgs, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt,
		AttemptedAt: j.AttemptedAt, FinalizedAt: j.FinalizedAt, Errors: []krowoc.JobError{}}
	for _, e := range j.Errors {
		out.Errors = append(out.Errors, krowoc.JobError{Attempt: e.Attempt, At: e.At, Error: e.Error})
	}
	return out
}

var jobStates = map[string]rivertype.JobState{}

func init() {
	for _, s := range rivertype.JobStates() {
		jobStates[string(s)] = s
	}
}

func (s *Server) handleAdminListJobs(e *core.RequestEvent) error {
	if s.jobs == nil {
		return krowoc.Errorf(krowoc.ECodeUnavailable, "Background jobs are not available on this server.")
	}
	q := e.Request.URL.Query()
	var v krowoc.Validation
	params := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	limit := 50
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > store.MaxPerPage {
			v.Add("limit", "range", "limit must be between 1 and 200.")
		}
		limit = n
	}
	if raw := q.Get("state"); raw != "" {
		state, ok := jobStates[raw]
		if !ok {
			v.Add("state", "invalid", "state must be a River job state (available, running, retryable, completed, discarded, cancelled, scheduled, pending).")
		}
		params = params.States(state)
	}
	if err := v.Err(); err != nil {
		return err
	}
	params = params.First(limit)
	if kind := q.Get("kind"); kind != "" {
		params = params.Kinds(kind)
	}
	if queue := q.Get("queue"); queue != "" {
		params = params.Queues(queue)
	}
	ctx := e.Request.Context()
	res, err := s.jobs.Client().JobList(ctx, params)
	if err != nil {
		return err
	}
	counts, err := s.db.JobCounts(ctx)
	if err != nil {
		return err
	}
	items := make([]adminJob, len(res.Jobs))
	for i, j := range res.Jobs {
		items[i] = toAdminJob(j)
	}
	return writeJSON(e, http.StatusOK, map[string]any{"counts": counts, "items": items})
}

func (s *Server) adminJobID(e *core.RequestEvent) (int64, error) {
	id, err := strconv.ParseInt(e.Request.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, krowoc.NotFound("job")
	}
	if s.jobs == nil {
		return 0, krowoc.Errorf(krowoc.ECodeUnavailable, "Background jobs are not available on this server.")
	}
	return id, nil
}

func (s *Server) handleAdminRetryJob(e *core.RequestEvent) error {
	id, err := s.adminJobID(e)
	if err != nil {
		return err
	}
	j, err := s.jobs.Client().JobRetry(e.Request.Context(), id)
	if err != nil {
		return riverProblem(err)
	}
	return writeJSON(e, http.StatusOK, toAdminJob(j))
}

func (s *Server) handleAdminCancelJob(e *core.RequestEvent) error {
	id, err := s.adminJobID(e)
	if err != nil {
		return err
	}
	j, err := s.jobs.Client().JobCancel(e.Request.Context(), id)
	if err != nil {
		return riverProblem(err)
	}
	return writeJSON(e, http.StatusOK, toAdminJob(j))
}

// riverProblem maps River's not-found to ours.
func riverProblem(err error) error {
	if errors.Is(err, river.ErrNotFound) {
		return krowoc.NotFound("job")
	}
	return err
}
