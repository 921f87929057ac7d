// Package accounts shapes Pocketbase's users collection for Krowoc: the
// tier field, the rules that keep it in superusers' hands, and the hooks.
package accounts

import (
	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // the system migrations that create users
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// Only superusers bypass collection rules, so these rules are what keeps
// users from choosing their own tier.
const (
	usersCreateRule = `@request.body.tier:isset = false`
	usersUpdateRule = `id = @request.auth.id && @request.body.tier:isset = false`
)

// Collection is the Pocketbase collection of Krowoc users.
const Collection = "users"

// Pocketbase keeps its migration list in a package variable, so the users
// migration registers itself when the package loads.
func init() {
	core.AppMigrations.Register(migrateUsers, nil, "1764892800_krowoc_users.go")
}

// migrateUsers shapes Pocketbase's users collection for Krowoc: a tier field
// only superusers can change, open sign-up, and the app name.
func migrateUsers(txApp core.App) error {
	users, err := txApp.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	if users.Fields.GetByName("tier") == nil {
		users.Fields.Add(&core.SelectField{
			Name:      "tier",
			Values:    []string{string(krowoc.TierFree), string(krowoc.TierPower), string(krowoc.TierTeam)},
			MaxSelect: 1,
		})
	}
	if users.Fields.GetByName("name") == nil {
		users.Fields.Add(&core.TextField{Name: "name", Max: 255})
	}
	users.CreateRule = types.Pointer(usersCreateRule)
	users.UpdateRule = types.Pointer(usersUpdateRule)
	users.PasswordAuth.Enabled = true
	if err := txApp.Save(users); err != nil {
		return err
	}
	if _, err := txApp.DB().NewQuery(`UPDATE users SET tier = 'free' WHERE tier = '' OR tier IS NULL`).Execute(); err != nil {
		return err
	}

	settings := txApp.Settings()
	if settings.Meta.AppName == "" || settings.Meta.AppName == "Acme" {
		settings.Meta.AppName = "Krowoc"
		return txApp.Save(settings)
	}
	return nil
}

// BindHooks gives new users the free tier when none was set (sign-up
// cannot set one; superusers creating users in the admin UI may).
func BindHooks(app core.App) {
	app.OnRecordCreate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("tier") == "" {
			e.Record.Set("tier", string(krowoc.TierFree))
		}
		return e.Next()
	})
}
