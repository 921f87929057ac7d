package krowoc_test

import (
	"testing"

	"github.com/krowoc/krowoc/internal/krowoc"
)

func TestRoleCan(t *testing.T) {
	cases := []struct {
		role   krowoc.Role
		action krowoc.Action
		want   bool
	}{
		{krowoc.RoleViewer, krowoc.ActionRead, true},
		{krowoc.RoleViewer, krowoc.ActionWrite, false},
		{krowoc.RoleEditor, krowoc.ActionWrite, true},
		{krowoc.RoleEditor, krowoc.ActionManage, false},
		{krowoc.RoleAdmin, krowoc.ActionManage, true},
		{krowoc.RoleAdmin, krowoc.ActionOwn, false},
		{krowoc.RoleOwner, krowoc.ActionOwn, true},
		{krowoc.Role("guest"), krowoc.ActionRead, false},
		{krowoc.Role(""), krowoc.ActionRead, false},
		{krowoc.RoleOwner, krowoc.Action("launch"), false},
	}
	for _, c := range cases {
		if got := c.role.Can(c.action); got != c.want {
			t.Errorf("%q.Can(%q) = %v, want %v", c.role, c.action, got, c.want)
		}
	}
}

func TestTokenSecrets(t *testing.T) {
	secret, prefix, hash, err := krowoc.NewTokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	if !krowoc.LooksLikeToken(secret) || prefix != secret[:12] || hash != krowoc.HashTokenSecret(secret) || len(hash) != 64 {
		t.Fatalf("secret %q prefix %q hash %q", secret, prefix, hash)
	}
	other, _, _, _ := krowoc.NewTokenSecret()
	if other == secret {
		t.Fatal("two secrets are equal")
	}
	for _, bad := range []string{"", "krw_", secret + "x", "abc_" + secret[4:], secret[:20] + "!" + secret[21:]} {
		if krowoc.LooksLikeToken(bad) {
			t.Errorf("LooksLikeToken(%q) = true", bad)
		}
	}
}
