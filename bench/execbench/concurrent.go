package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/krowoc/krowoc/internal/llmsim"
)

// phase is what one path (straight to the simulator, or through Krowoc)
// measured with many streams in flight.
type phase struct {
	ttft     []time.Duration // of the counted streams, sorted
	others   []int           // streams in flight when each counted stream started, sorted
	streams  int             // streams run, ramp-up round included
	errs     int
	firstErr error
	simMax   int   // most generation requests the simulator answered at once
	dials    int64 // connections the benchmark's client opened
	simConns int64 // connections the simulator accepted
	elapsed  time.Duration
	// CPU time used meanwhile by the server, by this process (client and
	// simulator) and by the whole machine (everyone, other work included).
	serverCPU, benchCPU, machineCPU time.Duration
	load                            string // load averages at the end
	// Waits for the domain store's one write connection, and their total.
	writerWaits   float64
	writerWaiting time.Duration
}

var writerMetrics = []string{`go_sql_wait_count_total{db_name="krowoc_domain"}`, `go_sql_wait_duration_seconds_total{db_name="krowoc_domain"}`}

// runConcurrent times the first text event of streams started while
// cfg.streams streams are in flight, straight to the simulator and then
// through Krowoc.
//
// The simulator sends the first text chunk at once and the others
// cfg.pace apart, so each stream stays open for cfg.hold. There are
// cfg.streams workers, started cfg.hold/cfg.streams apart; each runs
// cfg.rounds streams back to back. Once the first round has ramped up,
// every new stream starts while all the other workers' streams are open,
// and starts are spread evenly in time (cfg.streams/cfg.hold a second)
// rather than in one burst: a steady state with cfg.streams in flight.
// Only the streams of later rounds are counted.
func runConcurrent(cfg config) error {
	if err := checkFiles(cfg.streams); err != nil {
		return err
	}
	words := int(cfg.hold/cfg.pace) + 1
	b, err := setup(cfg, llmsim.Options{Pace: cfg.pace, Reply: pacedReply(words)})
	if err != nil {
		return err
	}
	defer b.close()
	var dials atomic.Int64
	tr := b.transport(&http.Transport{
		MaxIdleConnsPerHost: cfg.streams + 64, // a worker's next stream reuses its connection
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	})
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}

	spacing := cfg.hold / time.Duration(cfg.streams)
	fmt.Printf("time to first text event, %d streams in flight at once\n", cfg.streams)
	fmt.Printf("  each stream: %d chunks %s apart, open %s; %d workers started %s apart, %d streams each back to back,\n",
		words, cfg.pace, cfg.hold, cfg.streams, spacing, cfg.rounds)
	fmt.Printf("  so %.0f stream starts/s and %.0f chunks/s; the first round ramps up and is not counted\n",
		float64(cfg.streams)/cfg.hold.Seconds(), float64(cfg.streams)/cfg.pace.Seconds())

	d := b.runPhase(cfg, &dials, func() (time.Duration, error) {
		return stream(c, b.directRequest(context.Background()), directText, nil)
	})
	tr.CloseIdleConnections()
	k := b.runPhase(cfg, &dials, func() (time.Duration, error) {
		return stream(c, b.krowocRequest(context.Background(), b.promptID), krowocText, nil)
	})
	if len(d.ttft) == 0 || len(k.ttft) == 0 {
		return fmt.Errorf("no stream succeeded (direct: %v; krowoc: %v)", d.firstErr, k.firstErr)
	}

	printTTFT(d.ttft, k.ttft)
	fmt.Println()
	fmt.Printf("  %-20s %7s %6s %13s %9s %13s %18s %8s\n", "conditions", "counted", "errors", "others open", "sim max", "new conns", "CPU cores used", "load")
	fmt.Printf("  %-20s %7s %6s %13s %9s %13s %18s %8s\n", "", "", "", "min/median", "in flight", "client/sim", "server/bench/all", "1 min")
	for _, r := range []struct {
		name string
		p    phase
	}{{"simulator directly", d}, {"through krowoc", k}} {
		p := r.p
		cores := func(t time.Duration) string { return fmt.Sprintf("%.2f", t.Seconds()/p.elapsed.Seconds()) }
		fmt.Printf("  %-20s %7d %6d %13s %9d %13s %18s %8s\n", r.name, len(p.ttft), p.errs,
			fmt.Sprintf("%d/%d", p.others[0], p.others[len(p.others)/2]), p.simMax,
			fmt.Sprintf("%d/%d", p.dials, p.simConns),
			cores(p.serverCPU)+"/"+cores(p.benchCPU)+"/"+cores(p.machineCPU), strings.Fields(p.load)[0])
	}
	fmt.Printf("  server CPU per stream through krowoc: %s (%d chunks each)\n", k.serverCPU/time.Duration(k.streams), words)
	fmt.Printf("  waits for the domain store's write connection through krowoc: %.0f (%.1f per stream), %s waited in all\n",
		k.writerWaits, k.writerWaits/float64(k.streams), k.writerWaiting.Round(time.Millisecond))
	for _, r := range []struct {
		name string
		p    phase
	}{{"simulator directly", d}, {"through krowoc", k}} {
		if r.p.errs > 0 {
			fmt.Printf("  %s: %d of %d streams failed; the first: %v\n", r.name, r.p.errs, r.p.streams, r.p.firstErr)
		}
	}
	return nil
}

// runPhase runs the workers of runConcurrent with send as their stream.
func (b *bench) runPhase(cfg config, dials *atomic.Int64, send func() (time.Duration, error)) phase {
	b.sim.Sim.ResetMaxInFlight()
	dials0, simConns0 := dials.Load(), b.simConns.Load()
	server0, _ := b.srv.CPUTime()
	writer0, _ := b.srv.Metrics(writerMetrics...)
	bench0, machine0 := selfCPU(), machineCPU()
	start := time.Now()

	var (
		inflight atomic.Int64
		mu       sync.Mutex
		p        phase
		wg       sync.WaitGroup
	)
	spacing := cfg.hold / time.Duration(cfg.streams)
	for i := range cfg.streams {
		wg.Go(func() {
			time.Sleep(time.Until(start.Add(time.Duration(i) * spacing)))
			for round := range cfg.rounds {
				others := int(inflight.Add(1) - 1)
				ttft, err := send()
				inflight.Add(-1)
				mu.Lock()
				p.streams++
				switch {
				case err != nil:
					if p.errs++; p.firstErr == nil {
						p.firstErr = err
					}
				case round > 0:
					p.ttft = append(p.ttft, ttft)
					p.others = append(p.others, others)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	p.elapsed = time.Since(start)
	server1, _ := b.srv.CPUTime()
	p.serverCPU, p.benchCPU, p.machineCPU = server1-server0, selfCPU()-bench0, machineCPU()-machine0
	p.dials, p.simConns = dials.Load()-dials0, b.simConns.Load()-simConns0
	p.simMax, _ = b.sim.Sim.MaxInFlight()
	p.load = loadavg()
	if writer1, err := b.srv.Metrics(writerMetrics...); err == nil && writer0 != nil {
		p.writerWaits = writer1[writerMetrics[0]] - writer0[writerMetrics[0]]
		p.writerWaiting = time.Duration((writer1[writerMetrics[1]] - writer0[writerMetrics[1]]) * float64(time.Second))
	}
	slices.Sort(p.ttft)
	slices.Sort(p.others)
	if len(p.others) == 0 {
		p.others = []int{0}
	}
	return p
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU is the CPU time every core of the machine has spent busy
// (not idle, not waiting for I/O) since boot, from /proc/stat.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	var busy int64
	for i, v := range f[1:min(len(f), 9)] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(busy) * time.Second / ticks
}
