package api_test

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/api"
	"github.com/krowoc/krowoc/internal/store"
)

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

// TestOpenAPICoversEveryRoute fails when an /api/v1 route is missing from the
// OpenAPI document, or the document names a route that does not exist.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := newEnv(t, store.SQLite)
	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	if r.status != 200 {
		t.Fatalf("GET openapi.json: %d", r.status)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}

	registered := map[string]bool{}
	for _, route := range e.srv.Routes() {
		key := strings.ToLower(route.Method) + " " + route.Path
		registered[key] = true
		if _, ok := doc.Paths[route.Path][strings.ToLower(route.Method)]; !ok {
			t.Errorf("route %s %s is missing from openapi.json", route.Method, route.Path)
		}
	}
	var documented []string
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, method+" "+path)
		}
	}
	sort.Strings(documented)
	for _, key := range documented {
		if !registered[key] {
			t.Errorf("openapi.json documents %s, which is not a route", key)
		}
	}
	if len(registered) < 4 {
		t.Fatalf("only %d routes registered; the route recorder is broken", len(registered))
	}
	if string(api.OpenAPIDocument()) != string(r.body) {
		t.Fatal("served document differs from the embedded one")
	}
}

// TestOpenAPIStatesTheSearchCountCap keeps the cap the document gives for
// search totals equal to the store's.
func TestOpenAPIStatesTheSearchCountCap(t *testing.T) {
	digits := strconv.Itoa(store.SearchCountCap)
	var grouped strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			grouped.WriteByte(',')
		}
		grouped.WriteRune(d)
	}
	want := "counts at most " + grouped.String() + " matches"
	if doc := string(api.OpenAPIDocument()); !strings.Contains(doc, want) {
		t.Errorf("openapi.json does not say a search %q", want)
	}
}
