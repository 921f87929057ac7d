// Package sketch is a mergeable histogram for percentiles of durations, in
// the manner of DDSketch: a value v falls in bucket ⌈log_γ v⌉, whose width
// grows with v, so the value read back for any rank is within RelativeError
// of the true value of that rank (plus half a millisecond of rounding), and
// histograms of many periods merge exactly by adding their bucket counts.
//
// Histograms travel as text so that a database can append to them with
// plain string concatenation: entries separated by commas, each "i" (one
// value in bucket i) or "i:c" (c values in bucket i); empty entries are
// ignored. "12:40,13:7,12" holds 41 values in bucket 12 and 7 in bucket 13.
package sketch

import (
	"errors"
	"math"
	"strconv"
)

// RelativeError bounds how far a quantile read from a histogram may be from
// the true value of that rank: |estimate − true| ≤ RelativeError·true + 0.5.
const RelativeError = 0.02

// gamma is the ratio of consecutive bucket bounds.
const gamma = (1 + RelativeError) / (1 - RelativeError)

var logGamma = math.Log(gamma)

// Index returns the bucket of a value: 0 for values of 0 or less, else
// 1 + ⌈log_γ v⌉, so bucket i ≥ 1 holds (γ^(i-2), γ^(i-1)].
func Index(v int64) int {
	if v <= 0 {
		return 0
	}
	return 1 + int(math.Ceil(math.Log(float64(v))/logGamma))
}

// Value returns the value bucket i stands for: the point of the bucket
// whose relative distance to both bounds is RelativeError, rounded.
func Value(i int) int64 {
	if i <= 0 {
		return 0
	}
	return int64(math.Round(2 * math.Pow(gamma, float64(i-1)) / (gamma + 1)))
}

// Token is the text of one value, ready to append to a histogram's text.
func Token(v int64) string {
	return "," + strconv.Itoa(Index(v))
}

// Histogram counts values per bucket. The zero value is empty and ready.
type Histogram struct {
	offset int // bucket of counts[0]
	counts []int64
	n      int64
}

// Count returns how many values the histogram holds.
func (h *Histogram) Count() int64 { return h.n }

// Add adds one value.
func (h *Histogram) Add(v int64) { h.AddIndex(Index(v), 1) }

// AddIndex adds c values to bucket i.
func (h *Histogram) AddIndex(i int, c int64) {
	if c == 0 {
		return
	}
	switch {
	case len(h.counts) == 0:
		h.offset = i
		h.counts = append(h.counts[:0], c)
		h.n += c
		return
	case i < h.offset:
		grow := h.offset - i
		counts := make([]int64, grow+len(h.counts), grow+len(h.counts)+8)
		copy(counts[grow:], h.counts)
		h.counts, h.offset = counts, i
	case i >= h.offset+len(h.counts):
		for i >= h.offset+len(h.counts) {
			h.counts = append(h.counts, 0)
		}
	}
	h.counts[i-h.offset] += c
	h.n += c
}

// Merge adds every value of o.
func (h *Histogram) Merge(o *Histogram) {
	for j, c := range o.counts {
		h.AddIndex(o.offset+j, c)
	}
}

// Quantile returns the value of rank ⌈q·n⌉ (nearest rank; q in [0, 1]), or
// false when the histogram is empty.
func (h *Histogram) Quantile(q float64) (int64, bool) {
	if h.n == 0 {
		return 0, false
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = max(1, min(rank, h.n))
	var seen int64
	for j, c := range h.counts {
		seen += c
		if seen >= rank {
			return Value(h.offset + j), true
		}
	}
	return Value(h.offset + len(h.counts) - 1), true
}

// Buckets calls fn for each non-empty bucket in increasing order.
func (h *Histogram) Buckets(fn func(i int, c int64)) {
	for j, c := range h.counts {
		if c != 0 {
			fn(h.offset+j, c)
		}
	}
}

// AppendText appends the compact text of the histogram to dst: "i:c"
// entries in increasing bucket order ("" when empty).
func (h *Histogram) AppendText(dst []byte) []byte {
	first := true
	for j, c := range h.counts {
		if c == 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = strconv.AppendInt(dst, int64(h.offset+j), 10)
		if c != 1 {
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, c, 10)
		}
	}
	return dst
}

// String returns the compact text of the histogram.
func (h *Histogram) String() string { return string(h.AppendText(nil)) }

// ErrSyntax is returned for text that is not a histogram.
var ErrSyntax = errors.New("sketch: malformed histogram text")

// AddText adds the values of a histogram's text (compact, appended, or
// both) to h. On malformed text it returns ErrSyntax and h holds the entries
// read before the error.
func (h *Histogram) AddText(s string) error {
	i := 0
	for i < len(s) {
		if s[i] == ',' {
			i++
			continue
		}
		bucket, next, ok := parseUint(s, i)
		if !ok || bucket > math.MaxInt32 {
			return ErrSyntax
		}
		i = next
		count := int64(1)
		if i < len(s) && s[i] == ':' {
			if count, next, ok = parseUint(s, i+1); !ok {
				return ErrSyntax
			}
			i = next
		}
		if i < len(s) && s[i] != ',' {
			return ErrSyntax
		}
		h.AddIndex(int(bucket), count)
	}
	return nil
}

// parseUint reads the decimal digits of s from i; ok is false when there
// are none or they overflow.
func parseUint(s string, i int) (v int64, next int, ok bool) {
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if v > (math.MaxInt64-9)/10 {
			return 0, i, false
		}
		v = v*10 + int64(s[i]-'0')
		i++
	}
	return v, i, i > start
}

// Parse returns the histogram of a text.
func Parse(s string) (*Histogram, error) {
	h := &Histogram{}
	if err := h.AddText(s); err != nil {
		return nil, err
	}
	return h, nil
}
