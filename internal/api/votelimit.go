package api

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// VoteLimits are the token buckets of votes: each user and each client IP
// may cast Burst votes at once, refilled at one vote per Every.
type VoteLimits struct {
	UserBurst int
	UserEvery time.Duration
	IPBurst   int
	IPEvery   time.Duration
}

// DefaultVoteLimits: 20 votes at once per user then one every 3 s (20 a
// minute), and 60 at once per IP then one a second (for shared addresses).
var DefaultVoteLimits = VoteLimits{UserBurst: 20, UserEvery: 3 * time.Second, IPBurst: 60, IPEvery: time.Second}

// voteLimiter holds the in-memory buckets of one server. Buckets that are
// full again carry no information and are dropped when the map grows.
type voteLimiter struct {
	limits VoteLimits
	mu     sync.Mutex
	users  map[string]*rate.Limiter
	ips    map[string]*rate.Limiter
}

// limiterMapMax is the size past which full buckets are dropped.
const limiterMapMax = 10_000

func newVoteLimiter(l VoteLimits) *voteLimiter {
	d := DefaultVoteLimits
	if l.UserBurst <= 0 {
		l.UserBurst = d.UserBurst
	}
	if l.UserEvery <= 0 {
		l.UserEvery = d.UserEvery
	}
	if l.IPBurst <= 0 {
		l.IPBurst = d.IPBurst
	}
	if l.IPEvery <= 0 {
		l.IPEvery = d.IPEvery
	}
	return &voteLimiter{limits: l, users: map[string]*rate.Limiter{}, ips: map[string]*rate.Limiter{}}
}

func bucket(m map[string]*rate.Limiter, key string, every time.Duration, burst int, now time.Time) *rate.Limiter {
	if l, ok := m[key]; ok {
		return l
	}
	if len(m) >= limiterMapMax {
		for k, l := range m {
			if l.TokensAt(now) >= float64(l.Burst()) {
				delete(m, k)
			}
		}
	}
	l := rate.NewLimiter(rate.Every(every), burst)
	m[key] = l
	return l
}

// allow takes one vote from the user's and the IP's buckets, or neither;
// when either is empty it returns a rate_limited problem with Retry-After
// seconds.
func (v *voteLimiter) allow(userID, ip string) error {
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	user := bucket(v.users, userID, v.limits.UserEvery, v.limits.UserBurst, now)
	addr := bucket(v.ips, ip, v.limits.IPEvery, v.limits.IPBurst, now)
	ru, ri := user.ReserveN(now, 1), addr.ReserveN(now, 1)
	wait := max(ru.DelayFrom(now), ri.DelayFrom(now))
	if wait <= 0 {
		return nil
	}
	ru.CancelAt(now)
	ri.CancelAt(now)
	secs := int(math.Ceil(wait.Seconds()))
	return &krowoc.Error{
		Code:    krowoc.ECodeRateLimited,
		Message: "Too many votes; wait " + strconv.Itoa(secs) + " s and try again.",
		Extra:   map[string]any{"retryAfter": secs},
	}
}
