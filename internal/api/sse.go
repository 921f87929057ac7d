package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// wantsEventStream reports whether the client asked for Server-Sent Events.
func wantsEventStream(e *core.RequestEvent) bool {
	return strings.Contains(e.Request.Header.Get("Accept"), "text/event-stream")
}

// sseWriter writes named Server-Sent Events and flushes each at once.
// It is safe for concurrent use: side-by-side runs share one stream.
type sseWriter struct {
	mu sync.Mutex
	w  http.ResponseWriter
	rc *http.ResponseController
}

func newSSEWriter(e *core.RequestEvent) *sseWriter {
	h := e.Response.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	e.Response.WriteHeader(http.StatusOK)
	w := &sseWriter{w: e.Response, rc: http.NewResponseController(e.Response)}
	_ = w.rc.Flush()
	return w
}

// event writes one event whose data is v as JSON.
func (w *sseWriter) event(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := fmt.Fprintf(w.w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		return err
	}
	return w.rc.Flush()
}
