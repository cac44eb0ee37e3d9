package plugin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// FuzzNormalizeImageID checks that no imageID panics, and that whatever
// identity comes out is well formed and of one kind only.
func FuzzNormalizeImageID(f *testing.F) {
	hex := strings.Repeat("ab", 32)
	for _, seed := range []string{
		"docker-pullable://nginx@sha256:" + hex, "docker://sha256:" + hex, "docker.io/library/nginx@sha256:" + hex,
		"nginx:1.18@sha256:" + hex, "sha256:" + hex, "containerd://sha256:" + hex, "localhost:5000/a@sha256:" + hex,
		"", "nginx:1.18", "@", "://", "sha512:" + hex, "a@b@sha256:" + hex, "SHA256:" + strings.ToUpper(hex),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, imageID string) {
		id := NormalizeImageID(imageID)
		if id.Digest != "" && id.ImageID != "" {
			t.Fatalf("%q gave both a digest and a config ID: %+v", imageID, id)
		}
		for _, v := range []string{id.Digest, id.ImageID} {
			if v != "" && !lockfile.IsSHA256(v) {
				t.Fatalf("%q gave a malformed identity %q", imageID, v)
			}
		}
		if d := PinnedDigest(imageID); d != "" && !lockfile.IsSHA256(d) {
			t.Fatalf("PinnedDigest(%q) = %q", imageID, d)
		}
	})
}

// FuzzReadManifests checks that no manifest panics the reader, and that every
// workload it returns locks to an entry that validates or is refused with an
// error.
func FuzzReadManifests(f *testing.F) {
	for _, name := range []string{"web.yaml", "nightly.yaml", "ghost-api.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "test", "e2e", "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: i}]}}]\n",
		"apiVersion: example.com/v1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {spec: {containers: [{name: c, image: i}]}}}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: c}]}}}\n",
		"kind: Deployment\n", "---\n---\n", "{}", "[", "apiVersion: v1\nkind: Pod\nmetadata: {name: \"\"}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "m.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		inv, err := ReadManifests(ManifestSource{Filenames: []string{path}, Namespace: "default"})
		if err != nil {
			return
		}
		for _, w := range inv.Workloads() {
			entry, _, err := LockEntry(w, nil)
			if err != nil {
				continue
			}
			lf := lockfile.New(nil)
			lf.Scope = []lockfile.Scope{{Namespace: entry.Namespace}}
			lf.Workloads = []lockfile.Workload{entry}
			if _, err := lf.Marshal(); err != nil && !strings.Contains(err.Error(), "refusing to write an invalid lockfile") {
				t.Fatalf("Marshal failed other than by validation: %v", err)
			}
		}
	})
}
