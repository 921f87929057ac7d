package krowoc

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
	"time"
)

// TokenPrefix starts every personal access token secret, so leaked tokens are
// easy to recognise and the auth middleware can tell them from session tokens.
const TokenPrefix = "krw_"

// tokenAlphabet is base62: URL-safe and double-click selectable.
const tokenAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// tokenSecretLen gives 40 base62 characters, about 238 bits of entropy.
const tokenSecretLen = 40

// tokenDisplayLen is how much of the secret is kept in clear to identify it.
const tokenDisplayLen = len(TokenPrefix) + 8

// Token is a personal access token as listed to its owner; the secret is
// never part of it.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"-"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	RevokedAt  *time.Time `json:"-"`
}

// Expired reports whether the token's expiry is at or before now.
func (t *Token) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !t.ExpiresAt.After(now)
}

// NewTokenSecret returns a new random token secret, its display prefix and
// the hash under which it is stored.
func NewTokenSecret() (secret, prefix, hash string, err error) {
	var b strings.Builder
	b.WriteString(TokenPrefix)
	max := big.NewInt(int64(len(tokenAlphabet)))
	for range tokenSecretLen {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", "", "", err
		}
		b.WriteByte(tokenAlphabet[n.Int64()])
	}
	secret = b.String()
	return secret, secret[:tokenDisplayLen], HashTokenSecret(secret), nil
}

// HashTokenSecret returns the hex SHA-256 of a token secret. Secrets carry
// enough entropy that a fast hash is safe and keeps lookups cheap.
func HashTokenSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeToken reports whether s has the shape of a personal access token.
func LooksLikeToken(s string) bool {
	if len(s) != len(TokenPrefix)+tokenSecretLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	for _, c := range s[len(TokenPrefix):] {
		if !strings.ContainsRune(tokenAlphabet, c) {
			return false
		}
	}
	return true
}
