package diff

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/fatih/color"
)

var errClosed = errors.New("closed pipe")

// failingWriter accepts n bytes, then fails every write.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, errClosed
}

func TestRenderUnifiedWriteErrors(t *testing.T) {
	small := Hunks("a\n", "b\n", 3)
	large := Hunks(strings.Repeat("locked line\n", 2000), strings.Repeat("live line\n", 2000), 3)
	tests := []struct {
		name   string
		hunks  []Hunk
		accept int
	}{
		{name: "fails at once", hunks: small, accept: 0},
		{name: "fails midway through a small diff", hunks: small, accept: 10},
		{name: "fails after the first buffer of a large diff", hunks: large, accept: 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RenderUnified(&failingWriter{n: tt.accept}, "a", "b", tt.hunks, ColorPalette())
			if !errors.Is(err, errClosed) {
				t.Fatalf("err = %v, want %v", err, errClosed)
			}
			if want := "writing unified diff: closed pipe"; err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
		})
	}
}

func TestRenderUnifiedNoHunks(t *testing.T) {
	tests := []struct {
		name  string
		hunks []Hunk
	}{
		{name: "nil", hunks: nil},
		{name: "empty", hunks: []Hunk{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A writer that fails proves nothing was written.
			if err := RenderUnified(&failingWriter{}, "a", "b", tt.hunks, ColorPalette()); err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
		})
	}
}

// TestPaletteIgnoresGlobalNoColor pins that colour is the caller's choice:
// fatih/color's process-wide NoColor, set from terminal detection, changes
// neither palette.
func TestPaletteIgnoresGlobalNoColor(t *testing.T) {
	saved := color.NoColor
	t.Cleanup(func() { color.NoColor = saved })
	tests := []struct {
		name      string
		noColor   bool
		palette   Palette
		wantColor bool
	}{
		{name: "color palette, no terminal", noColor: true, palette: ColorPalette(), wantColor: true},
		{name: "color palette, terminal", noColor: false, palette: ColorPalette(), wantColor: true},
		{name: "plain palette, terminal", noColor: false, palette: PlainPalette(), wantColor: false},
		{name: "plain palette, no terminal", noColor: true, palette: PlainPalette(), wantColor: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			color.NoColor = tt.noColor
			var buf bytes.Buffer
			if _, err := Unified(&buf, "a", "b", "x\n", "y\n", 3, tt.palette); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(buf.String(), "\x1b["); got != tt.wantColor {
				t.Errorf("coloured = %v, want %v:\n%q", got, tt.wantColor, buf.String())
			}
		})
	}
}

// TestColorEndsEachLine checks that every coloured line resets before its
// newline, so a pager or grep reading line by line never inherits a colour.
func TestColorEndsEachLine(t *testing.T) {
	var buf bytes.Buffer
	old := readTestdata(t, "workload-locked.yaml")
	live := readTestdata(t, "workload-live.yaml")
	if _, err := Unified(&buf, "a", "b", old, strings.TrimSuffix(live, "\n"), 1, ColorPalette()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		prefix string
		start  string
		reset  string
	}{
		{name: "file headers are bold", prefix: "--- ", start: "\x1b[1m", reset: "\x1b[22m"},
		{name: "hunk headers are cyan", prefix: "@@ ", start: "\x1b[36m", reset: "\x1b[0m"},
		{name: "removals are red", prefix: "-  ", start: "\x1b[31m", reset: "\x1b[0m"},
		{name: "additions are green", prefix: "+  ", start: "\x1b[32m", reset: "\x1b[0m"},
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			for _, l := range lines {
				if !strings.HasPrefix(l, tt.start+tt.prefix) {
					continue
				}
				found = true
				if !strings.HasSuffix(l, tt.reset) {
					t.Errorf("line %q does not end with its reset", l)
				}
			}
			if !found {
				t.Errorf("no line starts with %q", tt.start+tt.prefix)
			}
		})
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "\x1b[") && strings.Contains(l, "\x1b[") {
			t.Errorf("plain line %q carries an escape sequence", l)
		}
	}
}
