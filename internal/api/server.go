// Package api is Krowoc's HTTP layer: the /api/v1 domain API, health,
// readiness, metrics, the OpenAPI document and the embedded web app, all
// registered on Pocketbase's router.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/secret"
	"github.com/krowoc/krowoc/internal/store"
)

// Options configure the HTTP layer.
type Options struct {
	// MaxBodyBytes limits JSON request bodies.
	MaxBodyBytes int64
	// MetricsToken, when set, must be sent as a bearer token to /metrics.
	MetricsToken string
	// Web is the built web app; nil or without index.html shows a hint page.
	Web fs.FS
	// Version is reported by /api/ready.
	Version string
	// Catalog is the model catalog; nil means the embedded default.
	Catalog *catalog.Catalog
	// Secrets seals provider keys at rest; nil means a fresh in-memory key,
	// which only tests should use.
	Secrets *secret.Keyring
	// ProviderBaseURLs override providers' default endpoints by provider id.
	ProviderBaseURLs map[string]string
	// AllowedBaseURLs limits the base URLs of OpenAI-compatible keys (the
	// zero value allows any http(s) URL).
	AllowedBaseURLs provider.URLPolicy
	// ExecutionTimeout bounds a whole provider call (default 30 s);
	// FirstTokenTimeout bounds the wait for a stream's first token
	// (default 30 s).
	ExecutionTimeout, FirstTokenTimeout time.Duration
	// ExecutionsPerMinute limits the provider calls each user may start a
	// minute (a side-by-side run counts once per model), in bursts of up to
	// a quarter of it; each client address may start four times as many.
	// 0 means 300; negative turns the limit off.
	ExecutionsPerMinute int
	// Jobs is the background job queue; the server registers its workers
	// on it. Nil turns background runs off.
	Jobs *jobs.Jobs
	// BatchWorkspaceConcurrency and BatchKeyConcurrency bound the batch
	// items in flight at once per workspace and per provider key, across
	// every process sharing the database (defaults 8 and 4).
	BatchWorkspaceConcurrency, BatchKeyConcurrency int
	// VoteLimits rate-limit votes per user and per IP; zero values take
	// the defaults (DefaultVoteLimits).
	VoteLimits VoteLimits
}

// Server holds what the handlers share. Create it with New and register it
// on a router with Bind.
type Server struct {
	app     core.App
	db      *store.DB
	log     *slog.Logger
	maxBody int64
	opts    Options
	metrics *metrics
	catalog *catalog.Catalog
	secrets *secret.Keyring

	jobs      *jobs.Jobs
	userLimit *limiter
	addrLimit *limiter
	// live connects background runs in this process with their followers.
	live *liveRuns
	// batchSlots counts the batch items in flight in this process.
	batchSlots *batchSlots

	providersMu sync.Mutex
	providers   map[string]provider.Provider

	// ensured remembers users whose personal workspace exists, so the check
	// costs one map lookup after the first request.
	ensured sync.Map

	votes *voteLimiter
	// names caches users' display names for public pages.
	names *nameCache
	// sessions caches verified session tokens (sessions.go).
	sessions *sessionCache

	routes []Route
}

// Route is one registered /api/v1 operation.
type Route struct {
	Method string
	Path   string
}

// New returns a Server over the Pocketbase app and the domain store.
func New(app core.App, db *store.DB, log *slog.Logger, opts Options) *Server {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	if opts.ExecutionTimeout <= 0 {
		opts.ExecutionTimeout = 30 * time.Second
	}
	if opts.FirstTokenTimeout <= 0 {
		opts.FirstTokenTimeout = 30 * time.Second
	}
	if opts.ExecutionsPerMinute == 0 {
		opts.ExecutionsPerMinute = 300
	}
	if opts.Secrets == nil {
		opts.Secrets, _ = secret.New(secret.NewMasterKey())
	}
	if opts.BatchWorkspaceConcurrency <= 0 {
		opts.BatchWorkspaceConcurrency = DefaultBatchWorkspaceConcurrency
	}
	if opts.BatchKeyConcurrency <= 0 {
		opts.BatchKeyConcurrency = DefaultBatchKeyConcurrency
	}
	names, sessions := newNameCache(), newSessionCache()
	forget := func(e *core.RecordEvent) error {
		names.forget(e.Record.Id)
		sessions.forget(e.Record.Id)
		return e.Next()
	}
	app.OnRecordAfterUpdateSuccess(accounts.Collection).BindFunc(forget)
	app.OnRecordAfterDeleteSuccess(accounts.Collection).BindFunc(forget)
	s := &Server{
		names:      names,
		sessions:   sessions,
		votes:      newVoteLimiter(opts.VoteLimits),
		jobs:       opts.Jobs,
		live:       newLiveRuns(),
		batchSlots: newBatchSlots(opts.BatchWorkspaceConcurrency, opts.BatchKeyConcurrency),
		app:        app,
		db:         db,
		log:        log,
		maxBody:    opts.MaxBodyBytes,
		opts:       opts,
		metrics:    newMetrics(db),
		catalog:    opts.Catalog,
		secrets:    opts.Secrets,
		providers:  map[string]provider.Provider{},
	}
	if opts.ExecutionsPerMinute > 0 {
		n := opts.ExecutionsPerMinute
		s.userLimit, s.addrLimit = newLimiter(n, max(1, n/4)), newLimiter(4*n, n)
	}
	if s.jobs != nil {
		jobs.Register(s.jobs, &executionWorker{s: s})
		jobs.Register(s.jobs, &batchItemWorker{s: s})
		s.jobs.OnRequeue(jobs.ExecutionArgs{}.Kind(), s.requeueExecution)
		jobs.Register(s.jobs, &chainStepWorker{s: s})
		s.jobs.OnRequeue(jobs.ChainStepArgs{}.Kind(), s.requeueChainStep)
	}
	return s
}

// Registry returns the Prometheus registry /metrics serves.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.registry }

// Routes lists every /api/v1 operation Bind registered.
func (s *Server) Routes() []Route { return s.routes }

// group wraps a Pocketbase router group so every route it registers is
// recorded for the OpenAPI completeness check.
type group struct {
	s      *Server
	prefix string
	rg     *router.RouterGroup[*core.RequestEvent]
}

func (g group) handle(method, path string, h func(*core.RequestEvent) error) {
	g.s.routes = append(g.s.routes, Route{Method: method, Path: g.prefix + path})
	g.rg.Route(method, path, h)
}

// Bind registers Krowoc's middleware and routes on r.
func (s *Server) Bind(r *router.Router[*core.RequestEvent]) {
	r.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       "krowocRequest",
		Priority: -200_000, // before every Pocketbase middleware
		Func:     s.requestMiddleware,
	})

	r.GET("/api/ready", s.handleReady)
	r.GET("/metrics", s.handleMetrics)

	v1 := r.Group("/api/v1")
	// The API logs each request itself (requestMiddleware); Pocketbase's
	// activity log would write every call again into its own database.
	// Pocketbase applies an exclusion to the routes of the group that
	// declares it, so every group below declares it again.
	quiet := func(g *router.RouterGroup[*core.RequestEvent]) *router.RouterGroup[*core.RequestEvent] {
		return g.Unbind(apis.DefaultActivityLoggerMiddlewareId)
	}
	quiet(v1)
	public := group{s, "/api/v1", v1}
	public.handle(http.MethodGet, "/openapi.json", s.handleOpenAPI)

	// Signed-in routes and public pages resolve session tokens themselves,
	// through the session cache, instead of Pocketbase's per-request lookup.
	authed := group{s, "/api/v1", quiet(v1.Group(""))}
	authed.rg.Unbind(apis.DefaultLoadAuthTokenMiddlewareId)
	authed.rg.BindFunc(s.authMiddleware)
	bindMeAPI(s, authed)
	bindTokenAPI(s, authed)
	bindPromptAPI(s, authed)
	bindPromptIOAPI(s, authed)
	bindModelAPI(s, authed)
	bindCredentialAPI(s, authed)
	bindExecutionAPI(s, authed)
	bindBatchAPI(s, authed)
	bindDeadLetterAPI(s, authed)
	bindChainAPI(s, authed)

	bindAdminJobAPI(s, group{s, "/api/v1/admin", quiet(v1.Group("/admin"))})

	bindVoteAPI(s, authed)

	// Public pages: no sign-in needed; a valid token only personalizes.
	open := group{s, "/api/v1", quiet(v1.Group(""))}
	open.rg.Unbind(apis.DefaultLoadAuthTokenMiddlewareId)
	open.rg.BindFunc(s.optionalAuthMiddleware)
	bindLeaderboardAPI(s, open)
	bindPublicPromptAPI(s, open)

	superusers := group{s, "/api/v1", quiet(v1.Group(""))}
	superusers.rg.BindFunc(s.superuserMiddleware)
	bindLeaderboardAdminAPI(s, superusers)

	bindUsageAPI(s, authed)

	// Unknown /api/v1 paths answer with a problem, not the web app.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		v1.Route(m, "/{path...}", func(e *core.RequestEvent) error {
			return krowoc.Errorf(krowoc.ECodeNotFound, "No such API route.")
		})
	}

	r.GET("/{path...}", s.handleWeb)
}
