package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kubectl finds kubectl-drift on PATH and runs it as `kubectl drift`, with
// kubectl's connection flags passed through.
func TestRunsAsKubectlPlugin(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "as-plugin")
	path := filepath.Dir(shared.binary) + string(os.PathListSeparator) + os.Getenv("PATH")
	kubectl := func(args ...string) (string, error) {
		cmd := exec.Command(shared.cluster.KubectlPath(), args...)
		cmd.Env = append(os.Environ(), "PATH="+path)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := kubectl("plugin", "list")
	if err != nil || !strings.Contains(out, filepath.Join(filepath.Dir(shared.binary), "kubectl-drift")) {
		t.Fatalf("kubectl plugin list: %v\n%s", err, out)
	}
	out, err = kubectl("drift", "version")
	if err != nil || !strings.HasPrefix(out, "kubectl-drift ") {
		t.Fatalf("kubectl drift version: %v\n%s", err, out)
	}
	out, err = kubectl("drift", "lock", "--kubeconfig", s.kubeconfig, "-n", s.ns, "--lockfile", s.lockfile)
	if err != nil {
		t.Fatalf("kubectl drift lock: %v\n%s", err, out)
	}
	out, err = kubectl("drift", "check", "--kubeconfig", s.kubeconfig, "--lockfile", s.lockfile)
	if err != nil || !strings.Contains(out, "no drift: 2 workload(s)") {
		t.Fatalf("kubectl drift check: %v\n%s", err, out)
	}
	out, _ = kubectl("drift", "--help")
	if !strings.Contains(out, "kubectl drift [command]") {
		t.Errorf("help does not read as kubectl's:\n%s", out)
	}
}
