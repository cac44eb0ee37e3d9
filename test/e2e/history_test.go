package e2e

import (
	"strings"
	"testing"
)

// A CronJob between runs has no current pods and an unpinned image: its
// digest comes from the last finished pod of its Jobs.
func TestLockCronJobFromFinishedPod(t *testing.T) {
	t.Parallel()
	s := newScenario(t, "history")
	const image = "registry.local/shop/report:2.1"
	s.apply(cronJob("report", image, "nodeName: ghost"))
	// Without a finished pod there is no identity: lock says what to do.
	r := s.drift("lock", "-n", s.ns)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, `batch/CronJob/history/report: container "report": no identity for image `+image, "pin the image by digest")

	s.kubectl("create", "job", "report-1", "--from=cronjob/report")
	s.waitFor("the job's pod", func() bool { return len(s.pods("job-name=report-1").Items) == 1 })
	pod := s.pods("job-name=report-1").Items[0].Metadata.Name
	s.setSucceeded(pod, "report", image, "docker-pullable://registry.local/shop/report@"+digest("d"))

	expect(t, s.drift("lock", "-n", s.ns), 0)
	lock := string(readFile(t, s.lockfile))
	contains(t, "lockfile", lock, "kind: CronJob", "name: report", "digest: "+digest("d"))
	if strings.Contains(lock, "kind: Job\n") {
		t.Errorf("the Job was locked as a workload of its own:\n%s", lock)
	}
	r = s.drift("check", "--color=always")
	expect(t, r, 0)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("a clean check printed colour codes: %q", r.stdout)
	}
}
