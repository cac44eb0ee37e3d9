package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMarshalGolden(t *testing.T) {
	got, err := fixture().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "valid.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := validYAML(t); string(got) != want {
		t.Errorf("Marshal() differs from %s (run with -update to rewrite):\n%s", golden, got)
	}
	if !strings.HasPrefix(string(got), Header+"apiVersion: "+APIVersion+"\nkind: "+Kind+"\n") {
		t.Errorf("Marshal() does not open with the header, apiVersion and kind:\n%s", got)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	first, err := fixture().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	lf, err := Decode("drift.lock.yaml", first)
	if err != nil {
		t.Fatalf("Decode(Marshal()) = %v", err)
	}
	second, err := lf.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Errorf("round trip is not byte-identical:\n--- first\n%s\n--- second\n%s", first, second)
	}
}

func TestMarshalSortsDeterministically(t *testing.T) {
	c := func(name string, init bool) Container {
		k := container(name, "img", digest("a"))
		k.Init = init
		return k
	}
	id := func(ns, group, kind, name string) WorkloadID {
		return WorkloadID{Group: group, Kind: kind, Namespace: ns, Name: name}
	}
	lf := lockfileOf(
		[]Scope{{Namespace: "b"}, {Namespace: "a", Selector: "x=1"}, {AllNamespaces: true, Selector: "y=2"}, {Namespace: "a"}, {Namespace: "b"}},
		workload(id("b", "", "Pod", "z"), c("one", false)),
		workload(id("a", "batch", "Job", "j"), c("one", false)),
		workload(id("a", "apps", "StatefulSet", "s"), c("one", false)),
		workload(id("a", "apps", "Deployment", "web"), c("zeta", false), c("alpha", false), c("wait", true), c("init", true)),
		workload(id("a", "apps", "Deployment", "api"), c("one", false)),
		workload(id("a", "", "Pod", "p"), c("one", false)),
	)
	if _, err := lf.Marshal(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, w := range lf.Workloads {
		ids = append(ids, w.WorkloadID.String())
	}
	wantIDs := []string{"Pod/a/p", "apps/Deployment/a/api", "apps/Deployment/a/web", "apps/StatefulSet/a/s", "batch/Job/a/j", "Pod/b/z"}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("workload order = %q, want %q", ids, wantIDs)
	}
	var names []string
	for _, c := range lf.Workloads[2].Containers {
		names = append(names, c.Name)
	}
	if want := []string{"init", "wait", "alpha", "zeta"}; !slices.Equal(names, want) {
		t.Errorf("container order = %q, want %q (init containers first, each by name)", names, want)
	}
	wantScope := []Scope{{AllNamespaces: true, Selector: "y=2"}, {Namespace: "a"}, {Namespace: "a", Selector: "x=1"}, {Namespace: "b"}}
	if !slices.Equal(lf.Scope, wantScope) {
		t.Errorf("scope = %+v, want %+v (sorted, duplicates dropped)", lf.Scope, wantScope)
	}

	// Any input order renders the same bytes.
	a, _ := fixture().Marshal()
	shuffled := fixture()
	slices.Reverse(shuffled.Workloads)
	slices.Reverse(shuffled.Scope)
	for i := range shuffled.Workloads {
		slices.Reverse(shuffled.Workloads[i].Containers)
	}
	b, err := shuffled.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("Marshal depends on input order:\n%s\n---\n%s", a, b)
	}
}

func TestMarshalRefusesInvalid(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Lockfile)
		wantErr string
	}{
		{"wrong apiVersion", func(lf *Lockfile) { lf.APIVersion = "v1" },
			`refusing to write an invalid lockfile: apiVersion: must be "kubectl-drift.dev/v1alpha1", got "v1"`},
		{"no scope", func(lf *Lockfile) { lf.Scope = nil },
			"refusing to write an invalid lockfile: scope: must name at least one namespace or allNamespaces"},
		{"bad digest", func(lf *Lockfile) { lf.Workloads[1].Containers[1].Digest = "sha256:abc" },
			`refusing to write an invalid lockfile: workloads[1].containers[1].digest: not a sha256 digest: "sha256:abc"`},
		{"ephemeral container", func(lf *Lockfile) { lf.Workloads[0].Containers[0].Ephemeral = true },
			"refusing to write an invalid lockfile: workloads[0].containers[0].ephemeral: ephemeral containers are never approved"},
		{"duplicate workload", func(lf *Lockfile) { lf.Workloads = append(lf.Workloads, lf.Workloads[0]) },
			"refusing to write an invalid lockfile: workloads[1]: duplicate workload batch/CronJob/batch/report (also workloads[0])"},
		{"outside the scope", func(lf *Lockfile) { lf.Scope = lf.Scope[:1] },
			`refusing to write an invalid lockfile: workloads[1].namespace: namespace "shop" is outside the lockfile's scope`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lf := fixture()
			lf.Sort() // so the paths in the messages are the canonical ones
			tt.mutate(lf)
			out, err := lf.Marshal()
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Marshal() error = %v, want %q", err, tt.wantErr)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("Marshal() error %v does not wrap a *FieldError", err)
			}
			if out != nil {
				t.Errorf("Marshal() returned %d bytes with an error", len(out))
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	tests := []struct {
		name     string
		existing *os.FileMode // nil: no file before the write
		wantMode os.FileMode
	}{
		{name: "new file gets 0644", wantMode: 0o644},
		{name: "keeps 0600", existing: ptr(os.FileMode(0o600)), wantMode: 0o600},
		{name: "keeps 0640", existing: ptr(os.FileMode(0o640)), wantMode: 0o640},
		{name: "keeps 0755", existing: ptr(os.FileMode(0o755)), wantMode: 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "drift.lock.yaml")
			if tt.existing != nil {
				if err := os.WriteFile(path, []byte("old content that is longer than the new one\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, *tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			data := []byte("new\n")
			if err := WriteFileAtomic(path, data); err != nil {
				t.Fatalf("WriteFileAtomic() = %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(data) {
				t.Errorf("content = %q, want %q", got, data)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.wantMode {
				t.Errorf("mode = %v, want %v", fi.Mode().Perm(), tt.wantMode)
			}
			if left := listTemp(t, dir, "drift.lock.yaml"); len(left) > 0 {
				t.Errorf("files left behind: %q", left)
			}
		})
	}
}

func TestWriteFileAtomicFailure(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) string // returns the target path
		wantErr  func(dir string) string               // the message's stable prefix
		wantNoEn bool                                  // errors.Is(err, os.ErrNotExist)
	}{
		{
			name:  "directory does not exist",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "missing", "drift.lock.yaml") },
			wantErr: func(dir string) string {
				return "writing " + filepath.Join(dir, "missing", "drift.lock.yaml") + ": open "
			},
			wantNoEn: true,
		},
		{
			name: "target is a non-empty directory",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "drift.lock.yaml")
				if err := os.MkdirAll(filepath.Join(path, "child"), 0o755); err != nil {
					t.Fatal(err)
				}
				return path
			},
			wantErr: func(dir string) string { return "writing " + filepath.Join(dir, "drift.lock.yaml") + ": rename " },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			err := WriteFileAtomic(path, []byte("new\n"))
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr(dir)) {
				t.Fatalf("WriteFileAtomic() error = %v, want prefix %q", err, tt.wantErr(dir))
			}
			if got := errors.Is(err, os.ErrNotExist); got != tt.wantNoEn {
				t.Errorf("errors.Is(err, os.ErrNotExist) = %v, want %v", got, tt.wantNoEn)
			}
			if left := listTemp(t, dir, "drift.lock.yaml"); len(left) > 0 {
				t.Errorf("temporary files left behind: %q", left)
			}
		})
	}
}
