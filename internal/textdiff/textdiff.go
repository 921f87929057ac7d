// Package textdiff computes line diffs with Myers' algorithm. It knows
// nothing of Krowoc.
package textdiff

import "strings"

// Op says what happened to a line.
type Op string

// The three kinds of diff line.
const (
	Equal  Op = "equal"
	Insert Op = "insert"
	Delete Op = "delete"
)

// Line is one line of a diff.
type Line struct {
	Op   Op     `json:"op"`
	Text string `json:"text"`
}

// maxEdits bounds the work on very different texts; past it the diff is
// reported as the old text deleted and the new one inserted.
const maxEdits = 4000

// Lines returns the line diff that turns a into b.
func Lines(a, b string) []Line {
	return Diff(split(a), split(b))
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Diff returns a shortest edit script from a to b as diff lines.
func Diff(a, b []string) []Line {
	// Trim the common prefix and suffix: cheap, and most edits are local.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Line, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		out = append(out, Line{Equal, l})
	}
	out = append(out, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, Line{Equal, l})
	}
	return out
}

// myers is the greedy O((N+M)D) algorithm, keeping each round's frontier to
// walk the path back.
func myers(a, b []string) []Line {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || n+m > 4*maxEdits*maxEdits {
		return replaceAll(a, b)
	}
	maxD := min(n+m, maxEdits)
	offset := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		snapshot := make([]int, len(v))
		copy(snapshot, v)
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, offset, d)
			}
		}
	}
	return replaceAll(a, b)
}

func backtrack(a, b []string, trace [][]int, offset, d int) []Line {
	x, y := len(a), len(b)
	var rev []Line
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var prevK int
		if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := v[offset+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, Line{Equal, a[x]})
		}
		if x == prevX {
			y--
			rev = append(rev, Line{Insert, b[y]})
		} else {
			x--
			rev = append(rev, Line{Delete, a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, Line{Equal, a[x]})
	}
	out := make([]Line, len(rev))
	for i, l := range rev {
		out[len(rev)-1-i] = l
	}
	return out
}

func replaceAll(a, b []string) []Line {
	out := make([]Line, 0, len(a)+len(b))
	for _, l := range a {
		out = append(out, Line{Delete, l})
	}
	for _, l := range b {
		out = append(out, Line{Insert, l})
	}
	return out
}
