package diff

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gnuDiff runs GNU "diff -u" on the two texts with fixed labels, so that its
// whole output, headers included, can be compared with ours. The comparison
// is the point of these tests, so a missing GNU diff fails them.
func gnuDiff(t *testing.T, oldText, newText string, context int) string {
	t.Helper()
	path, err := exec.LookPath("diff")
	if err != nil {
		t.Fatalf("GNU diff is required to check hunk headers: %v", err)
	}
	dir := t.TempDir()
	oldPath, newPath := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for p, s := range map[string]string{oldPath: oldText, newPath: newText} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(path, "--minimal", "-U", strconv.Itoa(context), "--label", "a", "--label", "b", oldPath, newPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("%s: %v: %s", cmd, err, stderr.String())
	}
	return string(out)
}

func ours(t *testing.T, oldText, newText string, context int) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Unified(&buf, "a", "b", oldText, newText, context, PlainPalette()); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGNUDiffIsGNU(t *testing.T) {
	out, err := exec.Command("diff", "--version").Output()
	if err != nil {
		t.Fatalf("GNU diff is required to check hunk headers: %v", err)
	}
	if !strings.Contains(string(out), "GNU diffutils") {
		t.Fatalf("diff on PATH is not GNU diffutils: %s", out)
	}
}

// TestMatchesGNUDiff compares whole outputs on inputs whose longest common
// subsequence is unique, where any minimal diff must print the same lines.
func TestMatchesGNUDiff(t *testing.T) {
	twenty := numbered(1, 20)
	tests := []struct {
		name     string
		old, new string
	}{
		{name: "lockfile workload", old: readTestdata(t, "workload-locked.yaml"), new: readTestdata(t, "workload-live.yaml")},
		{name: "empty old", old: "", new: "a\nb\n"},
		{name: "empty new", old: "a\nb\n", new: ""},
		{name: "empty old, new without newline", old: "", new: "a"},
		{name: "one empty line added", old: "", new: "\n"},
		{name: "one empty line removed", old: "\n", new: ""},
		{name: "old lacks final newline", old: "a\nb\nc", new: "a\nb\nc\n"},
		{name: "new lacks final newline", old: "a\nb\nc\n", new: "a\nb\nc"},
		{name: "both lack final newline", old: "a\nb\nc", new: "a\nb\nd"},
		{name: "unchanged last line without newline", old: "a\nb\nc\nd\ne", new: "x\nb\nc\nd\ne"},
		{name: "append after line without newline", old: "a\nb", new: "a\nb\nc\n"},
		{name: "insert after line 5", old: numbered(1, 10), new: numbered(1, 5) + "x\ny\n" + numbered(6, 10)},
		{name: "delete first line", old: twenty, new: numbered(2, 20)},
		{name: "delete last line", old: twenty, new: numbered(1, 19)},
		{name: "first and last lines changed", old: twenty, new: "x\n" + numbered(2, 19) + "y\n"},
		{name: "everything replaced", old: numbered(1, 4), new: numbered(5, 9)},
		{name: "carriage returns", old: "a\r\nb\r\n", new: "a\r\nc\r\n"},
		{name: "lines that look like diff syntax", old: "--- x\n+++ y\n@@ -1 +1 @@\n", new: "--- x\n+++ z\n@@ -1 +1 @@\n\\ No newline\n"},
	}
	// Two changes at every distance, around the merge threshold of each -U.
	for gap := 0; gap <= 8; gap++ {
		tests = append(tests, struct {
			name     string
			old, new string
		}{
			name: fmt.Sprintf("changes %d lines apart", gap),
			old:  twenty,
			new:  numbered(1, 4) + "x\n" + numbered(6, 6+gap-1) + "y\n" + numbered(6+gap+1, 20),
		})
	}
	for _, tt := range tests {
		for _, context := range []int{0, 1, 2, 3, 5} {
			t.Run(fmt.Sprintf("%s/U%d", tt.name, context), func(t *testing.T) {
				if got, want := ours(t, tt.old, tt.new, context), gnuDiff(t, tt.old, tt.new, context); got != want {
					t.Errorf("output differs from GNU diff\ngot:\n%s\nwant:\n%s", got, want)
				}
			})
		}
	}
}

// TestMatchesGNUDiffDistinctLines edits texts whose lines are all distinct,
// so the alignment is unique and the outputs must be identical.
func TestMatchesGNUDiffDistinctLines(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := range 150 {
		var oldLines, newLines []string
		fresh := 0
		for j := range rng.Intn(30) {
			line := fmt.Sprintf("line %d\n", j)
			oldLines = append(oldLines, line)
			switch rng.Intn(8) {
			case 0: // removed
			case 1: // replaced
				fresh++
				newLines = append(newLines, fmt.Sprintf("new %d\n", fresh))
			case 2: // followed by an insertion
				fresh++
				newLines = append(newLines, line, fmt.Sprintf("new %d\n", fresh))
			default:
				newLines = append(newLines, line)
			}
		}
		oldText, newText := strings.Join(oldLines, ""), strings.Join(newLines, "")
		if rng.Intn(4) == 0 {
			oldText = strings.TrimSuffix(oldText, "\n")
		}
		if rng.Intn(4) == 0 {
			newText = strings.TrimSuffix(newText, "\n")
		}
		context := rng.Intn(5)
		if got, want := ours(t, oldText, newText, context), gnuDiff(t, oldText, newText, context); got != want {
			t.Fatalf("case %d, -U%d: output differs from GNU diff\nold %q\nnew %q\ngot:\n%s\nwant:\n%s", i, context, oldText, newText, got, want)
		}
	}
}

// TestEditSizeMatchesGNUDiff covers inputs with repeated lines. GNU diff may
// align those differently, but both diffs are minimal, so they remove and add
// the same number of lines.
func TestEditSizeMatchesGNUDiff(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for i := range 150 {
		oldText := randomText(rng)
		newText := mutate(rng, oldText)
		if i%3 == 0 {
			newText = randomText(rng)
		}
		got, want := ours(t, oldText, newText, 0), gnuDiff(t, oldText, newText, 0)
		if g, w := editSize(got), editSize(want); g != w {
			t.Fatalf("case %d: removed/added %v, GNU diff %v\nold %q\nnew %q\ngot:\n%s\nwant:\n%s", i, g, w, oldText, newText, got, want)
		}
	}
}

// editSize counts removed and added lines in a rendered unified diff.
func editSize(unified string) [2]int {
	var n [2]int
	lines := strings.Split(unified, "\n")
	if len(lines) < 2 {
		return n
	}
	for _, l := range lines[2:] { // after the "---" and "+++" headers
		switch {
		case strings.HasPrefix(l, "-"):
			n[0]++
		case strings.HasPrefix(l, "+"):
			n[1]++
		}
	}
	return n
}
