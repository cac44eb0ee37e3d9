package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckMissingLockfile(t *testing.T) {
	t.Parallel()
	s := newScenario(t, "fail-nolock")
	r := s.drift("check")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "no lockfile at "+s.lockfile, "kubectl drift lock")

	// JSON output is one document, also on exit 2.
	r = s.drift("check", "-o", "json")
	expect(t, r, 2)
	var doc struct {
		Drift  bool `json:"drift"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Errors) != 1 {
		t.Fatalf("want one JSON document with one error, got %v\n%s", err, r.stdout)
	}
	contains(t, "json error", doc.Errors[0].Message, "no lockfile at")
}

func TestMalformedLockfileIsKept(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "fail-malformed")
	bad := []byte("apiVersion: kubectl-drift.dev/v1alpha1\nkind: DriftLock\nscope:\n- namespace: fail-malformed\nworkloads:\n- kind: Deployment\n  namespace: fail-malformed\n  name: web\n  colour: blue\n")
	if err := os.WriteFile(s.lockfile, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.drift("check")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, s.lockfile+":9: workloads[0].colour: unknown field")

	r = s.drift("lock", "-n", s.ns)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "unknown field", "the lockfile was left as it is")
	if got := readFile(t, s.lockfile); !bytes.Equal(got, bad) {
		t.Fatalf("a failed lock changed the lockfile:\n%s", got)
	}
}

func TestUnreachableServer(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "fail-unreachable")
	expect(t, s.drift("lock", "-n", s.ns), 0)
	before := readFile(t, s.lockfile)

	for _, args := range [][]string{{"check"}, {"lock", "-n", s.ns}} {
		r := s.drift(append(args, "--server", "https://127.0.0.1:1", "--request-timeout", "5s")...)
		expect(t, r, 2)
		contains(t, "stderr", r.stderr, "127.0.0.1:1", "connection refused")
	}
	lockfileKept(t, s.lockfile, before)
}

func TestLockRefusesPodsRunningDifferentDigests(t *testing.T) {
	t.Parallel()
	s := lockedGhostScenario(t, "fail-split")
	before := readFile(t, s.lockfile)

	s.apply(`apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: split
spec:
  replicas: 2
  selector:
    matchLabels: {app: split}
  template:
    metadata:
      labels: {app: split}
    spec:
      nodeName: ghost
      containers:
      - name: app
        image: registry.local/shop/app:3.0
`)
	s.waitFor("two split pods", func() bool { return len(s.pods("app=split").Items) == 2 })
	l := s.pods("app=split")
	a, b := l.Items[0].Metadata.Name, l.Items[1].Metadata.Name
	s.setRunning(a, "app", "registry.local/shop/app:3.0", "registry.local/shop/app@"+digest("a"))
	s.setRunning(b, "app", "registry.local/shop/app:3.0", "registry.local/shop/app@"+digest("b"))

	r := s.drift("lock", "-n", s.ns)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "apps/ReplicaSet/fail-split/split", a+" "+digest("a"), b+" "+digest("b"),
		"different images", "the lockfile was left as it is")
	lockfileKept(t, s.lockfile, before)
}

func TestNamespaceViewerLocksWithoutClusterUID(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "viewer")
	s.kubectl("create", "rolebinding", "drift-view", "--clusterrole=view", "--user=drift-user")
	s.kubeconfig = shared.cluster.UserKubeconfig

	r := s.drift("lock", "-n", s.ns)
	expect(t, r, 0)
	contains(t, "stderr", r.stderr, "warning: cannot read the kube-system namespace")
	lock := string(readFile(t, s.lockfile))
	contains(t, "lockfile", lock, "server: "+shared.cluster.Server)
	if strings.Contains(lock, "uid:") {
		t.Errorf("a lockfile made without kube-system access holds a uid:\n%s", lock)
	}
	expect(t, s.drift("check"), 0)

	// A namespace the user may not read is an error, never a clean check.
	r = s.drift("lock", "-n", "default")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "forbidden", "namespace default")

	// So is the cluster-wide list of -A.
	r = s.drift("lock", "-A")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "listing pods in all namespaces", "forbidden")
}

func TestCheckScopeFlagsOutsideLockfile(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "fail-scope")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	r := s.drift("check", "-n", "default")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, `namespace "default" is outside the lockfile's scope`)

	r = s.drift("check", "-A")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "--all-namespaces reaches outside the lockfile's scope")

	// Narrowing inside the scope is fine.
	expect(t, s.drift("check", "-n", s.ns, "-l", "app=web"), 0)
}

func TestCheckWarnsAboutAnotherCluster(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "warn-cluster")
	expect(t, s.drift("lock", "-n", s.ns), 0)
	data := readFile(t, s.lockfile)
	other := bytes.Replace(data, []byte("uid: "), []byte("uid: 0"), 1)
	if bytes.Equal(other, data) {
		t.Fatal("lockfile has no cluster uid")
	}
	if err := os.WriteFile(s.lockfile, other, 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.drift("check")
	expect(t, r, 0)
	contains(t, "stderr", r.stderr, "warning: ", "was locked from cluster")
}

func TestFlagErrorsExitTwo(t *testing.T) {
	t.Parallel()
	s := &scenario{t: t, dir: t.TempDir(), kubeconfig: shared.cluster.AdminKubeconfig}
	s.lockfile = filepath.Join(s.dir, "x.yaml")
	for _, args := range [][]string{
		{"check", "--bogus"}, {"check", "-o", "yaml"}, {"check", "--color", "rainbow"}, {"check", "-U", "-1"},
		{"lock", "-l", "a=="}, {"lock", "extra-arg"},
	} {
		r := s.drift(args...)
		if r.code != 2 || r.stderr == "" {
			t.Errorf("%v: want exit 2 with a message, got %s", args, r)
		}
	}
}
