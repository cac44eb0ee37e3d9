package diff

import (
	"bufio"
	"fmt"
	"io"

	"github.com/fatih/color"
)

// Palette says how each kind of unified-diff line is coloured. A nil field
// leaves that kind plain, so the zero Palette renders plain text.
//
// A Palette is an explicit value rather than a global switch so that the
// command decides once (from --color, NO_COLOR and TERM) and tests can render
// both forms side by side.
type Palette struct {
	FileHeader *color.Color // "---" and "+++" lines
	HunkHeader *color.Color // "@@ -a,b +c,d @@" lines
	Removed    *color.Color // "-" lines: the old side
	Added      *color.Color // "+" lines: the new side
	Context    *color.Color // " " lines
}

// PlainPalette renders without escape sequences, for pipes, files and
// NO_COLOR.
func PlainPalette() Palette {
	return Palette{}
}

// ColorPalette renders bold file headers, cyan hunk headers, red removals and
// green additions, leaving context plain. Its colours are forced on: they do
// not consult fatih/color's process-wide terminal detection, which cannot know
// about --color=always.
func ColorPalette() Palette {
	p := Palette{
		FileHeader: color.New(color.Bold),
		HunkHeader: color.New(color.FgCyan),
		Removed:    color.New(color.FgRed),
		Added:      color.New(color.FgGreen),
	}
	for _, c := range []*color.Color{p.FileHeader, p.HunkHeader, p.Removed, p.Added} {
		c.EnableColor()
	}
	return p
}

// noNewlineMarker follows a line that ends its text without a newline.
const noNewlineMarker = `\ No newline at end of file`

// RenderUnified writes hunks as a unified diff: "--- oldName" and
// "+++ newName" headers, then each hunk's header and its lines prefixed with
// ' ', '-' or '+'. Each line is coloured as a whole, with the reset before the
// newline, so that tools reading line by line never see a colour leak across
// lines. Nothing is written when there are no hunks.
func RenderUnified(w io.Writer, oldName, newName string, hunks []Hunk, p Palette) error {
	if len(hunks) == 0 {
		return nil
	}
	bw := bufio.NewWriter(w)
	writeLine(bw, p.FileHeader, "--- "+oldName)
	writeLine(bw, p.FileHeader, "+++ "+newName)
	for _, h := range hunks {
		writeLine(bw, p.HunkHeader, h.Header())
		for _, l := range h.Lines {
			switch l.Kind {
			case Removed:
				writeLine(bw, p.Removed, "-"+l.Text)
			case Added:
				writeLine(bw, p.Added, "+"+l.Text)
			default:
				writeLine(bw, p.Context, " "+l.Text)
			}
			if l.NoNewline {
				writeLine(bw, nil, noNewlineMarker)
			}
		}
	}
	// bufio.Writer keeps the first write error and reports it here.
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing unified diff: %w", err)
	}
	return nil
}

func writeLine(bw *bufio.Writer, c *color.Color, s string) {
	if c != nil {
		s = c.Sprint(s)
	}
	bw.WriteString(s)
	bw.WriteByte('\n')
}

// Unified computes the hunks between oldText and newText and renders them with
// RenderUnified. It reports whether the texts differ, so a caller can decide
// drift and print in one step.
func Unified(w io.Writer, oldName, newName, oldText, newText string, context int, p Palette) (changed bool, err error) {
	hunks := Hunks(oldText, newText, context)
	if len(hunks) == 0 {
		return false, nil
	}
	return true, RenderUnified(w, oldName, newName, hunks, p)
}
