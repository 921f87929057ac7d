package events_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/krowoc/krowoc/internal/events"
	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/logging"
	"github.com/krowoc/krowoc/internal/store"
	"github.com/krowoc/krowoc/internal/store/storetest"
)

func hasPostgres() bool { return os.Getenv(storetest.EnvPostgresURL) != "" }

const partitions = 4

// bothTopics creates the events and dead-letter topics.
func bothTopics() kfake.Opt {
	return kfake.SeedTopics(partitions, events.DefaultTopic, events.DefaultDLQTopic)
}

// cluster starts a fake Kafka cluster and stops it when the test ends.
func cluster(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	opts = append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// kafkaOptions points a relay at the brokers with short timeouts.
func kafkaOptions(brokers []string) events.Options {
	o := fast()
	o.Kafka = &events.KafkaOptions{
		Brokers:        brokers,
		PublishTimeout: time.Second,
		ClientOptions: []kgo.Opt{
			kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond }),
			kgo.DialTimeout(time.Second),
		},
	}
	return o
}

// consumed is one record read back from the cluster.
type consumed struct {
	topic     string
	partition int32
	key       string
	headers   map[string]string
	event     krowoc.Event
}

// consume reads every record of both topics from the start until it has at
// least n or the timeout passes.
func consume(t *testing.T, brokers []string, n int) []consumed {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(events.DefaultTopic, events.DefaultDLQTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []consumed
	deadline := time.Now().Add(15 * time.Second)
	for len(out) < n && time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		fetches := cl.PollFetches(ctx)
		cancel()
		fetches.EachRecord(func(r *kgo.Record) {
			c := consumed{topic: r.Topic, partition: r.Partition, key: string(r.Key), headers: map[string]string{}}
			for _, h := range r.Headers {
				c.headers[h.Key] = string(h.Value)
			}
			if err := json.Unmarshal(r.Value, &c.event); err != nil {
				t.Errorf("record value is not an event: %v: %s", err, r.Value)
			}
			out = append(out, c)
		})
	}
	if len(out) < n {
		t.Fatalf("consumed %d records, want at least %d", len(out), n)
	}
	return out
}

// dedupe keeps the first record of each event id, as consumers should.
func dedupe(records []consumed) []consumed {
	seen := map[string]bool{}
	var out []consumed
	for _, r := range records {
		if !seen[r.event.ID] {
			seen[r.event.ID] = true
			out = append(out, r)
		}
	}
	return out
}

// emitSequence writes per keys events numbered 0..per-1, interleaved across
// the keys, and returns the ids in outbox order.
func emitSequence(t *testing.T, db *store.DB, ctx context.Context, keys []string, per, from int) []string {
	t.Helper()
	for i := from; i < from+per; i++ {
		for _, k := range keys {
			emit(t, db, ctx, krowoc.EventExecutionStarted, k, map[string]int{"n": i})
		}
	}
	var ids []string
	for _, e := range allEvents(t, db) {
		ids = append(ids, e.ID)
	}
	return ids
}

// checkOrderPerKey checks that each key's events arrive numbered in order
// and all on one partition.
func checkOrderPerKey(t *testing.T, records []consumed) {
	t.Helper()
	next := map[string]int{}
	partition := map[string]int32{}
	for _, r := range records {
		var d struct{ N int }
		if err := json.Unmarshal(r.event.Data, &d); err != nil {
			t.Fatal(err)
		}
		if d.N != next[r.key] {
			t.Fatalf("key %s: got event %d, want %d (order per key broken)", r.key, d.N, next[r.key])
		}
		next[r.key]++
		if p, ok := partition[r.key]; ok && p != r.partition {
			t.Fatalf("key %s on partitions %d and %d", r.key, p, r.partition)
		}
		partition[r.key] = r.partition
	}
}

func TestKafkaKeepsOrderPerKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := cluster(t, bothTopics())
		opts := kafkaOptions(c.ListenAddrs())
		opts.BatchSize = 16 // many batches
		keys := []string{"exec-a", "exec-b", "exec-c", "exec-d", "exec-e", "exec-f"}
		ctx := logging.WithRequestID(context.Background(), "req-kafka")
		ids := emitSequence(t, db, ctx, keys, 30, 0)
		emit(t, db, ctx, krowoc.EventDeadLetterCreated, "dl-1", map[string]string{"job": "j"})

		start(t, newRelay(t, db, opts))
		records := consume(t, c.ListenAddrs(), len(ids)+1)
		waitFor(t, 5*time.Second, "the backlog to empty", func() bool { return backlog(t, db) == 0 })

		var main []consumed
		usedPartitions := map[int32]bool{}
		for _, r := range records {
			if r.topic == events.DefaultDLQTopic {
				if r.event.Type != krowoc.EventDeadLetterCreated || r.key != "dl-1" {
					t.Fatalf("dead-letter topic got %+v", r.event)
				}
				continue
			}
			if r.event.Type == krowoc.EventDeadLetterCreated {
				t.Fatal("a dead letter went to the events topic")
			}
			main = append(main, r)
			usedPartitions[r.partition] = true
		}
		if len(main) != len(ids) {
			t.Fatalf("events topic has %d records, want %d", len(main), len(ids))
		}
		checkOrderPerKey(t, main)
		if len(usedPartitions) < 2 {
			t.Fatalf("all keys landed on one partition; the test proves nothing about per-key order")
		}
		r := main[0]
		if r.key != r.event.AggregateID || r.headers[events.HeaderRequestID] != "req-kafka" ||
			r.headers[events.HeaderEventType] != krowoc.EventExecutionStarted ||
			r.headers[events.HeaderSchemaVersion] != strconv.Itoa(krowoc.EventSchemaVersion) {
			t.Fatalf("record key %q headers %v for event %+v", r.key, r.headers, r.event)
		}
		if r.event.SchemaVersion != krowoc.EventSchemaVersion || r.event.WorkspaceID != "ws1" || r.event.Actor != "u1" || r.event.Time.IsZero() {
			t.Fatalf("record envelope = %+v", r.event)
		}
	})
}

// TestKafkaAtLeastOnce checks both halves of the promise: a failed publish
// is recorded and retried until it succeeds, and a crash between Kafka's
// acknowledgement and the delivery mark publishes again, duplicates that a
// consumer removes by event id.
func TestKafkaAtLeastOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		// The events topic does not exist yet: every attempt fails.
		c := cluster(t, kfake.SeedTopics(partitions, events.DefaultDLQTopic))
		brokers := c.ListenAddrs()
		ctx := context.Background()
		ids := emitSequence(t, db, ctx, []string{"p1", "p2", "p3"}, 10, 0)

		stop := start(t, newRelay(t, db, kafkaOptions(brokers)))
		waitFor(t, 20*time.Second, "failed attempts to be recorded", func() bool {
			list := allEvents(t, db)
			return list[0].Attempts >= 2 && list[0].LastError != "" && list[0].DeliveredAt == nil
		})
		createTopic(t, brokers, events.DefaultTopic)
		waitFor(t, 20*time.Second, "the backlog to empty once the topic exists", func() bool { return backlog(t, db) == 0 })
		stop()

		// The relay crashed after Kafka took the last ten events but before
		// it marked them: the next relay sends them again.
		if err := db.RawExec(ctx, `UPDATE outbox SET delivered_at = NULL WHERE seq > (SELECT MAX(seq) - 10 FROM outbox)`); err != nil {
			t.Fatal(err)
		}
		start(t, newRelay(t, db, kafkaOptions(brokers)))
		waitFor(t, 10*time.Second, "the re-sent events to be delivered", func() bool { return backlog(t, db) == 0 })

		records := consume(t, brokers, len(ids)+10)
		if len(records) != len(ids)+10 {
			t.Fatalf("consumed %d records, want %d (each event once, the last ten twice)", len(records), len(ids)+10)
		}
		unique := dedupe(records)
		if len(unique) != len(ids) {
			t.Fatalf("%d distinct event ids, want %d", len(unique), len(ids))
		}
		got := map[string]bool{}
		for _, r := range unique {
			got[r.event.ID] = true
		}
		for _, id := range ids {
			if !got[id] {
				t.Fatalf("event %s never reached Kafka", id)
			}
		}
		checkOrderPerKey(t, unique)
	})
}

func createTopic(t *testing.T, brokers []string, topic string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, partitions, 1
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	if code := resp.Topics[0].ErrorCode; code != 0 {
		t.Fatalf("create topic %s: error code %d", topic, code)
	}
}

// TestKafkaOutageLosesNothing stops the cluster, writes events while it is
// down, restarts it on the same port with its data, and finds every event
// delivered exactly once after deduplication, in order per key.
func TestKafkaOutageLosesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		first := cluster(t, bothTopics(), kfake.DataDir(dir))
		brokers := first.ListenAddrs()
		_, portText, _ := net.SplitHostPort(brokers[0])
		port, _ := strconv.Atoi(portText)
		ctx := context.Background()
		keys := []string{"a", "b", "c", "d"}

		r := newRelay(t, db, kafkaOptions(brokers))
		start(t, r)
		emitSequence(t, db, ctx, keys, 10, 0)
		waitFor(t, 10*time.Second, "the first events to be delivered", func() bool { return backlog(t, db) == 0 })

		first.Close()
		ids := emitSequence(t, db, ctx, keys, 25, 10)
		waitFor(t, 20*time.Second, "failed attempts during the outage", func() bool {
			for _, e := range allEvents(t, db) {
				if e.DeliveredAt == nil && e.Attempts > 0 && e.LastError != "" {
					return true
				}
			}
			return false
		})
		if n := backlog(t, db); n != int64(len(keys)*25) {
			t.Fatalf("backlog during the outage = %d, want %d", n, len(keys)*25)
		}
		if v := gauge(t, r, "krowoc_outbox_backlog"); v == 0 {
			t.Fatal("the backlog metric shows nothing during the outage")
		}
		if v := gauge(t, r, "krowoc_outbox_publish_failures_total"); v == 0 {
			t.Fatal("no failed attempts counted during the outage")
		}

		second := cluster(t, kfake.DataDir(dir), kfake.Ports(port))
		waitFor(t, 30*time.Second, "the backlog to drain after recovery", func() bool { return backlog(t, db) == 0 })

		records := consume(t, second.ListenAddrs(), len(ids))
		unique := dedupe(records)
		if len(unique) != len(ids) {
			t.Fatalf("%d distinct events in Kafka (%d records), want %d", len(unique), len(records), len(ids))
		}
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		for _, r := range unique {
			if !want[r.event.ID] {
				t.Fatalf("unknown event %s in Kafka", r.event.ID)
			}
			delete(want, r.event.ID)
		}
		if len(want) != 0 {
			t.Fatalf("%d events never reached Kafka", len(want))
		}
		checkOrderPerKey(t, unique)
		t.Logf("%d records for %d events after the outage", len(records), len(ids))
	})
}

// TestKafkaSASL publishes with SCRAM credentials, and with a wrong password
// records failed attempts that never show the password.
func TestKafkaSASL(t *testing.T) {
	const password = "correct-horse-battery"
	c := cluster(t, bothTopics(), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "relay", password))
	for _, tc := range []struct {
		name, password string
		delivered      bool
	}{
		{"right password", password, true},
		{"wrong password", "wrong-horse-battery", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t, store.SQLite)
			opts := kafkaOptions(c.ListenAddrs())
			opts.Kafka.SASLMechanism, opts.Kafka.SASLUser, opts.Kafka.SASLPassword = events.SASLScramSHA512, "relay", tc.password
			emit(t, db, context.Background(), krowoc.EventVoteCast, "v1", nil)
			start(t, newRelay(t, db, opts))
			if tc.delivered {
				waitFor(t, 10*time.Second, "delivery with SASL", func() bool { return backlog(t, db) == 0 })
				return
			}
			waitFor(t, 10*time.Second, "a failed attempt", func() bool {
				e := allEvents(t, db)[0]
				return e.Attempts > 0 && e.LastError != ""
			})
			e := allEvents(t, db)[0]
			if e.DeliveredAt != nil {
				t.Fatal("delivered with a wrong password")
			}
			if strings.Contains(e.LastError, tc.password) {
				t.Fatalf("last_error shows the password: %s", e.LastError)
			}
		})
	}
}
