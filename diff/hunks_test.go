package diff

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func TestHunksHeaders(t *testing.T) {
	ten := numbered(1, 10)
	tests := []struct {
		name     string
		old, new string
		context  int
		want     []string
	}{
		{name: "identical", old: ten, new: ten, context: 3, want: nil},
		{name: "both empty", old: "", new: "", context: 3, want: nil},
		{name: "empty old", old: "", new: "a\nb\n", context: 3, want: []string{"@@ -0,0 +1,2 @@"}},
		{name: "empty new", old: "a\n", new: "", context: 3, want: []string{"@@ -1 +0,0 @@"}},
		{name: "insert after line 5", old: ten, new: numbered(1, 5) + "x\ny\n" + numbered(6, 10), context: 0, want: []string{"@@ -5,0 +6,2 @@"}},
		{name: "delete line 3", old: ten, new: numbered(1, 2) + numbered(4, 10), context: 0, want: []string{"@@ -3 +2,0 @@"}},
		{name: "insert at start", old: ten, new: "x\n" + ten, context: 0, want: []string{"@@ -0,0 +1 @@"}},
		{name: "delete at end with context", old: ten, new: numbered(1, 9), context: 2, want: []string{"@@ -8,3 +8,2 @@"}},
		{name: "negative context is zero", old: ten, new: strings.Replace(ten, "l5\n", "x\n", 1), context: -4, want: []string{"@@ -5 +5 @@"}},
		{name: "gap of 2c merges", old: ten, new: strings.NewReplacer("l3\n", "x\n", "l6\n", "y\n").Replace(ten), context: 1, want: []string{"@@ -2,6 +2,6 @@"}},
		{name: "gap of 2c+1 splits", old: ten, new: strings.NewReplacer("l3\n", "x\n", "l7\n", "y\n").Replace(ten), context: 1, want: []string{"@@ -2,3 +2,3 @@", "@@ -6,3 +6,3 @@"}},
		{name: "context clipped at both ends", old: "a\nb\n", new: "a\nc\n", context: 3, want: []string{"@@ -1,2 +1,2 @@"}},
		{name: "missing final newline", old: "a\nb", new: "a\nb\n", context: 0, want: []string{"@@ -2 +2 @@"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range Hunks(tt.old, tt.new, tt.context) {
				got = append(got, h.Header())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("headers = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHunksLines(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []Hunk
	}{
		{
			name: "replacement lists removals first",
			old:  "a\nb\nc\n",
			new:  "a\nB\nc",
			want: []Hunk{{OldStart: 1, OldLines: 3, NewStart: 1, NewLines: 3, Lines: []Line{
				{Kind: Context, Text: "a"},
				{Kind: Removed, Text: "b"},
				{Kind: Removed, Text: "c"},
				{Kind: Added, Text: "B"},
				{Kind: Added, Text: "c", NoNewline: true},
			}}},
		},
		{
			name: "unchanged last line without newline is context",
			old:  "a\nb",
			new:  "x\nb",
			want: []Hunk{{OldStart: 1, OldLines: 2, NewStart: 1, NewLines: 2, Lines: []Line{
				{Kind: Removed, Text: "a"},
				{Kind: Added, Text: "x"},
				{Kind: Context, Text: "b", NoNewline: true},
			}}},
		},
		{
			name: "carriage returns are kept in the text",
			old:  "a\r\n",
			new:  "b\r\n",
			want: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 1, Lines: []Line{
				{Kind: Removed, Text: "a\r"},
				{Kind: Added, Text: "b\r"},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hunks(tt.old, tt.new, 3); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Hunks() = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestHunksApplyToOld checks, over many generated pairs, that applying the
// hunks to the old text gives the new text and that every hunk is shaped as
// GNU diff shapes it.
func TestHunksApplyToOld(t *testing.T) {
	rng := rand.New(rand.NewSource(20240601))
	for i := range 3000 {
		oldText := randomText(rng)
		newText := randomText(rng)
		if i%2 == 0 {
			newText = mutate(rng, oldText)
		}
		context := rng.Intn(5)
		hunks := Hunks(oldText, newText, context)
		if err := checkShape(hunks, context, len(appendLines(nil, Context, oldText))); err != nil {
			t.Fatalf("case %d, -U%d, old %q, new %q: %v", i, context, oldText, newText, err)
		}
		got, err := applyHunks(oldText, hunks)
		if err != nil {
			t.Fatalf("case %d, -U%d, old %q, new %q: %v", i, context, oldText, newText, err)
		}
		if got != newText {
			t.Fatalf("case %d, -U%d, old %q: applying hunks gave %q, want %q", i, context, oldText, got, newText)
		}
	}
}

// numbered returns lines "l<from>" to "l<to>", each ending in a newline.
func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "l%d\n", i)
	}
	return b.String()
}

// randomText draws lines from a small alphabet so that repeated lines, and
// hence ambiguous alignments, are common.
func randomText(rng *rand.Rand) string {
	alphabet := []string{"a", "b", "c", "d", "", " a"}
	var b strings.Builder
	for range rng.Intn(14) {
		b.WriteString(alphabet[rng.Intn(len(alphabet))])
		b.WriteByte('\n')
	}
	s := b.String()
	if s != "" && rng.Intn(4) == 0 {
		s = s[:len(s)-1]
	}
	return s
}

// mutate deletes, replaces and inserts a few lines, the way drift edits a
// lockfile entry, and sometimes toggles the final newline.
func mutate(rng *rand.Rand, s string) string {
	lines := strings.SplitAfter(s, "\n")
	var out []string
	for _, l := range lines {
		switch rng.Intn(6) {
		case 0:
		case 1:
			out = append(out, "new\n")
		case 2:
			out = append(out, l, "new\n")
		default:
			out = append(out, l)
		}
	}
	r := strings.Join(out, "")
	if rng.Intn(5) == 0 {
		if strings.HasSuffix(r, "\n") {
			r = strings.TrimSuffix(r, "\n")
		} else {
			r += "\n"
		}
	}
	return r
}

// applyHunks patches oldText with hunks, checking that every context and
// removed line matches the old text and that every start matches the lines
// already produced.
func applyHunks(oldText string, hunks []Hunk) (string, error) {
	old := appendLines(nil, Context, oldText)
	var out []Line
	pos := 0
	for _, h := range hunks {
		at := h.OldStart
		if h.OldLines > 0 {
			at--
		}
		if at < pos || at > len(old) {
			return "", fmt.Errorf("hunk %s starts at old line %d, before the previous hunk or past the end", h.Header(), at)
		}
		out = append(out, old[pos:at]...)
		pos = at
		if want := headerStart(len(out), h.NewLines); h.NewStart != want {
			return "", fmt.Errorf("hunk %s: new start %d, want %d", h.Header(), h.NewStart, want)
		}
		for _, l := range h.Lines {
			if l.Kind != Added {
				if pos >= len(old) || old[pos].Text != l.Text || old[pos].NoNewline != l.NoNewline {
					return "", fmt.Errorf("hunk %s: %s line %q does not match old line %d", h.Header(), l.Kind, l.Text, pos+1)
				}
				pos++
			}
			if l.Kind != Removed {
				out = append(out, Line{Kind: Context, Text: l.Text, NoNewline: l.NoNewline})
			}
		}
	}
	out = append(out, old[pos:]...)
	var b strings.Builder
	for _, l := range out {
		b.WriteString(l.Text)
		if !l.NoNewline {
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// checkShape verifies what a unified diff reader relies on: counts that
// match the lines, changes in every hunk, exactly context lines of context at
// either end unless the text ends there, and hunks merged exactly when their
// context would touch.
func checkShape(hunks []Hunk, context, oldCount int) error {
	prevEnd, prevTrail := -1, 0
	for _, h := range hunks {
		var oldN, newN, changes int
		for _, l := range h.Lines {
			if l.Kind != Added {
				oldN++
			}
			if l.Kind != Removed {
				newN++
			}
			if l.Kind != Context {
				changes++
			}
		}
		if oldN != h.OldLines || newN != h.NewLines {
			return fmt.Errorf("hunk %s holds -%d +%d lines", h.Header(), oldN, newN)
		}
		if changes == 0 {
			return fmt.Errorf("hunk %s has no changes", h.Header())
		}
		run := -1 // unchanged lines since the last change, -1 before the first
		for _, l := range h.Lines {
			switch {
			case l.Kind != Context && run > 2*context:
				return fmt.Errorf("hunk %s holds %d unchanged lines between changes and should be split", h.Header(), run)
			case l.Kind != Context:
				run = 0
			case run >= 0:
				run++
			}
		}
		lead, trail := 0, 0
		for h.Lines[lead].Kind == Context {
			lead++
		}
		for h.Lines[len(h.Lines)-1-trail].Kind == Context {
			trail++
		}
		begin := h.OldStart // old lines before the hunk
		if h.OldLines > 0 {
			begin--
		}
		end := begin + h.OldLines
		switch {
		case lead > context || trail > context:
			return fmt.Errorf("hunk %s has %d leading and %d trailing context lines, more than %d", h.Header(), lead, trail, context)
		case lead < context && begin != 0:
			return fmt.Errorf("hunk %s has %d leading context lines, want %d", h.Header(), lead, context)
		case trail < context && end != oldCount:
			return fmt.Errorf("hunk %s has %d trailing context lines, want %d", h.Header(), trail, context)
		case prevEnd >= 0 && begin < prevEnd:
			return fmt.Errorf("hunk %s overlaps the previous hunk", h.Header())
		case prevEnd >= 0 && prevTrail+begin-prevEnd+lead <= 2*context:
			return fmt.Errorf("hunk %s is %d unchanged lines from the previous one and should be merged with it", h.Header(), prevTrail+begin-prevEnd+lead)
		}
		prevEnd, prevTrail = end, trail
	}
	return nil
}
