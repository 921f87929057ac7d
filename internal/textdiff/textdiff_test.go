package textdiff_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/krowoc/krowoc/internal/textdiff"
)

// apply rebuilds both sides from a diff, which must give back the inputs.
func apply(lines []textdiff.Line) (a, b []string) {
	for _, l := range lines {
		switch l.Op {
		case textdiff.Equal:
			a, b = append(a, l.Text), append(b, l.Text)
		case textdiff.Delete:
			a = append(a, l.Text)
		case textdiff.Insert:
			b = append(b, l.Text)
		}
	}
	return a, b
}

func edits(lines []textdiff.Line) int {
	n := 0
	for _, l := range lines {
		if l.Op != textdiff.Equal {
			n++
		}
	}
	return n
}

func TestLines(t *testing.T) {
	cases := []struct {
		a, b  string
		edits int
	}{
		{"", "", 0},
		{"a\nb\nc", "a\nb\nc", 0},
		{"a\nb\nc", "a\nx\nc", 2},
		{"", "new", 1},
		{"old", "", 1},
		{"a\nb\nc\nd", "b\nc\nd\ne", 2},
		{"one\ntwo\nthree", "zero\none\nthree\nfour", 3},
	}
	for _, c := range cases {
		got := textdiff.Lines(c.a, c.b)
		a, b := apply(got)
		if strings.Join(a, "\n") != c.a || strings.Join(b, "\n") != c.b {
			t.Errorf("Lines(%q, %q) does not rebuild its inputs: %v", c.a, c.b, got)
		}
		if edits(got) != c.edits {
			t.Errorf("Lines(%q, %q) has %d edits, want %d: %v", c.a, c.b, edits(got), c.edits, got)
		}
	}
}

func TestRandomDiffsRebuildInputs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "b", "c", "d"}
	for range 300 {
		var a, b []string
		for range r.IntN(30) {
			a = append(a, words[r.IntN(len(words))])
		}
		for range r.IntN(30) {
			b = append(b, words[r.IntN(len(words))])
		}
		gotA, gotB := apply(textdiff.Diff(a, b))
		if strings.Join(gotA, ",") != strings.Join(a, ",") || strings.Join(gotB, ",") != strings.Join(b, ",") {
			t.Fatalf("diff of %v and %v does not rebuild them", a, b)
		}
	}
}
