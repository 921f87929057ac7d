package config_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Env != config.EnvDevelopment || c.HTTPAddr != "127.0.0.1:8090" || c.DataDir != "krowoc_data" ||
		c.DatabaseURL != "" || c.LogLevel != slog.LevelInfo || c.JSONLogs() ||
		c.BatchWorkspaceConcurrency != 8 || c.BatchKeyConcurrency != 4 {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestLoadValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"KROWOC_ENV":          "production",
		"KROWOC_LOG_LEVEL":    "debug",
		"KROWOC_DATABASE_URL": "postgres://u:p@db:5432/krowoc",
		"KROWOC_HTTP":         "0.0.0.0:9000",

		"KROWOC_BATCH_WORKSPACE_CONCURRENCY": "16",
		"KROWOC_BATCH_KEY_CONCURRENCY":       "2",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.JSONLogs() || c.LogLevel != slog.LevelDebug || c.HTTPAddr != "0.0.0.0:9000" || c.DatabaseURL == "" ||
		c.BatchWorkspaceConcurrency != 16 || c.BatchKeyConcurrency != 2 {
		t.Fatalf("config = %+v", c)
	}
}

func TestLoadRejectsBadValues(t *testing.T) {
	cases := []struct {
		key, value string
	}{
		{"KROWOC_ENV", "prod"},
		{"KROWOC_LOG_LEVEL", "loud"},
		{"KROWOC_DATABASE_URL", "mysql://root@localhost/x"},
		{"KROWOC_DATABASE_URL", "postgres://u:hunter2@/"},
		{"KROWOC_HTTP", "8090"},
		{"KROWOC_HTTP", "127.0.0.1:99999"},
		{"KROWOC_MAX_BODY_BYTES", "lots"},
		{"KROWOC_MASTER_KEY", "hunter2"},
		{"KROWOC_OPENAI_BASE_URL", "ftp://proxy"},
		{"KROWOC_EXECUTION_TIMEOUT", "forever"},
		{"KROWOC_FIRST_TOKEN_TIMEOUT", "1ms"},
		{"KROWOC_BATCH_WORKSPACE_CONCURRENCY", "0"},
		{"KROWOC_BATCH_KEY_CONCURRENCY", "many"},
	}
	for _, c := range cases {
		_, err := config.Load(env(map[string]string{c.key: c.value}))
		var se *config.SettingError
		if !errors.As(err, &se) || se.Setting != c.key {
			t.Errorf("%s=%q: err = %v, want a SettingError naming it", c.key, c.value, err)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "hunter2") {
			t.Errorf("%s=%q: message %q is not one safe line", c.key, c.value, msg)
		}
	}
}
