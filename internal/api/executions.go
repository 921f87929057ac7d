package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/store"
)

// Execution limits: retries of retryable failures made before any token
// reached the client, and how many models one side-by-side run compares.
// The timeouts come from Options.
const (
	maxSideBySide = 4
	maxRetries    = 2
	retryBase     = 250 * time.Millisecond
	retryMax      = 10 * time.Second
)

func bindExecutionAPI(s *Server, g group) {
	g.handle(http.MethodPost, "/prompts/{id}/executions", s.handleExecutePrompt)
	g.handle(http.MethodGet, "/executions", s.handleListExecutions)
	g.handle(http.MethodGet, "/executions/{id}", s.handleGetExecution)
	g.handle(http.MethodDelete, "/executions/{id}", s.handleDeleteExecution)
	g.handle(http.MethodPost, "/executions/{id}/rerun", s.handleRerun)
	g.handle(http.MethodGet, "/executions/{id}/events", s.handleFollowExecution)
	g.handle(http.MethodPost, "/executions/{id}/cancel", s.handleCancelExecution)
}

type executeInput struct {
	Model string `json:"model"`
	// Models runs the prompt on up to maxSideBySide models at once.
	Models       []string          `json:"models"`
	Variables    map[string]string `json:"variables"`
	Params       *krowoc.Params    `json:"params"`
	Version      json.RawMessage   `json:"version"`
	CredentialID string            `json:"credentialId"`
	// Async enqueues the run as a background job and answers 202 at once.
	Async bool `json:"async"`
}

// prepared is an execution ready to call its provider.
type prepared struct {
	exec    *krowoc.Execution
	request provider.Request
	client  provider.Provider
	// start is the execution's start record on its way to the store.
	start *store.Pending
}

// runPlan is what a run of a prompt resolves to before its variables are
// filled in: the content of the chosen version, the model, parameters and
// key.
type runPlan struct {
	content  krowoc.PromptContent
	version  *int
	model    string
	provider string
	params   krowoc.Params
	cred     *krowoc.Credential
}

// prepare runs every check before a provider call: version, model,
// whitelist, variables, parameters and key. The key comes from, and the
// execution is recorded in, workspaceID: the prompt's own, or the caller's
// for someone else's public prompt. Nothing is written.
func (s *Server) prepare(e *core.RequestEvent, p *krowoc.Prompt, workspaceID string, in executeInput) (*prepared, error) {
	ctx := e.Request.Context()
	plan, err := s.planRun(e, p, workspaceID, in)
	if err != nil {
		return nil, err
	}
	text, err := renderPrompt(plan.content, in.Variables)
	if err != nil {
		return nil, err
	}
	prep, err := s.buildCall(ctx, plan.model, text, plan.params, plan.cred)
	if err != nil {
		return nil, err
	}
	prep.exec = &krowoc.Execution{
		WorkspaceID: workspaceID, UserID: callerOf(e).user.ID, PromptID: p.ID, PromptVersion: plan.version,
		Model: plan.model, Provider: plan.provider, CredentialID: plan.cred.ID, Variables: in.Variables, Params: plan.params,
		RequestID: logging.RequestID(ctx),
	}
	return prep, nil
}

// planRun runs the checks of prepare that do not depend on the variables:
// version, model, whitelist, parameters and key (of workspaceID).
func (s *Server) planRun(e *core.RequestEvent, p *krowoc.Prompt, workspaceID string, in executeInput) (*runPlan, error) {
	ctx := e.Request.Context()
	var v krowoc.Validation

	content, version := p.PromptContent, (*int)(nil)
	raw := strings.TrimSpace(string(in.Version))
	switch {
	case raw == "" || raw == "null":
		if p.PublishedVersion != nil {
			version = p.PublishedVersion
		}
	case raw == `"draft"`:
	default:
		n, err := strconv.Atoi(strings.Trim(raw, `"`))
		if err != nil || n < 1 {
			v.Add("version", "invalid", `version must be a version number or "draft".`)
			return nil, v.Err()
		}
		version = &n
	}
	if version != nil {
		ver, err := s.db.GetVersion(ctx, p.ID, *version)
		if err != nil {
			return nil, err
		}
		content = ver.PromptContent
	}

	model := strings.TrimSpace(in.Model)
	if model == "" {
		model = content.DefaultModel
	}
	if model == "" {
		v.Add("model", "required", "Choose a model (provider:model); the prompt has no default model.")
		return nil, v.Err()
	}
	entry, ok := s.catalog.Model(model)
	if !ok {
		v.Add("model", "unknown_model", fmt.Sprintf("%q is not a known model (use provider:model).", model))
		return nil, v.Err()
	}
	if !krowoc.ModelAllowed(content.ModelWhitelist, model) {
		return nil, &krowoc.Error{
			Code:    krowoc.ECodeModelNotAllowed,
			Message: fmt.Sprintf("This prompt may run only on: %s.", strings.Join(content.ModelWhitelist, ", ")),
			Extra:   map[string]any{"allowed": content.ModelWhitelist},
		}
	}

	params := content.DefaultParams
	if in.Params != nil {
		if in.Params.Temperature != nil {
			params.Temperature = in.Params.Temperature
		}
		if in.Params.TopP != nil {
			params.TopP = in.Params.TopP
		}
		if in.Params.MaxTokens != nil {
			params.MaxTokens = in.Params.MaxTokens
		}
		if in.Params.SystemPrompt != nil {
			params.SystemPrompt = in.Params.SystemPrompt
		}
	}
	if err := params.Validate("params."); err != nil {
		return nil, err
	}

	cred, err := s.pickCredential(e, workspaceID, entry.Provider(), in.CredentialID)
	if err != nil {
		return nil, err
	}
	return &runPlan{content: content, version: version, model: model, provider: entry.Provider(), params: params, cred: cred}, nil
}

// buildCall turns a rendered prompt into a provider request with the key of
// cred, ready to send.
func (s *Server) buildCall(ctx context.Context, model, text string, params krowoc.Params, cred *krowoc.Credential) (*prepared, error) {
	if err := s.checkBaseURL(cred); err != nil {
		return nil, err
	}
	key, err := s.db.CredentialKey(ctx, s.secrets, cred.ID)
	if err != nil {
		return nil, err
	}
	client, err := s.provider(cred.Provider)
	if err != nil {
		return nil, err
	}
	_, name, _ := strings.Cut(model, ":")
	req := provider.Request{
		Model: name, Messages: []provider.Message{{Role: "user", Content: text}},
		Temperature: params.Temperature, TopP: params.TopP, MaxTokens: params.MaxTokens,
		APIKey: key, BaseURL: cred.BaseURL,
	}
	if params.SystemPrompt != nil {
		req.System = *params.SystemPrompt
	}
	return &prepared{request: req, client: client}, nil
}

// renderPrompt fills the prompt's variables from vars and the variables'
// defaults; missing_variables names any left without a value.
func renderPrompt(content krowoc.PromptContent, vars map[string]string) (string, error) {
	values := map[string]string{}
	for _, variable := range content.Variables {
		if variable.Default != nil {
			values[variable.Name] = *variable.Default
		}
	}
	for k, val := range vars {
		values[k] = val
	}
	text, missing := krowoc.RenderTemplate(content.PromptText, values)
	if len(missing) > 0 {
		return "", &krowoc.Error{
			Code:    krowoc.ECodeMissingVariables,
			Message: "Give a value for: " + strings.Join(missing, ", ") + ".",
			Extra:   map[string]any{"missing": missing},
		}
	}
	return text, nil
}

// pickCredential returns the named credential, or the workspace's first
// key for the provider; no_credential when there is none.
func (s *Server) pickCredential(e *core.RequestEvent, workspaceID, providerID, id string) (*krowoc.Credential, error) {
	if id != "" {
		c, err := s.credentialFor(e, id, krowoc.ActionWrite)
		if err != nil {
			return nil, err
		}
		if c.WorkspaceID != workspaceID || c.Provider != providerID {
			var v krowoc.Validation
			v.Add("credentialId", "mismatch", fmt.Sprintf("That key is not a %s key of this prompt's workspace.", providerID))
			return nil, v.Err()
		}
		return c, nil
	}
	return s.workspaceCredential(e.Request.Context(), workspaceID, providerID)
}

// workspaceCredential returns the workspace's first key for the provider;
// no_credential when there is none.
func (s *Server) workspaceCredential(ctx context.Context, workspaceID, providerID string) (*krowoc.Credential, error) {
	list, err := s.db.ListCredentials(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Provider == providerID {
			return &list[i], nil
		}
	}
	return nil, &krowoc.Error{
		Code:    krowoc.ECodeNoCredential,
		Message: fmt.Sprintf("Add a %s API key to this workspace (Settings → API keys) to run this model.", providerID),
		Extra:   map[string]any{"provider": providerID},
	}
}

// errFirstToken cancels a stream whose first token is late.
var errFirstToken = errors.New("no first token in time")

// handleExecutePrompt runs a prompt on one model, or side by side on up to
// four, with the workspace's keys: streamed as Server-Sent Events (start,
// delta, usage, done, error; tagged by model) when the client accepts
// text/event-stream, or answered whole as JSON.
func (s *Server) handleExecutePrompt(e *core.RequestEvent) error {
	var in executeInput
	if err := s.decodeJSON(e, &in); err != nil {
		return err
	}
	return s.execute(e, e.Request.PathValue("id"), in)
}

// handleRerun runs an execution again with the same prompt version, model,
// variables, parameters and key, as a new execution.
func (s *Server) handleRerun(e *core.RequestEvent) error {
	x, err := s.executionFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	in := executeInput{Model: x.Model, Variables: x.Variables, Params: &x.Params, CredentialID: x.CredentialID, Version: json.RawMessage(`"draft"`)}
	if x.PromptVersion != nil {
		in.Version = json.RawMessage(strconv.Itoa(*x.PromptVersion))
	}
	if p, err := s.db.GetPrompt(e.Request.Context(), x.PromptID); err == nil && p.WorkspaceID != x.WorkspaceID {
		// A run of someone else's public prompt runs again on its current
		// published version, with the same workspace's keys.
		return s.executePublic(e, p, x.WorkspaceID, in)
	}
	return s.execute(e, x.PromptID, in)
}

// execute runs the prompt per in; see handleExecutePrompt.
func (s *Server) execute(e *core.RequestEvent, promptID string, in executeInput) error {
	if err := checkModels(in); err != nil {
		return err
	}
	p, err := s.promptFor(e, promptID, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if p.DeletedAt != nil {
		return krowoc.NotFound("prompt")
	}
	return s.executeIn(e, p, p.WorkspaceID, in)
}

// checkModels validates the choice between one model and side by side.
func checkModels(in executeInput) error {
	switch {
	case len(in.Models) > 0 && in.Model != "":
		var v krowoc.Validation
		v.Add("models", "conflict", "Give either model or models, not both.")
		return v.Err()
	case len(in.Models) > maxSideBySide:
		var v krowoc.Validation
		v.Add("models", "too_many", fmt.Sprintf("Compare at most %d models at once.", maxSideBySide))
		return v.Err()
	}
	return nil
}

// executeIn runs p per in with workspaceID's keys, recording the
// executions there.
func (s *Server) executeIn(e *core.RequestEvent, p *krowoc.Prompt, workspaceID string, in executeInput) error {
	if err := checkModels(in); err != nil {
		return err
	}
	models := in.Models
	sideBySide := len(models) > 0
	if !sideBySide {
		models = []string{in.Model}
	}
	var err error
	preps := make([]*prepared, len(models))
	seen := map[string]bool{}
	for i, model := range models {
		one := in
		one.Model = model
		if preps[i], err = s.prepare(e, p, workspaceID, one); err != nil {
			return err
		}
		if seen[preps[i].exec.Model] {
			var v krowoc.Validation
			v.Add("models", "duplicate", "Each model may appear once.")
			return v.Err()
		}
		seen[preps[i].exec.Model] = true
	}
	if err := s.limitExecutions(e, len(preps)); err != nil {
		return err
	}
	if in.Async {
		return s.enqueueRuns(e, preps, sideBySide)
	}
	var emit emitFunc
	if wantsEventStream(e) {
		sse := newSSEWriter(e)
		emit = func(name string, data map[string]any) { _ = sse.event(name, data) }
	}
	for _, prep := range preps {
		if emit != nil {
			prep.start = s.db.RecordStart(prep.exec)
		} else {
			// Answered whole at the end: a quick run is written once.
			prep.start = s.db.DeferStart(prep.exec)
		}
	}
	errs := make([]error, len(preps))
	if len(preps) == 1 {
		// One model runs on the request's goroutine: a stream in flight
		// costs one goroutine stack less.
		errs[0] = s.run(e.Request.Context(), preps[0], emit)
	} else {
		var wg sync.WaitGroup
		for i, prep := range preps {
			wg.Go(func() { errs[i] = s.run(e.Request.Context(), prep, emit) })
		}
		wg.Wait()
	}

	if emit != nil {
		return nil
	}
	if !sideBySide {
		if errs[0] != nil {
			return errs[0]
		}
		return writeJSON(e, http.StatusOK, preps[0].exec)
	}
	out := make([]*krowoc.Execution, len(preps))
	for i, prep := range preps {
		out[i] = prep.exec
	}
	return writeJSON(e, http.StatusOK, map[string]any{"executions": out})
}

// emitFunc sends one named event about an execution to whoever follows it.
type emitFunc func(name string, data map[string]any)

// run calls one model for an execution whose start record is on its way
// (prep.start), records the outcome, and streams its events to emit when set. It returns the problem
// of a failed call. Retryable failures are retried in place while no
// token has been sent.
func (s *Server) run(reqCtx context.Context, prep *prepared, emit emitFunc) error {
	x := prep.exec
	if emit = tagged(x, emit); emit != nil {
		emit = afterStart(x, emit)
	}
	// POST /executions/{id}/cancel stops the call through the live runs.
	ctx, cancel := context.WithCancel(reqCtx)
	defer cancel()
	s.live.register(x.ID, cancel)
	s.live.starting(x.ID, prep.start)
	defer s.live.unregister(x.ID)
	callErr := s.call(ctx, prep, emit, maxRetries)
	if reqCtx.Err() == nil && ctx.Err() != nil {
		x.ErrorMessage = "Cancelled before it finished."
	}
	// Record even when the client has gone: the history must not lose runs.
	// A run cancelled meanwhile has its outcome recorded already.
	if err := s.db.RecordFinish(x, prep.start); err != nil && !errors.Is(err, store.ErrExecutionFinished) {
		s.log.ErrorContext(reqCtx, "record execution", "execution_id", x.ID, "error", err)
	}
	s.emitOutcome(x, callErr, emit)
	if callErr != nil {
		return executionProblem(x)
	}
	return nil
}

// afterStart returns emit preceded by the start event, sent before the first
// other event without waiting for the start record's commit, so a busy
// writer never delays the first token. A request about the execution in
// this process waits for that commit (liveRuns.awaitStart), so a client
// told that an execution started finds it.
func afterStart(x *krowoc.Execution, emit emitFunc) emitFunc {
	var once sync.Once
	return func(name string, data map[string]any) {
		once.Do(func() { emit("start", map[string]any{"promptVersion": x.PromptVersion}) })
		emit(name, data)
	}
}

// tagged adds the model and execution id to every event, so side-by-side
// streams can be told apart.
func tagged(x *krowoc.Execution, emit emitFunc) emitFunc {
	if emit == nil {
		return nil
	}
	return func(name string, m map[string]any) {
		m["model"], m["executionId"] = x.Model, x.ID
		emit(name, m)
	}
}

// emitOutcome sends the closing events of a finished execution: usage and
// done, or error.
func (s *Server) emitOutcome(x *krowoc.Execution, callErr error, emit emitFunc) {
	if emit == nil {
		return
	}
	if callErr != nil {
		body := problemFields(executionProblem(x))
		body["requestId"] = x.RequestID
		emit("error", body)
		return
	}
	emit("usage", map[string]any{"usage": x.Usage, "costMicros": x.CostMicros})
	emit("done", map[string]any{"execution": x})
}

// call makes the provider call of prep, streaming deltas to emit when set,
// and fills in the execution's outcome: status, usage, cost and timings. It
// returns the call's error, if any.
func (s *Server) call(reqCtx context.Context, prep *prepared, emit emitFunc, retries int) error {
	x := prep.exec
	ctx, cancel := context.WithTimeout(reqCtx, s.opts.ExecutionTimeout)
	defer cancel()
	start := time.Now()
	var onDelta func(string) error
	if emit != nil {
		ttftCtx, cancelTTFT := context.WithCancelCause(ctx)
		defer cancelTTFT(nil)
		timer := time.AfterFunc(s.opts.FirstTokenTimeout, func() { cancelTTFT(errFirstToken) })
		defer timer.Stop()
		ctx = ttftCtx
		onDelta = func(text string) error {
			if x.TTFTMillis == nil {
				timer.Stop()
				ms := time.Since(start).Milliseconds()
				x.TTFTMillis = &ms
			}
			emit("delta", map[string]any{"text": text})
			return nil
		}
	}

	res, callErr := s.callWithRetries(ctx, prep, onDelta, x, retries)
	latency := time.Since(start).Milliseconds()
	x.LatencyMillis = &latency
	if callErr == nil {
		x.Status = krowoc.ExecSucceeded
		x.ResponseText = res.Text
		x.Usage = krowoc.Usage{
			InputTokens: res.Usage.Input, OutputTokens: res.Usage.Output, CachedInputTokens: res.Usage.CachedInput,
			CacheCreationTokens: res.Usage.CacheCreation, ReasoningTokens: res.Usage.Reasoning,
		}
		if m, ok := s.catalog.Model(x.Model); ok {
			if price, ok := m.PriceAt(x.CreatedAt); ok {
				u := x.Usage
				x.CostMicros = price.CostMicros(u.InputTokens, u.CachedInputTokens, u.CacheCreationTokens, u.OutputTokens, u.ReasoningTokens)
			}
		}
		if x.TTFTMillis == nil {
			x.TTFTMillis = &latency
		}
		return nil
	}
	x.Status, x.ErrorCode, x.ErrorMessage = s.classifyFailure(reqCtx, ctx, callErr)
	return callErr
}

// callWithRetries calls the provider, retrying retryable failures with
// exponential backoff and jitter (honoring Retry-After) while no token has
// reached the client.
func (s *Server) callWithRetries(ctx context.Context, prep *prepared, onDelta func(string) error, x *krowoc.Execution, retries int) (*provider.Result, error) {
	for attempt := 0; ; attempt++ {
		x.Attempts++
		var res *provider.Result
		var err error
		if onDelta != nil {
			res, err = prep.client.Stream(ctx, prep.request, onDelta)
		} else {
			res, err = prep.client.Complete(ctx, prep.request)
		}
		var pe *provider.Error
		if err == nil || attempt >= retries || x.TTFTMillis != nil || !errors.As(err, &pe) || !pe.Retryable() {
			return res, err
		}
		wait := retryBase << attempt
		wait += time.Duration(rand.Int64N(int64(wait)))
		if pe.RetryAfter > wait {
			wait = pe.RetryAfter
		}
		if wait > retryMax {
			return res, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

// classifyFailure turns a failed call into the recorded status, code and a
// message that is safe to show.
func (s *Server) classifyFailure(reqCtx, callCtx context.Context, err error) (krowoc.ExecutionStatus, string, string) {
	var pe *provider.Error
	switch {
	case reqCtx.Err() != nil:
		return krowoc.ExecCancelled, "cancelled", "The client went away; the call was cancelled."
	case errors.Is(context.Cause(callCtx), errFirstToken):
		return krowoc.ExecTimedOut, "first_token_timeout", fmt.Sprintf("No first token within %s.", s.opts.FirstTokenTimeout)
	case errors.As(err, &pe) && pe.Kind == provider.KindTimeout, errors.Is(err, context.DeadlineExceeded):
		return krowoc.ExecTimedOut, "timeout", fmt.Sprintf("The provider did not finish within %s.", s.opts.ExecutionTimeout)
	case errors.As(err, &pe):
		return krowoc.ExecFailed, "provider_" + string(pe.Kind), pe.Message
	}
	return krowoc.ExecFailed, "provider_error", "The call failed."
}

// executionProblem is the problem a failed execution answers with.
func executionProblem(x *krowoc.Execution) *krowoc.Error {
	return &krowoc.Error{
		Code:    krowoc.ECodeUpstream,
		Message: x.ErrorMessage,
		Extra:   map[string]any{"executionId": x.ID, "reason": x.ErrorCode, "executionStatus": string(x.Status)},
	}
}

func (s *Server) handleListExecutions(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	f := store.ExecutionFilter{PromptID: q.Get("prompt"), Model: q.Get("model"), Status: krowoc.ExecutionStatus(q.Get("status"))}
	var v krowoc.Validation
	for _, bound := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if raw := q.Get(bound.name); raw != "" {
			t, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				v.Add(bound.name, "format", bound.name+" must be an RFC 3339 date-time.")
				continue
			}
			*bound.dst = &t
		}
	}
	switch f.Status {
	case "", krowoc.ExecRunning, krowoc.ExecSucceeded, krowoc.ExecFailed, krowoc.ExecCancelled, krowoc.ExecTimedOut:
	default:
		v.Add("status", "invalid", "status must be running, succeeded, failed, cancelled or timed_out.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if f.WorkspaceID, err = s.workspaceFor(e, q.Get("workspace"), krowoc.ActionRead); err != nil {
		return err
	}
	items, total, err := s.db.ListExecutions(e.Request.Context(), f, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, listResponse[krowoc.Execution]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

func (s *Server) executionFor(e *core.RequestEvent, action krowoc.Action) (*krowoc.Execution, error) {
	id := e.Request.PathValue("id")
	s.live.awaitStart(e.Request.Context(), id)
	x, err := s.db.GetExecution(e.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, x.WorkspaceID, action); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("execution")
		}
		return nil, err
	}
	return x, nil
}

func (s *Server) handleGetExecution(e *core.RequestEvent) error {
	x, err := s.executionFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, x)
}

func (s *Server) handleDeleteExecution(e *core.RequestEvent) error {
	x, err := s.executionFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if err := s.db.DeleteExecution(e.Request.Context(), x.ID); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}
