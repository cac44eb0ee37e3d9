package diff

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzUnified checks that no pair of texts panics the diff, that the hunks
// turn the old text into the new one, and that rendering, plain and
// coloured, writes every hunk line.
func FuzzUnified(f *testing.F) {
	for _, seed := range [][2]string{
		{"a\nb\nc\n", "a\nB\nc\n"}, {"", "x\n"}, {"x\n", ""}, {"a", "a\n"}, {"a\nb", "a\nc"},
		{"same\n", "same\n"}, {"\r\n", "\n"}, {"a\n\n\nb\n", "a\nb\n"},
	} {
		f.Add(seed[0], seed[1], 3)
	}
	f.Fuzz(func(t *testing.T, oldText, newText string, context int) {
		context %= 8
		hunks := Hunks(oldText, newText, context)
		got, err := applyHunks(oldText, hunks)
		if err != nil || got != newText {
			t.Fatalf("hunks do not turn old into new (%v):\nold %q\nnew %q\ngot %q", err, oldText, newText, got)
		}
		for _, p := range []Palette{PlainPalette(), ColorPalette()} {
			var buf bytes.Buffer
			if err := RenderUnified(&buf, "a", "b", hunks, p); err != nil {
				t.Fatal(err)
			}
			if len(hunks) > 0 && strings.Count(buf.String(), "\n") < 2+len(hunks) {
				t.Fatalf("rendering lost lines:\n%s", buf.String())
			}
		}
	})
}
