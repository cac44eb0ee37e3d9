package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// offline is a working directory for runs over manifests with no cluster at
// all: no kubeconfig, an empty HOME, and a Docker config of its own.
type offline struct {
	t        *testing.T
	dir      string
	lockfile string
	env      []string
}

func newOffline(t *testing.T) *offline {
	t.Helper()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &offline{t: t, dir: dir, lockfile: filepath.Join(dir, "drift.lock.yaml"), env: []string{
		"HOME=" + home, "KUBECONFIG=" + filepath.Join(dir, "no-such-kubeconfig"),
		"DOCKER_CONFIG=" + filepath.Join(home, ".docker"),
		// Any attempt to reach a cluster would fail loudly.
		"KUBERNETES_SERVICE_HOST=", "KUBERNETES_SERVICE_PORT=",
	}}
}

// drift runs the binary with the directory's lockfile and environment.
func (o *offline) drift(args ...string) result {
	o.t.Helper()
	return o.driftStdin(nil, args...)
}

func (o *offline) driftStdin(stdin []byte, args ...string) result {
	o.t.Helper()
	if !hasFlag(args, "--lockfile") {
		args = append(args, "--lockfile", o.lockfile)
	}
	return runProgram(o.t, shared.binary, args, stdin, o.env...)
}

// write creates a file under the directory from text, with {{.Host}}
// replaced by host, and returns its path.
func (o *offline) write(name, text, host string) string {
	o.t.Helper()
	path := filepath.Join(o.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		o.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "{{.Host}}", host)), 0o644); err != nil {
		o.t.Fatal(err)
	}
	return path
}

// deployment renders a one-container Deployment manifest.
func deployment(name, namespace, image, securityContext string) string {
	ns := ""
	if namespace != "" {
		ns = "\n  namespace: " + namespace
	}
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ` + name + ns + `
spec:
  selector:
    matchLabels: {app: ` + name + `}
  template:
    metadata:
      labels: {app: ` + name + `}
    spec:
      containers:
      - name: app
        image: ` + image + `
        securityContext: {` + securityContext + `}
`
}

func TestManifestsPinnedWithNoClusterAndNoNetwork(t *testing.T) {
	t.Parallel()
	o := newOffline(t)
	dir := filepath.Join(o.dir, "manifests")
	o.write("manifests/web.yaml", deployment("web", "shop", webImage, "readOnlyRootFilesystem: true"), "")
	o.write("manifests/nightly.yaml", strings.Replace(readTestdata(t, "nightly.yaml"), "metadata:\n  name: nightly", "metadata:\n  name: nightly\n  namespace: shop", 1), "")

	r := o.drift("lock", "-f", dir)
	expect(t, r, 0)
	contains(t, "stderr", r.stderr, "locked 2 workload(s) in the manifests given")
	lock := string(readFile(t, o.lockfile))
	contains(t, "lockfile", lock, "- namespace: shop", "name: web", "digest: sha256:1111", "name: nightly", "digest: sha256:2222")
	if strings.Contains(lock, "cluster:") {
		t.Errorf("a lockfile made from manifests names a cluster:\n%s", lock)
	}
	expect(t, o.drift("check", "-f", dir), 0)

	// An image bump and privileged: true in the manifests are drift before deploying.
	o.write("manifests/web.yaml", deployment("web", "shop", webImageNew, "readOnlyRootFilesystem: true, privileged: true"), "")
	r = o.drift("check", "-f", dir, "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout, "--- lock apps/Deployment/shop/web", "+      image: "+webImageNew,
		"-        privileged: false", "+        privileged: true", "drift: 1 changed")

	// A workload the manifests no longer hold is missing.
	if err := os.Remove(filepath.Join(dir, "nightly.yaml")); err != nil {
		t.Fatal(err)
	}
	r = o.drift("check", "-f", dir, "-o", "json")
	expect(t, r, 1)
	contains(t, "json", r.stdout, `"reason": "missing"`, `"name": "nightly"`)
}

func TestManifestsFromStdinListsAndKustomize(t *testing.T) {
	t.Parallel()
	o := newOffline(t)
	list := `apiVersion: v1
kind: List
items:
- ` + strings.ReplaceAll(strings.TrimSpace(deployment("api", "", webImage, "")), "\n", "\n  ") + `
- ` + strings.ReplaceAll(strings.TrimSpace(deployment("worker", "", webImage, "")), "\n", "\n  ") + `
`
	o.write("tree/team/deep/list.yaml", list, "")

	// Without -R a directory's subdirectories are not read.
	r := o.drift("lock", "-n", "team", "-f", filepath.Join(o.dir, "tree"))
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "reading manifests", "tree")

	r = o.drift("lock", "-n", "team", "-f", filepath.Join(o.dir, "tree"), "-R")
	expect(t, r, 0)
	contains(t, "lockfile", string(readFile(t, o.lockfile)), "namespace: team\n    name: api", "namespace: team\n    name: worker")

	// Standard input, with the namespace from -n.
	r = o.driftStdin([]byte(list), "check", "-n", "team", "-f", "-")
	expect(t, r, 0)

	// A kustomize directory that sets the namespace and bumps the image.
	o.write("kust/base/deploy.yaml", deployment("api", "", webImage, ""), "")
	o.write("kust/base/kustomization.yaml", "resources: [deploy.yaml]\n", "")
	o.write("kust/overlay/kustomization.yaml", `namespace: team
resources: [../base]
images:
- name: registry.local/shop/nginx
  newTag: "1.20@sha256:4444444444444444444444444444444444444444444444444444444444444444"
`, "")
	r = o.drift("check", "-n", "team", "-k", filepath.Join(o.dir, "kust/overlay"), "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout, "--- lock apps/Deployment/team/api", "+      digest: sha256:4444", "missing")
}

func TestManifestsBadInput(t *testing.T) {
	t.Parallel()
	o := newOffline(t)
	bad := o.write("bad.yaml", deployment("web", "shop", webImage, "privilegd: true"), "")
	r := o.drift("lock", "-f", bad)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, bad, "Deployment shop/web", "privilegd")

	broken := o.write("broken.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: [\n", "")
	r = o.drift("lock", "-f", broken)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "broken.yaml")

	r = o.drift("lock", "-f", filepath.Join(o.dir, "absent.yaml"))
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "absent.yaml")

	for _, args := range [][]string{{"lock", "-f", bad, "-A"}, {"lock", "-f", bad, "-k", o.dir}, {"check", "-R"}} {
		if r := o.drift(args...); r.code != 2 || r.stderr == "" {
			t.Errorf("%v: want exit 2 with a message, got %s", args, r)
		}
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	return string(readFile(t, filepath.Join("testdata", name)))
}

// The README's first offline command shows a real drift diff.
func TestExamplesShowDrift(t *testing.T) {
	t.Parallel()
	o := newOffline(t)
	examples := filepath.Join("..", "..", "examples")
	r := o.drift("check", "-f", filepath.Join(examples, "manifests"), "--lockfile", filepath.Join(examples, "drift.lock.yaml"), "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout, "--- lock apps/Deployment/shop/web", "+        privileged: true", "+            - NET_RAW",
		"drift: 1 changed, 0 unlocked, 0 missing")
}
