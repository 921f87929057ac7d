package config_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

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
		"KROWOC_ALLOWED_BASE_URLS":           " https://openrouter.ai/api, http://ollama.internal:11434 ,",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.JSONLogs() || c.LogLevel != slog.LevelDebug || c.HTTPAddr != "0.0.0.0:9000" || c.DatabaseURL == "" ||
		c.BatchWorkspaceConcurrency != 16 || c.BatchKeyConcurrency != 2 ||
		!c.AllowedBaseURLs.Allows("https://openrouter.ai/api/v1") || c.AllowedBaseURLs.Allows("http://10.0.0.1/v1") {
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
		{"KROWOC_ALLOWED_BASE_URLS", "https://openrouter.ai/api,ftp://files"},
		{"KROWOC_ALLOWED_BASE_URLS", "https://relay:hunter2@proxy.internal"},
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

func TestLoadEventSettings(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.KafkaBrokers) != 0 || c.KafkaTopic != "krowoc.events" || c.KafkaDLQTopic != "krowoc.dlq" || c.EventsRetention != 168*time.Hour {
		t.Fatalf("event defaults = brokers %v topics %s %s retention %s", c.KafkaBrokers, c.KafkaTopic, c.KafkaDLQTopic, c.EventsRetention)
	}

	c, err = config.Load(env(map[string]string{
		"KROWOC_KAFKA_BROKERS":        "k1:9092, k2:9093",
		"KROWOC_KAFKA_TLS":            "true",
		"KROWOC_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
		"KROWOC_KAFKA_SASL_USER":      "relay",
		"KROWOC_KAFKA_SASL_PASSWORD":  "hunter2",
		"KROWOC_KAFKA_TOPIC":          "prod.events",
		"KROWOC_KAFKA_DLQ_TOPIC":      "prod.dlq",
		"KROWOC_EVENTS_RETENTION":     "24h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.KafkaBrokers) != "[k1:9092 k2:9093]" || !c.KafkaTLS || c.KafkaSASLMechanism != "scram-sha-512" ||
		c.KafkaSASLUser != "relay" || c.KafkaSASLPassword != "hunter2" || c.KafkaTopic != "prod.events" ||
		c.KafkaDLQTopic != "prod.dlq" || c.EventsRetention != 24*time.Hour {
		t.Fatalf("event settings = %+v", c)
	}

	bad := []struct {
		env     map[string]string
		setting string
	}{
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1"}, "KROWOC_KAFKA_BROKERS"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092,,k2:9092"}, "KROWOC_KAFKA_BROKERS"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:0"}, "KROWOC_KAFKA_BROKERS"},
		{map[string]string{"KROWOC_KAFKA_TLS": "true"}, "KROWOC_KAFKA_BROKERS"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_TLS": "sometimes"}, "KROWOC_KAFKA_TLS"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_SASL_MECHANISM": "gssapi"}, "KROWOC_KAFKA_SASL_MECHANISM"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_SASL_MECHANISM": "plain", "KROWOC_KAFKA_SASL_PASSWORD": "hunter2"}, "KROWOC_KAFKA_SASL_USER"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_SASL_MECHANISM": "plain", "KROWOC_KAFKA_SASL_USER": "u"}, "KROWOC_KAFKA_SASL_PASSWORD"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_SASL_PASSWORD": "hunter2"}, "KROWOC_KAFKA_SASL_MECHANISM"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_TOPIC": "bad topic"}, "KROWOC_KAFKA_TOPIC"},
		{map[string]string{"KROWOC_KAFKA_BROKERS": "k1:9092", "KROWOC_KAFKA_DLQ_TOPIC": "krowoc.events"}, "KROWOC_KAFKA_DLQ_TOPIC"},
		{map[string]string{"KROWOC_EVENTS_RETENTION": "30s"}, "KROWOC_EVENTS_RETENTION"},
		{map[string]string{"KROWOC_EVENTS_RETENTION": "a week"}, "KROWOC_EVENTS_RETENTION"},
	}
	for _, b := range bad {
		_, err := config.Load(env(b.env))
		var se *config.SettingError
		if !errors.As(err, &se) || se.Setting != b.setting {
			t.Errorf("%v: err = %v, want a SettingError naming %s", b.env, err, b.setting)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "hunter2") {
			t.Errorf("%v: message %q is not one safe line", b.env, msg)
		}
	}
}
