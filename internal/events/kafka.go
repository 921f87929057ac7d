package events

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/krowoc/krowoc/internal/store"
)

// Default Kafka topics.
const (
	DefaultTopic    = "krowoc.events"
	DefaultDLQTopic = "krowoc.dlq"
)

// SASL mechanisms the relay supports.
const (
	SASLPlain       = "plain"
	SASLScramSHA256 = "scram-sha-256"
	SASLScramSHA512 = "scram-sha-512"
)

// Record headers every published event carries.
const (
	HeaderRequestID     = "request_id"
	HeaderEventType     = "event_type"
	HeaderSchemaVersion = "schema_version"
)

// KafkaOptions say where and how to publish.
type KafkaOptions struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string
	// TLS dials the brokers with TLS (system roots, TLS 1.2 or later).
	TLS bool
	// SASLMechanism is "", plain, scram-sha-256 or scram-sha-512, with
	// SASLUser and SASLPassword.
	SASLMechanism, SASLUser, SASLPassword string
	// Topic receives the events (krowoc.events); DLQTopic receives
	// deadletter.created (krowoc.dlq).
	Topic, DLQTopic string
	// PublishTimeout bounds one attempt to publish a batch (15s): when
	// Kafka does not take it in time, the attempt fails and is retried.
	PublishTimeout time.Duration
	// ClientOptions are added last to the franz-go client's options; tests
	// and benchmarks tune the client with them.
	ClientOptions []kgo.Opt
}

// kafkaSink publishes outbox events with an idempotent franz-go producer.
type kafkaSink struct {
	client    *kgo.Client
	topics    map[string]string // outbox topic → Kafka topic
	timeout   time.Duration
	closeOnce sync.Once
}

func newKafkaSink(o KafkaOptions, log *slog.Logger) (*kafkaSink, error) {
	if len(o.Brokers) == 0 {
		return nil, errors.New("kafka: no brokers")
	}
	if o.Topic == "" {
		o.Topic = DefaultTopic
	}
	if o.DLQTopic == "" {
		o.DLQTopic = DefaultDLQTopic
	}
	if o.PublishTimeout <= 0 {
		o.PublishTimeout = 15 * time.Second
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(o.Brokers...),
		kgo.ClientID("krowoc-relay"),
		kgo.WithLogger(kafkaLogger{log.With("client", "kafka")}),
		// Idempotent production is franz-go's default; it needs acks from
		// all in-sync replicas, asked for here so no option can undo it.
		kgo.RequiredAcks(kgo.AllISRAcks()),
		// Keys are aggregate ids hashed like Kafka's Java client: one
		// aggregate, one partition, one order.
		kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)),
		// No lingering: a batch is enqueued whole at once, so records
		// already share requests while the previous request is in flight,
		// and waiting for more would only add latency.
		kgo.ProducerLinger(0),
		kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.MaxBufferedRecords(20_000),
		// Without this, records wait for Kafka forever; with it an attempt
		// fails, is recorded on the outbox row and retried with backoff.
		// With idempotency franz-go only times out records that are safe to
		// fail, so ordering and sequence numbers stay intact. (It counts
		// from the record's timestamp, which is why that is left unset.)
		kgo.RecordDeliveryTimeout(o.PublishTimeout),
		// A topic that does not exist fails the attempt quickly (and is
		// retried) instead of waiting out the timeout.
		kgo.UnknownTopicRetries(2),
	}
	if o.TLS {
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	switch o.SASLMechanism {
	case "":
	case SASLPlain:
		opts = append(opts, kgo.SASL(plain.Auth{User: o.SASLUser, Pass: o.SASLPassword}.AsMechanism()))
	case SASLScramSHA256:
		opts = append(opts, kgo.SASL(scram.Auth{User: o.SASLUser, Pass: o.SASLPassword}.AsSha256Mechanism()))
	case SASLScramSHA512:
		opts = append(opts, kgo.SASL(scram.Auth{User: o.SASLUser, Pass: o.SASLPassword}.AsSha512Mechanism()))
	default:
		return nil, fmt.Errorf("kafka: unknown SASL mechanism %q", o.SASLMechanism)
	}
	opts = append(opts, o.ClientOptions...)
	client, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	return &kafkaSink{
		client:  client,
		topics:  map[string]string{store.TopicEvents: o.Topic, store.TopicDLQ: o.DLQTopic},
		timeout: o.PublishTimeout,
	}, nil
}

// publish produces a batch and waits for Kafka's acknowledgements. It
// returns the events Kafka acknowledged, those it failed, and the first
// error. franz-go fails every later record of a partition after a failed
// one, so what is acknowledged never overtakes an earlier event of its key.
//
// A record that may already be on a broker (sent, no answer) cannot be
// failed by an idempotent producer without risking its sequence; franz-go
// keeps retrying it. Then publish keeps waiting, and calls slow with the
// events still unacknowledged every PublishTimeout, so the attempts show.
// When ctx ends first, whatever is unacknowledged counts as failed.
func (k *kafkaSink) publish(ctx context.Context, batch []store.OutboxEvent,
	slow func(waiting []store.OutboxEvent, err error)) (delivered, failed []store.OutboxEvent, err error) {
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(batch)) // promises must never block
	produceCtx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	for i, e := range batch {
		value, merr := json.Marshal(e.Event)
		if merr != nil {
			results <- result{i, fmt.Errorf("encode event %s: %w", e.ID, merr)}
			continue
		}
		// The record's timestamp is left to the producer (now): a backlog
		// published after an outage must not look old to the topic's
		// time-based retention. The event's own time is in the value.
		rec := &kgo.Record{
			Topic: k.topics[e.Topic],
			Key:   []byte(e.AggregateID),
			Value: value,
			Headers: []kgo.RecordHeader{
				{Key: HeaderRequestID, Value: []byte(e.RequestID)},
				{Key: HeaderEventType, Value: []byte(e.Type)},
				{Key: HeaderSchemaVersion, Value: []byte(strconv.Itoa(e.SchemaVersion))},
			},
		}
		k.client.Produce(produceCtx, rec, func(_ *kgo.Record, err error) { results <- result{i, err} })
	}
	errs := make([]error, len(batch))
	done := make([]bool, len(batch))
	outstanding := len(batch)
	tick := time.NewTicker(k.timeout)
	defer tick.Stop()
	for outstanding > 0 {
		select {
		case r := <-results:
			errs[r.i], done[r.i] = r.err, true
			outstanding--
		case <-tick.C:
			var waiting []store.OutboxEvent
			for i, d := range done {
				if !d {
					waiting = append(waiting, batch[i])
				}
			}
			slow(waiting, fmt.Errorf("kafka: %d events not acknowledged after %s; the producer keeps retrying", len(waiting), k.timeout))
		case <-ctx.Done():
			for i, d := range done {
				if !d {
					errs[i] = ctx.Err()
				}
			}
			outstanding = 0
		}
	}
	for i, e := range batch {
		if errs[i] != nil {
			failed = append(failed, e)
			if err == nil {
				err = fmt.Errorf("kafka: %w", errs[i])
			}
			continue
		}
		delivered = append(delivered, e)
	}
	return delivered, failed, err
}

func (k *kafkaSink) close() { k.closeOnce.Do(k.client.Close) }

// kafkaLogger sends franz-go's errors to slog, and its warnings too when
// debug logging is on: while Kafka is down it warns about every dial, and
// the relay already logs each failed attempt.
type kafkaLogger struct{ log *slog.Logger }

func (l kafkaLogger) Level() kgo.LogLevel {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		return kgo.LogLevelWarn
	}
	return kgo.LogLevelError
}

func (l kafkaLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	switch level {
	case kgo.LogLevelError:
		l.log.Error(msg, keyvals...)
	case kgo.LogLevelWarn:
		l.log.Warn(msg, keyvals...)
	default:
		l.log.Debug(msg, keyvals...)
	}
}
