package secret_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/krowoc/krowoc/internal/secret"
)

func TestSealOpen(t *testing.T) {
	k, err := secret.New(secret.NewMasterKey())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.Seal([]byte("sk-live-123"), []byte("row-1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("sk-live")) {
		t.Fatal("plaintext visible in the sealed value")
	}
	got, err := k.Open(sealed, []byte("row-1"))
	if err != nil || string(got) != "sk-live-123" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	// Bound to its row: another aad does not open it.
	if _, err := k.Open(sealed, []byte("row-2")); !errors.Is(err, secret.ErrDecrypt) {
		t.Fatalf("open with another aad: %v", err)
	}
	tampered := append([]byte{}, sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := k.Open(tampered, []byte("row-1")); !errors.Is(err, secret.ErrDecrypt) {
		t.Fatalf("open tampered: %v", err)
	}
	other, _ := secret.New(secret.NewMasterKey())
	if _, err := other.Open(sealed, []byte("row-1")); !errors.Is(err, secret.ErrDecrypt) {
		t.Fatalf("open with another key: %v", err)
	}
	for _, bad := range [][]byte{nil, {1}, {9, 1, 2, 3, 4}} {
		if _, err := k.Open(bad, nil); !errors.Is(err, secret.ErrDecrypt) {
			t.Fatalf("Open(%v) = %v", bad, err)
		}
	}
}

func TestRotationKeepsOldKeysReadable(t *testing.T) {
	oldKey, newKey := secret.NewMasterKey(), secret.NewMasterKey()
	before, _ := secret.New(oldKey)
	sealed, _ := before.Seal([]byte("secret"), []byte("a"))
	after, _ := secret.New(newKey, oldKey)
	if got, err := after.Open(sealed, []byte("a")); err != nil || string(got) != "secret" {
		t.Fatalf("old value under the rotated keyring: %q %v", got, err)
	}
	if after.IsCurrent(sealed) {
		t.Fatal("an old value claims to be current")
	}
	resealed, _ := after.Seal([]byte("secret"), []byte("a"))
	if !after.IsCurrent(resealed) {
		t.Fatal("a new value is not current")
	}
}

func TestLoadFileAndReload(t *testing.T) {
	dir := t.TempDir()
	k, err := secret.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, secret.FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, fi.Mode())
	}
	again, _ := secret.Load(dir, "")
	if again.CurrentID() != k.CurrentID() {
		t.Fatal("a second load made a new key")
	}

	// Another process rotates the file: values sealed under the new key still
	// open here, without a restart.
	keys, _ := secret.ReadFile(filepath.Join(dir, secret.FileName))
	fresh := secret.NewMasterKey()
	if err := secret.WriteFile(filepath.Join(dir, secret.FileName), append([][]byte{fresh}, keys...)); err != nil {
		t.Fatal(err)
	}
	rotated, _ := secret.New(fresh)
	sealed, _ := rotated.Seal([]byte("x"), nil)
	if got, err := k.Open(sealed, nil); err != nil || string(got) != "x" {
		t.Fatalf("open after a rotation elsewhere: %q %v", got, err)
	}
}

func TestParseKeys(t *testing.T) {
	if _, err := secret.ParseKeys("not base64"); err == nil {
		t.Fatal("bad key accepted")
	}
	if _, err := secret.ParseKeys("c2hvcnQ="); err == nil {
		t.Fatal("short key accepted")
	}
	k := secret.NewMasterKey()
	env := "  " + b64(k) + " , " + b64(secret.NewMasterKey())
	keys, err := secret.ParseKeys(env)
	if err != nil || len(keys) != 2 || !bytes.Equal(keys[0], k) {
		t.Fatalf("ParseKeys = %d keys, %v", len(keys), err)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
