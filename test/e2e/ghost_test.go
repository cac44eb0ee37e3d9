package e2e

import (
	"fmt"
	"strings"
)

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
