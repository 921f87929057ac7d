package events

import (
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/krowoc/krowoc/internal/krowoc"
	"github.com/krowoc/krowoc/internal/store"
)

// hub fans delivered events out to in-process subscribers without ever
// blocking the relay: each subscriber has a bounded buffer and is dropped
// when it is full.
type hub struct {
	mu      sync.Mutex
	subs    map[*subscription]struct{}
	buffer  int
	log     *slog.Logger
	dropped prometheus.Counter
}

type subscription struct {
	ch    chan krowoc.Event
	types map[string]bool // nil: every type
}

func newHub(buffer int, log *slog.Logger, dropped prometheus.Counter) *hub {
	return &hub{subs: map[*subscription]struct{}{}, buffer: buffer, log: log, dropped: dropped}
}

func (h *hub) subscribe(types []string) (<-chan krowoc.Event, func()) {
	s := &subscription{ch: make(chan krowoc.Event, h.buffer)}
	if len(types) > 0 {
		s.types = map[string]bool{}
		for _, t := range types {
			s.types[t] = true
		}
	}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s.ch, func() { h.remove(s) }
}

// remove closes s's channel unless it was already removed.
func (h *hub) remove(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; !ok {
		return // dropped earlier, channel already closed
	}
	delete(h.subs, s)
	close(s.ch)
}

// publish offers each event to every subscriber that wants its type. A
// subscriber whose buffer is full is dropped (its channel closed) rather
// than waited for.
func (h *hub) publish(events []store.OutboxEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range events {
		for s := range h.subs {
			if s.types != nil && !s.types[e.Type] {
				continue
			}
			select {
			case s.ch <- e.Event:
			default:
				delete(h.subs, s)
				close(s.ch)
				h.dropped.Inc()
				h.log.Warn("dropped an in-process event subscriber that fell behind", "buffer", h.buffer, "event_id", e.ID)
			}
		}
	}
}
