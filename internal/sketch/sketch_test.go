package sketch_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/sketch"
)

// trueQuantile is the nearest-rank quantile of sorted values.
func trueQuantile(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[max(1, min(rank, len(sorted)))-1]
}

func TestValueIsWithinTheRelativeError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, 1, 2, 3, 49, 50, 51, 999, 1000, 1001, 3_600_000, math.MaxInt32}
	for range 100_000 {
		values = append(values, r.Int64N(10_000_000))
	}
	for _, v := range values {
		got := sketch.Value(sketch.Index(v))
		if diff := math.Abs(float64(got - v)); diff > sketch.RelativeError*float64(v)+0.5 {
			t.Fatalf("Value(Index(%d)) = %d, off by %.1f", v, got, diff)
		}
	}
}

func TestQuantilesMatchTheValuesOfTheirRank(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var values []int64
	var h sketch.Histogram
	for range 20_000 {
		// Log-normal latencies around 800 ms, like real provider calls.
		v := int64(math.Exp(6.7 + 0.8*r.NormFloat64()))
		values = append(values, v)
		h.Add(v)
	}
	slices.Sort(values)
	for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.95, 0.99, 1} {
		want := trueQuantile(values, q)
		got, ok := h.Quantile(q)
		if !ok || got != sketch.Value(sketch.Index(want)) {
			t.Fatalf("p%g = %d, want the bucket value of %d: %d", q*100, got, want, sketch.Value(sketch.Index(want)))
		}
	}
	if h.Count() != int64(len(values)) {
		t.Fatalf("count = %d", h.Count())
	}
}

func TestMergeEqualsAddingEverything(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var all sketch.Histogram
	parts := make([]sketch.Histogram, 24)
	for i := range 5000 {
		v := r.Int64N(60_000)
		all.Add(v)
		parts[i%len(parts)].Add(v)
	}
	var merged sketch.Histogram
	for i := len(parts) - 1; i >= 0; i-- { // any order
		merged.Merge(&parts[i])
	}
	if got, want := merged.String(), all.String(); got != want {
		t.Fatalf("merged = %s\nwant     %s", got, want)
	}
}

func TestTextRoundTripsAndAppends(t *testing.T) {
	var h sketch.Histogram
	for _, v := range []int64{0, 5, 5, 800, 812, 100_000} {
		h.Add(v)
	}
	text := h.String()
	back, err := sketch.Parse(text)
	if err != nil || back.String() != text {
		t.Fatalf("Parse(%q) = %v, %v", text, back, err)
	}
	// A database appends single values with string concatenation.
	appended := text + sketch.Token(5) + sketch.Token(7)
	h.Add(5)
	h.Add(7)
	back, err = sketch.Parse(appended)
	if err != nil || back.String() != h.String() || back.Count() != 8 {
		t.Fatalf("Parse(%q) = %v (%d values), want %s", appended, back, back.Count(), h.String())
	}
	if empty, err := sketch.Parse(""); err != nil || empty.Count() != 0 || empty.String() != "" {
		t.Fatalf("empty text: %v %v", empty, err)
	}
	if _, ok := (&sketch.Histogram{}).Quantile(0.5); ok {
		t.Fatal("an empty histogram has a quantile")
	}
}

func TestMalformedText(t *testing.T) {
	for _, s := range []string{"x", "1:", "1:2:3", "-1", "1;2", ":4", "99999999999999999999", strings.Repeat("9", 12)} {
		if _, err := sketch.Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded", s)
		}
	}
}
