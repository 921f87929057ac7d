package events_test

import (
	"os"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/krowoc"
)

// TestDocsListEveryEventType keeps docs/events.md in step with the types
// the code can emit.
func TestDocsListEveryEventType(t *testing.T) {
	doc, err := os.ReadFile("../../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range krowoc.EventTypes() {
		if !strings.Contains(string(doc), "| `"+typ+"` |") {
			t.Errorf("docs/events.md has no row for %s", typ)
		}
	}
}
