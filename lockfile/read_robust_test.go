package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, path string)
		wantErr  string // with PATH standing for the lockfile's path
		notExist bool
	}{
		{name: "valid", setup: func(t *testing.T, path string) { write(t, path, validYAML(t)) }},
		{name: "missing", setup: func(*testing.T, string) {},
			wantErr: "reading lockfile: open PATH: no such file or directory", notExist: true},
		{name: "directory", setup: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "reading lockfile PATH: read PATH: is a directory"},
		{name: "empty", setup: func(t *testing.T, path string) { write(t, path, "") },
			wantErr: "PATH: lockfile is empty"},
		{name: "comments only", setup: func(t *testing.T, path string) { write(t, path, Header+"# nothing else\n") },
			wantErr: "PATH: lockfile is empty"},
		{name: "invalid", setup: func(t *testing.T, path string) {
			write(t, path, edit(t, validYAML(t), "digest: sha256:"+strings.Repeat("a", 64), "digest: sha256:abc"))
		}, wantErr: `PATH:76: workloads[1].containers[1].digest: not a sha256 digest: "sha256:abc"`},
		{name: "larger than MaxSize, refused before parsing", setup: func(t *testing.T, path string) {
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Sparse zeros: parsing them would fail with a YAML error instead.
			if err := f.Truncate(MaxSize + 1); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "PATH: lockfile is larger than 64 MiB; refusing to read it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "drift.lock.yaml")
			tt.setup(t, path)
			lf, err := ReadFile(path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ReadFile() = %v", err)
				}
				got, _ := lf.Marshal()
				if string(got) != validYAML(t) {
					t.Errorf("ReadFile() then Marshal() = %s", got)
				}
				return
			}
			want := strings.ReplaceAll(tt.wantErr, "PATH", path)
			if err == nil || err.Error() != want {
				t.Fatalf("ReadFile() error = %v\nwant %s", err, want)
			}
			if got := errors.Is(err, os.ErrNotExist); got != tt.notExist {
				t.Errorf("errors.Is(err, os.ErrNotExist) = %v, want %v", got, tt.notExist)
			}
			if got := errors.Is(err, ErrNotExist); got != tt.notExist {
				t.Errorf("errors.Is(err, ErrNotExist) = %v, want %v", got, tt.notExist)
			}
		})
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const minimal = "apiVersion: kubectl-drift.dev/v1alpha1\nkind: DriftLock\nscope: [{namespace: a}]\n"

// TestDecodeOddInputs feeds inputs that are not lockfiles at all: each is
// refused with a message, never a panic.
func TestDecodeOddInputs(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "odd.yaml: lockfile is empty"},
		{"only a comment", "# hello\n", "odd.yaml: lockfile is empty"},
		{"only a document marker", "---\n", `odd.yaml:2: apiVersion: must be "kubectl-drift.dev/v1alpha1", got ""`},
		{"null", "~", `odd.yaml:1: apiVersion: must be "kubectl-drift.dev/v1alpha1", got ""`},
		{"empty mapping", "{}", `odd.yaml:1: apiVersion: must be "kubectl-drift.dev/v1alpha1", got ""`},
		{"empty list", "[]", "odd.yaml:1: expected a mapping"},
		{"nested lists", "- - - -", "odd.yaml:1: expected a mapping"},
		{"string", `"x"`, "odd.yaml:1: expected a mapping"},
		{"binary tag", "!!binary aGVsbG8=", "odd.yaml:1: expected a mapping"},
		{"workloads a number", "{workloads: 5}", "odd.yaml:1: workloads: expected a list"},
		{"scope a mapping", "scope: {namespace: a}", "odd.yaml:1: scope: expected a list"},
		{"apiVersion a list", "apiVersion: [a]", "odd.yaml:1: apiVersion: expected a single value"},
		{"kind a mapping", "kind: !!map {}", "odd.yaml:1: kind: expected a single value"},
		{"tab", "\t", "odd.yaml: yaml: found character that cannot start any token"},
		{"tabs and newlines", "\t\t\n\t", "odd.yaml: yaml: found character that cannot start any token"},
		{"binary garbage", "\x00\x01\xff", "odd.yaml: yaml: control characters are not allowed"},
		{"utf-16 garbage", "\xff\xfe\x00a", "odd.yaml:1: expected a mapping"},
		{"lone colon", ":", "odd.yaml: yaml: did not find expected key"},
		{"unterminated string", "'unterminated", "odd.yaml: yaml: found unexpected end of stream"},
		{"bad escape", `"\xZZ"`, "odd.yaml: yaml: did not find expected hexdecimal number"},
		{"broken second document", "kind: DriftLock\n---\n'open", "odd.yaml: yaml: line 3: found unexpected end of stream"},
		{"undefined alias", "*a", "odd.yaml: yaml: unknown anchor 'a' referenced"},
		{"anchored document", "&a a", "odd.yaml:1: anchors and aliases are not allowed in a lockfile"},
		{"complex key", "? [a]\n: b\n", "odd.yaml:1: mapping keys must be plain strings"},
		{"deep nesting", strings.Repeat("[", 100000), "odd.yaml: yaml: exceeded max depth of 10000"},
		{"deep mappings", strings.Repeat("a:\n ", 20000), "odd.yaml:1: a: unknown field"},
		{"null workload", minimal + "workloads: [~]", "odd.yaml:4: workloads[0]: list items must not be null"},
		{"null container", minimal + "workloads:\n- {kind: Pod, namespace: a, name: p, containers: [~]}",
			"odd.yaml:5: workloads[0].containers[0]: list items must not be null"},
		{"null capability", minimal + "workloads:\n- kind: Pod\n  namespace: a\n  name: p\n  containers:\n  - securityContext: {capabilities: {drop: [ALL, ~]}}",
			"odd.yaml:9: workloads[0].containers[0].securityContext.capabilities.drop[1]: list items must not be null"},
		{"no containers", minimal + "workloads:\n- {kind: Pod, namespace: a, name: p}",
			"odd.yaml:5: workloads[0].containers: must list at least one container"},
		{"empty containers", minimal + "workloads:\n- {kind: Pod, namespace: a, name: p, containers: []}",
			"odd.yaml:5: workloads[0].containers: must list at least one container"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lf, err := Decode("odd.yaml", []byte(tt.in))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Decode(%.40q) error = %v\nwant %s", tt.in, err, tt.wantErr)
			}
			if lf != nil {
				t.Errorf("Decode() returned a lockfile with an error")
			}
		})
	}
}

// TestDecodeNullsAreZero pins that a null mapping or list value reads as its
// zero value: it is the same as leaving the field out.
func TestDecodeNullsAreZero(t *testing.T) {
	in := minimal + "cluster: ~\nworkloads:\n- {kind: Pod, namespace: a, name: p, pod: ~, containers: [{name: c, image: i, digest: " +
		digest("a") + ", entrypoint: " + digest("b") + ", securityContext: ~, hostPaths: ~}]}\n"
	lf, err := Decode("nulls.yaml", []byte(in))
	if err != nil {
		t.Fatalf("Decode() = %v", err)
	}
	if lf.Cluster != nil || !reflect.DeepEqual(lf.Workloads[0].Pod, PodPosture{}) || lf.Workloads[0].Containers[0].HostPaths != nil {
		t.Errorf("Decode() = %+v, want zero values for the null fields", lf)
	}
}

// TestDecodeAliasBomb is the "billion laughs": nine levels of ten aliases
// would expand to 10^9 strings. Aliases are refused where they first appear,
// before anything expands them.
func TestDecodeAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(minimal + "workloads:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for c := 'b'; c <= 'i'; c++ {
		prev := string(c - 1)
		b.WriteString("  - &" + string(c) + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n")
	}
	bomb := b.String()
	tests := []struct {
		name, in, wantErr string
	}{
		{"in a known field", bomb, "bomb.yaml:5: workloads[0]: anchors and aliases are not allowed in a lockfile"},
		{"under an unknown field", strings.Replace(bomb, "workloads:", "lol:", 1), "bomb.yaml:4: lol: unknown field"},
		{"aliases only", minimal + "cluster: {server: &s x}\nworkloads: [" + strings.Repeat("*s, ", 1000) + "*s]\n",
			"bomb.yaml:4: cluster.server: anchors and aliases are not allowed in a lockfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Decode("bomb.yaml", []byte(tt.in))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Decode() error = %v\nwant %s", err, tt.wantErr)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Decode() took %v; aliases must be refused before they expand", d)
			}
		})
	}
}

// FuzzDecode checks that no input panics, and that whatever Decode accepts
// renders to a canonical form that reads back byte-identical.
func FuzzDecode(f *testing.F) {
	valid, err := os.ReadFile(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{string(valid), minimal, "~", "[]", `"x"`, "{workloads: 5}", "\t", "\x00\x01\xff",
		"&a a", minimal + "workloads: [~]", "a: 1\n---\nb: 2\n", "kind: DriftLock\nkind: DriftLock\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := Decode("fuzz.yaml", data)
		if err != nil {
			return
		}
		first, err := lf.Marshal()
		if err != nil {
			t.Fatalf("Decode accepted a lockfile Marshal refuses: %v", err)
		}
		again, err := Decode("fuzz.yaml", first)
		if err != nil {
			t.Fatalf("Decode refuses what Marshal wrote: %v\n%s", err, first)
		}
		second, err := again.Marshal()
		if err != nil || string(first) != string(second) {
			t.Fatalf("canonical form is not stable (%v):\n%s\n---\n%s", err, first, second)
		}
	})
}
