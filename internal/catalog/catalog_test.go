package catalog_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/krowoc/krowoc/internal/catalog"
	"github.com/krowoc/krowoc/internal/krowoc"
)

func TestDefaultCatalog(t *testing.T) {
	c := catalog.Default()
	for _, id := range []string{"openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5", "gemini:gemini-2.5-flash"} {
		m, ok := c.Model(id)
		if !ok || m.ContextWindow == 0 || len(m.Prices) == 0 || m.Prices[0].Input == 0 {
			t.Errorf("model %s = %+v, %v", id, m, ok)
		}
	}
	for _, p := range []string{"openai", "anthropic", "gemini", "openai-compatible"} {
		if _, ok := c.Provider(p); !ok {
			t.Errorf("provider %s missing", p)
		}
	}
}

func TestWhitelist(t *testing.T) {
	c := catalog.Default()
	cases := map[string]bool{
		"openai":                       true,
		"anthropic:claude-sonnet-4-5":  true,
		"openai-compatible:llama3.1":   true,
		"openai-compatible:":           false,
		"openai-compatible:has space":  false,
		"openai:gpt-9000":              false,
		"mistral":                      false,
		"":                             false,
		"anthropic:claude-sonnet-4-5:": false,
	}
	for entry, want := range cases {
		if got := c.ValidWhitelistEntry(entry); got != want {
			t.Errorf("ValidWhitelistEntry(%q) = %v, want %v", entry, got, want)
		}
	}
	allowed := []struct {
		list  []string
		model string
		want  bool
	}{
		{nil, "openai:gpt-4o", true},
		{[]string{"openai"}, "openai:gpt-4o", true},
		{[]string{"openai"}, "anthropic:claude-haiku-4-5", false},
		{[]string{"anthropic:claude-haiku-4-5"}, "anthropic:claude-haiku-4-5", true},
		{[]string{"anthropic:claude-haiku-4-5"}, "anthropic:claude-sonnet-4-5", false},
	}
	for _, a := range allowed {
		if got := krowoc.ModelAllowed(a.list, a.model); got != a.want {
			t.Errorf("Allowed(%v, %s) = %v, want %v", a.list, a.model, got, a.want)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	dir := t.TempDir()
	c, err := catalog.Load(dir)
	if err != nil || len(c.Models) == 0 {
		t.Fatalf("Load without a file = %v, %v", c, err)
	}
	doc := `{"version":1,"providers":[{"id":"openai","name":"OpenAI"}],"models":[{"id":"openai:house","name":"House","contextWindow":8000,"prices":[{"effective":"2026-01-01","input":1,"cachedInput":1,"output":2}]}]}`
	if err := os.WriteFile(filepath.Join(dir, catalog.FileName), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = catalog.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Model("openai:house"); !ok || len(c.Models) != 1 {
		t.Fatalf("override not used: %+v", c.Models)
	}
	for _, bad := range []string{`{`, `{"providers":[],"models":[{"id":"x","prices":[]}]}`, `{"providers":[{"id":"a"}],"models":[{"id":"a:b","prices":[{"effective":"soon"}]}]}`} {
		os.WriteFile(filepath.Join(dir, catalog.FileName), []byte(bad), 0o644)
		if _, err := catalog.Load(dir); err == nil {
			t.Errorf("Load(%s) succeeded", bad)
		}
	}
}

func TestCostMicros(t *testing.T) {
	// gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per million tokens.
	p := catalog.Price{Input: 150_000, CachedInput: 75_000, Output: 600_000}
	cases := []struct {
		name                                    string
		input, cached, write, output, reasoning int64
		want                                    int64
	}{
		{"nothing", 0, 0, 0, 0, 0, 0},
		{"one million in", 1_000_000, 0, 0, 0, 0, 150_000},
		{"half cached", 1_000_000, 500_000, 0, 0, 0, 112_500},
		{"output", 0, 0, 0, 2_000_000, 0, 1_200_000},
		{"reasoning billed as output", 0, 0, 0, 1_000_000, 400_000, 600_000},
		{"rounds to the nearest micro-dollar", 10, 0, 0, 1, 0, 2}, // 1.5 + 0.6 = 2.1
	}
	for _, c := range cases {
		if got := p.CostMicros(c.input, c.cached, c.write, c.output, c.reasoning); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	anthropic := catalog.Price{Input: 3_000_000, CachedInput: 300_000, CacheWrite: 3_750_000, Output: 15_000_000}
	// 1,000 fresh + 2,000 read + 4,000 written in, 500 out.
	if got := anthropic.CostMicros(7_000, 2_000, 4_000, 500, 0); got != 3_000+600+15_000+7_500 {
		t.Errorf("anthropic cost = %d", got)
	}
	m, _ := catalog.Default().Model("openai:gpt-4o-mini")
	if _, ok := m.PriceAt(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)); ok {
		t.Error("a price before the model existed")
	}
	if price, ok := m.PriceAt(time.Now()); !ok || price.Input != 150_000 {
		t.Errorf("price now = %+v, %v", price, ok)
	}
}
