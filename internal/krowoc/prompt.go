package krowoc

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a prompt's fields, in characters.
const (
	PromptTitleMax        = 200
	PromptDescriptionMax  = 2_000
	PromptTextMax         = 100_000
	PromptTagsMax         = 20
	PromptTagMax          = 32
	PromptWhitelistMax    = 50
	PromptSystemPromptMax = 20_000
	PromptVariableMax     = 64
	PromptDefaultMax      = 10_000
	PromptMaxTokensMax    = 1_000_000
)

// FreePromptLimit is how many prompts a free user may own.
const FreePromptLimit = 50

// PromptLimit returns how many prompts a user of tier t may own; 0 means
// unlimited.
func PromptLimit(t Tier) int {
	if t == TierFree || t == "" {
		return FreePromptLimit
	}
	return 0
}

// PromptStatus is where a prompt is in its lifecycle.
type PromptStatus string

// The lifecycle states: draft → published → archived, and back from archived.
const (
	StatusDraft     PromptStatus = "draft"
	StatusPublished PromptStatus = "published"
	StatusArchived  PromptStatus = "archived"
)

// Valid reports whether s is a known status.
func (s PromptStatus) Valid() bool {
	return s == StatusDraft || s == StatusPublished || s == StatusArchived
}

// Visibility says who may see a published prompt.
type Visibility string

// Prompts are private unless published and made public.
const (
	VisibilityPrivate Visibility = "private"
	VisibilityPublic  Visibility = "public"
)

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return v == VisibilityPrivate || v == VisibilityPublic }

// Params are a prompt's default model parameters; nil fields are unset.
type Params struct {
	Temperature  *float64 `json:"temperature,omitempty"`
	TopP         *float64 `json:"topP,omitempty"`
	MaxTokens    *int     `json:"maxTokens,omitempty"`
	SystemPrompt *string  `json:"systemPrompt,omitempty"`
}

// Validate checks the parameters' ranges and returns a validation_failed
// error whose fields are named prefix+name (for example params.topP).
func (p Params) Validate(prefix string) error {
	var v Validation
	p.check(&v, prefix)
	return v.Err()
}

func (p Params) check(v *Validation, prefix string) {
	if p.Temperature != nil && (*p.Temperature < 0 || *p.Temperature > 2) {
		v.Add(prefix+"temperature", "range", "Temperature must be from 0 to 2.")
	}
	if p.TopP != nil && (*p.TopP < 0 || *p.TopP > 1) {
		v.Add(prefix+"topP", "range", "Top P must be from 0 to 1.")
	}
	if p.MaxTokens != nil && (*p.MaxTokens < 1 || *p.MaxTokens > PromptMaxTokensMax) {
		v.Add(prefix+"maxTokens", "range", fmt.Sprintf("Max tokens must be from 1 to %d.", PromptMaxTokensMax))
	}
	if p.SystemPrompt != nil && utf8.RuneCountInString(*p.SystemPrompt) > PromptSystemPromptMax {
		v.Add(prefix+"systemPrompt", "too_long", fmt.Sprintf("The system prompt must be at most %d characters.", PromptSystemPromptMax))
	}
}

// Variable is a template variable found in a prompt's text, with an
// optional default value.
type Variable struct {
	Name    string  `json:"name"`
	Default *string `json:"default,omitempty"`
}

// PromptContent is what a version snapshots: everything the author edits.
type PromptContent struct {
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	PromptText     string     `json:"promptText"`
	Tags           []string   `json:"tags"`
	ModelWhitelist []string   `json:"modelWhitelist"`
	DefaultModel   string     `json:"defaultModel"`
	DefaultParams  Params     `json:"defaultParams"`
	Variables      []Variable `json:"variables"`
}

// Prompt is a prompt in a workspace. Its content is the working draft; the
// published content is the version numbered PublishedVersion.
type Prompt struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspaceId"`
	PromptContent
	Status           PromptStatus `json:"status"`
	Visibility       Visibility   `json:"visibility"`
	LatestVersion    int          `json:"latestVersion"`
	PublishedVersion *int         `json:"publishedVersion"`
	// HasDraftChanges is true when the working draft differs from the latest version.
	HasDraftChanges bool       `json:"hasDraftChanges"`
	OwnerID         string     `json:"ownerId"`
	CreatedBy       string     `json:"createdBy"`
	UpdatedBy       string     `json:"updatedBy"`
	CreatedAt       time.Time  `json:"createdAt"`
	UpdatedAt       time.Time  `json:"updatedAt"`
	DeletedAt       *time.Time `json:"deletedAt"`
	// ForkedFrom is where a fork came from; nil for prompts written here.
	ForkedFrom *ForkOrigin `json:"forkedFrom"`
}

// PromptVersion is an immutable, numbered snapshot of a prompt's content.
type PromptVersion struct {
	PromptID string `json:"promptId"`
	Version  int    `json:"version"`
	PromptContent
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
}

// variablePattern matches {{name}} and {{ name }}.
var variablePattern = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}`)

// ExtractVariables returns the distinct template variable names in text, in
// order of first appearance.
func ExtractVariables(text string) []string {
	var names []string
	for _, m := range variablePattern.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

// RenderTemplate replaces each {{name}} in text by values[name] and returns
// the names that have no value.
func RenderTemplate(text string, values map[string]string) (string, []string) {
	var missing []string
	out := variablePattern.ReplaceAllStringFunc(text, func(m string) string {
		name := variablePattern.FindStringSubmatch(m)[1]
		if v, ok := values[name]; ok {
			return v
		}
		if !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return m
	})
	return out, missing
}

// NormalizeTags trims, lower-cases and deduplicates tags, dropping empty
// ones, keeping first-seen order.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// ModelChecker answers whether model ids and whitelist entries exist; the
// model catalog implements it.
type ModelChecker interface {
	ValidWhitelistEntry(s string) bool
}

// Normalize cleans c in place (trimmed title, normalized tags, variables
// recomputed from the text keeping known defaults) and validates it,
// returning a validation_failed error naming every bad field. defaults
// gives variables their default values; nil keeps the ones c already has.
func (c *PromptContent) Normalize(models ModelChecker, defaults map[string]*string) error {
	var v Validation
	c.Title = strings.TrimSpace(c.Title)
	c.Description = strings.TrimSpace(c.Description)
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		v.Add("title", "required", "Title is required.")
	case n > PromptTitleMax:
		v.Add("title", "too_long", fmt.Sprintf("Title must be at most %d characters.", PromptTitleMax))
	}
	if utf8.RuneCountInString(c.Description) > PromptDescriptionMax {
		v.Add("description", "too_long", fmt.Sprintf("Description must be at most %d characters.", PromptDescriptionMax))
	}
	switch n := utf8.RuneCountInString(c.PromptText); {
	case strings.TrimSpace(c.PromptText) == "":
		v.Add("promptText", "required", "Prompt text is required.")
	case n > PromptTextMax:
		v.Add("promptText", "too_long", fmt.Sprintf("Prompt text must be at most %d characters.", PromptTextMax))
	}
	if !utf8.ValidString(c.Title + c.Description + c.PromptText) {
		v.Add("promptText", "encoding", "Text must be valid UTF-8.")
	}

	c.Tags = NormalizeTags(c.Tags)
	if len(c.Tags) > PromptTagsMax {
		v.Add("tags", "too_many", fmt.Sprintf("A prompt has at most %d tags.", PromptTagsMax))
	}
	for _, t := range c.Tags {
		if utf8.RuneCountInString(t) > PromptTagMax {
			v.Add("tags", "too_long", fmt.Sprintf("Tag %q is longer than %d characters.", t, PromptTagMax))
			break
		}
	}

	wl := make([]string, 0, len(c.ModelWhitelist))
	for _, w := range c.ModelWhitelist {
		w = strings.TrimSpace(w)
		if w != "" && !slices.Contains(wl, w) {
			wl = append(wl, w)
		}
	}
	c.ModelWhitelist = wl
	if len(wl) > PromptWhitelistMax {
		v.Add("modelWhitelist", "too_many", fmt.Sprintf("The whitelist has at most %d entries.", PromptWhitelistMax))
	}
	for _, w := range wl {
		if !models.ValidWhitelistEntry(w) {
			v.Add("modelWhitelist", "unknown_model", fmt.Sprintf("%q is not a known provider or model.", w))
			break
		}
	}

	c.DefaultModel = strings.TrimSpace(c.DefaultModel)
	if c.DefaultModel != "" {
		switch {
		case !strings.Contains(c.DefaultModel, ":") || !models.ValidWhitelistEntry(c.DefaultModel):
			v.Add("defaultModel", "unknown_model", fmt.Sprintf("%q is not a known model (use provider:model).", c.DefaultModel))
		case !ModelAllowed(wl, c.DefaultModel):
			v.Add("defaultModel", "not_allowed", "The default model must be allowed by the whitelist.")
		}
	}

	c.DefaultParams.check(&v, "defaultParams.")

	if defaults == nil {
		defaults = map[string]*string{}
		for _, old := range c.Variables {
			defaults[old.Name] = old.Default
		}
	}
	c.Variables = []Variable{}
	for _, name := range ExtractVariables(c.PromptText) {
		if len(name) > PromptVariableMax {
			v.Add("promptText", "variable_name", fmt.Sprintf("Variable %q is longer than %d characters.", name, PromptVariableMax))
			continue
		}
		d := defaults[name]
		if d != nil && utf8.RuneCountInString(*d) > PromptDefaultMax {
			v.Add("variables", "too_long", fmt.Sprintf("The default of %q is longer than %d characters.", name, PromptDefaultMax))
		}
		c.Variables = append(c.Variables, Variable{Name: name, Default: d})
	}
	return v.Err()
}

// ModelAllowed reports whether model is allowed by whitelist, which lists
// providers and provider:model ids; an empty whitelist allows every model.
func ModelAllowed(whitelist []string, model string) bool {
	if len(whitelist) == 0 {
		return true
	}
	provider, _, _ := strings.Cut(model, ":")
	return slices.Contains(whitelist, model) || slices.Contains(whitelist, provider)
}

// Equal reports whether two contents are the same, field by field.
func (c PromptContent) Equal(o PromptContent) bool {
	return c.Title == o.Title && c.Description == o.Description && c.PromptText == o.PromptText &&
		slices.Equal(c.Tags, o.Tags) && slices.Equal(c.ModelWhitelist, o.ModelWhitelist) &&
		c.DefaultModel == o.DefaultModel && c.DefaultParams.equal(o.DefaultParams) &&
		slices.EqualFunc(c.Variables, o.Variables, func(a, b Variable) bool { return a.Name == b.Name && eqPtr(a.Default, b.Default) })
}

func (p Params) equal(o Params) bool {
	return eqPtr(p.Temperature, o.Temperature) && eqPtr(p.TopP, o.TopP) && eqPtr(p.MaxTokens, o.MaxTokens) && eqPtr(p.SystemPrompt, o.SystemPrompt)
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
