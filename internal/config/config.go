// Package config reads and validates Krowoc's settings from KROWOC_*
// environment variables. Flags override some of them in cmd/krowoc.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/krowoc/krowoc/internal/events"
	"github.com/krowoc/krowoc/internal/provider"
	"github.com/krowoc/krowoc/internal/secret"
	"github.com/krowoc/krowoc/internal/store"
)

// Environments Krowoc runs in.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Config is every setting Krowoc reads at start.
type Config struct {
	// Env is development or production (KROWOC_ENV); production logs JSON.
	Env string
	// LogLevel is the least level logged (KROWOC_LOG_LEVEL).
	LogLevel slog.Level
	// DataDir is the data folder (KROWOC_DATA_DIR, flag --dir).
	DataDir string
	// HTTPAddr is the listen address of serve (KROWOC_HTTP, flag --http).
	HTTPAddr string
	// DatabaseURL selects Postgres for the domain store (KROWOC_DATABASE_URL).
	DatabaseURL string
	// MetricsToken, when set, is required as a bearer token on /metrics
	// (KROWOC_METRICS_TOKEN).
	MetricsToken string
	// MaxBodyBytes limits JSON request bodies of /api/v1 (KROWOC_MAX_BODY_BYTES).
	MaxBodyBytes int64
	// MasterKey is a comma-separated list of base64 master keys, current
	// first (KROWOC_MASTER_KEY); empty means the key file in the data folder.
	MasterKey string
	// ProviderBaseURLs override the providers' default endpoints, by
	// provider id (KROWOC_OPENAI_BASE_URL, KROWOC_ANTHROPIC_BASE_URL,
	// KROWOC_GEMINI_BASE_URL): corporate proxies, and the simulator in tests.
	ProviderBaseURLs map[string]string
	// AllowedBaseURLs, when set, are the only URL prefixes that the base
	// URLs of OpenAI-compatible keys may use (KROWOC_ALLOWED_BASE_URLS,
	// comma-separated); empty allows any http(s) URL.
	AllowedBaseURLs provider.URLPolicy
	// ExecutionTimeout bounds a whole provider call (KROWOC_EXECUTION_TIMEOUT);
	// FirstTokenTimeout bounds the wait for a stream's first token
	// (KROWOC_FIRST_TOKEN_TIMEOUT).
	ExecutionTimeout, FirstTokenTimeout time.Duration
	// RunsPerMinute limits the prompt runs each user and each client
	// address may start a minute (KROWOC_RUNS_PER_MINUTE, default 300;
	// 0 turns the limit off).
	RunsPerMinute int
	// KafkaBrokers, when set, makes the event relay publish to Kafka
	// (KROWOC_KAFKA_BROKERS, comma-separated host:port); empty delivers
	// events in process only.
	KafkaBrokers []string
	// KafkaTLS dials the brokers with TLS (KROWOC_KAFKA_TLS).
	KafkaTLS bool
	// KafkaSASLMechanism is plain, scram-sha-256, scram-sha-512 or empty
	// (KROWOC_KAFKA_SASL_MECHANISM), with KafkaSASLUser and
	// KafkaSASLPassword (KROWOC_KAFKA_SASL_USER, KROWOC_KAFKA_SASL_PASSWORD).
	// The password is never logged or put in an error.
	KafkaSASLMechanism, KafkaSASLUser, KafkaSASLPassword string
	// KafkaTopic and KafkaDLQTopic receive events and dead letters
	// (KROWOC_KAFKA_TOPIC, KROWOC_KAFKA_DLQ_TOPIC).
	KafkaTopic, KafkaDLQTopic string
	// EventsRetention is how long delivered events stay in the outbox
	// (KROWOC_EVENTS_RETENTION).
	EventsRetention time.Duration
	// BatchWorkspaceConcurrency and BatchKeyConcurrency bound the batch
	// items in flight at once per workspace and per provider key, across
	// every process (KROWOC_BATCH_WORKSPACE_CONCURRENCY,
	// KROWOC_BATCH_KEY_CONCURRENCY).
	BatchWorkspaceConcurrency, BatchKeyConcurrency int
}

// Defaults used when a setting is not given.
const (
	DefaultDataDir      = "krowoc_data"
	DefaultHTTPAddr     = "127.0.0.1:8090"
	DefaultMaxBodyBytes = 1 << 20
	// DefaultEventsRetention keeps delivered events a week.
	DefaultEventsRetention = 168 * time.Hour
	// DefaultBatchWorkspaceConcurrency and DefaultBatchKeyConcurrency
	// leave room for other users of a key while a batch runs.
	DefaultBatchWorkspaceConcurrency = 8
	DefaultBatchKeyConcurrency       = 4
)

// SettingError says which setting is wrong and why, in one line.
type SettingError struct {
	Setting string
	Problem string
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Problem }

// Load reads the settings through getenv and validates them. It returns a
// *SettingError naming the first bad setting.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Env:          EnvDevelopment,
		LogLevel:     slog.LevelInfo,
		DataDir:      DefaultDataDir,
		HTTPAddr:     DefaultHTTPAddr,
		MaxBodyBytes: DefaultMaxBodyBytes,
		// The product promises a 30-second response window by default.
		ExecutionTimeout:  30 * time.Second,
		FirstTokenTimeout: 30 * time.Second,
		RunsPerMinute:     300,
		KafkaTopic:        events.DefaultTopic,
		KafkaDLQTopic:     events.DefaultDLQTopic,
		EventsRetention:   DefaultEventsRetention,

		BatchWorkspaceConcurrency: DefaultBatchWorkspaceConcurrency,
		BatchKeyConcurrency:       DefaultBatchKeyConcurrency,
	}
	if v := getenv("KROWOC_ENV"); v != "" {
		if v != EnvDevelopment && v != EnvProduction {
			return c, &SettingError{"KROWOC_ENV", fmt.Sprintf("must be development or production, got %q", v)}
		}
		c.Env = v
	}
	if v := getenv("KROWOC_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, &SettingError{"KROWOC_LOG_LEVEL", fmt.Sprintf("must be debug, info, warn or error, got %q", v)}
		}
	}
	if v := getenv("KROWOC_DATA_DIR"); v != "" {
		c.DataDir = v
	}
	if v := getenv("KROWOC_HTTP"); v != "" {
		c.HTTPAddr = v
	}
	if err := ValidateHTTPAddr("KROWOC_HTTP", c.HTTPAddr); err != nil {
		return c, err
	}
	if v := getenv("KROWOC_DATABASE_URL"); v != "" {
		if _, err := store.ParsePostgresURL(v); err != nil {
			return c, &SettingError{"KROWOC_DATABASE_URL", err.Error()}
		}
		c.DatabaseURL = v
	}
	c.MetricsToken = getenv("KROWOC_METRICS_TOKEN")
	if v := getenv("KROWOC_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 || n > 64<<20 {
			return c, &SettingError{"KROWOC_MAX_BODY_BYTES", fmt.Sprintf("must be a whole number of bytes from 1024 to 67108864, got %q", v)}
		}
		c.MaxBodyBytes = n
	}
	if v := getenv("KROWOC_MASTER_KEY"); v != "" {
		if _, err := secret.ParseKeys(v); err != nil {
			return c, &SettingError{"KROWOC_MASTER_KEY", err.Error() + "; generate one with: openssl rand -base64 32"}
		}
		c.MasterKey = v
	}
	for name, dst := range map[string]*time.Duration{"KROWOC_EXECUTION_TIMEOUT": &c.ExecutionTimeout, "KROWOC_FIRST_TOKEN_TIMEOUT": &c.FirstTokenTimeout} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > 30*time.Minute {
				return c, &SettingError{name, fmt.Sprintf("must be a duration from 1s to 30m such as 45s, got %q", v)}
			}
			*dst = d
		}
	}
	if v := getenv("KROWOC_RUNS_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			return c, &SettingError{"KROWOC_RUNS_PER_MINUTE", fmt.Sprintf("must be a whole number of runs from 0 (no limit) to 1000000, got %q", v)}
		}
		c.RunsPerMinute = n
	}
	for name, dst := range map[string]*int{"KROWOC_BATCH_WORKSPACE_CONCURRENCY": &c.BatchWorkspaceConcurrency, "KROWOC_BATCH_KEY_CONCURRENCY": &c.BatchKeyConcurrency} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return c, &SettingError{name, fmt.Sprintf("must be a whole number from 1 to 1000, got %q", v)}
			}
			*dst = n
		}
	}
	c.ProviderBaseURLs = map[string]string{}
	for provider, name := range map[string]string{"openai": "KROWOC_OPENAI_BASE_URL", "anthropic": "KROWOC_ANTHROPIC_BASE_URL", "gemini": "KROWOC_GEMINI_BASE_URL"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, &SettingError{name, fmt.Sprintf("must be an http(s) URL, got %q", v)}
		}
		c.ProviderBaseURLs[provider] = v
	}
	if v := getenv("KROWOC_ALLOWED_BASE_URLS"); v != "" {
		var prefixes []string
		for _, prefix := range strings.Split(v, ",") {
			if prefix = strings.TrimSpace(prefix); prefix != "" {
				prefixes = append(prefixes, prefix)
			}
		}
		policy, err := provider.NewURLPolicy(prefixes)
		if err != nil {
			return c, &SettingError{"KROWOC_ALLOWED_BASE_URLS", "must be comma-separated URL prefixes such as https://openrouter.ai/api,http://ollama.internal:11434: " + err.Error()}
		}
		c.AllowedBaseURLs = policy
	}
	if err := c.loadEvents(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// loadEvents reads the event relay's settings: Kafka and the retention.
func (c *Config) loadEvents(getenv func(string) string) error {
	if v := getenv("KROWOC_EVENTS_RETENTION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 8760*time.Hour {
			return &SettingError{"KROWOC_EVENTS_RETENTION", fmt.Sprintf("must be a duration from 1m to 8760h such as 168h, got %q", v)}
		}
		c.EventsRetention = d
	}
	if v := getenv("KROWOC_KAFKA_BROKERS"); v != "" {
		for _, b := range strings.Split(v, ",") {
			b = strings.TrimSpace(b)
			host, port, err := net.SplitHostPort(b)
			n, perr := strconv.Atoi(port)
			if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
				return &SettingError{"KROWOC_KAFKA_BROKERS", fmt.Sprintf("must be a comma-separated list of host:port, got %q", b)}
			}
			c.KafkaBrokers = append(c.KafkaBrokers, b)
		}
	}
	others := false
	if v := getenv("KROWOC_KAFKA_TLS"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return &SettingError{"KROWOC_KAFKA_TLS", fmt.Sprintf("must be true or false, got %q", v)}
		}
		c.KafkaTLS, others = on, true
	}
	for name, dst := range map[string]*string{"KROWOC_KAFKA_TOPIC": &c.KafkaTopic, "KROWOC_KAFKA_DLQ_TOPIC": &c.KafkaDLQTopic} {
		if v := getenv(name); v != "" {
			if !validTopic(v) {
				return &SettingError{name, fmt.Sprintf("must be a Kafka topic name (letters, digits, '.', '_', '-'; at most 249), got %q", v)}
			}
			*dst, others = v, true
		}
	}
	if c.KafkaTopic == c.KafkaDLQTopic {
		return &SettingError{"KROWOC_KAFKA_DLQ_TOPIC", fmt.Sprintf("must differ from the events topic %q", c.KafkaTopic)}
	}
	c.KafkaSASLUser, c.KafkaSASLPassword = getenv("KROWOC_KAFKA_SASL_USER"), getenv("KROWOC_KAFKA_SASL_PASSWORD")
	switch v := strings.ToLower(getenv("KROWOC_KAFKA_SASL_MECHANISM")); v {
	case "":
		if c.KafkaSASLUser != "" || c.KafkaSASLPassword != "" {
			return &SettingError{"KROWOC_KAFKA_SASL_MECHANISM", "must be set (plain, scram-sha-256 or scram-sha-512) when a SASL user or password is"}
		}
	case events.SASLPlain, events.SASLScramSHA256, events.SASLScramSHA512:
		if c.KafkaSASLUser == "" {
			return &SettingError{"KROWOC_KAFKA_SASL_USER", "must be set with KROWOC_KAFKA_SASL_MECHANISM"}
		}
		if c.KafkaSASLPassword == "" {
			return &SettingError{"KROWOC_KAFKA_SASL_PASSWORD", "must be set with KROWOC_KAFKA_SASL_MECHANISM"}
		}
		c.KafkaSASLMechanism, others = v, true
	default:
		return &SettingError{"KROWOC_KAFKA_SASL_MECHANISM", fmt.Sprintf("must be plain, scram-sha-256 or scram-sha-512, got %q", v)}
	}
	if others && len(c.KafkaBrokers) == 0 {
		return &SettingError{"KROWOC_KAFKA_BROKERS", "must be set when other KROWOC_KAFKA_* settings are"}
	}
	return nil
}

// validTopic reports whether name is a legal Kafka topic name.
func validTopic(name string) bool {
	if name == "" || len(name) > 249 || name == "." || name == ".." {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// ValidateHTTPAddr checks that addr is a host:port listen address; setting
// names the flag or variable it came from.
func ValidateHTTPAddr(setting, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return &SettingError{setting, fmt.Sprintf("must be host:port, such as 127.0.0.1:8090, got %q", addr)}
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return &SettingError{setting, fmt.Sprintf("port must be a number from 0 to 65535, got %q", port)}
	}
	if strings.ContainsAny(host, " /") {
		return &SettingError{setting, fmt.Sprintf("host %q is not a host name or IP address", host)}
	}
	return nil
}

// JSONLogs reports whether logs are written as JSON.
func (c Config) JSONLogs() bool { return c.Env == EnvProduction }
