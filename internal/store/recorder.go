package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// Recorder bounds: records written in one transaction, and records waiting
// to be written before callers block (backpressure: runs slow down rather
// than a record being dropped).
const (
	maxRecordBatch = 256
	recordQueue    = 1024
	// deferFor is how long a deferred start waits for its outcome, to be
	// written with it as one row.
	deferFor = 100 * time.Millisecond
)

// recorder writes the records of live executions in batches, beside the
// runs: one goroutine takes whatever records are waiting and writes them all
// in one transaction (group commit). An execution that starts and finishes
// between two writes is written once, whole. Records are written in the
// order they were handed over.
type recorder struct {
	db  *DB
	ops chan *Pending
	// mu orders hand-overs with close: after close, records are written
	// directly by their callers.
	mu     sync.RWMutex
	closed bool
	stop   chan struct{}
	done   chan struct{}
	// skipUsage leaves out the usage rollups: the baseline of
	// BenchmarkRecorder, never set otherwise.
	skipUsage bool
	// batches and records count the transactions written and the records
	// in them, for the benchmark's batch size.
	batches, records atomic.Int64
}

func newRecorder(db *DB) *recorder {
	r := &recorder{db: db, ops: make(chan *Pending, recordQueue), stop: make(chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

// Pending is an execution record handed to the recorder: its start, or its
// outcome.
type Pending struct {
	// started is the execution as it started (a start record).
	started krowoc.Execution
	// x is the finished execution and start its start record (an outcome).
	x     *krowoc.Execution
	start *Pending
	// deferred marks a start held back for its outcome (DeferStart).
	deferred bool

	err  error
	done chan struct{}
}

// Wait returns once the record is committed, with the error that kept it
// from being written, if any.
func (p *Pending) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RecordStart marks x running, gives it its id and creation time, and hands
// its record to the recorder without waiting: the provider call need not
// wait for the write. Wait on the result before telling anyone the
// execution exists.
func (db *DB) RecordStart(x *krowoc.Execution) *Pending {
	p := db.startRecord(x)
	db.recorder.submit(p)
	return p
}

// DeferStart is RecordStart for a run no one follows while it runs (answered
// whole at the end): its start is held back up to deferFor, so a run that
// finishes by then is written once, whole, instead of twice. It shows in the
// history as running after deferFor at the latest.
func (db *DB) DeferStart(x *krowoc.Execution) *Pending {
	p := db.startRecord(x)
	p.deferred = true
	db.recorder.submit(p)
	return p
}

func (db *DB) startRecord(x *krowoc.Execution) *Pending {
	x.ID = newID()
	x.Status = krowoc.ExecRunning
	x.CreatedAt = fromMillis(toMillis(db.Now().UTC()))
	return &Pending{started: *x, done: make(chan struct{})}
}

func finishRecord(x *krowoc.Execution, start *Pending) *Pending {
	return &Pending{x: x, start: start, done: make(chan struct{})}
}

// RecordFinish records the outcome of x, started with start (nil for an
// execution started with StartExecution), and waits until it is committed;
// see FinishExecution for what it records. It returns
// the start's error when the start could not be written, and
// ErrExecutionFinished when the execution had already finished (cancelled
// meanwhile).
func (db *DB) RecordFinish(x *krowoc.Execution, start *Pending) error {
	p := finishRecord(x, start)
	db.recorder.submit(p)
	return p.Wait(context.Background())
}

func (r *recorder) submit(p *Pending) {
	r.mu.RLock()
	if !r.closed {
		r.ops <- p // blocks while the queue is full: backpressure
		r.mu.RUnlock()
		return
	}
	r.mu.RUnlock()
	r.write([]*Pending{p}) // after close: written by the caller
}

// close writes every record handed over so far and stops the recorder.
func (r *recorder) close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.stop)
	}
	r.mu.Unlock()
	<-r.done
}

func (r *recorder) loop() {
	defer close(r.done)
	var batch, held []*Pending // held: deferred starts waiting for their outcome
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var due <-chan time.Time
	for {
		batch = batch[:0]
		stopping := false
		select {
		case p := <-r.ops:
			batch = append(batch, p)
		case <-due:
			due = nil
			batch, held = release(batch, held), held[:0]
		case <-r.stop:
			stopping = true
		}
	fill:
		for stopping || len(batch) < maxRecordBatch {
			select {
			case p := <-r.ops:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		var ready []*Pending
		ready, held = sortRecords(batch, held)
		if stopping || len(held) >= maxRecordBatch {
			ready, held = release(ready, held), held[:0]
		}
		if len(ready) > 0 {
			r.write(ready)
		}
		if stopping {
			return
		}
		if len(held) > 0 && due == nil {
			timer.Reset(deferFor)
			due = timer.C
		}
	}
}

// sortRecords splits a batch into the records to write now and the
// deferred starts to hold back. An outcome whose start is held is written
// with it, right behind it.
func sortRecords(batch, held []*Pending) (ready, stillHeld []*Pending) {
	ready = make([]*Pending, 0, len(batch)+1)
	for _, p := range batch {
		switch {
		case p.deferred:
			held = append(held, p)
		case p.start != nil && p.start.deferred:
			if i := slices.Index(held, p.start); i >= 0 {
				held = slices.Delete(held, i, i+1)
			}
			p.start.deferred = false
			ready = append(ready, p.start, p)
		default:
			ready = append(ready, p)
		}
	}
	return ready, held
}

// release puts the held starts in front of batch.
func release(batch, held []*Pending) []*Pending {
	for _, p := range held {
		p.deferred = false
	}
	return append(slices.Clone(held), batch...)
}

// write writes a batch in one transaction. When that fails, each record is
// written alone, so one bad record does not lose the others.
func (r *recorder) write(batch []*Pending) {
	r.batches.Add(1)
	r.records.Add(int64(len(batch)))
	ctx := context.Background()
	err := r.db.Update(ctx, func(tx *Tx) error {
		tx.skipUsage = r.skipUsage
		return apply(ctx, tx, batch)
	})
	if err != nil && len(batch) > 1 {
		for _, p := range batch {
			if err := r.db.Update(ctx, func(tx *Tx) error {
				tx.skipUsage = r.skipUsage
				return apply(ctx, tx, []*Pending{p})
			}); err != nil {
				p.err = err
			}
		}
	} else if err != nil {
		batch[0].err = err
	}
	for _, p := range batch {
		close(p.done)
	}
}

// apply writes a batch's records inside tx. An outcome whose start is in
// the same batch is written as one row. What follows from the outcomes
// (key use, prompt counts, usage) is written once for the batch.
func apply(ctx context.Context, tx *Tx, batch []*Pending) error {
	inBatch := make(map[*Pending]bool, len(batch))
	whole := map[*Pending]bool{} // starts written with their outcome
	for _, p := range batch {
		inBatch[p] = true
		if p.x != nil && p.start != nil && inBatch[p.start] {
			whole[p.start] = true
		}
	}
	var rows, started, finished []*krowoc.Execution
	for _, p := range batch {
		p.err = nil
		switch {
		case p.x == nil: // a start
			if whole[p] {
				continue
			}
			rows = append(rows, &p.started)
			started = append(started, &p.started)
		case p.start != nil && whole[p.start]:
			at := fromMillis(toMillis(tx.now))
			p.x.FinishedAt = &at
			rows = append(rows, p.x)
			started = append(started, &p.start.started)
			finished = append(finished, p.x)
		case p.start != nil && p.start.err != nil:
			p.err = p.start.err
		default:
			// The start was written by an earlier batch: its row and
			// started event exist.
			err := markFinished(ctx, tx, p.x)
			if errors.Is(err, ErrExecutionFinished) {
				p.err = err
				continue
			}
			if err != nil {
				return err
			}
			finished = append(finished, p.x)
		}
	}
	if len(rows) > 0 {
		if err := insertExecutionRows(ctx, tx, rows); err != nil {
			return err
		}
		events, requestIDs := make([]krowoc.EventDraft, len(started)), make([]string, len(started))
		for i, x := range started {
			events[i], requestIDs[i] = executionStarted(x), executionRequestID(ctx, x)
		}
		if err := tx.emitAll(ctx, events, requestIDs); err != nil {
			return err
		}
	}
	if len(finished) == 0 {
		return nil
	}
	return afterFinishes(ctx, tx, finished)
}
