package krowoc

// Tier is a user's plan; only superusers change it.
type Tier string

// The tiers a user can be on.
const (
	TierFree  Tier = "free"
	TierPower Tier = "power"
	TierTeam  Tier = "team"
)

// ParseTier returns the tier named by s; the empty string means free.
func ParseTier(s string) (Tier, bool) {
	switch Tier(s) {
	case "", TierFree:
		return TierFree, true
	case TierPower, TierTeam:
		return Tier(s), true
	}
	return "", false
}

// User is an authenticated person, as the domain sees them. Users live in
// Pocketbase; the domain store refers to them by ID only.
type User struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Tier     Tier   `json:"tier"`
	Verified bool   `json:"verified"`
}
