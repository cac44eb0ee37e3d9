package diff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubectl-drift/kubectl-drift/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnifiedGolden(t *testing.T) {
	locked := readTestdata(t, "workload-locked.yaml")
	live := readTestdata(t, "workload-live.yaml")
	const (
		lockName = "drift.lock.yaml apps/Deployment shop/web"
		liveName = "live apps/Deployment shop/web"
	)
	tests := []struct {
		name        string
		old, new    string
		context     int
		palette     Palette
		wantChanged bool
	}{
		{name: "workload-U0", old: locked, new: live, context: 0, palette: PlainPalette(), wantChanged: true},
		{name: "workload-U0-color", old: locked, new: live, context: 0, palette: ColorPalette(), wantChanged: true},
		{name: "workload-U1", old: locked, new: live, context: 1, palette: PlainPalette(), wantChanged: true},
		{name: "workload-U1-color", old: locked, new: live, context: 1, palette: ColorPalette(), wantChanged: true},
		{name: "workload-U3", old: locked, new: live, context: 3, palette: PlainPalette(), wantChanged: true},
		{name: "workload-U3-color", old: locked, new: live, context: 3, palette: ColorPalette(), wantChanged: true},
		{name: "no-newline-old", old: "image: nginx:1.18\nprivileged: false", new: "image: nginx:1.18\nprivileged: false\n", context: 3, palette: PlainPalette(), wantChanged: true},
		{name: "no-newline-new", old: "image: nginx:1.18\nprivileged: false\n", new: "image: nginx:1.18\nprivileged: true", context: 3, palette: PlainPalette(), wantChanged: true},
		{name: "no-newline-both", old: "image: nginx:1.18\nprivileged: false\nrunAsNonRoot: true", new: "image: nginx:1.20\nprivileged: false\nrunAsNonRoot: true", context: 3, palette: PlainPalette(), wantChanged: true},
		{name: "no-newline-both-color", old: "image: nginx:1.18\nprivileged: false", new: "image: nginx:1.18\nprivileged: true", context: 3, palette: ColorPalette(), wantChanged: true},
		{name: "empty-old", old: "", new: live, context: 3, palette: PlainPalette(), wantChanged: true},
		{name: "empty-new", old: locked, new: "", context: 3, palette: PlainPalette(), wantChanged: true},
		{name: "identical", old: locked, new: locked, context: 3, palette: ColorPalette(), wantChanged: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			changed, err := Unified(&buf, lockName, liveName, tt.old, tt.new, tt.context, tt.palette)
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			assertGolden(t, tt.name, buf.Bytes())
		})
	}
}

// assertGolden compares got with testdata/<name>.golden.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, name+".golden", got, *update)
}
