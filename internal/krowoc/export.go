package krowoc

import "time"

// ExportFormat names Krowoc's prompt export documents; ExportVersion is the
// schema version this build writes and reads. docs/prompt-format.md and
// docs/prompt-format.schema.json describe it.
const (
	ExportFormat  = "krowoc.prompts"
	ExportVersion = 1
)

// ExportDocument is a file of exported prompts.
type ExportDocument struct {
	Format     string           `json:"format"`
	Version    int              `json:"version"`
	ExportedAt time.Time        `json:"exportedAt"`
	Prompts    []ExportedPrompt `json:"prompts"`
}

// ExportedPrompt is one prompt with its working draft and every version.
type ExportedPrompt struct {
	PromptContent
	Status           PromptStatus      `json:"status"`
	Visibility       Visibility        `json:"visibility"`
	PublishedVersion *int              `json:"publishedVersion"`
	CreatedAt        time.Time         `json:"createdAt"`
	UpdatedAt        time.Time         `json:"updatedAt"`
	Versions         []ExportedVersion `json:"versions"`
}

// ExportedVersion is one immutable version in an export.
type ExportedVersion struct {
	Version int `json:"version"`
	PromptContent
	CreatedAt time.Time `json:"createdAt"`
}
