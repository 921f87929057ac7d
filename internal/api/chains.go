package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/riverqueue/river"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/store"
)

// chainFollowPoll is how often a follower of a chain run re-reads it.
const chainFollowPoll = 250 * time.Millisecond

// inputNamePattern is what a chain input may be called: the same names as
// template variables.
var inputNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-]*$`)

// Chains are multi-stage workflows of a workspace: editors define and run
// them, viewers read them and follow their runs.
func bindChainAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/chains", s.handleListChains)
	g.handle(http.MethodPost, "/chains", s.handleCreateChain)
	g.handle(http.MethodGet, "/chains/{id}", s.handleGetChain)
	g.handle(http.MethodPut, "/chains/{id}", s.handleUpdateChain)
	g.handle(http.MethodDelete, "/chains/{id}", s.handleDeleteChain)
	g.handle(http.MethodGet, "/chains/{id}/runs", s.handleListChainRuns)
	g.handle(http.MethodPost, "/chains/{id}/runs", s.handleRunChain)
	g.handle(http.MethodGet, "/chain-runs/{id}", s.handleGetChainRun)
	g.handle(http.MethodPost, "/chain-runs/{id}/cancel", s.handleCancelChainRun)
	g.handle(http.MethodGet, "/chain-runs/{id}/events", s.handleFollowChainRun)
}

// chainInput is the body that creates or replaces a chain.
type chainInput struct {
	WorkspaceID string             `json:"workspaceId"`
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Inputs      []string           `json:"inputs"`
	Steps       []krowoc.ChainStep `json:"steps"`
}

// checkChain validates a chain's definition against the workspace's
// prompts as they are now, and returns each step as it would run: with its
// version resolved and its model filled in. Every failing field is listed,
// named after the step (steps[0].model, steps[1].bindings.topic, …).
func (s *Server) checkChain(ctx context.Context, workspaceID string, in *chainInput) ([]krowoc.ChainRunStep, error) {
	var v krowoc.Validation
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v.Add("name", "required", "Give the chain a name.")
	case n > krowoc.ChainNameMax:
		v.Add("name", "too_long", fmt.Sprintf("The name must be at most %d characters.", krowoc.ChainNameMax))
	}
	if utf8.RuneCountInString(in.Description) > krowoc.ChainDescriptionMax {
		v.Add("description", "too_long", fmt.Sprintf("The description must be at most %d characters.", krowoc.ChainDescriptionMax))
	}
	if in.Inputs == nil {
		in.Inputs = []string{}
	}
	if len(in.Inputs) > krowoc.ChainInputsMax {
		v.Add("inputs", "too_many", fmt.Sprintf("A chain takes at most %d inputs.", krowoc.ChainInputsMax))
	}
	for i, name := range in.Inputs {
		field := fmt.Sprintf("inputs[%d]", i)
		switch {
		case len(name) > krowoc.PromptVariableMax || !inputNamePattern.MatchString(name):
			v.Add(field, "invalid", "An input name starts with a letter or _ and holds letters, digits, _, . or - (at most 64).")
		case slices.Index(in.Inputs, name) < i:
			v.Add(field, "duplicate", fmt.Sprintf("The input %q is declared twice.", name))
		}
	}
	switch {
	case len(in.Steps) == 0:
		v.Add("steps", "required", "Add at least one step.")
	case len(in.Steps) > krowoc.ChainStepsMax:
		v.Add("steps", "too_many", fmt.Sprintf("A chain has at most %d steps.", krowoc.ChainStepsMax))
		in.Steps = in.Steps[:krowoc.ChainStepsMax]
	}
	out := make([]krowoc.ChainRunStep, len(in.Steps))
	for i := range in.Steps {
		st, err := s.checkChainStep(ctx, workspaceID, in.Inputs, i, &in.Steps[i], &v)
		if err != nil {
			return nil, err
		}
		out[i] = st
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkChainStep validates step i (from 0) and adds its problems to v. It
// returns an error only when the store fails.
func (s *Server) checkChainStep(ctx context.Context, workspaceID string, inputs []string, i int, step *krowoc.ChainStep, v *krowoc.Validation) (krowoc.ChainRunStep, error) {
	field := fmt.Sprintf("steps[%d].", i)
	n := i + 1
	out := krowoc.ChainRunStep{Position: n, PromptID: step.PromptID, Model: strings.TrimSpace(step.Model), Bindings: step.Bindings}
	if step.Bindings == nil {
		step.Bindings = map[string]krowoc.Binding{}
		out.Bindings = step.Bindings
	}
	p, err := s.db.GetPrompt(ctx, step.PromptID)
	switch {
	case krowoc.ErrorCode(err) == krowoc.ECodeNotFound || (err == nil && (p.WorkspaceID != workspaceID || p.DeletedAt != nil)):
		v.Add(field+"promptId", "not_found", fmt.Sprintf("Step %d: choose a prompt of this workspace.", n))
		return out, nil
	case err != nil:
		return out, err
	}
	content := p.PromptContent
	switch {
	case step.Version != nil:
		ver, err := s.db.GetVersion(ctx, p.ID, *step.Version)
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			v.Add(field+"version", "not_found", fmt.Sprintf("Step %d: the prompt has no version %d.", n, *step.Version))
			return out, nil
		}
		if err != nil {
			return out, err
		}
		content, out.PromptVersion = ver.PromptContent, step.Version
	case p.PublishedVersion != nil:
		ver, err := s.db.GetVersion(ctx, p.ID, *p.PublishedVersion)
		if err != nil {
			return out, err
		}
		content, out.PromptVersion = ver.PromptContent, p.PublishedVersion
	}

	if out.Model == "" {
		out.Model = content.DefaultModel
	}
	step.Model = strings.TrimSpace(step.Model)
	if entry, ok := s.catalog.Model(out.Model); out.Model == "" {
		v.Add(field+"model", "required", fmt.Sprintf("Step %d: choose a model; the prompt has no default model.", n))
	} else if !ok {
		v.Add(field+"model", "unknown_model", fmt.Sprintf("Step %d: %q is not a known model.", n, out.Model))
	} else if !krowoc.ModelAllowed(content.ModelWhitelist, entry.ID) {
		v.Add(field+"model", krowoc.ECodeModelNotAllowed, fmt.Sprintf("Step %d: this prompt may run only on %s.", n,
			strings.Join(content.ModelWhitelist, ", ")))
	}

	variables := krowoc.ExtractVariables(content.PromptText)
	defaults := map[string]bool{}
	for _, variable := range content.Variables {
		defaults[variable.Name] = variable.Default != nil
	}
	for _, name := range variables {
		if _, ok := step.Bindings[name]; !ok && !defaults[name] {
			v.Add(field+"bindings."+name, "unbound", fmt.Sprintf("Step %d: bind {{%s}} to a chain input, an earlier step's output or text.", n, name))
		}
	}
	names := make([]string, 0, len(step.Bindings))
	for name := range step.Bindings {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		b, bf := step.Bindings[name], field+"bindings."+name
		set := 0
		for _, isSet := range []bool{b.Input != "", b.Step != 0, b.Literal != nil} {
			if isSet {
				set++
			}
		}
		switch {
		case !slices.Contains(variables, name):
			v.Add(bf, "unknown_variable", fmt.Sprintf("Step %d: the prompt has no variable {{%s}}.", n, name))
		case set != 1:
			v.Add(bf, "invalid", fmt.Sprintf("Step %d: bind {{%s}} to exactly one of input, step or literal.", n, name))
		case b.Input != "" && !slices.Contains(inputs, b.Input):
			v.Add(bf, "unknown_input", fmt.Sprintf("Step %d: the chain has no input %q.", n, b.Input))
		case b.Step != 0 && (b.Step < 1 || b.Step >= n):
			v.Add(bf, "forward_reference", fmt.Sprintf("Step %d can use only the outputs of steps before it.", n))
		case b.Literal != nil && utf8.RuneCountInString(*b.Literal) > krowoc.PromptDefaultMax:
			v.Add(bf, "too_long", fmt.Sprintf("Step %d: literal text must be at most %d characters.", n, krowoc.PromptDefaultMax))
		}
	}
	return out, nil
}

// chainFor loads a chain the caller may perform action on; a chain in a
// workspace the caller is not a member of is not_found.
func (s *Server) chainFor(e *core.RequestEvent, action krowoc.Action) (*krowoc.Chain, error) {
	c, err := s.db.GetChain(e.Request.Context(), e.Request.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, c.WorkspaceID, action); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("chain")
		}
		return nil, err
	}
	return c, nil
}

// chainRunFor loads a chain run the caller may perform action on.
func (s *Server) chainRunFor(e *core.RequestEvent, action krowoc.Action) (*krowoc.ChainRun, error) {
	run, err := s.db.GetChainRun(e.Request.Context(), e.Request.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, run.WorkspaceID, action); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("chain run")
		}
		return nil, err
	}
	return run, nil
}

func (s *Server) handleListChains(e *core.RequestEvent) error {
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	ws, err := s.workspaceFor(e, e.Request.URL.Query().Get("workspace"), krowoc.ActionRead)
	if err != nil {
		return err
	}
	items, total, err := s.db.ListChains(e.Request.Context(), ws, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, listResponse[krowoc.Chain]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

func (s *Server) handleCreateChain(e *core.RequestEvent) error {
	var in chainInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	ws, err := s.workspaceFor(e, in.WorkspaceID, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if _, err := s.checkChain(e.Request.Context(), ws, &in); err != nil {
		return err
	}
	c := &krowoc.Chain{WorkspaceID: ws, Name: in.Name, Description: in.Description, Inputs: in.Inputs, Steps: in.Steps,
		CreatedBy: callerOf(e).user.ID}
	if err := s.db.CreateChain(e.Request.Context(), c); err != nil {
		return err
	}
	e.Response.Header().Set("Location", "/api/v1/chains/"+c.ID)
	return writeJSON(e, http.StatusCreated, c)
}

func (s *Server) handleGetChain(e *core.RequestEvent) error {
	c, err := s.chainFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, c)
}

// handleUpdateChain replaces a chain's definition; runs under way keep the
// steps they started with.
func (s *Server) handleUpdateChain(e *core.RequestEvent) error {
	c, err := s.chainFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	var in chainInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	if in.WorkspaceID != "" && in.WorkspaceID != c.WorkspaceID {
		var v krowoc.Validation
		v.Add("workspaceId", "immutable", "A chain stays in its workspace.")
		return v.Err()
	}
	if _, err := s.checkChain(e.Request.Context(), c.WorkspaceID, &in); err != nil {
		return err
	}
	c.Name, c.Description, c.Inputs, c.Steps, c.UpdatedBy = in.Name, in.Description, in.Inputs, in.Steps, callerOf(e).user.ID
	if err := s.db.UpdateChain(e.Request.Context(), c); err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, c)
}

func (s *Server) handleDeleteChain(e *core.RequestEvent) error {
	c, err := s.chainFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if err := s.db.DeleteChain(e.Request.Context(), c.ID); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

func (s *Server) handleListChainRuns(e *core.RequestEvent) error {
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	c, err := s.chainFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	items, total, err := s.db.ListChainRuns(e.Request.Context(), c.ID, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, listResponse[krowoc.ChainRun]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

// handleRunChain checks the chain against the prompts as they are now and
// the inputs given, then records the run and enqueues its first step in one
// transaction, answering 202 with the run.
func (s *Server) handleRunChain(e *core.RequestEvent) error {
	c, err := s.chainFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	var body struct {
		Inputs map[string]string `json:"inputs"`
	}
	if err := s.decodeJSON(e, &body); err != nil {
		return err
	}
	if s.jobs == nil {
		return krowoc.Errorf(krowoc.ECodeUnavailable, "Background runs are not available on this server.")
	}
	var v krowoc.Validation
	for _, name := range c.Inputs {
		val, ok := body.Inputs[name]
		switch {
		case !ok:
			v.Add("inputs."+name, "required", fmt.Sprintf("Give a value for the input %q.", name))
		case utf8.RuneCountInString(val) > krowoc.ChainInputValueMax:
			v.Add("inputs."+name, "too_long", fmt.Sprintf("An input must be at most %d characters.", krowoc.ChainInputValueMax))
		}
	}
	for name := range body.Inputs {
		if !slices.Contains(c.Inputs, name) {
			v.Add("inputs."+name, "unknown", fmt.Sprintf("The chain has no input %q.", name))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx := e.Request.Context()
	def := chainInput{Name: c.Name, Description: c.Description, Inputs: c.Inputs, Steps: c.Steps}
	steps, err := s.checkChain(ctx, c.WorkspaceID, &def)
	if err != nil {
		return err
	}
	// A missing key would fail the run at its step; say so before it starts.
	for _, st := range steps {
		entry, _ := s.catalog.Model(st.Model)
		if _, err := s.workspaceCredential(ctx, c.WorkspaceID, entry.Provider()); err != nil {
			return err
		}
	}
	if body.Inputs == nil {
		body.Inputs = map[string]string{}
	}
	run := &krowoc.ChainRun{ChainID: c.ID, WorkspaceID: c.WorkspaceID, Inputs: body.Inputs, Steps: steps,
		CreatedBy: callerOf(e).user.ID, RequestID: logging.RequestID(ctx)}
	err = s.db.StartChainRun(ctx, run, func(tx *store.Tx) error {
		_, err := s.jobs.InsertTx(ctx, tx, jobs.ChainStepArgs{RunID: run.ID, Position: 1, WorkspaceID: run.WorkspaceID, RequestID: run.RequestID}, nil)
		return err
	})
	if err != nil {
		return err
	}
	e.Response.Header().Set("Location", "/api/v1/chain-runs/"+run.ID)
	return writeJSON(e, http.StatusAccepted, run)
}

func (s *Server) handleGetChainRun(e *core.RequestEvent) error {
	run, err := s.chainRunFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, run)
}

// handleCancelChainRun stops a run: it is recorded as cancelled at once,
// and the provider call of its current step is stopped when it runs in
// this process (elsewhere its worker finds the run cancelled when it ends).
func (s *Server) handleCancelChainRun(e *core.RequestEvent) error {
	run, err := s.chainRunFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	run, execID, err := s.db.CancelChainRun(e.Request.Context(), run.ID)
	if err != nil {
		return err
	}
	if execID != "" {
		s.live.cancel(execID)
	}
	return writeJSON(e, http.StatusOK, run)
}

// handleFollowChainRun streams a run as Server-Sent Events: a run event
// with the whole run (steps, outputs, errors) whenever it changes, then
// done when it has finished.
func (s *Server) handleFollowChainRun(e *core.RequestEvent) error {
	run, err := s.chainRunFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	sse := newSSEWriter(e)
	tick := time.NewTicker(chainFollowPoll)
	defer tick.Stop()
	last := ""
	for {
		snapshot, _ := json.Marshal(run)
		if string(snapshot) != last {
			last = string(snapshot)
			if run.Status.Finished() {
				_ = sse.event("done", map[string]any{"run": run})
				return nil
			}
			_ = sse.event("run", map[string]any{"run": run})
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if run, err = s.db.GetChainRun(ctx, run.ID); err != nil {
			return nil
		}
	}
}

// chainStepWorker runs one step of a chain run as an execution, and
// enqueues the next step in the transaction that records its output.
type chainStepWorker struct {
	river.WorkerDefaults[jobs.ChainStepArgs]
	s *Server
}

// Timeout leaves the provider call its own timeout and time to record.
func (w *chainStepWorker) Timeout(*river.Job[jobs.ChainStepArgs]) time.Duration {
	return w.s.opts.ExecutionTimeout + 10*time.Second
}

// Work makes one attempt at a step. The first attempt records the step's
// execution; retries (River's policy, for retryable provider failures)
// reuse it. A failure that is final records the execution, the step and
// the run as failed, naming the step, and ends the job.
func (w *chainStepWorker) Work(ctx context.Context, job *river.Job[jobs.ChainStepArgs]) error {
	err := w.work(ctx, job)
	if jobs.Final(job.JobRow, err) {
		// Whatever ended the job for good, the run must not stay under way:
		// a failure already recorded stands (this finds the run finished).
		w.s.finishChainStep(ctx, job.Args, store.ChainStepOutcome{ErrorCode: krowoc.ECodeInternal,
			ErrorMessage: "Something went wrong on our side."}, err)
	}
	return err
}

func (w *chainStepWorker) work(ctx context.Context, job *river.Job[jobs.ChainStepArgs]) error {
	s, a := w.s, job.Args
	run, err := s.db.GetChainRun(ctx, a.RunID)
	if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
		return nil // the chain was deleted meanwhile
	}
	if err != nil {
		return err
	}
	if run.Status.Finished() {
		return nil
	}
	if a.Position < 1 || a.Position > len(run.Steps) {
		return river.JobCancel(fmt.Errorf("chain run %s has no step %d", run.ID, a.Position))
	}
	st := run.Steps[a.Position-1]
	var x *krowoc.Execution
	switch st.Status {
	case krowoc.StepPending:
		if x, err = s.chainStepExecution(ctx, run, st); err != nil {
			if krowoc.ErrorCode(err) == krowoc.ECodeInternal {
				return err
			}
			app := toAppError(err)
			s.finishChainStep(ctx, a, store.ChainStepOutcome{ErrorCode: app.Code, ErrorMessage: app.Message}, nil)
			return river.JobCancel(err)
		}
		if err := s.db.BeginChainStep(ctx, run.ID, a.Position, x); err != nil {
			if errors.Is(err, store.ErrChainRunFinished) {
				return nil
			}
			return err
		}
	case krowoc.StepRunning:
		if x, err = s.db.GetExecution(ctx, st.ExecutionID); err != nil {
			return err
		}
		if x.Status != krowoc.ExecRunning {
			return nil // cancelled with its run
		}
	default:
		return nil // recorded by an earlier attempt
	}

	prep, err := s.prepareStored(ctx, x)
	if err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeInternal {
			return err
		}
		x.Status, x.ErrorCode, x.ErrorMessage = krowoc.ExecFailed, krowoc.ErrorCode(err), toAppError(err).Message
		s.finishChainStep(ctx, a, store.ChainStepOutcome{Execution: x}, err)
		return river.JobCancel(err)
	}
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	emit := tagged(x, s.live.register(x.ID, cancel))
	defer s.live.unregister(x.ID)
	emit("start", map[string]any{"promptVersion": x.PromptVersion, "attempt": job.Attempt, "chainRunId": run.ID, "step": a.Position})

	callErr := s.call(callCtx, prep, emit, 0)
	if callErr == nil {
		return s.finishChainStep(ctx, a, store.ChainStepOutcome{Execution: x}, nil)
	}
	if callCtx.Err() != nil && ctx.Err() == nil {
		return nil // cancelled with its run; CancelChainRun recorded it
	}
	var pe *provider.Error
	retryable := errors.As(callErr, &pe) && pe.Retryable()
	if retryable && job.Attempt < job.MaxAttempts {
		if err := s.db.SetExecutionAttempts(context.WithoutCancel(ctx), x.ID, x.Attempts); err != nil {
			s.log.ErrorContext(ctx, "record attempts", "execution_id", x.ID, "error", err)
		}
		emit("retry", map[string]any{"attempt": job.Attempt, "reason": x.ErrorCode})
		return callErr
	}
	s.finishChainStep(ctx, a, store.ChainStepOutcome{Execution: x}, callErr)
	if retryable {
		return callErr
	}
	return river.JobCancel(callErr)
}

// chainStepExecution builds the execution of a run's step: its variables
// from the run's inputs, earlier outputs and literals, the workspace's key
// for the model's provider, and the prompt's default parameters.
func (s *Server) chainStepExecution(ctx context.Context, run *krowoc.ChainRun, st krowoc.ChainRunStep) (*krowoc.Execution, error) {
	vars := map[string]string{}
	for name, b := range st.Bindings {
		switch {
		case b.Input != "":
			vars[name] = run.Inputs[b.Input]
		case b.Step != 0:
			if b.Step < 1 || b.Step >= st.Position || run.Steps[b.Step-1].Output == nil {
				return nil, fmt.Errorf("chain run %s step %d: step %d has no output", run.ID, st.Position, b.Step)
			}
			vars[name] = *run.Steps[b.Step-1].Output
		case b.Literal != nil:
			vars[name] = *b.Literal
		}
	}
	entry, ok := s.catalog.Model(st.Model)
	if !ok {
		return nil, krowoc.Errorf(krowoc.ECodeValidation, "%q is no longer a known model.", st.Model)
	}
	cred, err := s.workspaceCredential(ctx, run.WorkspaceID, entry.Provider())
	if err != nil {
		return nil, err
	}
	p, err := s.db.GetPrompt(ctx, st.PromptID)
	if err != nil {
		return nil, err
	}
	params := p.DefaultParams
	if st.PromptVersion != nil {
		v, err := s.db.GetVersion(ctx, p.ID, *st.PromptVersion)
		if err != nil {
			return nil, err
		}
		params = v.DefaultParams
	}
	return &krowoc.Execution{
		WorkspaceID: run.WorkspaceID, UserID: run.CreatedBy, PromptID: st.PromptID, PromptVersion: st.PromptVersion,
		Model: st.Model, Provider: entry.Provider(), CredentialID: cred.ID, Variables: vars, Params: params,
		RequestID: run.RequestID,
	}, nil
}

// finishChainStep records a step's outcome (enqueueing the next step after
// a success) and tells the execution's followers. It returns an error only
// when recording a success failed, so River tries the step again.
func (s *Server) finishChainStep(ctx context.Context, a jobs.ChainStepArgs, o store.ChainStepOutcome, callErr error) error {
	o.RunID, o.Position = a.RunID, a.Position
	err := s.db.FinishChainStep(context.WithoutCancel(ctx), o, func(tx *store.Tx) error {
		_, err := s.jobs.InsertTx(ctx, tx, jobs.ChainStepArgs{RunID: a.RunID, Position: a.Position + 1,
			WorkspaceID: a.WorkspaceID, RequestID: a.RequestID}, nil)
		return err
	})
	switch {
	case errors.Is(err, store.ErrChainRunFinished), errors.Is(err, store.ErrExecutionFinished):
		return nil
	case err != nil:
		s.log.ErrorContext(ctx, "record chain step", "chain_run_id", a.RunID, "step", a.Position, "error", err)
		if callErr == nil && o.Execution != nil && o.Execution.Status == krowoc.ExecSucceeded {
			return err
		}
		return nil
	}
	if x := o.Execution; x != nil {
		s.emitOutcome(x, callErr, tagged(x, s.live.emitter(x.ID)))
	}
	return nil
}

// requeueChainStep resumes a run that failed at a step, from that step,
// when its dead letter is requeued.
func (s *Server) requeueChainStep(ctx context.Context, tx *store.Tx, payload json.RawMessage) (river.JobArgs, error) {
	var args jobs.ChainStepArgs
	if err := json.Unmarshal(payload, &args); err != nil {
		return nil, err
	}
	if _, err := store.ResumeChainRun(ctx, tx, args.RunID, args.Position); err != nil {
		return nil, err
	}
	args.RequestID = logging.RequestID(ctx)
	return args, nil
}
