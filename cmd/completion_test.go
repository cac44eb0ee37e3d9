package cmd

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// kubeconfigWithContexts writes a kubeconfig with three contexts, each with
// a cluster and a user of its own, all pointing at server (its TLS
// certificate unverified).
func kubeconfigWithContexts(t *testing.T, server string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters:\n")
	for _, name := range []string{"dev", "prod", "staging"} {
		b.WriteString("- name: " + name + "-cluster\n  cluster: {server: \"" + server + "\", insecure-skip-tls-verify: true}\n")
	}
	b.WriteString("users:\n")
	for _, name := range []string{"dev", "prod", "staging"} {
		b.WriteString("- name: " + name + "-admin\n  user: {token: secret}\n")
	}
	b.WriteString("contexts:\n")
	for _, name := range []string{"dev", "prod", "staging"} {
		b.WriteString("- name: " + name + "\n  context: {cluster: " + name + "-cluster, user: " + name + "-admin}\n")
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// complete runs `kubectl-drift __complete args...` and returns the
// completions, the directive and stderr.
func complete(t *testing.T, args ...string) ([]string, cobra.ShellCompDirective, string) {
	t.Helper()
	out, errOut, code := execute(t, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d\n%s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, ":") {
		t.Fatalf("__complete %v: no directive line in %q", args, out)
	}
	var directive int
	for _, r := range last[1:] {
		directive = directive*10 + int(r-'0')
	}
	return lines[:len(lines)-1], cobra.ShellCompDirective(directive), errOut
}

func TestCompleteFlagValues(t *testing.T) {
	kubeconfig := kubeconfigWithContexts(t, "https://127.0.0.1:1")
	tests := []struct {
		name      string
		args      []string
		want      []string
		directive cobra.ShellCompDirective
	}{
		{"contexts", []string{"--kubeconfig", kubeconfig, "check", "--context", ""}, []string{"dev", "prod", "staging"}, cobra.ShellCompDirectiveNoFileComp},
		{"contexts by prefix", []string{"--kubeconfig", kubeconfig, "lock", "--context", "s"}, []string{"staging"}, cobra.ShellCompDirectiveNoFileComp},
		{"contexts with --kubeconfig after the command", []string{"check", "--kubeconfig=" + kubeconfig, "--context", "p"}, []string{"prod"}, cobra.ShellCompDirectiveNoFileComp},
		{"clusters", []string{"--kubeconfig", kubeconfig, "check", "--cluster", ""}, []string{"dev-cluster", "prod-cluster", "staging-cluster"}, cobra.ShellCompDirectiveNoFileComp},
		{"users", []string{"--kubeconfig", kubeconfig, "check", "--user", "d"}, []string{"dev-admin"}, cobra.ShellCompDirectiveNoFileComp},
		{"contexts of a kubeconfig that is not there", []string{"--kubeconfig", filepath.Join(t.TempDir(), "none"), "check", "--context", ""}, nil, cobra.ShellCompDirectiveNoFileComp},
		{"output", []string{"check", "-o", ""}, []string{"json", "text"}, cobra.ShellCompDirectiveNoFileComp},
		{"output by prefix", []string{"check", "--output", "j"}, []string{"json"}, cobra.ShellCompDirectiveNoFileComp},
		{"check colour", []string{"check", "--color", ""}, []string{"always", "auto", "never"}, cobra.ShellCompDirectiveNoFileComp},
		{"lock colour", []string{"lock", "--color", "n"}, []string{"never"}, cobra.ShellCompDirectiveNoFileComp},
		{"lockfile", []string{"check", "--lockfile", ""}, []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt},
		{"manifests", []string{"lock", "-f", ""}, []string{"yaml", "yml", "json"}, cobra.ShellCompDirectiveFilterFileExt},
		{"kustomize", []string{"lock", "-k", ""}, nil, cobra.ShellCompDirectiveFilterDirs},
		{"selector", []string{"check", "-l", ""}, nil, cobra.ShellCompDirectiveNoFileComp},
		{"no arguments", []string{"check", ""}, nil, cobra.ShellCompDirectiveNoFileComp},
		{"subcommands", []string{"c"}, []string{"check\tCompare what runs with the lockfile and show the drift as a unified diff", "completion\tGenerate the autocompletion script for the specified shell"}, cobra.ShellCompDirectiveNoFileComp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive, _ := complete(t, tt.args...)
			if !slices.Equal(got, tt.want) || directive != tt.directive {
				t.Fatalf("got %q %d, want %q %d", got, directive, tt.want, tt.directive)
			}
		})
	}
}

func TestCompleteNamespaces(t *testing.T) {
	t.Parallel()
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/namespaces" || r.Header.Get("Authorization") != "Bearer secret" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[` +
			`{"metadata":{"name":"shop"}},{"metadata":{"name":"default"}},{"metadata":{"name":"shipping"}}]}`))
	}))
	defer api.Close()
	kubeconfig := kubeconfigWithContexts(t, api.URL)

	got, directive, errOut := complete(t, "--kubeconfig", kubeconfig, "check", "-n", "")
	if want := []string{"default", "shipping", "shop"}; !slices.Equal(got, want) || directive != cobra.ShellCompDirectiveNoFileComp {
		t.Fatalf("got %q %d, want %q; stderr %s", got, directive, want, errOut)
	}
	got, _, _ = complete(t, "--kubeconfig", kubeconfig, "lock", "--namespace", "sh")
	if want := []string{"shipping", "shop"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The flags of the command line being completed pick the cluster.
	got, _, errOut = complete(t, "--kubeconfig", kubeconfig, "--token", "other", "check", "-n", "")
	if len(got) != 0 || !strings.Contains(errOut, "cannot complete namespaces") {
		t.Fatalf("with another token: got %q, stderr %q", got, errOut)
	}
}

func TestCompleteNamespacesFailsQuietly(t *testing.T) {
	t.Parallel()
	// A server that accepts connections and never answers.
	hung, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := hung.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()

	tests := []struct {
		name  string
		args  []string
		limit time.Duration
	}{
		{"connection refused", []string{"--server", "https://127.0.0.1:1", "check", "-n", ""}, 2 * time.Second},
		{"no kubeconfig", []string{"--kubeconfig", filepath.Join(t.TempDir(), "none"), "check", "-n", ""}, 2 * time.Second},
		{"a server that never answers", []string{"--server", "http://" + hung.Addr().String(), "check", "-n", ""}, namespaceCompletionTimeout + 2*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, directive, errOut := complete(t, tt.args...)
			if took := time.Since(start); took > tt.limit {
				t.Errorf("took %v, want under %v", took, tt.limit)
			}
			if len(got) != 0 || directive != cobra.ShellCompDirectiveNoFileComp {
				t.Fatalf("got %q %d, want nothing and NoFileComp", got, directive)
			}
			if !strings.Contains(errOut, "cannot complete namespaces") {
				t.Errorf("stderr lacks the reason: %q", errOut)
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	tests := []struct{ shell, marker string }{
		{"bash", "complete -o default -F __start_kubectl-drift kubectl-drift"},
		{"zsh", "#compdef kubectl-drift"},
		{"fish", "complete -c kubectl-drift"},
		{"powershell", "Register-ArgumentCompleter -CommandName 'kubectl-drift'"},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			out, errOut, code := execute(t, "completion", tt.shell)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, tt.marker) || !strings.Contains(out, cobra.ShellCompRequestCmd) {
				t.Fatalf("the %s script lacks %q or %s:\n%.400s", tt.shell, tt.marker, cobra.ShellCompRequestCmd, out)
			}
		})
	}
	out, _, code := execute(t, "completion", "--help")
	if code != 0 || !strings.Contains(out, "kubectl drift completion [command]") || !strings.Contains(out, "kubectl_complete-drift") {
		t.Fatalf("completion --help does not explain kubectl drift completion:\n%s", out)
	}
}
