package krowoc

import "time"

// Credential is a provider API key of a workspace, as listed: the key
// itself is never part of it.
type Credential struct {
	ID            string     `json:"id"`
	WorkspaceID   string     `json:"workspaceId"`
	Provider      string     `json:"provider"`
	Label         string     `json:"label"`
	BaseURL       string     `json:"baseUrl"`
	Last4         string     `json:"last4"`
	CreatedBy     string     `json:"createdBy"`
	CreatedAt     time.Time  `json:"createdAt"`
	LastUsedAt    *time.Time `json:"lastUsedAt"`
	VerifiedAt    *time.Time `json:"verifiedAt"`
	VerifyStatus  *string    `json:"verifyStatus"`
	VerifyMessage *string    `json:"verifyMessage"`
}

// Verification results a credential records.
const (
	VerifyOK     = "ok"
	VerifyFailed = "failed"
)
