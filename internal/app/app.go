// Package app wires Krowoc together: configuration, logging, Pocketbase,
// the domain store and the HTTP layer, behind the krowoc commands.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	pbcmd "github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/krowoc/krowoc/internal/accounts"
	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/config"
	"github.com/krowoc/krowoc/internal/events"
	"github.com/krowoc/krowoc/internal/jobs"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/secret"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/webui"
)

// PocketbaseVersion is the Pocketbase release embedded in the binary.
const PocketbaseVersion = "v0.39.11"

// program is one run of the krowoc command.
type program struct {
	version string
	cfg     config.Config
	log     *slog.Logger
	pb      *pocketbase.PocketBase
	stdout  io.Writer
}

// Main runs the krowoc command line with args (without the program name) and
// returns the process exit code. Errors are printed as one line on stderr.
func Main(version string, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "version" || args[0] == "--version" || args[0] == "-v") {
		fmt.Fprintln(stdout, versionLine(version))
		return 0
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "krowoc: "+err.Error())
		return 1
	}
	p := &program{
		version: version,
		cfg:     cfg,
		log:     logging.New(stderr, cfg.JSONLogs(), cfg.LogLevel),
		stdout:  stdout,
	}
	if err := p.run(args); err != nil {
		fmt.Fprintln(stderr, "krowoc: "+oneLine(err.Error()))
		return 1
	}
	return 0
}

func versionLine(version string) string {
	return fmt.Sprintf("krowoc %s (pocketbase %s, %s)", version, PocketbaseVersion, runtime.Version())
}

func (p *program) run(args []string) error {
	// Pocketbase parses --dir eagerly from os.Args; give it ours.
	os.Args = append([]string{"krowoc"}, args...)
	p.pb = pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: p.cfg.DataDir})
	accounts.BindHooks(p.pb)

	root := p.pb.RootCmd
	root.Use = "krowoc"
	root.Short = "Krowoc: create, version and run LLM prompts with your own keys"
	root.Version = p.version
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.FParseErrWhitelist = cobra.FParseErrWhitelist{}
	root.SetArgs(args)
	root.SetOut(p.stdout)
	root.AddCommand(p.serveCommand(), p.workerCommand(), p.migrateCommand(), p.keysCommand(), p.usageCommand(), p.versionCommand(), pbcmd.NewSuperuserCommand(p.pb))
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := p.pb.Bootstrap(); err != nil {
			return fmt.Errorf("open the data folder %s: %w", p.pb.DataDir(), err)
		}
		return nil
	}

	done := make(chan error, 1)
	go func() { done <- root.Execute() }()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	var err error
	select {
	case err = <-done:
	case sig := <-signals:
		p.log.Info("shutting down", "signal", sig.String())
		// Pocketbase's terminate hooks stop the HTTP server gracefully.
		go func() { _ = p.terminate() }()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			err = errors.New("shutdown timed out after 10s")
		}
	}
	if p.pb.IsBootstrapped() {
		err = errors.Join(err, p.terminate())
	}
	return err
}

func (p *program) terminate() error {
	event := new(core.TerminateEvent)
	event.App = p.pb
	return p.pb.OnTerminate().Trigger(event, func(e *core.TerminateEvent) error {
		return e.App.ResetBootstrapState()
	})
}

func (p *program) openStore(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{DataDir: p.pb.DataDir(), URL: p.cfg.DatabaseURL})
	if err != nil {
		if p.cfg.DatabaseURL != "" {
			return nil, fmt.Errorf("KROWOC_DATABASE_URL: %w", err)
		}
		return nil, err
	}
	return db, nil
}

func (p *program) serveCommand() *cobra.Command {
	var httpAddr string
	var origins []string
	var noWorkers bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API, the web app and the admin UI",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("http") {
				if err := config.ValidateHTTPAddr("--http", httpAddr); err != nil {
					return err
				}
			} else {
				httpAddr = p.cfg.HTTPAddr
			}
			return p.serve(cmd.Context(), httpAddr, origins, !noWorkers)
		},
	}
	cmd.Flags().BoolVar(&noWorkers, "no-workers", false, "only enqueue background jobs; krowoc worker processes run them (Postgres)")
	cmd.Flags().StringVar(&httpAddr, "http", config.DefaultHTTPAddr, "TCP address to listen on (env KROWOC_HTTP)")
	cmd.Flags().StringSliceVar(&origins, "origins", []string{"*"}, "CORS allowed origins")
	return cmd
}

func (p *program) serve(ctx context.Context, httpAddr string, origins []string, work bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	db, err := p.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate the domain database: %w", err)
	}
	for _, m := range applied {
		p.log.Info("applied migration", "version", m.Version, "name", m.Name)
	}

	b, err := p.startBackend(db, work)
	if err != nil {
		return err
	}
	defer b.stopRelay()
	accounts.BindTierEvents(p.pb, db, p.log)
	queue, relay := b.opts.Jobs, b.relay
	opts := b.opts
	opts.MaxBodyBytes = p.cfg.MaxBodyBytes
	opts.MetricsToken = p.cfg.MetricsToken
	opts.Web = webui.FS()
	opts.Version = p.version
	srv := api.New(p.pb, db, p.log, opts)
	srv.Registry().MustRegister(relay)
	if err := queue.Open(ctx); err != nil {
		return err
	}
	if err := queue.Start(ctx); err != nil {
		return err
	}
	defer p.stopJobs(queue)
	p.cleanUpDeletedUsers(queue)
	p.pb.OnServe().BindFunc(func(se *core.ServeEvent) error {
		srv.Bind(se.Router)
		if p.cfg.JSONLogs() {
			// The default installer creates a temporary superuser and prints a
			// sign-in link; production logs must not carry credentials, so
			// there is no installer, only a hint.
			se.InstallerFunc = nil
			if n, err := se.App.CountRecords(core.CollectionNameSuperusers); err == nil && n == 0 {
				p.log.Warn("there is no superuser yet; create one with: krowoc superuser upsert EMAIL PASSWORD")
			}
		}
		if err := se.Next(); err != nil {
			return err
		}
		p.log.Info("krowoc is ready",
			"url", "http://"+httpAddr, "database", string(db.Dialect()),
			"data_dir", p.pb.DataDir(), "startup_ms", time.Since(start).Milliseconds())
		return nil
	})
	err = apis.Serve(p.pb, apis.ServeConfig{
		HttpAddr:        httpAddr,
		ShowStartBanner: !p.cfg.JSONLogs(),
		AllowedOrigins:  origins,
	})
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// backend is what serve and worker share: the model catalog, the master
// key, the event relay (running) and the job queue (not open yet), with
// the API options that carry them.
type backend struct {
	opts      api.Options
	relay     *events.Relay
	stopRelay func()
}

func (p *program) startBackend(db *store.DB, work bool) (*backend, error) {
	models, err := catalog.Load(p.pb.DataDir())
	if err != nil {
		return nil, fmt.Errorf("model catalog: %w", err)
	}
	keys, err := secret.Load(p.pb.DataDir(), p.cfg.MasterKey)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	relay, err := p.newRelay(db)
	if err != nil {
		return nil, err
	}
	// Enough batch workers that one workspace can reach its batch bound in a
	// single process.
	queue := jobs.New(db, p.log, jobs.Options{Work: work, BatchWorkers: max(20, p.cfg.BatchWorkspaceConcurrency)})
	jobs.RegisterMaintenance(queue)
	return &backend{
		opts: api.Options{
			Jobs:                queue,
			Catalog:             models,
			Secrets:             keys,
			ProviderBaseURLs:    p.cfg.ProviderBaseURLs,
			AllowedBaseURLs:     p.cfg.AllowedBaseURLs,
			ExecutionTimeout:    p.cfg.ExecutionTimeout,
			FirstTokenTimeout:   p.cfg.FirstTokenTimeout,
			ExecutionsPerMinute: runsPerMinute(p.cfg.RunsPerMinute),

			BatchWorkspaceConcurrency: p.cfg.BatchWorkspaceConcurrency,
			BatchKeyConcurrency:       p.cfg.BatchKeyConcurrency,
		},
		relay:     relay,
		stopRelay: p.startRelay(relay),
	}, nil
}

// cleanUpDeletedUsers enqueues the removal of a user's domain data when
// Pocketbase deletes the account (from the admin UI or its API). The two
// databases are separate, so this is not one transaction: a failed enqueue
// is logged with the user id for an operator to retry.
func (p *program) cleanUpDeletedUsers(queue *jobs.Jobs) {
	p.pb.OnRecordAfterDeleteSuccess(accounts.Collection).BindFunc(func(e *core.RecordEvent) error {
		if _, err := queue.Insert(context.WithoutCancel(e.Context), jobs.UserCleanupArgs{UserID: e.Record.Id}, nil); err != nil {
			p.log.Error("enqueue the cleanup of a deleted user", "user_id", e.Record.Id, "error", err)
		}
		return e.Next()
	})
}

// errWorkerNeedsPostgres explains why krowoc worker does not run on the
// embedded default.
var errWorkerNeedsPostgres = errors.New("krowoc worker needs Postgres (set KROWOC_DATABASE_URL): " +
	"on the embedded SQLite default, krowoc serve runs the background workers itself")

func (p *program) workerCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run background jobs and the event relay only (Postgres): scale out beside krowoc serve",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if p.cfg.DatabaseURL == "" {
				return errWorkerNeedsPostgres
			}
			return p.work(context.Background())
		},
	}
}

func (p *program) work(ctx context.Context) error {
	db, err := p.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate the domain database: %w", err)
	}
	b, err := p.startBackend(db, true)
	if err != nil {
		return err
	}
	defer b.stopRelay()
	queue := b.opts.Jobs
	// The API server is built for its job workers (background runs); it
	// serves no HTTP here.
	api.New(p.pb, db, p.log, b.opts)
	if err := queue.Open(ctx); err != nil {
		return err
	}
	stop := make(chan struct{})
	var once sync.Once
	p.pb.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		once.Do(func() { close(stop) })
		return e.Next()
	})
	if err := queue.Start(ctx); err != nil {
		return err
	}
	p.log.Info("krowoc worker is running", "database", string(db.Dialect()))
	<-stop
	p.stopJobs(queue)
	return nil
}

// runsPerMinute maps the setting (0: no limit) to the API option (negative:
// no limit).
func runsPerMinute(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// stopJobs lets running jobs finish for a few seconds, then cancels them;
// River runs a cancelled job again.
func (p *program) stopJobs(queue *jobs.Jobs) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	if err := queue.Stop(ctx); err != nil {
		p.log.Warn("stop the job queue", "error", err)
	}
}

// newRelay builds the event relay the settings describe: Kafka when
// KROWOC_KAFKA_BROKERS is set, in-process delivery otherwise.
func (p *program) newRelay(db *store.DB) (*events.Relay, error) {
	opts := events.Options{Retention: p.cfg.EventsRetention}
	if len(p.cfg.KafkaBrokers) > 0 {
		opts.Kafka = &events.KafkaOptions{
			Brokers:       p.cfg.KafkaBrokers,
			TLS:           p.cfg.KafkaTLS,
			SASLMechanism: p.cfg.KafkaSASLMechanism,
			SASLUser:      p.cfg.KafkaSASLUser,
			SASLPassword:  p.cfg.KafkaSASLPassword,
			Topic:         p.cfg.KafkaTopic,
			DLQTopic:      p.cfg.KafkaDLQTopic,
		}
		p.log.Info("events go to Kafka", "brokers", p.cfg.KafkaBrokers, "topic", p.cfg.KafkaTopic,
			"dlq_topic", p.cfg.KafkaDLQTopic, "tls", p.cfg.KafkaTLS, "sasl", p.cfg.KafkaSASLMechanism)
	} else {
		p.log.Info("events are delivered in process (set KROWOC_KAFKA_BROKERS for Kafka)")
	}
	relay, err := events.NewRelay(db, p.log, opts)
	if err != nil {
		return nil, fmt.Errorf("event relay: %w", err)
	}
	return relay, nil
}

// startRelay runs the relay until the returned stop is called.
func (p *program) startRelay(relay *events.Relay) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := relay.Run(ctx); err != nil {
			p.log.Error("event relay stopped", "error", err)
		}
	}()
	return func() { cancel(); <-done }
}

func (p *program) usageCommand() *cobra.Command {
	usage := &cobra.Command{Use: "usage", Short: "Maintain the usage rollups behind the dashboards"}
	var workspace string
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Recompute the usage rollups from the executions",
		Long: `rebuild recomputes the usage rollups of every workspace (or of --workspace) from the
executions in the history, one workspace per transaction, then rolls them up. The numbers are the
same as the ones kept while runs finished, except that runs deleted from the history drop out.
On Postgres, runs finishing meanwhile wait for the workspace being rebuilt; on SQLite the rebuild
holds the write lock per workspace, so prefer a quiet moment for large workspaces.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			db, err := p.openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				return fmt.Errorf("migrate the domain database: %w", err)
			}
			ids := []string{workspace}
			if workspace == "" {
				if ids, err = db.WorkspaceIDs(ctx); err != nil {
					return err
				}
			}
			var total int64
			start := time.Now()
			for _, id := range ids {
				n, err := db.RebuildUsage(ctx, id)
				if err != nil {
					return fmt.Errorf("rebuild usage of workspace %s: %w", id, err)
				}
				total += n
			}
			fmt.Fprintf(p.stdout, "rebuilt the usage of %d workspace(s) from %d execution(s) in %s\n",
				len(ids), total, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	rebuild.Flags().StringVar(&workspace, "workspace", "", "rebuild only this workspace (id)")
	usage.AddCommand(rebuild)
	return usage
}

func (p *program) migrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending migrations and show their status",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := context.Background()
			if err := p.pb.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrate the auth database: %w", err)
			}
			db, err := p.openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			applied, err := db.Migrate(ctx)
			if err != nil {
				return fmt.Errorf("migrate the domain database: %w", err)
			}
			fmt.Fprintf(p.stdout, "applied %d migration(s) to the %s domain database\n", len(applied), db.Dialect())
			return p.printMigrations(ctx, db)
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show which domain migrations are applied, without applying any",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := context.Background()
			db, err := p.openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			return p.printMigrations(ctx, db)
		},
	})
	return cmd
}

func (p *program) printMigrations(ctx context.Context, db *store.DB) error {
	list, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(p.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tNAME\tAPPLIED")
	for _, m := range list {
		applied := "pending"
		if m.AppliedAt != nil {
			applied = m.AppliedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%04d\t%s\t%s\n", m.Version, m.Name, applied)
	}
	return w.Flush()
}

func (p *program) keysCommand() *cobra.Command {
	keys := &cobra.Command{Use: "keys", Short: "Manage the master key that encrypts provider API keys"}
	keys.AddCommand(&cobra.Command{
		Use:   "rotate-master",
		Short: "Encrypt every provider key under a new master key, without downtime",
		Long: `With the key file in the data folder (the default), rotate-master adds a new master key
in front of the old ones, re-encrypts every provider key under it, and keeps the old keys in the
file so servers that are running keep reading (they reload the file when they meet the new key).
With KROWOC_MASTER_KEY, put the new key first ("new,old"), run rotate-master, then drop the old
key from the list and restart.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := context.Background()
			db, err := p.openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				return fmt.Errorf("migrate the domain database: %w", err)
			}
			if p.cfg.MasterKey == "" {
				path := filepath.Join(p.pb.DataDir(), secret.FileName)
				if _, err := secret.Load(p.pb.DataDir(), ""); err != nil {
					return fmt.Errorf("master key: %w", err)
				}
				old, err := secret.ReadFile(path)
				if err != nil {
					return err
				}
				if err := secret.WriteFile(path, append([][]byte{secret.NewMasterKey()}, old...)); err != nil {
					return err
				}
			}
			keys, err := secret.Load(p.pb.DataDir(), p.cfg.MasterKey)
			if err != nil {
				return fmt.Errorf("master key: %w", err)
			}
			n, err := db.ResealCredentials(ctx, keys)
			if err != nil {
				return fmt.Errorf("re-encrypt provider keys (%d done; run again to finish): %w", n, err)
			}
			fmt.Fprintf(p.stdout, "re-encrypted %d provider key(s) under master key %s\n", n, keys.CurrentID())
			return nil
		},
	})
	return keys
}

func (p *program) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(p.stdout, versionLine(p.version))
		},
	}
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
