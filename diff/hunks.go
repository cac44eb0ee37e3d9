package diff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// LineKind says which side of the diff a line belongs to.
type LineKind int

const (
	// Context is a line present, unchanged, on both sides.
	Context LineKind = iota
	// Removed is a line only on the old side (the lockfile).
	Removed
	// Added is a line only on the new side (what is live).
	Added
)

// String names the kind for test failures and debugging output.
func (k LineKind) String() string {
	switch k {
	case Context:
		return "context"
	case Removed:
		return "removed"
	case Added:
		return "added"
	}
	return fmt.Sprintf("LineKind(%d)", int(k))
}

// Line is one line of a hunk, without its line terminator.
type Line struct {
	Kind LineKind
	Text string
	// NoNewline marks the last line of a text that does not end in "\n", so
	// that a renderer can say so (GNU diff's "\ No newline at end of file")
	// instead of silently inventing or dropping a newline.
	NoNewline bool
}

// Hunk is a run of changes with their surrounding context.
//
// The start fields hold what a unified header prints: 1-based line numbers,
// except that a side with no lines in the hunk names the line after which the
// hunk applies (0 for the start of the text), as GNU diff does.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Lines              []Line
}

// Header returns the hunk's "@@ -a,b +c,d @@" line, omitting a count of one.
func (h Hunk) Header() string {
	return "@@ -" + headerRange(h.OldStart, h.OldLines) + " +" + headerRange(h.NewStart, h.NewLines) + " @@"
}

func headerRange(start, count int) string {
	if count == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}

// Hunks returns the unified-diff hunks that turn oldText into newText, each
// with up to context unchanged lines on either side. Changes whose context
// would overlap or touch share one hunk, as in GNU "diff -u"; a negative
// context counts as 0. Identical texts give no hunks.
//
// The diff is a minimal line diff and is deterministic: it is computed without
// a time limit, so the same inputs always give the same hunks.
func Hunks(oldText, newText string, context int) []Hunk {
	if oldText == newText {
		return nil
	}
	if context < 0 {
		context = 0
	}
	return group(script(oldText, newText), context)
}

// script returns the whole line-level edit script, with every run of changes
// ordered removals first, as unified diffs print them.
func script(oldText, newText string) []Line {
	dmp := diffmatchpatch.New()
	// Without a deadline the diff is minimal and independent of machine load.
	dmp.DiffTimeout = 0
	a, b, lines := dmp.DiffLinesToChars(oldText, newText)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)

	var out, added []Line
	for _, d := range diffs {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			out = append(out, added...)
			added = added[:0]
			out = appendLines(out, Context, d.Text)
		case diffmatchpatch.DiffDelete:
			out = appendLines(out, Removed, d.Text)
		case diffmatchpatch.DiffInsert:
			added = appendLines(added, Added, d.Text)
		}
	}
	return append(out, added...)
}

// appendLines splits text into lines of kind k. Only the final line of a text
// can lack its terminator.
func appendLines(dst []Line, k LineKind, text string) []Line {
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			return append(dst, Line{Kind: k, Text: text, NoNewline: true})
		}
		dst = append(dst, Line{Kind: k, Text: text[:i]})
		text = text[i+1:]
	}
	return dst
}

// group cuts an edit script into hunks. Two runs of changes separated by at
// most 2*context unchanged lines share a hunk, GNU diff's rule.
func group(lines []Line, context int) []Hunk {
	var hunks []Hunk
	oldPos, newPos := 0, 0 // lines of each side before lines[i]
	for i := 0; i < len(lines); {
		if lines[i].Kind == Context {
			oldPos++
			newPos++
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		for {
			for end < len(lines) && lines[end].Kind != Context {
				end++
			}
			gap := end
			for gap < len(lines) && lines[gap].Kind == Context {
				gap++
			}
			if gap == len(lines) || gap-end > 2*context {
				end = min(end+context, len(lines))
				break
			}
			end = gap
		}
		lead := i - start
		h := Hunk{Lines: lines[start:end:end]}
		for _, l := range h.Lines {
			if l.Kind != Added {
				h.OldLines++
			}
			if l.Kind != Removed {
				h.NewLines++
			}
		}
		h.OldStart = headerStart(oldPos-lead, h.OldLines)
		h.NewStart = headerStart(newPos-lead, h.NewLines)
		hunks = append(hunks, h)

		for _, l := range lines[i:end] {
			if l.Kind != Added {
				oldPos++
			}
			if l.Kind != Removed {
				newPos++
			}
		}
		i = end
	}
	return hunks
}

// headerStart converts the number of lines before a hunk into the start GNU
// diff prints: the first line of the hunk, or the line before an empty side.
func headerStart(before, count int) int {
	if count == 0 {
		return before
	}
	return before + 1
}
