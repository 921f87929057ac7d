// Package secret encrypts small secrets (provider API keys) at rest with
// AES-256-GCM under a keyring of master keys. It knows nothing of Krowoc.
package secret

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// KeySize is the length of a master key in bytes.
const KeySize = 32

// FileName is the keyring file in the data folder.
const FileName = "master.key"

// format is the first byte of every sealed value.
const format = 1

// ErrDecrypt means a sealed value could not be opened: a wrong key, a
// value moved to another row, or tampering. It never says which.
var ErrDecrypt = errors.New("secret: cannot decrypt")

type masterKey struct {
	id   [4]byte
	aead cipher.AEAD
}

// Keyring holds master keys: the first one seals, any one opens. It is safe
// for concurrent use.
type Keyring struct {
	mu   sync.RWMutex
	keys []masterKey
	// reload, when set, rereads the keys; Open calls it once when it meets
	// a key it does not know (another process rotated the file).
	reload func() ([][]byte, error)
}

// New returns a keyring of the given 32-byte master keys, current first.
func New(masters ...[]byte) (*Keyring, error) {
	k := &Keyring{}
	return k, k.set(masters)
}

func (k *Keyring) set(masters [][]byte) error {
	if len(masters) == 0 {
		return errors.New("secret: no master key")
	}
	keys := make([]masterKey, 0, len(masters))
	for i, m := range masters {
		if len(m) != KeySize {
			return fmt.Errorf("secret: master key %d is %d bytes, want %d", i+1, len(m), KeySize)
		}
		block, err := aes.NewCipher(m)
		if err != nil {
			return err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(m)
		var id [4]byte
		copy(id[:], sum[:4])
		keys = append(keys, masterKey{id: id, aead: aead})
	}
	k.mu.Lock()
	k.keys = keys
	k.mu.Unlock()
	return nil
}

// CurrentID names the key that seals, as 8 hex digits.
func (k *Keyring) CurrentID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return hex.EncodeToString(k.keys[0].id[:])
}

// Seal encrypts plaintext under the current key, binding it to aad: the
// same aad must be given to Open.
func (k *Keyring) Seal(plaintext, aad []byte) ([]byte, error) {
	k.mu.RLock()
	key := k.keys[0]
	k.mu.RUnlock()
	out := make([]byte, 1+4+key.aead.NonceSize(), 1+4+key.aead.NonceSize()+len(plaintext)+key.aead.Overhead())
	out[0] = format
	copy(out[1:5], key.id[:])
	if _, err := rand.Read(out[5:]); err != nil {
		return nil, err
	}
	return key.aead.Seal(out, out[5:], plaintext, aad), nil
}

// Open decrypts a value made by Seal with the same aad. It returns
// ErrDecrypt for anything that does not open.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < 5 || sealed[0] != format {
		return nil, ErrDecrypt
	}
	key, ok := k.find(sealed[1:5])
	if !ok && k.reload != nil {
		if masters, err := k.reload(); err == nil && k.set(masters) == nil {
			key, ok = k.find(sealed[1:5])
		}
	}
	if !ok {
		return nil, ErrDecrypt
	}
	n := key.aead.NonceSize()
	if len(sealed) < 5+n {
		return nil, ErrDecrypt
	}
	plain, err := key.aead.Open(nil, sealed[5:5+n], sealed[5+n:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// IsCurrent reports whether sealed was made with the current key.
func (k *Keyring) IsCurrent(sealed []byte) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(sealed) >= 5 && bytes.Equal(sealed[1:5], k.keys[0].id[:])
}

func (k *Keyring) find(id []byte) (masterKey, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, key := range k.keys {
		if bytes.Equal(key.id[:], id) {
			return key, true
		}
	}
	return masterKey{}, false
}

// NewMasterKey returns a new random master key.
func NewMasterKey() []byte {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return b
}

// ParseKeys reads a comma- or newline-separated list of base64 master keys;
// lines starting with # are comments.
func ParseKeys(s string) ([][]byte, error) {
	var fields []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			fields = append(fields, strings.Split(line, ",")...)
		}
	}
	var out [][]byte
	for _, field := range fields {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(field)
		if err != nil {
			b, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(field, "="))
		}
		if err != nil || len(b) != KeySize {
			return nil, fmt.Errorf("master key %d is not %d bytes of base64", len(out)+1, KeySize)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("no master key")
	}
	return out, nil
}

// Load returns the keyring from env (a comma-separated list of base64 keys,
// current first) when it is set, or from dataDir/master.key, which is
// created with one new key and mode 0600 when missing. A file-based keyring
// rereads its file when it meets an unknown key, so a rotation by another
// process needs no restart.
func Load(dataDir, env string) (*Keyring, error) {
	if env != "" {
		keys, err := ParseKeys(env)
		if err != nil {
			return nil, err
		}
		return New(keys...)
	}
	path := filepath.Join(dataDir, FileName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := WriteFile(path, [][]byte{NewMasterKey()}); err != nil {
			return nil, err
		}
	}
	read := func() ([][]byte, error) { return ReadFile(path) }
	keys, err := read()
	if err != nil {
		return nil, err
	}
	k, err := New(keys...)
	if err != nil {
		return nil, err
	}
	k.reload = read
	return k, nil
}

// ReadFile reads a keyring file: one base64 key per line, current first.
func ReadFile(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	keys, err := ParseKeys(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}

// WriteFile atomically writes a keyring file with mode 0600.
func WriteFile(path string, keys [][]byte) error {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintln(w, "# Krowoc master keys: the first encrypts, every one decrypts. Keep this file secret.")
	for _, key := range keys {
		fmt.Fprintln(w, base64.StdEncoding.EncodeToString(key))
	}
	w.Flush()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	return os.Rename(tmp, path)
}
