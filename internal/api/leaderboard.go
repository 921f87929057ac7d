package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/leaderboard"
	"github.com/krowoc/krowoc/internal/store"
)

func bindLeaderboardAPI(s *Server, g group) {
	g.handle(http.MethodGet, "/leaderboard", s.handleLeaderboard)
}

func bindLeaderboardAdminAPI(s *Server, g group) {
	g.handle(http.MethodPost, "/leaderboard/runs", s.handleLeaderboardRun)
}

// The orders the leaderboard can be read in.
const (
	boardSortRank       = "rank"
	boardSortExecutions = "executions"
	boardSortVotes      = "votes"
	boardSortWilson     = "wilson"
	boardSortNewest     = "newest"
)

type author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type boardPrompt struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Tags        []string  `json:"tags"`
	Version     int       `json:"version"`
	PublishedAt time.Time `json:"publishedAt"`
}

type boardScores struct {
	Weighted float64 `json:"weighted"`
	Wilson   float64 `json:"wilson"`
	Decay    float64 `json:"decay"`
	Final    float64 `json:"final"`
}

type boardItem struct {
	Rank int `json:"rank"`
	// PreviousRank is the rank in the run before; nil when the prompt was
	// not ranked then. Movement is PreviousRank - Rank (up is positive).
	PreviousRank  *int             `json:"previousRank"`
	Movement      *int             `json:"movement"`
	Prompt        boardPrompt      `json:"prompt"`
	Author        author           `json:"author"`
	Executions24h int64            `json:"executions24h"`
	Activity      []int64          `json:"activity"`
	Votes         krowoc.VoteTally `json:"votes"`
	Forks         int64            `json:"forks"`
	Scores        boardScores      `json:"scores"`
}

type boardResponse struct {
	Run           *store.BoardRun `json:"run"`
	PreviousRunAt *time.Time      `json:"previousRunAt"`
	Sort          string          `json:"sort"`
	Tag           string          `json:"tag"`
	Items         []boardItem     `json:"items"`
	Total         int             `json:"total"`
}

// handleLeaderboard answers the latest scoring run's ranked public prompts
// (up to 50), re-ordered by sort and narrowed to a tag, with the caller's
// own votes when they are signed in.
func (s *Server) handleLeaderboard(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	var v krowoc.Validation
	sortBy := q.Get("sort")
	switch sortBy {
	case "":
		sortBy = boardSortRank
	case boardSortRank, boardSortExecutions, boardSortVotes, boardSortWilson, boardSortNewest:
	default:
		v.Add("sort", "invalid", "sort must be rank, executions, votes, wilson or newest.")
	}
	limit := leaderboard.Size
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > leaderboard.Size {
			v.Add("limit", "range", "limit must be from 1 to "+strconv.Itoa(leaderboard.Size)+".")
		}
		limit = n
	}
	tag := strings.ToLower(strings.TrimSpace(q.Get("tag")))
	if err := v.Err(); err != nil {
		return err
	}
	viewer := ""
	if c := callerOf(e); c != nil {
		viewer = c.user.ID
	}
	board, err := s.db.Leaderboard(e.Request.Context(), viewer)
	if err != nil {
		return err
	}
	rows := board.Rows
	if tag != "" {
		rows = slices.DeleteFunc(slices.Clone(rows), func(r store.BoardRow) bool { return !slices.Contains(r.Tags, tag) })
	}
	sortBoard(rows, sortBy)
	if len(rows) > limit {
		rows = rows[:limit]
	}
	authorIDs := make([]string, len(rows))
	for i, r := range rows {
		authorIDs[i] = r.AuthorID
	}
	names := s.authorNames(authorIDs)
	resp := boardResponse{Run: board.Run, PreviousRunAt: board.PreviousRunAt, Sort: sortBy, Tag: tag, Items: make([]boardItem, len(rows)), Total: len(rows)}
	for i, r := range rows {
		item := boardItem{
			Rank:          r.Rank,
			PreviousRank:  r.PreviousRank,
			Prompt:        boardPrompt{ID: r.PromptID, Title: r.Title, Description: r.Description, Tags: r.Tags, Version: r.Version, PublishedAt: r.PublishedAt},
			Author:        author{ID: r.AuthorID, Name: names[r.AuthorID]},
			Executions24h: r.E,
			Activity:      r.Activity,
			Votes:         krowoc.VoteTally{Up: r.VotesUp, Down: r.VotesDown, Net: r.VotesUp - r.VotesDown, Mine: r.Mine},
			Forks:         r.Forks,
			Scores:        boardScores{Weighted: r.Weighted, Wilson: r.Wilson, Decay: r.Decay, Final: r.Final},
		}
		if r.PreviousRank != nil {
			m := *r.PreviousRank - r.Rank
			item.Movement = &m
		}
		resp.Items[i] = item
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return writeJSON(e, http.StatusOK, resp)
}

// sortBoard orders rows in place; ties keep the run's rank order.
func sortBoard(rows []store.BoardRow, by string) {
	slices.SortStableFunc(rows, func(a, b store.BoardRow) int {
		switch by {
		case boardSortExecutions:
			return cmp.Or(cmp.Compare(b.E, a.E), cmp.Compare(a.Rank, b.Rank))
		case boardSortVotes:
			return cmp.Or(cmp.Compare(b.VotesUp-b.VotesDown, a.VotesUp-a.VotesDown), cmp.Compare(a.Rank, b.Rank))
		case boardSortWilson:
			return cmp.Or(cmp.Compare(b.Wilson, a.Wilson), cmp.Compare(a.Rank, b.Rank))
		case boardSortNewest:
			return cmp.Or(b.PublishedAt.Compare(a.PublishedAt), cmp.Compare(a.Rank, b.Rank))
		}
		return cmp.Compare(a.Rank, b.Rank)
	})
}

// authorNames returns the display names of users, from the name cache or
// else read from Pocketbase in one query. Users without a name (or gone)
// map to "": e-mail addresses are never shown publicly.
func (s *Server) authorNames(ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	var missing []string
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		if name, ok := s.names.get(id); ok {
			out[id] = name
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out
	}
	records, err := s.app.FindRecordsByIds(accounts.Collection, missing)
	if err != nil {
		return out
	}
	for _, r := range records {
		name := r.GetString("name")
		out[r.Id] = name
		s.names.put(r.Id, name)
	}
	return out
}

// nameCache remembers users' display names for public pages. Pocketbase's
// user update and delete hooks drop an entry at once (see New); entries
// also expire, for names changed by another node.
type nameCache struct {
	mu      sync.Mutex
	entries map[string]cachedName
}

type cachedName struct {
	name    string
	expires time.Time
}

// nameCacheTTL bounds how long another node's rename can go unseen.
const nameCacheTTL = time.Minute

// nameCacheMax bounds memory; past it the cache starts over.
const nameCacheMax = 10_000

func newNameCache() *nameCache { return &nameCache{entries: map[string]cachedName{}} }

func (c *nameCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || time.Now().After(e.expires) {
		return "", false
	}
	return e.name, true
}

func (c *nameCache) put(id, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= nameCacheMax {
		c.entries = make(map[string]cachedName, nameCacheMax)
	}
	c.entries[id] = cachedName{name: name, expires: time.Now().Add(nameCacheTTL)}
}

func (c *nameCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
}

// handleLeaderboardRun runs the scoring now (superusers only) and answers
// the stored run with its entries.
func (s *Server) handleLeaderboardRun(e *core.RequestEvent) error {
	res, err := leaderboard.Run(e.Request.Context(), s.db, s.db.Now())
	if err != nil {
		return err
	}
	return writeJSON(e, http.StatusCreated, res)
}
