package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
)

// requestIDHeader carries the request id in both directions.
const requestIDHeader = "X-Request-ID"

// callerKey stores the authenticated caller on the request event.
const callerKey = "krowoc.caller"

// requestMiddleware runs first on every request: it assigns the request id,
// turns errors of Krowoc's own routes into problems, logs one line per
// request and records metrics.
func (s *Server) requestMiddleware(e *core.RequestEvent) error {
	start := time.Now()
	id := e.Request.Header.Get(requestIDHeader)
	if !validRequestID(id) {
		id = newRequestID()
	}
	e.Response.Header().Set(requestIDHeader, id)
	ctx := logging.WithRequestID(e.Request.Context(), id)
	e.Request = e.Request.WithContext(ctx)

	err := e.Next()
	path := e.Request.URL.Path
	ours := strings.HasPrefix(path, "/api/v1/") || path == "/api/v1" || path == "/api/ready" || path == "/metrics"
	if err != nil && ours {
		if !e.Written() {
			s.writeProblem(e, err)
		}
		err = nil
	}

	status := e.Status()
	if err != nil {
		status = router.ToApiError(err).Status
	}
	if status == 0 {
		status = http.StatusOK
	}
	route := e.Request.Pattern
	if route == "" {
		route = "unmatched"
	}
	elapsed := time.Since(start)
	s.metrics.observe(e.Request.Method, route, status, elapsed)

	level := logLevel(status)
	if !strings.HasPrefix(path, "/api/") && level == slog.LevelInfo {
		level = slog.LevelDebug // static files and the admin UI are noise at info
	}
	attrs := []slog.Attr{
		slog.String("method", e.Request.Method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
	}
	if c, ok := e.Get(callerKey).(*caller); ok {
		attrs = append(attrs, slog.String("user_id", c.user.ID))
	}
	s.log.LogAttrs(ctx, level, "http request", attrs...)
	return err
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:", c)
		if !ok {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// caller is the authenticated user of an /api/v1 request.
type caller struct {
	user krowoc.User
	// token is the personal access token used, or nil for a session token.
	token *krowoc.Token
}

func callerOf(e *core.RequestEvent) *caller {
	c, _ := e.Get(callerKey).(*caller)
	return c
}

// authMiddleware accepts a Pocketbase auth token of the users collection or
// a personal access token in Authorization: Bearer, and makes sure the
// user's personal workspace exists.
func (s *Server) authMiddleware(e *core.RequestEvent) error {
	header := e.Request.Header.Get("Authorization")
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(header, "bearer ")
	}
	token = strings.TrimSpace(token)
	if !ok || token == "" {
		return krowoc.Errorf(krowoc.ECodeUnauthorized, "Send a session or personal access token in the Authorization: Bearer header.")
	}

	c := &caller{}
	if strings.HasPrefix(token, krowoc.TokenPrefix) {
		t, err := s.db.AuthenticateToken(e.Request.Context(), token)
		if err != nil {
			return err
		}
		record, err := e.App.FindRecordById(accounts.Collection, t.UserID)
		if err != nil {
			return krowoc.Errorf(krowoc.ECodeUnauthorized, "The access token's user no longer exists.")
		}
		c.token, c.user = t, userFromRecord(record)
	} else {
		user, superuser, ok := s.sessionUser(e, token)
		switch {
		case superuser:
			return krowoc.Errorf(krowoc.ECodeForbidden, "The domain API needs a user account; superuser tokens are for the admin UI.")
		case !ok:
			return krowoc.Errorf(krowoc.ECodeUnauthorized, "The session token is invalid or expired; sign in again.")
		}
		c.user = user
	}

	if _, done := s.ensured.Load(c.user.ID); !done {
		if _, err := s.db.EnsurePersonalWorkspace(e.Request.Context(), c.user.ID, c.user.Name); err != nil {
			return err
		}
		s.ensured.Store(c.user.ID, struct{}{})
	}
	e.Set(callerKey, c)
	return e.Next()
}

// userFromRecord is the domain's view of a users record.
func userFromRecord(record *core.Record) krowoc.User {
	tier, _ := krowoc.ParseTier(record.GetString("tier"))
	return krowoc.User{
		ID:       record.Id,
		Email:    record.Email(),
		Name:     record.GetString("name"),
		Tier:     tier,
		Verified: record.Verified(),
	}
}

// optionalAuthMiddleware serves public routes: anyone may call them, and a
// valid session or personal access token identifies the caller (to show
// their own vote). A missing, invalid or expired token, or a superuser's,
// is simply anonymous: a public page never fails for a stale session.
func (s *Server) optionalAuthMiddleware(e *core.RequestEvent) error {
	header := e.Request.Header.Get("Authorization")
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(header, "bearer ")
	}
	token = strings.TrimSpace(token)
	switch {
	case !ok || token == "":
	case strings.HasPrefix(token, krowoc.TokenPrefix):
		if t, err := s.db.AuthenticateToken(e.Request.Context(), token); err == nil {
			if record, err := e.App.FindRecordById(accounts.Collection, t.UserID); err == nil {
				e.Set(callerKey, &caller{user: userFromRecord(record)})
			}
		}
	default:
		if user, superuser, ok := s.sessionUser(e, token); ok && !superuser {
			e.Set(callerKey, &caller{user: user})
		}
	}
	return e.Next()
}

// superuserMiddleware admits only Pocketbase superusers (the _superusers
// collection): operations such as an on-demand scoring run.
func (s *Server) superuserMiddleware(e *core.RequestEvent) error {
	switch {
	case e.Auth == nil:
		return krowoc.Errorf(krowoc.ECodeUnauthorized, "Send a superuser session token in the Authorization: Bearer header.")
	case !e.Auth.IsSuperuser():
		return krowoc.Errorf(krowoc.ECodeForbidden, "Only superusers may do this.")
	}
	return e.Next()
}
