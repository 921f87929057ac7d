package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// publicWhere keeps the prompts anyone may see: published, public and not
// in the trash. Every public read carries it, so a prompt that stops being
// public disappears everywhere at once.
const publicWhere = `p.visibility = 'public' AND p.status = 'published' AND p.deleted_at IS NULL AND p.published_version IS NOT NULL`

// countedExecutions is the per-user, per-hour count of the executions that
// rank a prompt: succeeded runs of a published version (draft runs are not
// runs of the public prompt) inside a window of 24 one-hour slots. Its
// parameters are the window start (for the slot), the window start and end
// (inclusive), and then the caller's filter.
const countedExecutions = `SELECT x.prompt_id, x.user_id, (x.created_at - ?) / 3600000 AS slot, COUNT(*) AS n
	FROM executions x
	WHERE x.created_at >= ? AND x.created_at <= ? AND x.status = 'succeeded' AND x.prompt_version IS NOT NULL`

// ActivityWindow is what counts as "the last 24 hours" at a moment: the 24
// one-hour slots ending at Now, and at most Cap executions per user per slot.
type ActivityWindow struct {
	Now time.Time
	Cap int
}

// Slots is the number of one-hour slots in the window.
const Slots = 24

// start is the first millisecond of the window: it is (Now-24h, Now].
func (w ActivityWindow) start() int64 { return toMillis(w.Now) - Slots*3_600_000 + 1 }

func (w ActivityWindow) args() []any {
	s := w.start()
	return []any{s, s, toMillis(w.Now)}
}

// bumpPromptStats counts n succeeded executions of a prompt in its
// counters. It runs in the transaction that records them.
func bumpPromptStats(ctx context.Context, tx *Tx, promptID string, n int64) error {
	if _, err := tx.exec(ctx, `UPDATE prompt_stats SET executions = executions + ?, last_executed_at = ? WHERE prompt_id = ?`,
		n, toMillis(tx.now), promptID); err != nil {
		return fmt.Errorf("count executions of %s: %w", promptID, err)
	}
	return nil
}

// BoardCandidate is a public prompt considered by a scoring run.
type BoardCandidate struct {
	PromptID    string
	PublishedAt time.Time
	// E is the counted executions in the window; Up and Down its votes.
	E, Up, Down int64
}

// LeaderboardPool returns the public prompts a scoring run ranks: the pool
// prompts with the most counted executions in w and the pool with the most
// net votes (ties go to the most recently published), without duplicates.
func (db *DB) LeaderboardPool(ctx context.Context, w ActivityWindow, pool int) ([]BoardCandidate, error) {
	q := `WITH slots AS (` + countedExecutions + ` GROUP BY 1, 2, 3),
	e AS (SELECT prompt_id, CAST(SUM(CASE WHEN n > ? THEN ? ELSE n END) AS BIGINT) AS e FROM slots GROUP BY prompt_id),
	pub AS (
		SELECT p.id, v.created_at AS published_at, COALESCE(e.e, 0) AS e,
			COALESCE(st.votes_up, 0) AS up, COALESCE(st.votes_down, 0) AS down, COALESCE(st.votes_net, 0) AS net
		FROM prompts p
		JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = p.published_version
		LEFT JOIN prompt_stats st ON st.prompt_id = p.id
		LEFT JOIN e ON e.prompt_id = p.id
		WHERE ` + publicWhere + `
	)
	SELECT id, published_at, e, up, down FROM (SELECT * FROM pub ORDER BY e DESC, published_at DESC, id LIMIT ?) by_e
	UNION
	SELECT id, published_at, e, up, down FROM (SELECT * FROM pub ORDER BY net DESC, published_at DESC, id LIMIT ?) by_v`
	args := append(w.args(), w.Cap, w.Cap, pool, pool)
	rows, err := db.reader().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("leaderboard pool: %w", err)
	}
	defer rows.Close()
	var out []BoardCandidate
	for rows.Next() {
		var c BoardCandidate
		var published int64
		if err := rows.Scan(&c.PromptID, &published, &c.E, &c.Up, &c.Down); err != nil {
			return nil, err
		}
		c.PublishedAt = fromMillis(published)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Activity returns, for each of the prompts, its counted executions in each
// of w's 24 slots, oldest first. Prompts without any have no entry.
func (db *DB) Activity(ctx context.Context, w ActivityWindow, promptIDs []string) (map[string][]int64, error) {
	out := map[string][]int64{}
	if len(promptIDs) == 0 {
		return out, nil
	}
	args := append([]any{w.Cap, w.Cap}, w.args()...)
	marks := make([]string, len(promptIDs))
	for i, id := range promptIDs {
		marks[i] = "?"
		args = append(args, id)
	}
	rows, err := db.reader().query(ctx, `SELECT prompt_id, slot, CAST(SUM(CASE WHEN n > ? THEN ? ELSE n END) AS BIGINT)
		FROM (`+countedExecutions+` AND x.prompt_id IN (`+strings.Join(marks, ", ")+`) GROUP BY 1, 2, 3) counted
		GROUP BY prompt_id, slot`, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var slot, n int64
		if err := rows.Scan(&id, &slot, &n); err != nil {
			return nil, err
		}
		if slot < 0 || slot >= Slots {
			continue
		}
		if out[id] == nil {
			out[id] = make([]int64, Slots)
		}
		out[id][slot] += n
	}
	return out, rows.Err()
}

// BoardRun is one scoring run.
type BoardRun struct {
	ID         string    `json:"id"`
	ComputedAt time.Time `json:"computedAt"`
	DurationMS int64     `json:"durationMs"`
	// Candidates is the size of the pool; Entries how many were kept.
	Candidates int   `json:"candidates"`
	Entries    int   `json:"entries"`
	MaxE       int64 `json:"maxE"`
	MaxV       int64 `json:"maxV"`
}

// BoardEntry is a ranked prompt of a run with every input and score.
type BoardEntry struct {
	PromptID string  `json:"promptId"`
	Rank     int     `json:"rank"`
	Weighted float64 `json:"weighted"`
	Wilson   float64 `json:"wilson"`
	Decay    float64 `json:"decay"`
	Final    float64 `json:"final"`
	E        int64   `json:"e"`
	V        int64   `json:"v"`
	Up       int64   `json:"up"`
	Down     int64   `json:"down"`
	// Activity is the counted executions per hour of the run's window.
	Activity []int64 `json:"activity"`
}

// SaveLeaderboardRun stores a run and its entries in one transaction, and
// deletes runs computed before keepSince with their snapshots.
func (db *DB) SaveLeaderboardRun(ctx context.Context, run *BoardRun, entries []BoardEntry, keepSince time.Time) error {
	if run.ID == "" {
		run.ID = newID()
	}
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO leaderboard_runs (id, computed_at, duration_ms, candidates, entries, max_e, max_v)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, run.ID, toMillis(run.ComputedAt), run.DurationMS, run.Candidates, run.Entries, run.MaxE, run.MaxV); err != nil {
			return fmt.Errorf("insert leaderboard run: %w", err)
		}
		for _, e := range entries {
			activity, _ := json.Marshal(e.Activity)
			if e.Activity == nil {
				activity = []byte("[]")
			}
			if _, err := tx.exec(ctx, `INSERT INTO leaderboard_snapshots (run_id, prompt_id, rank, weighted, wilson, decay, final,
				e, v, up, down, activity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				run.ID, e.PromptID, e.Rank, e.Weighted, e.Wilson, e.Decay, e.Final, e.E, e.V, e.Up, e.Down, string(activity)); err != nil {
				return fmt.Errorf("insert leaderboard snapshot: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `DELETE FROM leaderboard_snapshots WHERE run_id IN (SELECT id FROM leaderboard_runs WHERE computed_at < ?)`,
			toMillis(keepSince)); err != nil {
			return fmt.Errorf("purge old snapshots: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM leaderboard_runs WHERE computed_at < ?`, toMillis(keepSince)); err != nil {
			return fmt.Errorf("purge old runs: %w", err)
		}
		return nil
	})
}

// BoardRow is a ranked prompt as the leaderboard shows it: the run's entry,
// its rank in the run before, the published version's title, description
// and tags, and the live vote and fork counters.
type BoardRow struct {
	BoardEntry
	PreviousRank *int
	Title        string
	Description  string
	Tags         []string
	Version      int
	PublishedAt  time.Time
	AuthorID     string
	VotesUp      int64
	VotesDown    int64
	Forks        int64
	// Mine is the viewer's vote on the prompt: 1, -1 or 0.
	Mine int
}

// Board is the latest scoring run and its ranked prompts that are still
// public. Run is nil before the first run.
type Board struct {
	Run           *BoardRun
	PreviousRunAt *time.Time
	Rows          []BoardRow
}

// Leaderboard returns the latest run's ranked prompts that are still
// public, in rank order, each with its rank in the run before and
// viewerID's own vote (none for an empty viewerID).
func (db *DB) Leaderboard(ctx context.Context, viewerID string) (*Board, error) {
	r := db.reader()
	rows, err := r.query(ctx, `SELECT id, computed_at, duration_ms, candidates, entries, max_e, max_v
		FROM leaderboard_runs ORDER BY computed_at DESC, id DESC LIMIT 2`)
	if err != nil {
		return nil, fmt.Errorf("latest leaderboard runs: %w", err)
	}
	var runs []BoardRun
	for rows.Next() {
		var run BoardRun
		var at int64
		if err := rows.Scan(&run.ID, &at, &run.DurationMS, &run.Candidates, &run.Entries, &run.MaxE, &run.MaxV); err != nil {
			rows.Close()
			return nil, err
		}
		run.ComputedAt = fromMillis(at)
		runs = append(runs, run)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	board := &Board{Rows: []BoardRow{}}
	if len(runs) == 0 {
		return board, nil
	}
	board.Run = &runs[0]
	previous := ""
	if len(runs) > 1 {
		previous = runs[1].ID
		board.PreviousRunAt = &runs[1].ComputedAt
	}
	rows, err = r.query(ctx, `SELECT s.prompt_id, s.rank, s.weighted, s.wilson, s.decay, s.final, s.e, s.v, s.up, s.down,
		s.activity, prev.rank, v.title, v.description, v.tags, v.version, v.created_at, p.owner_id,
		COALESCE(st.votes_up, 0), COALESCE(st.votes_down, 0), COALESCE(st.forks, 0), COALESCE(mv.value, 0)
		FROM leaderboard_snapshots s
		JOIN prompts p ON p.id = s.prompt_id
		JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = p.published_version
		LEFT JOIN prompt_stats st ON st.prompt_id = p.id
		LEFT JOIN leaderboard_snapshots prev ON prev.run_id = ? AND prev.prompt_id = s.prompt_id
		LEFT JOIN votes mv ON mv.prompt_id = s.prompt_id AND mv.user_id = ?
		WHERE s.run_id = ? AND `+publicWhere+`
		ORDER BY s.rank`, previous, viewerID, board.Run.ID)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row BoardRow
		var activity, tags string
		var prev sql.NullInt64
		var published int64
		if err := rows.Scan(&row.PromptID, &row.Rank, &row.Weighted, &row.Wilson, &row.Decay, &row.Final, &row.E, &row.V,
			&row.Up, &row.Down, &activity, &prev, &row.Title, &row.Description, &tags, &row.Version, &published,
			&row.AuthorID, &row.VotesUp, &row.VotesDown, &row.Forks, &row.Mine); err != nil {
			return nil, err
		}
		row.Activity = decodeInts(activity)
		row.Tags = decodeStrings(tags)
		row.PreviousRank = nullInt(prev)
		row.PublishedAt = fromMillis(published)
		board.Rows = append(board.Rows, row)
	}
	return board, rows.Err()
}

// PublicRank returns a prompt's rank in the latest run; ok is false when
// it is not ranked there (or there was no run yet).
func (db *DB) PublicRank(ctx context.Context, promptID string) (rank int, ok bool, err error) {
	err = db.reader().queryRow(ctx, `SELECT s.rank FROM leaderboard_snapshots s
		WHERE s.prompt_id = ? AND s.run_id = (SELECT id FROM leaderboard_runs ORDER BY computed_at DESC, id DESC LIMIT 1)`, promptID).Scan(&rank)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("rank of %s: %w", promptID, err)
	}
	return rank, true, nil
}

// GetPublicPrompt returns the latest published version of a public prompt
// with its counters. A prompt that is private, unpublished, archived, in
// the trash or missing is not_found alike, so nothing about it leaks.
func (db *DB) GetPublicPrompt(ctx context.Context, id string) (*krowoc.PublicPrompt, error) {
	r := db.reader()
	pp := &krowoc.PublicPrompt{ID: id}
	var forkPrompt, forkUser sql.NullString
	var forkVersion sql.NullInt64
	err := r.queryRow(ctx, `SELECT p.owner_id, p.published_version, p.forked_from_prompt_id, p.forked_from_version, p.forked_from_user_id,
		COALESCE(st.executions, 0), COALESCE(st.votes_up, 0), COALESCE(st.votes_down, 0), COALESCE(st.forks, 0)
		FROM prompts p LEFT JOIN prompt_stats st ON st.prompt_id = p.id
		WHERE p.id = ? AND `+publicWhere, id).Scan(&pp.AuthorID, &pp.Version, &forkPrompt, &forkVersion, &forkUser,
		&pp.Stats.Executions, &pp.Stats.VotesUp, &pp.Stats.VotesDown, &pp.Stats.Forks)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, krowoc.NotFound("prompt")
	}
	if err != nil {
		return nil, fmt.Errorf("get public prompt %s: %w", id, err)
	}
	if forkPrompt.Valid {
		pp.ForkedFrom = &krowoc.ForkOrigin{PromptID: forkPrompt.String, Version: int(forkVersion.Int64), AuthorID: forkUser.String}
	}
	v, err := getVersion(ctx, r, id, pp.Version)
	if err != nil {
		return nil, err
	}
	pp.PromptContent, pp.PublishedAt = v.PromptContent, v.CreatedAt
	return pp, nil
}

// decodeInts reads a snapshot's activity, a JSON array of integers that
// SaveLeaderboardRun wrote. It parses the numbers directly: the leaderboard
// reads 50 of these per request, and encoding/json was a third of its CPU.
// Anything unexpected falls back to encoding/json.
func decodeInts(s string) []int64 {
	if out, ok := parseInts(s); ok {
		return out
	}
	out := []int64{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

func parseInts(s string) ([]int64, bool) {
	body, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil, false
	}
	if body, ok = strings.CutSuffix(body, "]"); !ok {
		return nil, false
	}
	out := make([]int64, 0, Slots)
	if body == "" {
		return out, true
	}
	for part := range strings.SplitSeq(body, ",") {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}
