package e2e

import (
	"fmt"
	"strings"
	"testing"
)

const apiImage = "registry.local/shop/api:2.0"

// lockedGhostScenario runs the bare pod "api" on a node with no kubelet, as
// if its runtime reported digest a, and locks the namespace.
func lockedGhostScenario(t *testing.T, name string) *scenario {
	t.Helper()
	s := newScenario(t, name)
	s.apply("ghost-api.yaml")
	s.setRunning("api", "api", apiImage, "docker-pullable://registry.local/shop/api@"+digest("a"))
	expect(t, s.drift("lock", "-n", s.ns), 0)
	return s
}

// digest returns a sha256 digest made of one repeated hex character.
func digest(c string) string { return "sha256:" + strings.Repeat(c, 64) }

// setRunning writes a pod's status as a kubelet would: Running, with the
// given runtime imageID for its one container.
func (s *scenario) setRunning(pod, container, image, imageID string) {
	s.t.Helper()
	patch := fmt.Sprintf(`{"status":{"phase":"Running","containerStatuses":[{"name":%q,"image":%q,"imageID":%q,`+
		`"ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}}}]}}`, container, image, imageID)
	s.kubectl("patch", "pod", pod, "--subresource=status", "--type=merge", "-p", patch)
}

// setSucceeded writes a finished pod's status as a kubelet would: Succeeded,
// its one container terminated after running the given runtime imageID.
func (s *scenario) setSucceeded(pod, container, image, imageID string) {
	s.t.Helper()
	patch := fmt.Sprintf(`{"status":{"phase":"Succeeded","containerStatuses":[{"name":%q,"image":%q,"imageID":%q,`+
		`"ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed",`+
		`"startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:01:00Z"}}}]}}`, container, image, imageID)
	s.kubectl("patch", "pod", pod, "--subresource=status", "--type=merge", "-p", patch)
}
