package krowoc

import "time"

// ForkOrigin records where a forked prompt came from: the public prompt,
// the published version that was copied and that prompt's author.
type ForkOrigin struct {
	PromptID string `json:"promptId"`
	Version  int    `json:"version"`
	AuthorID string `json:"authorId"`
}

// PromptStats are a prompt's running counters.
type PromptStats struct {
	// Executions counts succeeded runs by anyone, ever.
	Executions int64 `json:"executions"`
	VotesUp    int64 `json:"votesUp"`
	VotesDown  int64 `json:"votesDown"`
	Forks      int64 `json:"forks"`
}

// VoteTally is a prompt's votes and, for a signed-in caller, their own vote.
type VoteTally struct {
	Up   int64 `json:"up"`
	Down int64 `json:"down"`
	// Net is Up - Down.
	Net int64 `json:"net"`
	// Mine is the caller's vote: 1, -1, or 0 for none (or anonymous).
	Mine int `json:"mine"`
}

// PublicPrompt is what anyone may see of a public prompt: its latest
// published version, never the working draft.
type PublicPrompt struct {
	ID          string    `json:"id"`
	Version     int       `json:"version"`
	PublishedAt time.Time `json:"publishedAt"`
	PromptContent
	AuthorID   string      `json:"authorId"`
	ForkedFrom *ForkOrigin `json:"forkedFrom"`
	Stats      PromptStats `json:"stats"`
}

// Public reports whether p may be shown to anyone: published, public and
// not in the trash.
func (p *Prompt) Public() bool {
	return p.Visibility == VisibilityPublic && p.Status == StatusPublished && p.DeletedAt == nil && p.PublishedVersion != nil
}
