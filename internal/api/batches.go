package api

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/riverqueue/river"

	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
)

// Batch limits: rows per batch, the largest upload, and how many row
// errors one refusal lists (it always says how many rows are bad).
const (
	batchMaxRows      = 10_000
	batchMaxBytes     = 16 << 20
	batchMaxRowErrors = 100
	// batchProgressPoll is how often a progress stream re-reads its batch;
	// reading the database makes it work across processes.
	batchProgressPoll = 300 * time.Millisecond
)

func bindBatchAPI(s *Server, g group) {
	g.handle(http.MethodPost, "/prompts/{id}/batches", s.handleCreateBatch)
	g.handle(http.MethodGet, "/batches", s.handleListBatches)
	g.handle(http.MethodGet, "/batches/{id}", s.handleGetBatch)
	g.handle(http.MethodDelete, "/batches/{id}", s.handleDeleteBatch)
	g.handle(http.MethodGet, "/batches/{id}/items", s.handleListBatchItems)
	g.handle(http.MethodGet, "/batches/{id}/events", s.handleFollowBatch)
	g.handle(http.MethodPost, "/batches/{id}/cancel", s.handleCancelBatch)
	g.handle(http.MethodGet, "/batches/{id}/results", s.handleBatchResults)
}

// batchInput is a batch request however it was sent: a JSON body, a CSV
// body with the other fields as query parameters, or a multipart form
// with a CSV or JSON file.
type batchInput struct {
	Model        string           `json:"model"`
	Models       []string         `json:"models"`
	Rows         []map[string]any `json:"rows"`
	Version      json.RawMessage  `json:"version"`
	CredentialID string           `json:"credentialId"`
	Params       *krowoc.Params   `json:"params"`

	// columns are the variable names in the order of the upload's header
	// (CSV) or first appearance (JSON).
	columns []string
	// rowErrors are rows that could not be read at all.
	rowErrors []rowErrors
}

// rowErrors are the problems of one row; Row counts data rows from 1.
type rowErrors struct {
	Row    int                 `json:"row"`
	Errors []krowoc.FieldError `json:"errors"`
}

func invalidRows(msg string, rows []rowErrors, bad int) *krowoc.Error {
	if rows == nil {
		rows = []rowErrors{}
	}
	return &krowoc.Error{Code: krowoc.ECodeInvalidRows, Message: msg, Extra: map[string]any{"rows": rows, "invalidRows": bad}}
}

// readBatchInput reads the request per its content type.
func (s *Server) readBatchInput(e *core.RequestEvent) (*batchInput, error) {
	mt, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type"))
	body := http.MaxBytesReader(e.Response, e.Request.Body, batchMaxBytes)
	in := &batchInput{}
	fields := func(get func(string) []string) {
		for _, m := range get("models") {
			in.Models = append(in.Models, splitList(m)...)
		}
		for _, m := range get("model") {
			in.Models = append(in.Models, splitList(m)...)
		}
		if v := first(get("version")); v != "" {
			in.Version = json.RawMessage(strconv.Quote(v))
		}
		in.CredentialID = first(get("credentialId"))
	}
	switch mt {
	case "text/csv":
		q := e.Request.URL.Query()
		fields(func(k string) []string { return q[k] })
		return in, readCSVRows(body, in)
	case "multipart/form-data":
		e.Request.Body = body
		if err := e.Request.ParseMultipartForm(8 << 20); err != nil {
			return nil, uploadError(err)
		}
		form := e.Request.MultipartForm
		fields(func(k string) []string { return form.Value[k] })
		files := form.File["file"]
		if len(files) != 1 {
			var v krowoc.Validation
			v.Add("file", "required", "Attach one CSV or JSON file as the field file.")
			return nil, v.Err()
		}
		f, err := files[0].Open()
		if err != nil {
			return nil, uploadError(err)
		}
		defer f.Close()
		name := strings.ToLower(files[0].Filename)
		ct, _, _ := mime.ParseMediaType(files[0].Header.Get("Content-Type"))
		if strings.HasSuffix(name, ".json") || ct == "application/json" {
			return in, readJSONRows(f, in)
		}
		return in, readCSVRows(f, in)
	}
	if err := s.decodeJSONLimit(e, in, batchMaxBytes); err != nil {
		return nil, err
	}
	if in.Model != "" {
		in.Models = append([]string{in.Model}, in.Models...)
	}
	in.columns = rowColumns(in.Rows)
	return in, nil
}

func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return krowoc.Errorf(krowoc.ECodePayloadTooLarge, "The upload is larger than %d bytes.", batchMaxBytes)
	}
	return krowoc.Errorf(krowoc.ECodeBadRequest, "The upload could not be read as a multipart form.")
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// readCSVRows reads a CSV whose header row names the variables; every
// other row is one set of values. A line that cannot be parsed refuses
// the whole upload.
func readCSVRows(r io.Reader, in *batchInput) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return invalidRows("The CSV file is empty; its first row must name the variables.", nil, 0)
	}
	if err != nil {
		return csvError(err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheet byte-order mark
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" || seen[h] {
			return invalidRows(fmt.Sprintf("Column %d of the header is empty or repeated; name each variable once.", i+1), nil, 0)
		}
		seen[h] = true
	}
	in.columns = header
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		if len(in.Rows) >= batchMaxRows {
			return invalidRows(fmt.Sprintf("A batch holds at most %d rows.", batchMaxRows), nil, 0)
		}
		// An empty cell gives no value: the variable's default applies,
		// or the row is missing it.
		row := make(map[string]any, len(header))
		for i, h := range header {
			if rec[i] != "" {
				row[h] = rec[i]
			}
		}
		in.Rows = append(in.Rows, row)
	}
}

func csvError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return krowoc.Errorf(krowoc.ECodePayloadTooLarge, "The upload is larger than %d bytes.", batchMaxBytes)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// Line 1 is the header, so data row n is on line n+1 (for rows
		// without line breaks inside quotes).
		row := max(pe.StartLine-1, 0)
		return invalidRows(fmt.Sprintf("The CSV file is malformed on line %d: %s.", pe.StartLine, pe.Err),
			[]rowErrors{{Row: row, Errors: []krowoc.FieldError{{Field: "csv", Code: "malformed", Message: pe.Error()}}}}, 1)
	}
	return invalidRows("The CSV file could not be read.", nil, 0)
}

// readJSONRows reads a JSON array of variable objects, or an object with
// such an array under rows.
func readJSONRows(r io.Reader, in *batchInput) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return uploadError(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		var doc struct {
			Rows []map[string]any `json:"rows"`
		}
		if err2 := json.Unmarshal(raw, &doc); err2 != nil || doc.Rows == nil {
			return invalidRows("The JSON file must be an array of objects (one per row) or an object with such an array under rows.", nil, 0)
		}
		rows = doc.Rows
	}
	in.Rows = rows
	in.columns = rowColumns(rows)
	return nil
}

// rowColumns lists the keys of rows, sorted.
func rowColumns(rows []map[string]any) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, row := range rows {
		for k := range row {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// rowVariables turns one row into variables: text as is, numbers and
// booleans as written; anything else is an error of that row.
func rowVariables(row map[string]any) (map[string]string, []krowoc.FieldError) {
	vars := make(map[string]string, len(row))
	var errs []krowoc.FieldError
	keys := make([]string, 0, len(row))
	for k := range row {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := row[k].(type) {
		case string:
			vars[k] = v
		case float64:
			vars[k] = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			vars[k] = strconv.FormatBool(v)
		default:
			errs = append(errs, krowoc.FieldError{Field: k, Code: "type", Message: k + " must be text, a number or true/false."})
		}
	}
	return vars, errs
}

// handleCreateBatch checks a batch whole — prompt, models, version, keys
// and every row — then records it and enqueues one job per row × model in
// the same transaction, and answers 202 with the queued batch. Any invalid
// row refuses the batch with invalid_rows and writes nothing.
func (s *Server) handleCreateBatch(e *core.RequestEvent) error {
	if s.jobs == nil {
		return krowoc.Errorf(krowoc.ECodeUnavailable, "Batch runs are not available on this server.")
	}
	p, err := s.promptFor(e, e.Request.PathValue("id"), krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if p.DeletedAt != nil {
		return krowoc.NotFound("prompt")
	}
	in, err := s.readBatchInput(e)
	if err != nil {
		return err
	}
	var v krowoc.Validation
	switch {
	case len(in.Models) == 0:
		if p.PromptContent.DefaultModel == "" {
			v.Add("models", "required", "Choose at least one model (provider:model); the prompt has no default model.")
		}
		in.Models = []string{""}
	case len(in.Models) > maxSideBySide:
		v.Add("models", "too_many", fmt.Sprintf("Run a batch on at most %d models.", maxSideBySide))
	}
	if err := v.Err(); err != nil {
		return err
	}
	plans := make([]*runPlan, len(in.Models))
	seen := map[string]bool{}
	for i, model := range in.Models {
		plan, err := s.planRun(e, p, p.WorkspaceID, executeInput{Model: model, Version: in.Version, CredentialID: in.CredentialID, Params: in.Params})
		if err != nil {
			return err
		}
		if seen[plan.model] {
			v.Add("models", "duplicate", "Each model may appear once.")
			return v.Err()
		}
		seen[plan.model] = true
		plans[i] = plan
	}
	if in.rowErrors == nil && len(in.Rows) == 0 {
		return invalidRows("The batch has no rows.", nil, 0)
	}
	if len(in.Rows) > batchMaxRows {
		return invalidRows(fmt.Sprintf("A batch holds at most %d rows; this one has %d.", batchMaxRows, len(in.Rows)), nil, 0)
	}

	// Every row must render: the variables without defaults need a value.
	rows := make([]map[string]string, len(in.Rows))
	var bad []rowErrors
	badCount := 0
	for i, row := range in.Rows {
		vars, errs := rowVariables(row)
		if _, err := renderPrompt(plans[0].content, vars); err != nil {
			if missing, ok := toAppError(err).Extra["missing"].([]string); ok {
				for _, name := range missing {
					errs = append(errs, krowoc.FieldError{Field: name, Code: "missing", Message: "Give a value for " + name + "."})
				}
			}
		}
		if len(errs) > 0 {
			badCount++
			if len(bad) < batchMaxRowErrors {
				bad = append(bad, rowErrors{Row: i + 1, Errors: errs})
			}
		}
		rows[i] = vars
	}
	if badCount > 0 {
		return invalidRows(fmt.Sprintf("%d of %d rows are invalid; nothing was started.", badCount, len(rows)), bad, badCount)
	}

	ctx := e.Request.Context()
	b := &krowoc.Batch{
		WorkspaceID: p.WorkspaceID, PromptID: p.ID, PromptVersion: plans[0].version, Params: plans[0].params,
		Credentials: map[string]string{}, VariableNames: in.columns, Rows: len(rows), CreatedBy: callerOf(e).user.ID,
		RequestID: logging.RequestID(ctx),
	}
	for _, plan := range plans {
		b.Models = append(b.Models, plan.model)
		b.Credentials[plan.model] = plan.cred.ID
	}
	items := make([]krowoc.BatchItem, 0, len(rows)*len(plans))
	for i, vars := range rows {
		for _, plan := range plans {
			items = append(items, krowoc.BatchItem{Row: i + 1, Model: plan.model, CredentialID: plan.cred.ID, Variables: vars})
		}
	}
	err = s.db.CreateBatch(ctx, b, items, func(tx *store.Tx) error {
		args := make([]river.JobArgs, len(items))
		for i := range items {
			args[i] = jobs.BatchItemArgs{BatchID: b.ID, ItemID: items[i].ID, CredentialID: items[i].CredentialID,
				WorkspaceID: b.WorkspaceID, RequestID: b.RequestID}
		}
		return s.jobs.InsertManyTx(ctx, tx, args)
	})
	if err != nil {
		return err
	}
	e.Response.Header().Set("Location", "/api/v1/batches/"+b.ID)
	return writeJSON(e, http.StatusAccepted, b)
}

// batchFor loads a batch the caller may perform action on; another
// workspace's batch is not_found.
func (s *Server) batchFor(e *core.RequestEvent, action krowoc.Action) (*krowoc.Batch, error) {
	b, err := s.db.GetBatch(e.Request.Context(), e.Request.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Authorize(e.Request.Context(), callerOf(e).user.ID, b.WorkspaceID, action); err != nil {
		if krowoc.ErrorCode(err) == krowoc.ECodeNotFound {
			return nil, krowoc.NotFound("batch")
		}
		return nil, err
	}
	return b, nil
}

func (s *Server) handleListBatches(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	f := store.BatchFilter{PromptID: q.Get("prompt"), Status: krowoc.BatchStatus(q.Get("status"))}
	switch f.Status {
	case "", krowoc.BatchQueued, krowoc.BatchRunning, krowoc.BatchSucceeded, krowoc.BatchFailed,
		krowoc.BatchCompletedWithFailures, krowoc.BatchCancelled:
	default:
		var v krowoc.Validation
		v.Add("status", "invalid", "status must be queued, running, succeeded, failed, completed_with_failures or cancelled.")
		return v.Err()
	}
	if f.WorkspaceID, err = s.workspaceFor(e, q.Get("workspace"), krowoc.ActionRead); err != nil {
		return err
	}
	items, total, err := s.db.ListBatches(e.Request.Context(), f, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, listResponse[krowoc.Batch]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

func (s *Server) handleGetBatch(e *core.RequestEvent) error {
	b, err := s.batchFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, b)
}

func (s *Server) handleDeleteBatch(e *core.RequestEvent) error {
	b, err := s.batchFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if err := s.db.DeleteBatch(e.Request.Context(), b.ID); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

// handleListBatchItems lists a page of a batch's items with their
// outcomes, in row order.
func (s *Server) handleListBatchItems(e *core.RequestEvent) error {
	b, err := s.batchFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	status := krowoc.BatchItemStatus(e.Request.URL.Query().Get("status"))
	switch status {
	case "", krowoc.ItemPending, krowoc.ItemRunning, krowoc.ItemSucceeded, krowoc.ItemFailed, krowoc.ItemCancelled:
	default:
		var v krowoc.Validation
		v.Add("status", "invalid", "status must be pending, running, succeeded, failed or cancelled.")
		return v.Err()
	}
	items, total, err := s.db.ListBatchResults(e.Request.Context(), b.ID, status, page)
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, listResponse[krowoc.BatchResult]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total})
}

// handleCancelBatch cancels a batch: pending items never run; running ones
// finish and count as they end.
func (s *Server) handleCancelBatch(e *core.RequestEvent) error {
	b, err := s.batchFor(e, krowoc.ActionWrite)
	if err != nil {
		return err
	}
	if err := s.db.CancelBatch(e.Request.Context(), b.ID); err != nil {
		return err
	}
	if b, err = s.db.GetBatch(e.Request.Context(), b.ID); err != nil {
		return err
	}
	return writeJSON(e, http.StatusOK, b)
}

// handleFollowBatch streams a batch's progress as Server-Sent Events: a
// progress event with the batch at once and whenever its counters change,
// and done with the batch when every item has settled.
func (s *Server) handleFollowBatch(e *core.RequestEvent) error {
	b, err := s.batchFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	ctx := e.Request.Context()
	sse := newSSEWriter(e)
	tick := time.NewTicker(batchProgressPoll)
	defer tick.Stop()
	last := ""
	for {
		if b.FinishedAt != nil {
			_ = sse.event("done", b)
			return nil
		}
		if key := progressKey(b); key != last {
			last = key
			if err := sse.event("progress", b); err != nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if b, err = s.db.GetBatch(ctx, b.ID); err != nil {
			return nil
		}
	}
}

func progressKey(b *krowoc.Batch) string {
	return fmt.Sprintf("%s/%d/%d/%d/%d/%d", b.Status, b.Succeeded, b.Failed, b.Cancelled, b.Running, b.CostMicros)
}

// handleBatchResults downloads every item of a batch with its outcome, as
// CSV (format=csv: one column per variable) or JSON (the default).
func (s *Server) handleBatchResults(e *core.RequestEvent) error {
	b, err := s.batchFor(e, krowoc.ActionRead)
	if err != nil {
		return err
	}
	format := e.Request.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		var v krowoc.Validation
		v.Add("format", "invalid", "format must be csv or json.")
		return v.Err()
	}
	ctx := e.Request.Context()
	h := e.Response.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="krowoc-batch-%s.%s"`, b.ID, format))
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		e.Response.WriteHeader(http.StatusOK)
		w := csv.NewWriter(e.Response)
		header := append([]string{"row", "model"}, b.VariableNames...)
		header = append(header, "status", "response", "input_tokens", "output_tokens", "cost_micros", "latency_ms",
			"attempts", "error_code", "error_message", "execution_id")
		_ = w.Write(header)
		err := s.db.EachBatchResult(ctx, b.ID, func(r *krowoc.BatchResult) error {
			rec := []string{strconv.Itoa(r.Row), r.Model}
			for _, name := range b.VariableNames {
				rec = append(rec, r.Variables[name])
			}
			latency := ""
			if r.LatencyMillis != nil {
				latency = strconv.FormatInt(*r.LatencyMillis, 10)
			}
			rec = append(rec, string(r.Status), r.ResponseText, strconv.FormatInt(r.Usage.InputTokens, 10),
				strconv.FormatInt(r.Usage.OutputTokens, 10), strconv.FormatInt(r.CostMicros, 10), latency,
				strconv.Itoa(r.Attempts), r.ErrorCode, r.ErrorMessage, r.ExecutionID)
			return w.Write(rec)
		})
		w.Flush()
		if err != nil {
			s.log.ErrorContext(ctx, "write batch results", "batch_id", b.ID, "error", err)
		}
		return nil
	}
	h.Set("Content-Type", "application/json")
	e.Response.WriteHeader(http.StatusOK)
	head, _ := json.Marshal(b)
	_, _ = fmt.Fprintf(e.Response, `{"batch":%s,"items":[`, head)
	n := 0
	err = s.db.EachBatchResult(ctx, b.ID, func(r *krowoc.BatchResult) error {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if n > 0 {
			_, _ = io.WriteString(e.Response, ",")
		}
		n++
		_, err = e.Response.Write(line)
		return err
	})
	_, _ = io.WriteString(e.Response, "]}\n")
	if err != nil {
		s.log.ErrorContext(ctx, "write batch results", "batch_id", b.ID, "error", err)
	}
	return nil
}
