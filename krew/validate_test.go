package krew

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each file in testdata/invalid breaks one rule. Its first lines say what
// is broken, the error Validate must give ("# want: ...") and what krew v0.4.3
// itself does with it ("# krew: refuses: <its message>" or "# krew: accepts"
// where Validate is stricter); the end-to-end suite checks the latter with
// the real krew.
func TestValidateRefusesBrokenManifests(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("found %d cases in testdata/invalid, want every rule covered", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := header(string(data), "want")
			if want == "" || header(string(data), "krew") == "" {
				t.Fatalf("%s lacks a '# want:' or '# krew:' line", file)
			}
			// Every case is read as drift.yaml, the name krew would give it.
			err = Validate("drift.yaml", data)
			if err == nil || err.Error() != want {
				t.Errorf("got error\n  %v\nwant\n  %s", err, want)
			}
		})
	}
}

// header returns the value of the "# key: value" comment line in data.
func header(data, key string) string {
	for _, line := range strings.Split(data, "\n") {
		if v, ok := strings.CutPrefix(line, "# "+key+": "); ok {
			return v
		}
	}
	return ""
}

// The plugin is named after the manifest's file, as krew names it.
func TestValidateChecksTheFileName(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "drift.golden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file string
		data string
		want string
	}{
		{name: "drift.yaml", file: "drift.yaml", data: string(valid)},
		{name: "in a directory", file: filepath.Join("dist", "drift.yaml"), data: string(valid)},
		{
			name: "another extension",
			file: "drift.yml",
			data: string(valid),
			want: `drift.yml: a plugin manifest's file name must end in ".yaml", not ".yml"`,
		},
		{
			name: "another name",
			file: "kubectl-drift.yaml",
			data: string(valid),
			want: `kubectl-drift.yaml:4: metadata.name: the plugin should be named "kubectl-drift", as its file, not "drift"`,
		},
		{
			name: "a name Windows reserves",
			file: "con.yaml",
			data: strings.Replace(string(valid), "name: drift", "name: con", 1),
			want: `con.yaml:4: metadata.name: the plugin name "con" is not allowed, must match ^[\w-]+$`,
		},
		{
			name: "a name with a dot",
			file: "drift.v2.yaml",
			data: strings.Replace(string(valid), "name: drift", "name: drift.v2", 1),
			want: `drift.v2.yaml:4: metadata.name: the plugin name "drift.v2" is not allowed, must match ^[\w-]+$`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.file, []byte(tt.data))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("got error\n  %v\nwant\n  %s", err, tt.want)
			}
		})
	}
}

func TestValidateFile(t *testing.T) {
	if err := ValidateFile(filepath.Join("testdata", "drift.golden.yaml")); err == nil ||
		err.Error() != `testdata/drift.golden.yaml:4: metadata.name: the plugin name "drift.golden" is not allowed, must match ^[\w-]+$` {
		t.Errorf("got %v", err)
	}
	path := filepath.Join(t.TempDir(), "drift.yaml")
	if err := ValidateFile(path); err == nil || !strings.Contains(err.Error(), "reading plugin manifest: open "+path) {
		t.Errorf("got %v", err)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "drift.golden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, golden, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ValidateFile(path); err != nil {
		t.Errorf("unexpected error: %v", err)
	}
}
