package e2e

import (
	"strings"
	"testing"
)

// lock -l records only the selected workloads and a scope with the
// selector; check then ignores workloads outside it.
func TestLockAndCheckWithSelector(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "selector")
	r := s.drift("lock", "-n", s.ns, "-l", "app=web")
	expect(t, r, 0)
	lock := string(readFile(t, s.lockfile))
	contains(t, "lockfile", lock, "namespace: selector\n    selector: app=web", "name: web")
	if strings.Contains(lock, "nightly") {
		t.Errorf("a workload outside the selector was locked:\n%s", lock)
	}
	s.kubectl("create", "deployment", "other", "--image="+webImageNew)
	expect(t, s.drift("check"), 0)

	// A new workload that matches the selector is unlocked.
	s.apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web2
spec:
  replicas: 0
  selector:
    matchLabels: {app: web, variant: two}
  template:
    metadata:
      labels: {app: web, variant: two}
    spec:
      containers:
      - name: nginx
        image: ` + webImageNew + `
`)
	r = s.drift("check", "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout, "+++ live apps/Deployment/selector/web2 (pod template)", "1 unlocked")
}

// A Deployment scaled to zero keeps its locked template: no pods, no drift.
func TestCheckDeploymentScaledToZero(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "scaled-zero")
	expect(t, s.drift("lock", "-n", s.ns), 0)
	s.kubectl("scale", "deployment", "web", "--replicas=0")
	s.waitFor("no web pods", func() bool { return len(s.pods("app=web").Items) == 0 })
	r := s.drift("check")
	expect(t, r, 0)
	contains(t, "stdout", r.stdout, "no drift: 2 workload(s), 0 pod(s)")

	// Locking it again while scaled to zero takes the pinned digest.
	expect(t, s.drift("lock", "-n", s.ns), 0)
	contains(t, "lockfile", string(readFile(t, s.lockfile)), "digest: sha256:1111")
	expect(t, s.drift("check"), 0)
}
