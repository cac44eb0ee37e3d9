package cmd

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/kubectl-drift/kubectl-drift/diff"
)

type colorMode string

const (
	colorAuto   colorMode = "auto"
	colorAlways colorMode = "always"
	colorNever  colorMode = "never"
)

func parseColor(s string) (colorMode, error) {
	switch m := colorMode(s); m {
	case colorAuto, colorAlways, colorNever:
		return m, nil
	}
	return "", fmt.Errorf("invalid --color %q: use auto, always or never", s)
}

// palette chooses the diff palette: always and never are what they say; auto
// colours only a terminal, and never when NO_COLOR is set or TERM is dumb.
func palette(mode colorMode, out io.Writer) diff.Palette {
	switch mode {
	case colorAlways:
		return diff.ColorPalette()
	case colorNever:
		return diff.PlainPalette()
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return diff.PlainPalette()
	}
	if f, ok := out.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return diff.ColorPalette()
	}
	return diff.PlainPalette()
}
