package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// completions splits `__complete` output into the choices and the
// directive line (":4" is ShellCompDirectiveNoFileComp).
func completions(t *testing.T, r result) ([]string, string) {
	t.Helper()
	expect(t, r, 0)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, ":") {
		t.Fatalf("no directive line in %s", r)
	}
	return lines[:len(lines)-1], last
}

func TestCompletionOfNamespacesFromTheCluster(t *testing.T) {
	t.Parallel()
	s := newScenario(t, "complete-ns")

	r := runProgram(t, shared.binary, []string{"__complete", "--kubeconfig", s.kubeconfig, "check", "-n", ""}, nil)
	got, directive := completions(t, r)
	for _, want := range []string{"complete-ns", "default", "kube-system"} {
		if !slices.Contains(got, want) || directive != ":4" {
			t.Errorf("want %s among the namespaces and :4, got %q %s", want, got, directive)
		}
	}
	r = runProgram(t, shared.binary, []string{"__complete", "--kubeconfig", s.kubeconfig, "lock", "--namespace", "complete-n"}, nil)
	if got, _ := completions(t, r); !slices.Equal(got, []string{"complete-ns"}) {
		t.Errorf("prefix complete-n: got %q", got)
	}

	// Unreachable, or forbidden: nothing to offer, quickly, and no file names.
	for _, args := range [][]string{
		{"--kubeconfig", s.kubeconfig, "--server", "https://127.0.0.1:1", "check", "-n", ""},
		{"--kubeconfig", shared.cluster.UserKubeconfig, "check", "-n", ""},
	} {
		start := time.Now()
		r := runProgram(t, shared.binary, append([]string{"__complete"}, args...), nil)
		got, directive := completions(t, r)
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("%v took %v", args, took)
		}
		if len(got) != 0 || directive != ":4" {
			t.Errorf("%v: want no namespaces and :4, got %q %s", args, got, directive)
		}
		contains(t, "stderr", r.stderr, "cannot complete namespaces")
	}
}

// kubectl completes `kubectl drift ...` through kubectl_complete-drift, as
// the completion command's help says to install it.
func TestCompletionThroughKubectl(t *testing.T) {
	t.Parallel()
	s := newScenario(t, "complete-kubectl")
	bin := t.TempDir()
	if err := os.Symlink(shared.binary, filepath.Join(bin, "kubectl-drift")); err != nil {
		t.Fatal(err)
	}
	script := "#!/usr/bin/env sh\nexec kubectl drift __complete \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "kubectl_complete-drift"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + strings.Join([]string{bin, filepath.Dir(shared.cluster.KubectlPath()), os.Getenv("PATH")}, string(os.PathListSeparator))
	r := runProgram(t, shared.cluster.KubectlPath(), []string{"__complete", "drift", "check", "-n", "complete-k"}, nil,
		path, "KUBECONFIG="+s.kubeconfig)
	if got, directive := completions(t, r); !slices.Equal(got, []string{"complete-kubectl"}) || directive != ":4" {
		t.Errorf("kubectl __complete drift check -n: got %q %s\n%s", got, directive, r)
	}
	r = runProgram(t, shared.cluster.KubectlPath(), []string{"__complete", "drift", "check", "-o", ""}, nil, path)
	if got, _ := completions(t, r); !slices.Equal(got, []string{"json", "text"}) {
		t.Errorf("kubectl __complete drift check -o: got %q\n%s", got, r)
	}
}

func TestCompletionScriptsForEveryShell(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runProgram(t, shared.binary, []string{"completion", shell}, nil)
		expect(t, r, 0)
		contains(t, shell+" script", r.stdout, "kubectl-drift", "__complete")
	}
	// The bash script is valid bash.
	r := runProgram(t, shared.binary, []string{"completion", "bash"}, nil)
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(r.stdout)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
}
