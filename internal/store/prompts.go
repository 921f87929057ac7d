package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// TrashRetention is how long a deleted prompt can be restored before it is
// purged for good.
const TrashRetention = 30 * 24 * time.Hour

// promptColumns reads a prompt joined with its text (t).
const promptColumns = `p.id, p.workspace_id, p.owner_id, p.title, p.description, t.prompt_text, p.tags,
	p.model_whitelist, p.default_model, p.default_params, p.variables, p.status, p.visibility,
	p.latest_version, p.published_version, p.has_draft_changes, p.created_by, p.updated_by,
	p.created_at, p.updated_at, p.deleted_at, p.forked_from_prompt_id, p.forked_from_version, p.forked_from_user_id`

const versionColumns = `prompt_id, version, title, description, prompt_text, tags, model_whitelist,
	default_model, default_params, variables, created_by, created_at`

// PromptSummary is a prompt as listed: its text shortened to an excerpt.
type PromptSummary struct {
	ID               string              `json:"id"`
	WorkspaceID      string              `json:"workspaceId"`
	Title            string              `json:"title"`
	Description      string              `json:"description"`
	Excerpt          string              `json:"excerpt"`
	Tags             []string            `json:"tags"`
	Status           krowoc.PromptStatus `json:"status"`
	Visibility       krowoc.Visibility   `json:"visibility"`
	LatestVersion    int                 `json:"latestVersion"`
	PublishedVersion *int                `json:"publishedVersion"`
	HasDraftChanges  bool                `json:"hasDraftChanges"`
	OwnerID          string              `json:"ownerId"`
	CreatedAt        time.Time           `json:"createdAt"`
	UpdatedAt        time.Time           `json:"updatedAt"`
	DeletedAt        *time.Time          `json:"deletedAt"`
	// Executions counts the prompt's succeeded runs; Votes is its net votes
	// (up minus down). Both come from counters, not from aggregation.
	Executions int64 `json:"executions"`
	Votes      int64 `json:"votes"`
}

// excerptChars is how much of the text a summary carries.
const excerptChars = 280

// summaryColumns reads a PromptSummary from prompts p joined with texts t.
var summaryColumns = `p.id, p.workspace_id, p.title, p.description, substr(t.prompt_text, 1, ` + fmt.Sprint(excerptChars) + `),
	p.tags, p.status, p.visibility, p.latest_version, p.published_version, p.has_draft_changes, p.owner_id,
	p.created_at, p.updated_at, p.deleted_at, COALESCE(s.executions, 0), COALESCE(s.votes_net, 0)`

// summaryFrom joins a summary's prompt with its text and counters.
const summaryFrom = `prompts p JOIN prompt_texts t ON t.prompt_id = p.id LEFT JOIN prompt_stats s ON s.prompt_id = p.id`

// searchOnly reports whether f is a free-text search with no other filter.
func searchOnly(f PromptFilter) bool {
	return f.Query != "" && len(f.Tags) == 0 && f.Status == "" && f.Visibility == ""
}

// PromptSort orders prompt lists.
type PromptSort string

// The orders a prompt list supports.
const (
	SortUpdated PromptSort = "updated"
	SortCreated PromptSort = "created"
	SortTitle   PromptSort = "title"
	// SortUsage orders by succeeded executions, SortVotes by net votes;
	// both read the prompt_stats counters.
	SortUsage PromptSort = "usage"
	SortVotes PromptSort = "votes"
)

// PromptFilter selects prompts of one workspace. Zero fields do not filter.
type PromptFilter struct {
	WorkspaceID string
	// Tags keeps prompts that have every one of these tags.
	Tags       []string
	Status     krowoc.PromptStatus
	Visibility krowoc.Visibility
	// Query is free text matched as word prefixes against title,
	// description, text and tags. With no Sort, matches come newest-added
	// first.
	Query string
	// Deleted lists the trash instead of the live prompts.
	Deleted bool
	Sort    PromptSort
	// Order is "asc" or "desc"; "" is newest first for times, A→Z for titles.
	Order string
}

// PromptPage is one page of a prompt list and the list's total.
type PromptPage struct {
	Items []PromptSummary
	// Total counts every prompt the list matches, except that a free-text
	// search stops counting past SearchCountCap matches: then Total is
	// SearchCountCap and TotalIsLowerBound is set.
	Total             int
	TotalIsLowerBound bool
}

// SearchCountCap is how many matches a free-text search counts at most.
// Counting costs a step per match, and a broad word (or a short prefix)
// matches most of a large library: counting all of them would make such a
// search several times slower than the page it shows. Past the cap the
// total is reported as a lower bound ("10,000+"), the way web search does.
const SearchCountCap = 10_000

// ListPrompts returns one page of the prompts matching f and their total.
func (db *DB) ListPrompts(ctx context.Context, f PromptFilter, page Page) (PromptPage, error) {
	f.Query = strings.TrimSpace(f.Query)
	empty := PromptPage{Items: []PromptSummary{}}
	r := db.reader()
	ws, err := db.listScope(ctx, r, f.WorkspaceID)
	if errors.Is(err, sql.ErrNoRows) {
		return empty, nil
	}
	if err != nil {
		return PromptPage{}, err
	}
	plan, ok := db.planList(f, ws)
	if !ok {
		return empty, nil // a search with no words matches nothing
	}
	countCap := db.searchCountCap
	if countCap == 0 {
		countCap = SearchCountCap
	}
	count, args := `SELECT COUNT(*) FROM `+plan.matches, plan.args
	if f.Query != "" {
		// Count one past the cap, to know whether there are more.
		count, args = `SELECT COUNT(*) FROM (SELECT 1 FROM `+plan.matches+` LIMIT ?) AS m`, slices.Concat(args, []any{countCap + 1})
	}
	n, err := db.cachedCount(ctx, r, ws.rev, count, args)
	if err != nil {
		return PromptPage{}, err
	}
	if n == 0 {
		return empty, nil
	}
	out := PromptPage{Items: []PromptSummary{}, Total: n}
	if f.Query != "" && n > countCap {
		out.Total, out.TotalIsLowerBound = countCap, true
	}
	pageSQL, pageArgs := plan.page(n)
	rows, err := r.query(ctx, pageSQL, slices.Concat(pageArgs, []any{page.Limit(), page.Offset()})...)
	if err != nil {
		return PromptPage{}, fmt.Errorf("list prompts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s PromptSummary
		var tags string
		var published, deleted sql.NullInt64
		var created, updated int64
		if err := rows.Scan(&s.ID, &s.WorkspaceID, &s.Title, &s.Description, &s.Excerpt, &tags, &s.Status, &s.Visibility,
			&s.LatestVersion, &published, &s.HasDraftChanges, &s.OwnerID, &created, &updated, &deleted, &s.Executions, &s.Votes); err != nil {
			return PromptPage{}, err
		}
		s.Tags = decodeStrings(tags)
		s.PublishedVersion = nullInt(published)
		s.CreatedAt, s.UpdatedAt, s.DeletedAt = fromMillis(created), fromMillis(updated), fromNullMillis(deleted)
		out.Items = append(out.Items, s)
	}
	if err := rows.Err(); err != nil {
		return PromptPage{}, err
	}
	return out, nil
}

// listScope is what a list needs to know of its workspace.
type listScope struct {
	id string
	// rev is the prompts revision that cached totals are keyed by.
	rev int64
	// ftsKey numbers the workspace in SQLite's full-text index (see
	// migration 0012); 0 on Postgres.
	ftsKey int64
}

// listScope reads the workspace's list scope; sql.ErrNoRows when there is
// no such workspace.
func (db *DB) listScope(ctx context.Context, r reader, workspaceID string) (listScope, error) {
	ws := listScope{id: workspaceID}
	q := `SELECT prompts_rev, 0 FROM workspaces WHERE id = ?`
	if db.dialect == SQLite {
		q = `SELECT prompts_rev, fts_key FROM workspaces WHERE id = ?`
	}
	if err := r.queryRow(ctx, q, workspaceID).Scan(&ws.rev, &ws.ftsKey); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ws, err
		}
		return ws, fmt.Errorf("read prompts revision: %w", err)
	}
	return ws, nil
}

// listPlan is how one list is counted and paged. matches is the FROM and
// WHERE of the matching rows, with args, which ListPrompts counts; page
// returns the page query for the number of matches, without its trailing
// LIMIT and OFFSET arguments.
type listPlan struct {
	matches string
	args    []any
	page    func(matches int) (string, []any)
}

// planList picks the cheapest way to count and page f; ok is false for a
// search without words.
//
//   - A tag filter without a search reads prompt_tags alone: the tag rows
//     carry the sort keys and filter columns, so the page is one range of
//     the tag's index in the sort order (the count another).
//   - On SQLite, a search with no other filter and the default order is
//     counted and paged inside the full-text index: the workspace's live
//     (or trashed) prompts are one rowid range of it, highest (newest) first.
//   - Anything else filters prompts, with membership subqueries for tags
//     and search, and pages by a deferred join.
func (db *DB) planList(f PromptFilter, ws listScope) (listPlan, bool) {
	tags := krowoc.NormalizeTags(f.Tags)
	switch {
	case len(tags) > 0 && f.Query == "" && f.Sort != SortUsage && f.Sort != SortVotes:
		where, args := taggedWhere(f, tags)
		return listPlan{
			matches: `prompt_tags g WHERE ` + where, args: args,
			page: func(int) (string, []any) {
				return `SELECT ` + summaryColumns + ` FROM ` + summaryFrom + `
					WHERE p.id IN (SELECT g.prompt_id FROM prompt_tags g WHERE ` + where + ` ORDER BY ` + tagOrder(f) + ` LIMIT ? OFFSET ?)
					ORDER BY ` + promptOrder(f), args
			},
		}, true
	case db.dialect == SQLite && searchOnly(f) && f.Sort == "":
		match := db.dialect.searchQuery(f.Query)
		if match == "" {
			return listPlan{}, false
		}
		lo, hi := ftsRange(ws.ftsKey, f.Deleted)
		args := []any{match, lo, hi}
		return listPlan{
			matches: `prompts_fts WHERE prompts_fts MATCH ? AND rowid BETWEEN ? AND ?`, args: args,
			page: func(int) (string, []any) {
				// The workspace check costs nothing on 20 rows and keeps
				// tenants apart even if the index were ever out of step.
				return `SELECT ` + summaryColumns + ` FROM ` + summaryFrom + `
					WHERE p.workspace_id = ? AND p.rid IN (SELECT rowid & ` + ftsRidMask + ` FROM prompts_fts
						WHERE prompts_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ? OFFSET ?)
					ORDER BY p.rid DESC`, []any{ws.id, match, lo, hi}
			},
		}, true
	}
	where, args := db.promptWhere(f, ws, false)
	if where == "" {
		return listPlan{}, false
	}
	return listPlan{
		matches: `prompts p WHERE ` + where, args: args,
		page: func(matches int) (string, []any) {
			// A deferred join: the inner query finds the page's ids by walking
			// the sort order's index; only those rows, with their text, are read.
			pageWhere, _ := db.promptWhere(f, ws, matches > walkIndexAbove)
			order := promptOrder(f)
			from := "prompts p"
			if f.Sort == SortUsage || f.Sort == SortVotes {
				// The counters' index (workspace, counter, prompt) gives the order.
				from += " JOIN prompt_stats s ON s.prompt_id = p.id AND s.workspace_id = p.workspace_id"
			}
			return `SELECT ` + summaryColumns + ` FROM ` + summaryFrom + `
				WHERE p.id IN (SELECT p.id FROM ` + from + ` WHERE ` + pageWhere + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?)
				ORDER BY ` + order, args
		},
	}, true
}

// walkIndexAbove is the number of matches past which a page is found by
// walking the sort order's index rather than by reading every match.
const walkIndexAbove = 1000

// cachedCount runs a count query, or answers from the cache when the
// workspace's prompts have not changed since it last ran.
func (db *DB) cachedCount(ctx context.Context, r reader, rev int64, q string, args []any) (int, error) {
	key := countKey(rev, q, args)
	if n, ok := db.counts.get(key); ok {
		return n, nil
	}
	var total int
	if err := r.queryRow(ctx, q, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count prompts: %w", err)
	}
	db.counts.put(key, total)
	return total, nil
}

// bumpPromptsRev marks a workspace's prompts as changed, invalidating
// cached counts. It runs in the transaction of the change.
func bumpPromptsRev(ctx context.Context, tx *Tx, workspaceID string) error {
	if _, err := tx.exec(ctx, `UPDATE workspaces SET prompts_rev = prompts_rev + 1 WHERE id = ?`, workspaceID); err != nil {
		return fmt.Errorf("bump prompts revision: %w", err)
	}
	return nil
}

// taggedWhere filters prompt_tags g to the rows of f's first tag whose
// prompts match the rest of f (no search). Further tags are checked with
// the (prompt_id, tag) key.
func taggedWhere(f PromptFilter, tags []string) (string, []any) {
	var b strings.Builder
	args := []any{f.WorkspaceID, tags[0]}
	b.WriteString("g.workspace_id = ? AND g.tag = ?")
	if f.Deleted {
		b.WriteString(" AND g.deleted_at IS NOT NULL")
	} else {
		b.WriteString(" AND g.deleted_at IS NULL")
	}
	if f.Status != "" {
		b.WriteString(" AND g.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Visibility != "" {
		b.WriteString(" AND g.visibility = ?")
		args = append(args, string(f.Visibility))
	}
	for _, t := range tags[1:] {
		b.WriteString(" AND EXISTS (SELECT 1 FROM prompt_tags h WHERE h.prompt_id = g.prompt_id AND h.tag = ?)")
		args = append(args, t)
	}
	return b.String(), args
}

// promptWhere builds the filter of a prompt list. For a page (forPage), tag
// and search membership are marked so that SQLite walks the index of the
// sort order and stops after one page, instead of fetching every match to
// sort them: without correlation statistics its planner prefers the
// latter, which costs a row read per match. Counts keep the natural plan.
// It returns "" for a search without words.
func (db *DB) promptWhere(f PromptFilter, ws listScope, forPage bool) (string, []any) {
	member := "p.id IN ("
	if forPage {
		member = db.dialect.noIndex("p.id") + " IN ("
	}
	var b strings.Builder
	args := []any{f.WorkspaceID}
	b.WriteString("p.workspace_id = ?")
	if f.Deleted {
		b.WriteString(" AND p.deleted_at IS NOT NULL")
	} else {
		b.WriteString(" AND p.deleted_at IS NULL")
	}
	if f.Status != "" {
		b.WriteString(" AND p.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Visibility != "" {
		b.WriteString(" AND p.visibility = ?")
		args = append(args, string(f.Visibility))
	}
	if tags := krowoc.NormalizeTags(f.Tags); len(tags) > 0 {
		b.WriteString(" AND " + member + "SELECT prompt_id FROM prompt_tags WHERE workspace_id = ? AND tag ")
		args = append(args, f.WorkspaceID)
		if len(tags) == 1 {
			b.WriteString("= ?)")
			args = append(args, tags[0])
		} else {
			b.WriteString("IN (")
			for i, t := range tags {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("?")
				args = append(args, t)
			}
			fmt.Fprintf(&b, ") GROUP BY prompt_id HAVING COUNT(*) = %d)", len(tags))
		}
	}
	if f.Query != "" {
		q := db.dialect.searchQuery(f.Query)
		if q == "" {
			return "", nil
		}
		pred, predArgs := db.searchPredicate(q, ws, f.Deleted, forPage)
		b.WriteString(" AND " + pred)
		args = append(args, predArgs...)
	}
	return b.String(), args
}

// searchPredicate is the one filter fragment that differs by dialect: on
// SQLite, membership in the FTS5 matches within the rowid range of the
// workspace's live (or trashed) prompts; on Postgres, a GIN-indexed
// tsvector match.
func (db *DB) searchPredicate(q string, ws listScope, deleted, forPage bool) (string, []any) {
	if db.dialect == Postgres {
		return "p.search @@ to_tsquery('simple', ?)", []any{q}
	}
	rid := "p.rid"
	if forPage {
		rid = db.dialect.noIndex(rid)
	}
	lo, hi := ftsRange(ws.ftsKey, deleted)
	return rid + " IN (SELECT rowid & " + ftsRidMask + " FROM prompts_fts WHERE prompts_fts MATCH ? AND rowid BETWEEN ? AND ?)",
		[]any{q, lo, hi}
}

// The rowids of SQLite's full-text index (migration 0012): the workspace's
// fts_key above bit 33, the trash flag at bit 32, the prompt's rid below.
const (
	ftsTrashBit = int64(1) << 32
	ftsKeyShift = 33
	ftsRidMask  = "4294967295" // ftsTrashBit - 1, written into queries
)

// ftsRange is the rowid range of a workspace's live (or trashed) prompts in
// the full-text index.
func ftsRange(ftsKey int64, deleted bool) (lo, hi int64) {
	lo = ftsKey << ftsKeyShift
	if deleted {
		lo |= ftsTrashBit
	}
	return lo, lo + ftsTrashBit - 1
}

// sortKey names the column a list is ordered by, without its table, and
// the direction.
func sortKey(f PromptFilter) (col, dir string) {
	dir = "DESC"
	if f.Order == "asc" || (f.Order == "" && f.Sort == SortTitle) {
		dir = "ASC"
	}
	sort := f.Sort
	if sort == "" && f.Query != "" {
		sort = SortCreated // searches list the newest prompts first
	}
	switch sort {
	case SortCreated:
		return "created_at", dir
	case SortTitle:
		return "title_key", dir
	case SortUsage:
		return "executions", dir
	case SortVotes:
		return "votes_net", dir
	}
	return "updated_at", dir
}

func promptOrder(f PromptFilter) string {
	col, dir := sortKey(f)
	if f.Sort == SortUsage || f.Sort == SortVotes {
		return "s." + col + " " + dir + ", s.prompt_id " + dir
	}
	return "p." + col + " " + dir + ", p.id " + dir
}

// tagOrder is promptOrder over prompt_tags g, whose rows carry the sort
// keys (never usage or votes).
func tagOrder(f PromptFilter) string {
	col, dir := sortKey(f)
	return "g." + col + " " + dir + ", g.prompt_id " + dir
}

// noIndex marks a column so SQLite's planner will not drive the query from
// its index (the unary + operator); Postgres plans by its statistics and
// needs no hint.
func (d Dialect) noIndex(col string) string {
	if d == SQLite {
		return "+" + col
	}
	return col
}

// searchQuery turns free text into a query of word prefixes that must all
// match, in the dialect's syntax; "" when the text has no words.
func (d Dialect) searchQuery(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 8 {
		words = words[:8]
	}
	if len(words) == 0 {
		return ""
	}
	parts := make([]string, 0, len(words))
	for _, w := range words {
		if d == Postgres {
			parts = append(parts, w+":*")
		} else {
			parts = append(parts, `"`+w+`"*`)
		}
	}
	if d == Postgres {
		return strings.Join(parts, " & ")
	}
	return strings.Join(parts, " ")
}

// GetPrompt returns the prompt with the given id, including one in the
// trash. It returns not_found when there is none.
func (db *DB) GetPrompt(ctx context.Context, id string) (*krowoc.Prompt, error) {
	return getPrompt(ctx, db.lookups(), id)
}

func getPrompt(ctx context.Context, q queryer, id string) (*krowoc.Prompt, error) {
	p, err := scanPrompt(q.queryRow(ctx, `SELECT `+promptColumns+` FROM prompts p JOIN prompt_texts t ON t.prompt_id = p.id WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("prompt")
	}
	if err != nil {
		return nil, fmt.Errorf("get prompt %s: %w", id, err)
	}
	return p, nil
}

// NewPrompt is what CreatePrompt needs.
type NewPrompt struct {
	WorkspaceID string
	// UserID creates and owns the prompt; it counts against their quota.
	UserID     string
	Content    krowoc.PromptContent
	Visibility krowoc.Visibility
	// Limit is the owner's prompt limit; 0 means unlimited.
	Limit int
}

// CreatePrompt stores a new draft. Content must already be normalized. It
// returns quota_exceeded, writing nothing, when the owner is at their limit.
func (db *DB) CreatePrompt(ctx context.Context, n NewPrompt) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		if err := reserveQuota(ctx, tx, n.UserID, 1, n.Limit); err != nil {
			return err
		}
		var err error
		p, err = insertPrompt(ctx, tx, n.WorkspaceID, n.UserID, n.Content, krowoc.StatusDraft, krowoc.VisibilityPrivate, tx.now, tx.now)
		if err != nil {
			return err
		}
		return emitPrompt(ctx, tx, krowoc.EventPromptCreated, p, n.UserID, "create", "")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func insertPrompt(ctx context.Context, tx *Tx, workspaceID, userID string, c krowoc.PromptContent,
	status krowoc.PromptStatus, vis krowoc.Visibility, created, updated time.Time) (*krowoc.Prompt, error) {
	p := &krowoc.Prompt{
		ID: newID(), WorkspaceID: workspaceID, PromptContent: c, Status: status, Visibility: vis,
		HasDraftChanges: true, OwnerID: userID, CreatedBy: userID, UpdatedBy: userID,
		CreatedAt: fromMillis(toMillis(created)), UpdatedAt: fromMillis(toMillis(updated)),
	}
	_, err := tx.exec(ctx, `INSERT INTO prompts (id, workspace_id, owner_id, title, title_key, description, tags,
		model_whitelist, default_model, default_params, variables, status, visibility, latest_version,
		published_version, has_draft_changes, created_by, updated_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, ?, ?)`,
		p.ID, workspaceID, userID, c.Title, strings.ToLower(c.Title), c.Description, encodeJSON(c.Tags),
		encodeJSON(c.ModelWhitelist), c.DefaultModel, encodeJSON(c.DefaultParams), encodeJSON(c.Variables),
		string(status), string(vis), true, userID, userID, toMillis(created), toMillis(updated))
	if err != nil {
		if tx.dialect.IsForeignKeyViolation(err) {
			return nil, krowoc.NotFound("workspace")
		}
		return nil, fmt.Errorf("insert prompt: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO prompt_texts (prompt_id, prompt_text) VALUES (?, ?)`, p.ID, c.PromptText); err != nil {
		return nil, fmt.Errorf("insert prompt text: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO prompt_stats (prompt_id, workspace_id) VALUES (?, ?)`, p.ID, workspaceID); err != nil {
		return nil, fmt.Errorf("insert prompt stats: %w", err)
	}
	if err := writeTags(ctx, tx, p.ID, c.Tags); err != nil {
		return nil, err
	}
	if err := bumpPromptsRev(ctx, tx, workspaceID); err != nil {
		return nil, err
	}
	return p, nil
}

// writeTags replaces a prompt's tag rows. It runs after the prompt row is
// written, in the same transaction: each tag row copies the row's sort keys
// and filter columns (migration 0011), so tagged lists read prompt_tags
// alone.
func writeTags(ctx context.Context, tx *Tx, promptID string, tags []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM prompt_tags WHERE prompt_id = ?`, promptID); err != nil {
		return fmt.Errorf("clear tags: %w", err)
	}
	for _, t := range tags {
		if _, err := tx.exec(ctx, `INSERT INTO prompt_tags (prompt_id, workspace_id, tag, title_key, status, visibility,
			created_at, updated_at, deleted_at)
			SELECT id, workspace_id, ?, title_key, status, visibility, created_at, updated_at, deleted_at
			FROM prompts WHERE id = ?`, t, promptID); err != nil {
			return fmt.Errorf("insert tag: %w", err)
		}
	}
	return nil
}

// syncTags copies a prompt row's sort keys and filter columns to its tag
// rows, for changes that do not rewrite the tags (trash and restore).
func syncTags(ctx context.Context, tx *Tx, promptID string) error {
	if _, err := tx.exec(ctx, `UPDATE prompt_tags SET title_key = p.title_key, status = p.status, visibility = p.visibility,
		created_at = p.created_at, updated_at = p.updated_at, deleted_at = p.deleted_at
		FROM prompts p WHERE p.id = prompt_tags.prompt_id AND prompt_tags.prompt_id = ?`, promptID); err != nil {
		return fmt.Errorf("sync tags of %s: %w", promptID, err)
	}
	return nil
}

// quotaExceeded builds the problem a refused create, import, fork or restore gets.
func quotaExceeded(limit, used, adding int) error {
	return &krowoc.Error{
		Code: krowoc.ECodeQuotaExceeded,
		Message: fmt.Sprintf("Free accounts keep up to %d prompts; you have %d, and this needs room for %d more. "+
			"Delete prompts you no longer need, or upgrade to Power or Team for unlimited prompts.", limit, used, adding),
		Extra: map[string]any{
			"limit":      limit,
			"count":      used,
			"requested":  adding,
			"upgradeUrl": "/upgrade",
		},
	}
}

// reserveQuota atomically counts n more prompts against userID, refusing
// with quota_exceeded when that would pass limit (0: unlimited). The
// conditional UPDATE is atomic on both databases, so concurrent creates can
// never overshoot.
func reserveQuota(ctx context.Context, tx *Tx, userID string, n, limit int) error {
	if _, err := tx.exec(ctx, `INSERT INTO prompt_quota (user_id, used) VALUES (?, 0) ON CONFLICT (user_id) DO NOTHING`, userID); err != nil {
		return fmt.Errorf("init quota: %w", err)
	}
	if limit <= 0 {
		_, err := tx.exec(ctx, `UPDATE prompt_quota SET used = used + ? WHERE user_id = ?`, n, userID)
		return err
	}
	res, err := tx.exec(ctx, `UPDATE prompt_quota SET used = used + ? WHERE user_id = ? AND used + ? <= ?`, n, userID, n, limit)
	if err != nil {
		return fmt.Errorf("reserve quota: %w", err)
	}
	if rows, _ := res.RowsAffected(); rows == 0 {
		var used int
		if err := tx.queryRow(ctx, `SELECT used FROM prompt_quota WHERE user_id = ?`, userID).Scan(&used); err != nil {
			return fmt.Errorf("read quota: %w", err)
		}
		return quotaExceeded(limit, used, n)
	}
	return nil
}

func releaseQuota(ctx context.Context, tx *Tx, userID string, n int) error {
	_, err := tx.exec(ctx, `UPDATE prompt_quota SET used = CASE WHEN used >= ? THEN used - ? ELSE 0 END WHERE user_id = ?`, n, n, userID)
	return err
}

// CountOwnedPrompts returns how many live prompts userID owns: the number
// quotas count.
func (db *DB) CountOwnedPrompts(ctx context.Context, userID string) (int, error) {
	var used int
	err := db.reader().queryRow(ctx, `SELECT used FROM prompt_quota WHERE user_id = ?`, userID).Scan(&used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return used, err
}

// UpdatePrompt loads the live prompt, lets edit change its content (and
// visibility) and stores the result as the working draft. edit runs inside
// the transaction and must normalize the content it sets. Prompts in the
// trash are not_found.
func (db *DB) UpdatePrompt(ctx context.Context, id, userID string, edit func(*krowoc.Prompt) error) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if p, err = getLivePrompt(ctx, tx, id); err != nil {
			return err
		}
		previous := p.Status
		if err := edit(p); err != nil {
			return err
		}
		if p.Visibility == krowoc.VisibilityPublic && p.Status != krowoc.StatusPublished {
			var v krowoc.Validation
			v.Add("visibility", "not_published", "Only published prompts can be public; publish it first.")
			return v.Err()
		}
		if err := saveDraft(ctx, tx, p, userID); err != nil {
			return err
		}
		return emitPrompt(ctx, tx, krowoc.EventPromptUpdated, p, userID, "edit", previous)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func getLivePrompt(ctx context.Context, tx *Tx, id string) (*krowoc.Prompt, error) {
	p, err := getPrompt(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if p.DeletedAt != nil {
		return nil, krowoc.NotFound("prompt")
	}
	return p, nil
}

// saveDraft writes p's content, status and visibility, recomputing whether
// the draft differs from the latest version.
func saveDraft(ctx context.Context, tx *Tx, p *krowoc.Prompt, userID string) error {
	changed := true
	if p.LatestVersion > 0 {
		v, err := getVersion(ctx, tx, p.ID, p.LatestVersion)
		if err != nil {
			return err
		}
		changed = !v.PromptContent.Equal(p.PromptContent)
	}
	p.HasDraftChanges = changed
	p.UpdatedBy = userID
	p.UpdatedAt = fromMillis(toMillis(tx.now))
	c := p.PromptContent
	_, err := tx.exec(ctx, `UPDATE prompts SET title = ?, title_key = ?, description = ?, tags = ?, model_whitelist = ?,
		default_model = ?, default_params = ?, variables = ?, status = ?, visibility = ?, latest_version = ?,
		published_version = ?, has_draft_changes = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
		c.Title, strings.ToLower(c.Title), c.Description, encodeJSON(c.Tags), encodeJSON(c.ModelWhitelist), c.DefaultModel,
		encodeJSON(c.DefaultParams), encodeJSON(c.Variables), string(p.Status), string(p.Visibility), p.LatestVersion,
		toNullInt(p.PublishedVersion), changed, userID, toMillis(tx.now), p.ID)
	if err != nil {
		return fmt.Errorf("update prompt %s: %w", p.ID, err)
	}
	// Only a changed text is written: rewriting it re-indexes it for search.
	if _, err := tx.exec(ctx, `UPDATE prompt_texts SET prompt_text = ? WHERE prompt_id = ? AND prompt_text <> ?`,
		c.PromptText, p.ID, c.PromptText); err != nil {
		return fmt.Errorf("update prompt text %s: %w", p.ID, err)
	}
	if err := writeTags(ctx, tx, p.ID, c.Tags); err != nil {
		return err
	}
	return bumpPromptsRev(ctx, tx, p.WorkspaceID)
}

// PublishPrompt makes the working draft the next immutable version and the
// published one. With no changes since the latest version it republishes
// that version, or answers conflict when it is already published. An
// archived prompt must be unarchived first (conflict).
func (db *DB) PublishPrompt(ctx context.Context, id, userID string, visibility krowoc.Visibility) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if p, err = getLivePrompt(ctx, tx, id); err != nil {
			return err
		}
		if p.Status == krowoc.StatusArchived {
			return krowoc.Errorf(krowoc.ECodeConflict, "The prompt is archived; unarchive it to publish.")
		}
		previous := p.Status
		changed := p.LatestVersion == 0
		if !changed {
			latest, err := getVersion(ctx, tx, p.ID, p.LatestVersion)
			if err != nil {
				return err
			}
			changed = !latest.PromptContent.Equal(p.PromptContent)
		}
		if !changed && p.Status == krowoc.StatusPublished && p.PublishedVersion != nil && *p.PublishedVersion == p.LatestVersion &&
			(visibility == "" || visibility == p.Visibility) {
			return krowoc.Errorf(krowoc.ECodeConflict, "Nothing changed since v%d; edit the prompt before publishing again.", p.LatestVersion)
		}
		if changed {
			p.LatestVersion++
			if err := insertVersion(ctx, tx, p.ID, p.LatestVersion, p.PromptContent, userID, tx.now); err != nil {
				return err
			}
		}
		n := p.LatestVersion
		p.PublishedVersion = &n
		p.Status = krowoc.StatusPublished
		if visibility != "" {
			p.Visibility = visibility
		}
		if err := saveDraft(ctx, tx, p, userID); err != nil {
			return err
		}
		return emitPrompt(ctx, tx, krowoc.EventPromptPublished, p, userID, "publish", previous)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func insertVersion(ctx context.Context, tx *Tx, promptID string, n int, c krowoc.PromptContent, userID string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO prompt_versions (`+versionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		promptID, n, c.Title, c.Description, c.PromptText, encodeJSON(c.Tags), encodeJSON(c.ModelWhitelist),
		c.DefaultModel, encodeJSON(c.DefaultParams), encodeJSON(c.Variables), userID, toMillis(at))
	if err != nil {
		return fmt.Errorf("insert version %d of %s: %w", n, promptID, err)
	}
	return nil
}

// ArchivePrompt archives a draft or published prompt; archived prompts are
// kept, listed under their status and can be unarchived.
func (db *DB) ArchivePrompt(ctx context.Context, id, userID string) (*krowoc.Prompt, error) {
	return db.setStatus(ctx, id, userID, "archive", func(p *krowoc.Prompt) error {
		if p.Status == krowoc.StatusArchived {
			return krowoc.Errorf(krowoc.ECodeConflict, "The prompt is already archived.")
		}
		p.Status = krowoc.StatusArchived
		return nil
	})
}

// UnarchivePrompt moves an archived prompt back to draft, or to published
// (republishing its latest version), per to.
func (db *DB) UnarchivePrompt(ctx context.Context, id, userID string, to krowoc.PromptStatus) (*krowoc.Prompt, error) {
	return db.setStatus(ctx, id, userID, "unarchive", func(p *krowoc.Prompt) error {
		if p.Status != krowoc.StatusArchived {
			return krowoc.Errorf(krowoc.ECodeConflict, "The prompt is not archived.")
		}
		switch to {
		case krowoc.StatusDraft:
			p.Status = krowoc.StatusDraft
			p.PublishedVersion = nil
			p.Visibility = krowoc.VisibilityPrivate
		case krowoc.StatusPublished:
			if p.LatestVersion == 0 {
				var v krowoc.Validation
				v.Add("to", "no_version", "The prompt was never published; unarchive it to draft.")
				return v.Err()
			}
			n := p.LatestVersion
			p.Status, p.PublishedVersion = krowoc.StatusPublished, &n
		default:
			var v krowoc.Validation
			v.Add("to", "invalid", "Unarchive to draft or published.")
			return v.Err()
		}
		return nil
	})
}

// setStatus applies change to a live prompt and emits the event of the
// status it lands in: prompt.archived, prompt.published, or prompt.updated
// (unarchived to draft).
func (db *DB) setStatus(ctx context.Context, id, userID, via string, change func(*krowoc.Prompt) error) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if p, err = getLivePrompt(ctx, tx, id); err != nil {
			return err
		}
		previous := p.Status
		if err := change(p); err != nil {
			return err
		}
		if err := saveDraft(ctx, tx, p, userID); err != nil {
			return err
		}
		eventType := krowoc.EventPromptUpdated
		switch p.Status {
		case krowoc.StatusArchived:
			eventType = krowoc.EventPromptArchived
		case krowoc.StatusPublished:
			eventType = krowoc.EventPromptPublished
		}
		return emitPrompt(ctx, tx, eventType, p, userID, via, previous)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ListVersions returns every version of a prompt, newest first.
func (db *DB) ListVersions(ctx context.Context, promptID string) ([]krowoc.PromptVersion, error) {
	rows, err := db.reader().query(ctx, `SELECT `+versionColumns+` FROM prompt_versions WHERE prompt_id = ? ORDER BY version DESC`, promptID)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	out := []krowoc.PromptVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// GetVersion returns version n of a prompt, or not_found.
func (db *DB) GetVersion(ctx context.Context, promptID string, n int) (*krowoc.PromptVersion, error) {
	return getVersion(ctx, db.lookups(), promptID, n)
}

func getVersion(ctx context.Context, q queryer, promptID string, n int) (*krowoc.PromptVersion, error) {
	v, err := scanVersion(q.queryRow(ctx, `SELECT `+versionColumns+` FROM prompt_versions WHERE prompt_id = ? AND version = ?`, promptID, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound(fmt.Sprintf("version %d", n))
	}
	if err != nil {
		return nil, fmt.Errorf("get version %d of %s: %w", n, promptID, err)
	}
	return v, nil
}

// RestoreVersion copies version n into the working draft. The published
// version does not change until the prompt is published again.
func (db *DB) RestoreVersion(ctx context.Context, promptID string, n int, userID string) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if p, err = getLivePrompt(ctx, tx, promptID); err != nil {
			return err
		}
		v, err := getVersion(ctx, tx, promptID, n)
		if err != nil {
			return err
		}
		p.PromptContent = v.PromptContent
		if err := saveDraft(ctx, tx, p, userID); err != nil {
			return err
		}
		return emitPrompt(ctx, tx, krowoc.EventPromptUpdated, p, userID, "restore", "")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeletePrompt moves a prompt to the trash, from where it can be restored
// for TrashRetention. It frees a place in its owner's quota.
func (db *DB) DeletePrompt(ctx context.Context, id, userID string) error {
	return db.Update(ctx, func(tx *Tx) error {
		p, err := getLivePrompt(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE prompts SET deleted_at = ?, updated_by = ? WHERE id = ?`, toMillis(tx.now), userID, id); err != nil {
			return fmt.Errorf("delete prompt: %w", err)
		}
		if err := syncTags(ctx, tx, id); err != nil {
			return err
		}
		if err := bumpPromptsRev(ctx, tx, p.WorkspaceID); err != nil {
			return err
		}
		return releaseQuota(ctx, tx, p.OwnerID, 1)
	})
}

// UndeletePrompt restores a prompt from the trash; it counts against its
// owner's quota again (limit is the owner's limit, 0 for unlimited).
func (db *DB) UndeletePrompt(ctx context.Context, id, userID string, limit int) (*krowoc.Prompt, error) {
	var p *krowoc.Prompt
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if p, err = getPrompt(ctx, tx, id); err != nil {
			return err
		}
		if p.DeletedAt == nil {
			return krowoc.Errorf(krowoc.ECodeConflict, "The prompt is not in the trash.")
		}
		if err := reserveQuota(ctx, tx, p.OwnerID, 1, limit); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE prompts SET deleted_at = NULL, updated_by = ? WHERE id = ?`, userID, id); err != nil {
			return fmt.Errorf("undelete prompt: %w", err)
		}
		if err := syncTags(ctx, tx, id); err != nil {
			return err
		}
		p.DeletedAt = nil
		return bumpPromptsRev(ctx, tx, p.WorkspaceID)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PurgePrompt deletes a prompt in the trash for good, with its versions.
// A live prompt must be deleted first (conflict).
func (db *DB) PurgePrompt(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		p, err := getPrompt(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.DeletedAt == nil {
			return krowoc.Errorf(krowoc.ECodeConflict, "Move the prompt to the trash before deleting it for good.")
		}
		if _, err = tx.exec(ctx, `DELETE FROM prompts WHERE id = ?`, id); err != nil {
			return err
		}
		return bumpPromptsRev(ctx, tx, p.WorkspaceID)
	})
}

// PurgeTrash deletes for good every prompt that has been in the trash since
// before cutoff and returns how many it removed.
func (db *DB) PurgeTrash(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE workspaces SET prompts_rev = prompts_rev + 1
			WHERE id IN (SELECT workspace_id FROM prompts WHERE deleted_at IS NOT NULL AND deleted_at < ?)`, toMillis(cutoff)); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM prompts WHERE deleted_at IS NOT NULL AND deleted_at < ?`, toMillis(cutoff))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// TagCount is a tag and how many live prompts of a workspace carry it.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// ListTags returns the tags used in a workspace, most used first.
func (db *DB) ListTags(ctx context.Context, workspaceID string) ([]TagCount, error) {
	rows, err := db.reader().query(ctx, `SELECT tag, COUNT(*) FROM prompt_tags
		WHERE workspace_id = ? AND deleted_at IS NULL GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT 500`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	out := []TagCount{}
	for rows.Next() {
		var t TagCount
		if err := rows.Scan(&t.Tag, &t.Count); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanPrompt(s scanner) (*krowoc.Prompt, error) {
	var p krowoc.Prompt
	var tags, whitelist, params, variables string
	var published, deleted, forkVersion sql.NullInt64
	var forkPrompt, forkUser sql.NullString
	var created, updated int64
	err := s.Scan(&p.ID, &p.WorkspaceID, &p.OwnerID, &p.Title, &p.Description, &p.PromptText, &tags, &whitelist,
		&p.DefaultModel, &params, &variables, &p.Status, &p.Visibility, &p.LatestVersion, &published,
		&p.HasDraftChanges, &p.CreatedBy, &p.UpdatedBy, &created, &updated, &deleted, &forkPrompt, &forkVersion, &forkUser)
	if err != nil {
		return nil, err
	}
	if forkPrompt.Valid {
		p.ForkedFrom = &krowoc.ForkOrigin{PromptID: forkPrompt.String, Version: int(forkVersion.Int64), AuthorID: forkUser.String}
	}
	p.Tags, p.ModelWhitelist = decodeStrings(tags), decodeStrings(whitelist)
	_ = json.Unmarshal([]byte(params), &p.DefaultParams)
	p.Variables = decodeVariables(variables)
	p.PublishedVersion = nullInt(published)
	p.CreatedAt, p.UpdatedAt, p.DeletedAt = fromMillis(created), fromMillis(updated), fromNullMillis(deleted)
	return &p, nil
}

func scanVersion(s scanner) (*krowoc.PromptVersion, error) {
	var v krowoc.PromptVersion
	var tags, whitelist, params, variables string
	var created int64
	err := s.Scan(&v.PromptID, &v.Version, &v.Title, &v.Description, &v.PromptText, &tags, &whitelist,
		&v.DefaultModel, &params, &variables, &v.CreatedBy, &created)
	if err != nil {
		return nil, err
	}
	v.Tags, v.ModelWhitelist = decodeStrings(tags), decodeStrings(whitelist)
	_ = json.Unmarshal([]byte(params), &v.DefaultParams)
	v.Variables = decodeVariables(variables)
	v.CreatedAt = fromMillis(created)
	return &v, nil
}

func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // only our own plain types reach here
	}
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

func decodeStrings(s string) []string {
	out := []string{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

func decodeVariables(s string) []krowoc.Variable {
	out := []krowoc.Variable{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func toNullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}
