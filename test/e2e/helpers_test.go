package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// result is what one run of a program gave.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// scenario is one test's namespace, lockfile and kubeconfig.
type scenario struct {
	t          *testing.T
	ns         string
	dir        string
	lockfile   string
	kubeconfig string
}

// newScenario creates a namespace of the test's own and a lockfile path.
func newScenario(t *testing.T, name string) *scenario {
	t.Helper()
	s := &scenario{t: t, ns: name, dir: t.TempDir(), kubeconfig: shared.cluster.AdminKubeconfig}
	s.lockfile = filepath.Join(s.dir, "drift.lock.yaml")
	s.kubectl("create", "namespace", name)
	t.Cleanup(func() {
		_, _, _ = shared.cluster.Kubectl(context.Background(), "delete", "namespace", name, "--wait=false")
	})
	return s
}

// drift runs the binary with the scenario's kubeconfig and lockfile.
func (s *scenario) drift(args ...string) result {
	s.t.Helper()
	full := append([]string{"--kubeconfig", s.kubeconfig}, args...)
	if !hasFlag(args, "--lockfile") {
		full = append(full, "--lockfile", s.lockfile)
	}
	return runProgram(s.t, shared.binary, full, nil)
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// runProgram runs a program with a deadline and returns what it gave.
func runProgram(t *testing.T, path string, args []string, stdin []byte, env ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(append(os.Environ(), "NO_COLOR=", "TERM=xterm"), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %s %v: %v", path, args, err)
	}
	return r
}

// kubectl runs the real kubectl in the scenario's namespace and fails the
// test when it fails.
func (s *scenario) kubectl(args ...string) string {
	s.t.Helper()
	out, errOut, err := shared.cluster.Kubectl(context.Background(), append([]string{"-n", s.ns}, args...)...)
	if err != nil {
		s.t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// apply applies a manifest from testdata, or inline YAML, to the namespace.
func (s *scenario) apply(manifest string) {
	s.t.Helper()
	if !strings.Contains(manifest, "\n") {
		data, err := os.ReadFile(filepath.Join("testdata", manifest))
		if err != nil {
			s.t.Fatal(err)
		}
		manifest = string(data)
	}
	path := filepath.Join(s.dir, fmt.Sprintf("manifest-%d.yaml", time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(manifest), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.kubectl("apply", "-f", path)
}

// expect fails the test unless the run exited with code.
func expect(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}

// contains fails the test unless text holds every want.
func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
func (s *scenario) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			out, _, _ := shared.cluster.Kubectl(context.Background(), "-n", s.ns, "get", "all,events", "-o", "wide")
			s.t.Fatalf("timed out waiting for %s; the namespace holds:\n%s", what, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// podList is the part of a pod list the tests read.
type podList struct {
	Items []struct {
		Metadata struct {
			Name              string  `json:"name"`
			DeletionTimestamp *string `json:"deletionTimestamp"`
		} `json:"metadata"`
		Spec struct {
			Containers []struct {
				Image string `json:"image"`
			} `json:"containers"`
		} `json:"spec"`
		Status struct {
			Phase             string `json:"phase"`
			ContainerStatuses []struct {
				ImageID string `json:"imageID"`
			} `json:"containerStatuses"`
		} `json:"status"`
	} `json:"items"`
}

// pods lists the namespace's pods matching selector.
func (s *scenario) pods(selector string) podList {
	s.t.Helper()
	var l podList
	if err := json.Unmarshal([]byte(s.kubectl("get", "pods", "-l", selector, "-o", "json")), &l); err != nil {
		s.t.Fatal(err)
	}
	return l
}

// waitSettled waits until exactly n pods match selector, none is being
// deleted, every one runs the image want, and each reports an imageID.
func (s *scenario) waitSettled(selector string, n int, want string) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("%d running pods of %s with image %s", n, selector, want), func() bool {
		l := s.pods(selector)
		if len(l.Items) != n {
			return false
		}
		for _, p := range l.Items {
			if p.Metadata.DeletionTimestamp != nil || p.Status.Phase != "Running" || p.Spec.Containers[0].Image != want {
				return false
			}
			for _, st := range p.Status.ContainerStatuses {
				if st.ImageID == "" {
					return false
				}
			}
		}
		return true
	})
}

// readFile returns a file's bytes, failing the test if it cannot.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cronJob renders a CronJob that does not run during the tests, with one
// container "report" running image; podSpec adds lines to its pod spec
// (indented by ten spaces, e.g. "imagePullSecrets: [{name: regcred}]").
func cronJob(name, image string, podSpec ...string) string {
	var extra strings.Builder
	for _, line := range podSpec {
		extra.WriteString("\n          " + line)
	}
	return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ` + name + `
spec:
  schedule: "0 3 1 1 *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never` + extra.String() + `
          containers:
          - name: report
            image: ` + image + "\n"
}

// tempLeftovers lists temporary lockfiles left in dir.
func tempLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

// lockfileKept fails the test unless the lockfile at path still holds
// exactly before and no temporary lockfile is left beside it: what every
// failed or dry-run lock must leave.
func lockfileKept(t *testing.T, path string, before []byte) {
	t.Helper()
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Fatalf("the lockfile changed:\n%s", after)
	}
	if left := tempLeftovers(t, filepath.Dir(path)); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}
