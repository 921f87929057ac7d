package api

import (
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/time/rate"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// limiter is a token bucket per key (a user id or a client address):
// perMinute tokens a minute, up to burst at once. Idle buckets are
// forgotten, so memory follows the number of recent callers.
type limiter struct {
	every rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*limitBucket
	swept   time.Time
}

type limitBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, buckets: map[string]*limitBucket{}}
}

// allow takes n tokens from key's bucket, or reports how long to wait.
func (l *limiter) allow(key string, n int) (bool, time.Duration) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &limitBucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, n)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// limitExecutions admits n more provider calls for the caller: per user,
// and per client address at four times that (several people may share an
// address); otherwise it answers 429 rate_limited with Retry-After.
func (s *Server) limitExecutions(e *core.RequestEvent, n int) error {
	if s.userLimit == nil {
		return nil
	}
	for _, check := range []struct {
		lim *limiter
		key string
	}{{s.userLimit, callerOf(e).user.ID}, {s.addrLimit, e.RealIP()}} {
		if ok, wait := check.lim.allow(check.key, n); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			e.Response.Header().Set("Retry-After", strconv.Itoa(secs))
			return &krowoc.Error{
				Code:    krowoc.ECodeRateLimited,
				Message: fmt.Sprintf("Too many runs; try again in %d s (at most %d runs a minute).", secs, s.opts.ExecutionsPerMinute),
				Extra:   map[string]any{"retryAfter": secs},
			}
		}
	}
	return nil
}
