package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/krowoc/krowoc/bench/internal/benchkit"
	"github.com/krowoc/krowoc/internal/llmsim"
)

// memoryHold is how long each stream of the memory run would stay open; it
// must be shorter than the server's execution timeout (30 s by default),
// and longer than opening the streams and sampling take.
const memoryHold = 20 * time.Second

// memory is the server's memory at one moment: RSS from /proc, the rest
// from its /metrics.
type memory struct {
	rss, heapInuse, heapAlloc, stacks, goroutines, gcs float64
}

var memoryMetrics = []string{"go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes",
	"go_memstats_stack_inuse_bytes", "go_goroutines", "go_gc_duration_seconds_count"}

// memoryTarget is a server whose memory per stream is measured: its
// process, and a streaming request to it (warm: a short one, to warm up).
type memoryTarget struct {
	srv     *benchkit.Server
	request func(ctx context.Context, warm bool) *http.Request
}

func (b memoryTarget) memory() (memory, error) {
	rss, err := b.srv.RSS()
	if err != nil {
		return memory{}, err
	}
	m, err := b.srv.Metrics(memoryMetrics...)
	if err != nil {
		return memory{}, err
	}
	return memory{rss: float64(rss), heapInuse: m["go_memstats_heap_inuse_bytes"], heapAlloc: m["go_memstats_heap_alloc_bytes"],
		stacks: m["go_memstats_stack_inuse_bytes"], goroutines: m["go_goroutines"], gcs: m["go_gc_duration_seconds_count"]}, nil
}

// memorySamples are samples of one state of the server.
type memorySamples []memory

// sampleMemory takes n samples every apart, calling check before each.
func (b memoryTarget) sampleMemory(n int, every time.Duration, check func() error) (memorySamples, error) {
	var all memorySamples
	for i := range n {
		if i > 0 {
			time.Sleep(every)
		}
		if err := check(); err != nil {
			return nil, err
		}
		m, err := b.memory()
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	return all, nil
}

// median is the median of field f over the samples.
func (s memorySamples) median(f func(memory) float64) float64 { return s.sorted(f)[len(s)/2] }

// lowest is the lowest value of field f over the samples.
func (s memorySamples) lowest(f func(memory) float64) float64 { return s.sorted(f)[0] }

func (s memorySamples) sorted(f func(memory) float64) []float64 {
	v := make([]float64, len(s))
	for i, m := range s {
		v[i] = f(m)
	}
	slices.Sort(v)
	return v
}

// gcs is the number of garbage collections the server ran while sampling.
func (s memorySamples) gcs() float64 { return s[len(s)-1].gcs - s[0].gcs }

// runMemory measures the server's memory per in-flight stream: idle, then
// with cfg.streams streams held open (the simulator paces their chunks
// cfg.pace apart so that they stay open), then idle again once they are
// cancelled. Each state is cfg.samples samples, and the median of each is
// reported, so that one sample taken just before or after a garbage
// collection does not decide the result; the lowest heap sample, taken
// soonest after a collection, approaches the live heap.
func runMemory(cfg config) error {
	if err := checkFiles(cfg.streams); err != nil {
		return err
	}
	words := int(memoryHold/cfg.pace) + 1
	b, err := setup(cfg, llmsim.Options{Pace: cfg.pace, Reply: pacedReply(words)})
	if err != nil {
		return err
	}
	defer b.close()
	fmt.Printf("server memory with %d streams held open (each %d chunks %s apart)", cfg.streams, words, cfg.pace)
	return measureMemory(cfg, memoryTarget{srv: b.srv, request: func(ctx context.Context, warm bool) *http.Request {
		if warm {
			return b.krowocRequest(ctx, b.warmID)
		}
		return b.krowocRequest(ctx, b.promptID)
	}})
}

// measureMemory is runMemory's measurement of target, whose streams stay
// open for memoryHold.
func measureMemory(cfg config, b memoryTarget) error {
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.streams + 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	const every = 300 * time.Millisecond
	none := func() error { return nil }

	// Warm up caches and pools with short streams until the server has
	// collected garbage twice, so that the idle heap is not inflated by
	// garbage left from start-up.
	m0, err := b.memory()
	if err != nil {
		return err
	}
	for i := 0; i < 2000; i++ {
		if _, err := stream(c, b.request(context.Background(), true), krowocText, nil); err != nil {
			return err
		}
		if i >= 50 && i%10 == 0 {
			if m, err := b.memory(); err != nil {
				return err
			} else if m.gcs >= m0.gcs+2 {
				break
			}
		}
	}
	time.Sleep(time.Second)
	idle, err := b.sampleMemory(cfg.samples, every, none)
	if err != nil {
		return err
	}

	// Open the streams over one second, and wait until each has had its
	// first text event.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		open, failed atomic.Int64
		errMu        sync.Mutex
		firstErr     error
		ready, done  sync.WaitGroup
	)
	fail := func(err error) {
		errMu.Lock()
		defer errMu.Unlock()
		if failed.Add(1) == 1 {
			firstErr = err
		}
	}
	failure := func() string {
		errMu.Lock()
		defer errMu.Unlock()
		return fmt.Sprintf("%d failed; the first: %v", failed.Load(), firstErr)
	}
	ready.Add(cfg.streams)
	opened := time.Now()
	for i := range cfg.streams {
		done.Go(func() {
			time.Sleep(time.Until(opened.Add(time.Duration(i) * time.Second / time.Duration(cfg.streams))))
			var once sync.Once
			ttft, err := stream(c, b.request(ctx, false), krowocText, func() {
				open.Add(1)
				once.Do(ready.Done)
			})
			if ttft > 0 {
				open.Add(-1)
			}
			if err != nil {
				fail(err)
			}
			once.Do(ready.Done)
		})
	}
	allReady := make(chan struct{})
	go func() { ready.Wait(); close(allReady) }()
	select {
	case <-allReady:
	case <-time.After(memoryHold / 2):
		return fmt.Errorf("after %s, only %d of %d streams had their first text event (%s)",
			memoryHold/2, open.Load(), cfg.streams, failure())
	}
	if failed.Load() > 0 {
		return fmt.Errorf("of %d streams, %s", cfg.streams, failure())
	}
	time.Sleep(time.Second)
	held, err := b.sampleMemory(cfg.samples, every, func() error {
		if n := open.Load(); n != int64(cfg.streams) {
			return fmt.Errorf("%d of %d streams open while sampling (%s)", n, cfg.streams, failure())
		}
		return nil
	})
	if err != nil {
		return err
	}
	if d := time.Since(opened); d > memoryHold-2*time.Second {
		return fmt.Errorf("opening and sampling took %s, too close to the %s the streams stay open", d, memoryHold)
	}
	cancel()
	done.Wait()
	time.Sleep(2 * time.Second)
	after, err := b.sampleMemory(cfg.samples, every, none)
	if err != nil {
		return err
	}

	n := float64(cfg.streams)
	fmt.Printf("; median of %d samples %s apart\n", cfg.samples, every)
	fmt.Printf("  %-34s %12s %12s %12s %12s\n", "", "idle before", "in flight", "per stream", "idle after")
	row := func(name string, stat func(memorySamples, func(memory) float64) float64, f func(memory) float64) {
		i, h := stat(idle, f), stat(held, f)
		fmt.Printf("  %-34s %12s %12s %12s %12s\n", name, mib(i), mib(h), kib((h-i)/n), mib(stat(after, f)))
	}
	row("RSS (VmRSS)", memorySamples.median, func(m memory) float64 { return m.rss })
	row("Go heap in use", memorySamples.median, func(m memory) float64 { return m.heapInuse })
	row("Go heap allocated", memorySamples.median, func(m memory) float64 { return m.heapAlloc })
	row("Go heap allocated, lowest sample", memorySamples.lowest, func(m memory) float64 { return m.heapAlloc })
	row("goroutine stacks", memorySamples.median, func(m memory) float64 { return m.stacks })
	g := func(m memory) float64 { return m.goroutines }
	fmt.Printf("  %-34s %12.0f %12.0f %12.1f %12.0f\n", "goroutines", idle.median(g), held.median(g), (held.median(g)-idle.median(g))/n, after.median(g))
	fmt.Printf("  %-34s %12.0f %12.0f %12s %12.0f\n", "GC cycles while sampling", idle.gcs(), held.gcs(), "", after.gcs())
	return nil
}

func mib(v float64) string { return fmt.Sprintf("%.1f MiB", v/(1<<20)) }
func kib(v float64) string { return fmt.Sprintf("%.1f KiB", v/(1<<10)) }
