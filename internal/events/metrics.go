package events

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/krowoc/krowoc/internal/store"
)

// backlogMaxAge is how long a measured backlog is reused: a scrape costs at
// most one count of the undelivered events every few seconds, however often
// it comes.
const backlogMaxAge = 5 * time.Second

type relayMetrics struct {
	db        *store.DB
	delivered *prometheus.CounterVec
	failures  prometheus.Counter
	dropped   prometheus.Counter
	leader    prometheus.Gauge
	backlog   *prometheus.Desc
	oldest    *prometheus.Desc

	mu         sync.Mutex
	measured   time.Time
	lastCount  float64
	lastOldest *time.Time
}

func newRelayMetrics(db *store.DB) *relayMetrics {
	return &relayMetrics{
		db: db,
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "krowoc_outbox_delivered_total",
			Help: "Events this process published and marked delivered, by outbox topic (events, dlq).",
		}, []string{"topic"}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "krowoc_outbox_publish_failures_total",
			Help: "Event publish attempts that failed and will be retried.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "krowoc_events_subscribers_dropped_total",
			Help: "In-process event subscribers dropped because they fell behind.",
		}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "krowoc_outbox_relay_leader",
			Help: "1 while this process's relay holds the outbox lock and publishes.",
		}),
		backlog: prometheus.NewDesc("krowoc_outbox_backlog",
			"Events written but not yet delivered (measured at most every 5s).", nil, nil),
		oldest: prometheus.NewDesc("krowoc_outbox_oldest_age_seconds",
			"Age of the oldest undelivered event, 0 when none waits (measured at most every 5s).", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (r *Relay) Describe(ch chan<- *prometheus.Desc) {
	r.m.delivered.Describe(ch)
	r.m.failures.Describe(ch)
	r.m.dropped.Describe(ch)
	r.m.leader.Describe(ch)
	ch <- r.m.backlog
	ch <- r.m.oldest
}

// Collect implements prometheus.Collector. The backlog is read from the
// database, so every process reports it, publishing or not.
func (r *Relay) Collect(ch chan<- prometheus.Metric) {
	r.m.delivered.Collect(ch)
	r.m.failures.Collect(ch)
	r.m.dropped.Collect(ch)
	r.m.leader.Collect(ch)
	count, oldest := r.m.measureBacklog()
	age := 0.0
	if oldest != nil {
		age = max(0, r.db.Now().Sub(*oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(r.m.backlog, prometheus.GaugeValue, count)
	ch <- prometheus.MustNewConstMetric(r.m.oldest, prometheus.GaugeValue, age)
}

// measureBacklog returns the backlog, measuring it again when the last
// measure is older than backlogMaxAge. When the database does not answer
// it reports the last values.
func (m *relayMetrics) measureBacklog() (float64, *time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if time.Since(m.measured) < backlogMaxAge {
		return m.lastCount, m.lastOldest
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// A failed measure waits its turn too: a scrape must not wait on a
	// database that does not answer each time.
	m.measured = time.Now()
	if b, err := m.db.Backlog(ctx); err == nil {
		m.lastCount, m.lastOldest = float64(b.Count), b.Oldest
	}
	return m.lastCount, m.lastOldest
}
