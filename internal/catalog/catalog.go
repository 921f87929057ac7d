// Package catalog is the model catalog: the providers Krowoc speaks to, the
// models they offer, and each model's context window and prices. An embedded
// JSON file is the default; a models.json in the data folder replaces it.
package catalog

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

//go:embed models.json
var embedded []byte

// FileName is the name of the catalog override in the data folder.
const FileName = "models.json"

// Provider is a family of models reached through one wire protocol.
type Provider struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	BaseURL string `json:"baseURL,omitempty"`
	// OpenModels means any model name is accepted (the user's own server).
	OpenModels bool `json:"openModels,omitempty"`
}

// Price is what a model costs per million tokens, in micro-dollars, from the
// day it took effect. Cached input is a prompt-cache read; CacheWrite is
// Anthropic's cache creation. Zero Reasoning means reasoning tokens are billed
// as output.
type Price struct {
	Effective   string `json:"effective"`
	Input       int64  `json:"input"`
	CachedInput int64  `json:"cachedInput"`
	CacheWrite  int64  `json:"cacheWrite,omitempty"`
	Output      int64  `json:"output"`
	Reasoning   int64  `json:"reasoning,omitempty"`
}

// Model is one entry of the catalog; its ID is provider:model.
type Model struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	ContextWindow int     `json:"contextWindow"`
	Prices        []Price `json:"prices"`
}

// Provider returns the provider part of the model id.
func (m Model) Provider() string {
	p, _, _ := strings.Cut(m.ID, ":")
	return p
}

// Catalog is a loaded, validated model catalog. It is read-only after Load.
type Catalog struct {
	Version   int        `json:"version"`
	Providers []Provider `json:"providers"`
	Models    []Model    `json:"models"`

	providers map[string]Provider
	models    map[string]Model
}

// Default returns the catalog embedded in the binary.
func Default() *Catalog {
	c, err := Parse(embedded)
	if err != nil {
		panic(fmt.Sprintf("embedded model catalog: %v", err)) // caught by the package tests
	}
	return c
}

// Load returns the catalog in dataDir/models.json when that file exists and
// the embedded one otherwise. A present but invalid file is an error.
func Load(dataDir string) (*Catalog, error) {
	b, err := os.ReadFile(dataDir + string(os.PathSeparator) + FileName)
	if errors.Is(err, os.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return nil, err
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", FileName, err)
	}
	return c, nil
}

// Parse reads and validates a catalog document.
func Parse(b []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	c.providers = map[string]Provider{}
	for _, p := range c.Providers {
		if p.ID == "" || strings.Contains(p.ID, ":") {
			return nil, fmt.Errorf("provider id %q must be non-empty without ':'", p.ID)
		}
		c.providers[p.ID] = p
	}
	c.models = map[string]Model{}
	for _, m := range c.Models {
		provider, name, ok := strings.Cut(m.ID, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("model id %q must be provider:model", m.ID)
		}
		if _, ok := c.providers[provider]; !ok {
			return nil, fmt.Errorf("model %s: unknown provider %q", m.ID, provider)
		}
		if len(m.Prices) == 0 {
			return nil, fmt.Errorf("model %s: no prices", m.ID)
		}
		for _, p := range m.Prices {
			if _, err := time.Parse(time.DateOnly, p.Effective); err != nil {
				return nil, fmt.Errorf("model %s: price date %q is not YYYY-MM-DD", m.ID, p.Effective)
			}
		}
		sort.Slice(m.Prices, func(i, j int) bool { return m.Prices[i].Effective < m.Prices[j].Effective })
		c.models[m.ID] = m
	}
	return &c, nil
}

// Provider returns the provider with the given id.
func (c *Catalog) Provider(id string) (Provider, bool) {
	p, ok := c.providers[id]
	return p, ok
}

// Model returns the model with the given provider:model id. Models of
// providers with open model lists are accepted under any name.
func (c *Catalog) Model(id string) (Model, bool) {
	if m, ok := c.models[id]; ok {
		return m, true
	}
	provider, name, ok := strings.Cut(id, ":")
	if p, known := c.providers[provider]; ok && known && p.OpenModels && validOpenName(name) {
		return Model{ID: id, Name: name}, true
	}
	return Model{}, false
}

func validOpenName(name string) bool {
	if name == "" || len(name) > 200 {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// ValidWhitelistEntry reports whether s names a provider or a model of the
// catalog, the two forms a prompt's model whitelist accepts.
func (c *Catalog) ValidWhitelistEntry(s string) bool {
	if !strings.Contains(s, ":") {
		_, ok := c.providers[s]
		return ok
	}
	_, ok := c.Model(s)
	return ok
}

// PriceAt returns the price of the model in effect on day t (the latest
// price whose effective date is not after t), and false when the model has
// none yet (or is an open-list model without prices).
func (m Model) PriceAt(t time.Time) (Price, bool) {
	day := t.UTC().Format(time.DateOnly)
	var p Price
	found := false
	for _, candidate := range m.Prices { // sorted by effective date
		if candidate.Effective <= day {
			p, found = candidate, true
		}
	}
	return p, found
}

// CostMicros returns what usage costs at price p, in micro-dollars,
// rounded to the nearest micro-dollar. input counts every input token,
// cached and cache-written ones included; output counts every output token,
// reasoning included. Integers only: no float ever touches money.
func (p Price) CostMicros(input, cachedInput, cacheWrite, output, reasoning int64) int64 {
	uncached := max(input-cachedInput-cacheWrite, 0)
	cacheWritePrice := p.CacheWrite
	if cacheWritePrice == 0 {
		cacheWritePrice = p.Input
	}
	reasoningPrice := p.Reasoning
	if reasoningPrice == 0 {
		reasoningPrice = p.Output
	}
	visibleOutput := max(output-reasoning, 0)
	// prices are micro-dollars per million tokens
	total := uncached*p.Input + cachedInput*p.CachedInput + cacheWrite*cacheWritePrice +
		visibleOutput*p.Output + reasoning*reasoningPrice
	return (total + 500_000) / 1_000_000
}
