package e2e

import (
	"bytes"
	"os"
	"testing"
)

const (
	webImage    = "registry.local/shop/nginx:1.18@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	webImageNew = "registry.local/shop/nginx:1.20@sha256:4444444444444444444444444444444444444444444444444444444444444444"
)

// webScenario deploys the web Deployment and the nightly CronJob and waits
// until both web pods run.
func webScenario(t *testing.T, name string) *scenario {
	s := newScenario(t, name)
	s.apply("web.yaml")
	s.apply("nightly.yaml")
	s.waitSettled("app=web", 2, webImage)
	return s
}

func TestLockThenCleanCheck(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "lock-clean")

	r := s.drift("lock", "-n", s.ns)
	expect(t, r, 0)
	contains(t, "lock stderr", r.stderr, "locked 2 workload(s) in namespace lock-clean")
	first := readFile(t, s.lockfile)
	contains(t, "lockfile", string(first),
		"apiVersion: kubectl-drift.dev/v1alpha1", "kind: DriftLock",
		"kind: Deployment", "name: web", "digest: sha256:1111", "digest: sha256:3333",
		"kind: CronJob", "name: nightly", "digest: sha256:2222",
		"privileged: false", "readOnlyRootFilesystem: true", "- ALL", "runAsUser: 101",
		"server: "+shared.cluster.Server, "uid: ", "namespace: lock-clean")

	r = s.drift("check")
	expect(t, r, 0)
	contains(t, "check stdout", r.stdout, "no drift: 2 workload(s), 2 pod(s) checked")

	// Locking an unchanged cluster again is byte-identical.
	expect(t, s.drift("lock", "-n", s.ns), 0)
	if second := readFile(t, s.lockfile); !bytes.Equal(first, second) {
		t.Fatalf("second lock differs:\n%s\n---\n%s", first, second)
	}
}

func TestRelockAfterAcceptedChangeIsClean(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "relock")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	s.kubectl("set", "image", "deployment/web", "nginx="+webImageNew)
	s.waitSettled("app=web", 2, webImageNew)
	expect(t, s.drift("check"), 1)

	expect(t, s.drift("lock", "-n", s.ns), 0)
	r := s.drift("check")
	expect(t, r, 0)
	contains(t, "lockfile", string(readFile(t, s.lockfile)), "digest: sha256:4444")
}

func TestLockMergesScopesAndDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	a := webScenario(t, "merge-a")
	b := newScenario(t, "merge-b")
	b.apply("nightly.yaml")
	b.lockfile = a.lockfile

	expect(t, a.drift("lock", "-n", a.ns), 0)
	before := readFile(t, a.lockfile)

	r := b.drift("lock", "-n", b.ns, "--dry-run")
	expect(t, r, 0)
	contains(t, "dry-run diff", r.stdout, "--- "+a.lockfile+"\n", "+++ "+a.lockfile+" (after lock)", "@@ ", "+  - namespace: merge-b", "+    namespace: merge-b")
	lockfileKept(t, a.lockfile, before)

	expect(t, b.drift("lock", "-n", b.ns), 0)
	merged := string(readFile(t, a.lockfile))
	contains(t, "merged lockfile", merged, "- namespace: merge-a", "- namespace: merge-b", "name: web", "namespace: merge-b")

	// Both namespaces are in scope now: a check covers both and is clean.
	r = a.drift("check")
	expect(t, r, 0)
	contains(t, "check", r.stdout, "3 workload(s)")

	// Relocking one namespace replaces only its entries.
	a.kubectl("delete", "cronjob", "nightly")
	expect(t, a.drift("lock", "-n", a.ns), 0)
	relocked := string(readFile(t, a.lockfile))
	contains(t, "relocked lockfile", relocked, "namespace: merge-b\n    name: nightly")
	if bytes.Count([]byte(relocked), []byte("name: nightly")) != 1 {
		t.Errorf("want one nightly entry left:\n%s", relocked)
	}
}

func TestLockEmptyScopeFails(t *testing.T) {
	t.Parallel()
	s := newScenario(t, "lock-empty")
	r := s.drift("lock", "-n", s.ns)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "nothing to lock in namespace lock-empty")
	if _, err := os.Stat(s.lockfile); !os.IsNotExist(err) {
		t.Fatalf("a failed lock wrote %s", s.lockfile)
	}
}
