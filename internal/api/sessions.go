package api

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
)

// Session cache bounds: how long a verified session token is trusted
// without checking it again (the bound on staleness for changes made by
// another process), and how many tokens are remembered.
const (
	sessionTTL        = time.Minute
	maxCachedSessions = 10_000
)

// sessionCache remembers the user a verified session token belongs to, so
// a request does not verify the token and read its user from Pocketbase
// again: that cost about 100 µs of every API call. An entry lives until
// its token expires, at most sessionTTL, and every entry of a user is
// dropped when that user is updated or deleted (a new password, tier or
// verification, which also changes or ends their tokens).
type sessionCache struct {
	mu      sync.RWMutex
	entries map[string]sessionEntry
	// gens counts each user's updates; an entry made before the last one
	// is stale.
	gens map[string]uint64
}

type sessionEntry struct {
	user    krowoc.User
	gen     uint64
	expires time.Time
}

func newSessionCache() *sessionCache {
	return &sessionCache{entries: map[string]sessionEntry{}, gens: map[string]uint64{}}
}

// get returns the user of a cached, unexpired session token.
func (c *sessionCache) get(token string, now time.Time) (krowoc.User, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[token]
	if !ok || now.After(e.expires) || e.gen != c.gens[e.user.ID] {
		return krowoc.User{}, false
	}
	return e.user, true
}

// put remembers that token, verified at gen, belongs to user until
// expires (capped at sessionTTL from now).
func (c *sessionCache) put(token string, user krowoc.User, gen uint64, expires, now time.Time) {
	if limit := now.Add(sessionTTL); expires.After(limit) {
		expires = limit
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gens[user.ID] {
		return // the user changed while the token was being verified
	}
	if len(c.entries) >= maxCachedSessions {
		for k, e := range c.entries {
			if now.After(e.expires) || e.gen != c.gens[e.user.ID] {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCachedSessions {
			clear(c.entries)
		}
	}
	c.entries[token] = sessionEntry{user: user, gen: gen, expires: expires}
}

// generation returns the user's update count, read before verifying one
// of their tokens.
func (c *sessionCache) generation(userID string) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gens[userID]
}

// forget makes every cached token of the user stale.
func (c *sessionCache) forget(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[userID]++
}

// sessionUser returns the user a Pocketbase session token belongs to. ok is
// false for an invalid or expired token; superuser is true for a valid
// token of another auth collection (superusers).
func (s *Server) sessionUser(e *core.RequestEvent, token string) (user krowoc.User, superuser, ok bool) {
	now := time.Now()
	if u, ok := s.sessions.get(token, now); ok {
		return u, false, true
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return krowoc.User{}, false, false
	}
	id, _ := claims[core.TokenClaimId].(string)
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return krowoc.User{}, false, false
	}
	gen := s.sessions.generation(id)
	record, err := e.App.FindAuthRecordByToken(token, core.TokenTypeAuth)
	if err != nil || record == nil {
		return krowoc.User{}, false, false
	}
	if record.Collection().Name != accounts.Collection {
		return krowoc.User{}, true, true
	}
	user = userFromRecord(record)
	s.sessions.put(token, user, gen, exp.Time, now)
	return user, false, true
}
