// Package events relays the outbox: it publishes the events domain
// transactions wrote to Kafka (when configured) and to in-process
// subscribers, marks them delivered, and deletes delivered events after
// their retention. See docs/events.md.
package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

// Options tune a Relay. Zero fields take the defaults named.
type Options struct {
	// Kafka, when set, publishes to Kafka; nil delivers to in-process
	// subscribers only.
	Kafka *KafkaOptions
	// Retention is how long delivered events are kept (168h).
	Retention time.Duration
	// CleanupInterval is how often the publishing relay deletes events past
	// their retention (1m).
	CleanupInterval time.Duration
	// BatchSize is how many events are read, published and marked at once
	// (500, at most 10,000).
	BatchSize int
	// PollInterval is how often the outbox is read when idle (250ms).
	// Commits in this process wake the relay at once; writes of other
	// processes (several servers on one Postgres) wait for the poll.
	PollInterval time.Duration
	// Linger is how long the relay waits, once woken by a commit, for more
	// commits before it reads (20ms): events written close together are
	// read, published and marked in one batch instead of one round each.
	// Negative: no wait.
	Linger time.Duration
	// LockRetry is how often a relay that is not the publisher tries to
	// become it (5s).
	LockRetry time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed publish
	// (200ms, 30s); it doubles per failure, with jitter.
	MinBackoff, MaxBackoff time.Duration
	// SubscriberBuffer is the number of events an in-process subscriber may
	// fall behind before it is dropped (1024).
	SubscriberBuffer int
}

func (o *Options) setDefaults() {
	if o.Retention <= 0 {
		o.Retention = 168 * time.Hour
	}
	if o.CleanupInterval <= 0 {
		o.CleanupInterval = time.Minute
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	o.BatchSize = min(o.BatchSize, 10_000)
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	if o.Linger == 0 {
		o.Linger = 20 * time.Millisecond
	}
	if o.LockRetry <= 0 {
		o.LockRetry = 5 * time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.SubscriberBuffer <= 0 {
		o.SubscriberBuffer = 1024
	}
}

// lockCheckEvery is how often the publishing relay checks that it still
// holds the lock; cleanupChunk is how many expired events one short
// transaction deletes.
const (
	lockCheckEvery = 5 * time.Second
	cleanupChunk   = 1000
)

// Relay moves events from the outbox to Kafka and to in-process
// subscribers, in outbox order, at least once. Create it with NewRelay,
// start it with Run, and register it on a Prometheus registry for its
// metrics.
type Relay struct {
	db    *store.DB
	log   *slog.Logger
	opts  Options
	kafka *kafkaSink // nil without Kafka
	hub   *hub
	m     *relayMetrics
}

// NewRelay returns a relay over the outbox of db. It connects to nothing
// yet; it returns an error only for unusable Kafka options.
func NewRelay(db *store.DB, log *slog.Logger, opts Options) (*Relay, error) {
	opts.setDefaults()
	r := &Relay{db: db, log: log.With("component", "relay"), opts: opts}
	r.m = newRelayMetrics(db)
	r.hub = newHub(opts.SubscriberBuffer, r.log, r.m.dropped)
	if opts.Kafka != nil {
		k, err := newKafkaSink(*opts.Kafka, r.log)
		if err != nil {
			return nil, err
		}
		r.kafka = k
	}
	return r, nil
}

// Subscribe delivers events of the given types (every type when none is
// given) that this relay publishes, after they are marked delivered. The
// channel is buffered (Options.SubscriberBuffer): a subscriber that falls
// that far behind is dropped, its channel closed, so that it never slows
// the relay. A channel closed without cancel means events were missed:
// subscribe again and read the gap with store.DB.ListEvents after the last
// event id seen. Events may arrive twice (after a failed delivery mark);
// deduplicate by id. Call cancel when done; it closes the channel.
func (r *Relay) Subscribe(types ...string) (<-chan krowoc.Event, func()) {
	return r.hub.subscribe(types)
}

// Run publishes the outbox until ctx ends, then returns nil. While another
// relay holds the database's outbox lock (Postgres), it waits and retries;
// failures to publish are retried with backoff, never dropped. Call Run
// once: it closes the Kafka client when it returns.
func (r *Relay) Run(ctx context.Context) error {
	if r.kafka != nil {
		stop := context.AfterFunc(ctx, r.kafka.close) // fails an in-flight publish so Run can return
		defer stop()
		defer r.kafka.close()
	}
	waitingLogged := false
	for {
		lock, err := r.db.TryOutboxLock(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, store.ErrOutboxLocked):
			if !waitingLogged {
				r.log.Info("another relay publishes the outbox; standing by")
				waitingLogged = true
			}
		case err != nil:
			r.log.Warn("take the outbox lock", "error", err)
		default:
			waitingLogged = false
			r.log.Info("publishing the outbox", "kafka", r.kafka != nil)
			r.m.leader.Set(1)
			err = r.publish(ctx, lock)
			r.m.leader.Set(0)
			lock.Release()
			if ctx.Err() != nil {
				return nil
			}
			r.log.Warn("stopped publishing the outbox", "error", err)
		}
		if !sleep(ctx, r.opts.LockRetry) {
			return nil
		}
	}
}

// publish relays batches while this relay holds lock. It returns when ctx
// ends (nil) or the lock's session is lost (the error).
func (r *Relay) publish(ctx context.Context, lock *store.OutboxLock) error {
	lastCheck, nextCleanup := time.Now(), time.Now()
	failures := 0
	for {
		if time.Since(lastCheck) >= lockCheckEvery {
			if err := lock.Check(ctx); err != nil {
				return err
			}
			lastCheck = time.Now()
		}
		if !time.Now().Before(nextCleanup) {
			r.deleteExpired(ctx)
			nextCleanup = time.Now().Add(r.opts.CleanupInterval)
		}
		n, err := r.relayBatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			failures++
			wait := backoff(failures, r.opts.MinBackoff, r.opts.MaxBackoff)
			r.log.Warn("publish events; will retry", "error", err, "failures", failures, "retry_in", wait.Round(time.Millisecond).String())
			if !sleep(ctx, wait) {
				return nil
			}
			continue
		}
		if failures > 0 {
			r.log.Info("publishing events again", "after_failures", failures)
			failures = 0
		}
		if n == r.opts.BatchSize {
			continue // more are waiting
		}
		timer := time.NewTimer(r.opts.PollInterval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-r.db.OutboxWritten():
			if r.opts.Linger > 0 && !sleep(ctx, r.opts.Linger) {
				timer.Stop()
				return nil
			}
		case <-timer.C:
		}
		timer.Stop()
	}
}

// relayBatch publishes one batch of pending events and marks what was
// delivered. It returns how many events it read and the publish error, if
// any event failed.
func (r *Relay) relayBatch(ctx context.Context) (int, error) {
	batch, err := r.db.PendingEvents(ctx, r.opts.BatchSize)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	markFailed := func(failed []store.OutboxEvent, cause error) {
		r.m.failures.Add(float64(len(failed)))
		markCtx, cancel := markContext(ctx)
		defer cancel()
		if err := r.db.MarkFailed(markCtx, seqs(failed), cause); err != nil {
			r.log.Warn("record failed publish attempts", "error", err)
		}
	}
	delivered, failed, pubErr := batch, []store.OutboxEvent(nil), error(nil)
	if r.kafka != nil {
		delivered, failed, pubErr = r.kafka.publish(ctx, batch, func(waiting []store.OutboxEvent, err error) {
			r.log.Warn("publish events; still waiting for Kafka", "error", err)
			markFailed(waiting, err)
		})
	}
	if len(failed) > 0 {
		markFailed(failed, pubErr)
	}
	if len(delivered) > 0 {
		markCtx, cancel := markContext(ctx)
		defer cancel()
		if err := r.db.MarkDelivered(markCtx, seqs(delivered)); err != nil {
			// They will be published again: at least once.
			return len(batch), fmt.Errorf("mark %d events delivered: %w", len(delivered), err)
		}
		for _, e := range delivered {
			r.m.delivered.WithLabelValues(e.Topic).Inc()
		}
		r.hub.publish(delivered)
	}
	return len(batch), pubErr
}

// deleteExpired deletes delivered events older than the retention, a chunk
// per short transaction so domain writes are never held up for long.
func (r *Relay) deleteExpired(ctx context.Context) {
	cutoff := r.db.Now().Add(-r.opts.Retention)
	total := 0
	for ctx.Err() == nil {
		n, err := r.db.DeleteDeliveredEvents(ctx, cutoff, cleanupChunk)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("delete expired events", "error", err)
			}
			return
		}
		total += n
		if n < cleanupChunk {
			break
		}
	}
	if total > 0 {
		r.log.Info("deleted delivered events past their retention", "count", total, "retention", r.opts.Retention.String())
	}
}

// markContext is the context of a delivery mark: it outlives ctx by a
// little, so that what reached Kafka just before a shutdown is not sent
// again after the restart.
func markContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

func seqs(list []store.OutboxEvent) []int64 {
	out := make([]int64, len(list))
	for i, e := range list {
		out[i] = e.Seq
	}
	return out
}

// backoff is the wait after the n-th consecutive failure: min doubled per
// failure up to max, then a random point in its upper half, so relays that
// failed together do not retry together.
func backoff(n int, lo, hi time.Duration) time.Duration {
	d := hi
	if n < 32 {
		d = min(hi, lo<<(n-1))
	}
	if d <= 0 {
		d = hi
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
