package store

import (
	"fmt"
	"strings"
	"sync"
)

// countCache remembers list totals keyed by the query and the workspace's
// prompts revision. Any write to the workspace's prompts bumps the revision
// in the same transaction, so an entry can only ever be hit while its count
// is still exact — on every node, since the revision lives in the database.
type countCache struct {
	mu      sync.Mutex
	entries map[string]int
}

// countCacheMax bounds memory; past it the cache starts over.
const countCacheMax = 8192

func newCountCache() *countCache { return &countCache{entries: map[string]int{}} }

func countKey(rev int64, where string, args []any) string {
	var b strings.Builder
	b.Grow(len(where) + 64)
	b.WriteString(where)
	for _, a := range args {
		b.WriteByte(0)
		b.WriteString(fmt.Sprint(a))
	}
	b.WriteByte(0)
	b.WriteString(fmt.Sprint(rev))
	return b.String()
}

func (c *countCache) get(key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.entries[key]
	return n, ok
}

func (c *countCache) put(key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= countCacheMax {
		c.entries = make(map[string]int, countCacheMax)
	}
	c.entries[key] = n
}
