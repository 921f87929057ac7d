package krowoc

import "time"

// Role is a member's role in a workspace, from most to least privileged:
// owner, admin, editor, viewer.
type Role string

// The roles a workspace member can hold.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r.rank() > 0 }

func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleEditor:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// Action is something a caller may want to do in a workspace.
type Action string

// The actions the authorization helper decides on.
const (
	// ActionRead reads the workspace's library, executions and usage.
	ActionRead Action = "read"
	// ActionWrite creates, edits, publishes and runs prompts.
	ActionWrite Action = "write"
	// ActionManage manages credentials, members and dead letters.
	ActionManage Action = "manage"
	// ActionOwn renames, transfers or deletes the workspace itself.
	ActionOwn Action = "own"
)

// minRole is the least role allowed to perform each action.
var minRole = map[Action]Role{
	ActionRead:   RoleViewer,
	ActionWrite:  RoleEditor,
	ActionManage: RoleAdmin,
	ActionOwn:    RoleOwner,
}

// Can reports whether a member with role r may perform action a.
// Unknown roles and unknown actions are never allowed.
func (r Role) Can(a Action) bool {
	need, ok := minRole[a]
	return ok && r.rank() > 0 && r.rank() >= need.rank()
}

// WorkspaceKind tells a user's personal workspace from a shared team one.
type WorkspaceKind string

// The kinds of workspace.
const (
	WorkspacePersonal WorkspaceKind = "personal"
	WorkspaceTeam     WorkspaceKind = "team"
)

// Workspace is a tenant: every domain row belongs to exactly one.
type Workspace struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Kind      WorkspaceKind `json:"kind"`
	OwnerID   string        `json:"ownerId"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
}

// Membership grants a user a role in a workspace.
type Membership struct {
	WorkspaceID string    `json:"workspaceId"`
	UserID      string    `json:"userId"`
	Role        Role      `json:"role"`
	CreatedAt   time.Time `json:"createdAt"`
}

// WorkspaceWithRole is a workspace as seen by one member.
type WorkspaceWithRole struct {
	Workspace
	Role Role `json:"role"`
}
