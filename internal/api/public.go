package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/leaderboard"
	"github.com/krowoc/krowoc/internal/store"
)

func bindPublicPromptAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/public/prompts/{id}", s.handleGetPublicPrompt)
}

func bindVoteAPI(s *Server, g group) {
	g.handle(http.MethodPut, "/public/prompts/{id}/vote", s.handleVote)
	g.handle(http.MethodDelete, "/public/prompts/{id}/vote", s.handleRetractVote)
	g.handle(http.MethodPost, "/public/prompts/{id}/fork", s.handleFork)
	g.handle(http.MethodPost, "/public/prompts/{id}/executions", s.handleExecutePublic)
}

type publicPromptResponse struct {
	*krowoc.PublicPrompt
	Author author `json:"author"`
	// Executions24h and Activity are counted now, the way a scoring run
	// counts them; Rank is the prompt's rank in the latest run, or nil.
	Executions24h int64            `json:"executions24h"`
	Activity      []int64          `json:"activity"`
	Rank          *int             `json:"rank"`
	Votes         krowoc.VoteTally `json:"votes"`
}

// handleGetPublicPrompt shows a public prompt's latest published version to
// anyone. Private, draft, archived, deleted and missing prompts are all the
// same not_found.
func (s *Server) handleGetPublicPrompt(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	p, err := s.db.GetPublicPrompt(ctx, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	resp := publicPromptResponse{PublicPrompt: p, Activity: make([]int64, store.Slots)}
	resp.Author = author{ID: p.AuthorID, Name: s.authorNames([]string{p.AuthorID})[p.AuthorID]}
	activity, err := s.db.Activity(ctx, leaderboard.Window(s.db.Now()), []string{p.ID})
	if err != nil {
		return err
	}
	if a, ok := activity[p.ID]; ok {
		resp.Activity = a
	}
	for _, n := range resp.Activity {
		resp.Executions24h += n
	}
	if rank, ok, err := s.db.PublicRank(ctx, p.ID); err != nil {
		return err
	} else if ok {
		resp.Rank = &rank
	}
	userID := ""
	if c := callerOf(e); c != nil {
		userID = c.user.ID
	}
	if resp.Votes, err = s.db.VoteTally(ctx, p.ID, userID); err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return writeJSON(e, http.StatusOK, resp)
}

type voteInput struct {
	Value int `json:"value"`
}

// mayVote checks the account and the rate limits before a vote changes.
func (s *Server) mayVote(e *core.RequestEvent) error {
	c := callerOf(e)
	if !c.user.Verified {
		return &krowoc.Error{
			Code:    krowoc.ECodeForbidden,
			Message: "Verify your e-mail address to vote.",
			Extra:   map[string]any{"reason": "unverified"},
		}
	}
	return s.votes.allow(c.user.ID, e.RealIP())
}

// handleVote casts or changes the caller's vote: {"value": 1} or -1.
func (s *Server) handleVote(e *core.RequestEvent) error {
	var in voteInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	if in.Value != 1 && in.Value != -1 {
		var v krowoc.Validation
		v.Add("value", "invalid", "value must be 1 (up) or -1 (down); DELETE the vote to retract it.")
		return v.Err()
	}
	if err := s.mayVote(e); err != nil {
		return err
	}
	tally, err := s.db.Vote(e.Request.Context(), e.Request.PathValue("id"), callerOf(e).user.ID, in.Value)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, tally)
}

// handleRetractVote removes the caller's vote, if any.
func (s *Server) handleRetractVote(e *core.RequestEvent) error {
	if err := s.mayVote(e); err != nil {
		return err
	}
	tally, err := s.db.Vote(e.Request.Context(), e.Request.PathValue("id"), callerOf(e).user.ID, 0)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, tally)
}

type forkInput struct {
	WorkspaceID string `json:"workspaceId"`
}

// handleFork copies a public prompt's published version into a workspace
// the caller may write to (their personal one by default) as a new draft.
func (s *Server) handleFork(e *core.RequestEvent) error {
	var in forkInput
	if e.Request.ContentLength != 0 {
		if err := s.decodeJSON(e, &in); err != nil {
			return err
		}
	}
	ws, err := s.workspaceFor(e, in.WorkspaceID, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	user := callerOf(e).user
	p, err := s.db.ForkPrompt(e.Request.Context(), store.Fork{
		PromptID: e.Request.PathValue("id"), WorkspaceID: ws, UserID: user.ID, Limit: krowoc.PromptLimit(user.Tier),
	})
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusCreated, p)
}

type publicExecuteInput struct {
	executeInput
	// WorkspaceID is the caller's workspace whose keys pay for the run and
	// whose history records it; the personal one by default.
	WorkspaceID string `json:"workspaceId"`
}

// handleExecutePublic runs a public prompt's published version with the
// caller's own keys, like POST /prompts/{id}/executions. Only the
// published version is public: asking for another is a validation error.
func (s *Server) handleExecutePublic(e *core.RequestEvent) error {
	var in publicExecuteInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	ws, err := s.workspaceFor(e, in.WorkspaceID, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	p, err := s.db.GetPrompt(e.Request.Context(), e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	if !p.Public() {
		return krowoc.NotFound("prompt")
	}
	published := strconv.Itoa(*p.PublishedVersion)
	switch raw := strings.TrimSpace(string(in.Version)); raw {
	case "", "null", published, `"` + published + `"`:
	default:
		var v krowoc.Validation
		v.Add("version", "not_public", "Only the published version v"+published+" of a public prompt can be run.")
		return v.Err()
	}
	return s.executePublic(e, p, ws, in.executeInput)
}

// executePublic runs p, which must be public, on its current published
// version with workspaceID's keys (a re-run of an older version runs the
// current one).
func (s *Server) executePublic(e *core.RequestEvent, p *krowoc.Prompt, workspaceID string, in executeInput) error {
	if !p.Public() {
		return krowoc.NotFound("prompt")
	}
	in.Version = json.RawMessage(strconv.Itoa(*p.PublishedVersion))
	return s.executeIn(e, p, workspaceID, in)
}
