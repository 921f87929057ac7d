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

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/krowoc/krowoc/internal/catalog"
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
	// ExecutionTimeout bounds a whole provider call (default 30 s);
	// FirstTokenTimeout bounds the wait for a stream's first token
	// (default 30 s).
	ExecutionTimeout, FirstTokenTimeout time.Duration
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

	providersMu sync.Mutex
	providers   map[string]provider.Provider

	// ensured remembers users whose personal workspace exists, so the check
	// costs one map lookup after the first request.
	ensured sync.Map

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
	if opts.Secrets == nil {
		opts.Secrets, _ = secret.New(secret.NewMasterKey())
	}
	return &Server{
		app:       app,
		db:        db,
		log:       log,
		maxBody:   opts.MaxBodyBytes,
		opts:      opts,
		metrics:   newMetrics(db),
		catalog:   opts.Catalog,
		secrets:   opts.Secrets,
		providers: map[string]provider.Provider{},
	}
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
	public := group{s, "/api/v1", v1}
	public.handle(http.MethodGet, "/openapi.json", s.handleOpenAPI)

	authed := group{s, "/api/v1", v1.Group("")}
	authed.rg.BindFunc(s.authMiddleware)
	bindMeAPI(s, authed)
	bindTokenAPI(s, authed)
	bindPromptAPI(s, authed)
	bindPromptIOAPI(s, authed)
	bindModelAPI(s, authed)
	bindCredentialAPI(s, authed)
	bindExecutionAPI(s, authed)
	bindUsageAPI(s, authed)

	// Unknown /api/v1 paths answer with a problem, not the web app.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		v1.Route(m, "/{path...}", func(e *core.RequestEvent) error {
			return krowoc.Errorf(krowoc.ECodeNotFound, "No such API route.")
		})
	}

	r.GET("/{path...}", s.handleWeb)
}
