package cmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-drift/kubectl-drift/diff"
)

// execute runs the root command with args and returns stdout, stderr and
// the exit code main would use.
func execute(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	root := NewCmdDrift(streams, BuildInfo{Version: "v1.2.3", Commit: "abc1234"})
	root.SetArgs(args)
	err := root.Execute()
	code := CodeClean
	if err != nil {
		code = CodeError
		var exit *ExitError
		if errors.As(err, &exit) {
			code = exit.Code
		}
		if exit == nil || exit.Err != nil {
			errOut.WriteString("error: " + err.Error() + "\n")
		}
	}
	return out.String(), errOut.String(), code
}

func TestVersion(t *testing.T) {
	out, _, code := execute(t, "version")
	if code != 0 || out != "kubectl-drift v1.2.3 (commit abc1234)\n" {
		t.Fatalf("got %d %q", code, out)
	}
}

func TestHelpReadsAsKubectl(t *testing.T) {
	out, _, code := execute(t, "check", "--help")
	if code != 0 || !strings.Contains(out, "kubectl drift check") || !strings.Contains(out, "--kubeconfig") {
		t.Fatalf("got %d:\n%s", code, out)
	}
}

func TestFlagErrors(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"check", "--bogus"}, "unknown flag: --bogus"},
		{"bad output", []string{"check", "-o", "yaml"}, `invalid --output "yaml": use text or json`},
		{"bad colour", []string{"check", "--color", "rainbow"}, `invalid --color "rainbow": use auto, always or never`},
		{"negative context", []string{"check", "-U", "-1"}, "invalid -U -1: context lines cannot be negative"},
		{"bad selector", []string{"lock", "-l", "a in (", "--kubeconfig", kubeconfig}, "invalid --selector"},
		{"extra argument", []string{"lock", "x"}, `unknown command "x"`},
		{"namespace and all", []string{"lock", "-n", "a", "-A", "--kubeconfig", kubeconfig}, "--namespace and --all-namespaces are exclusive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := execute(t, tt.args...)
			if code != CodeError || !strings.Contains(errOut, tt.want) {
				t.Fatalf("want exit 2 with %q, got %d: %s", tt.want, code, errOut)
			}
		})
	}
}

func TestCheckMissingLockfileJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")
	out, errOut, code := execute(t, "check", "-o", "json", "--lockfile", path)
	if code != CodeError {
		t.Fatalf("want exit 2, got %d", code)
	}
	for _, want := range []string{`"apiVersion": "kubectl-drift.dev/v1alpha1"`, `"kind": "DriftReport"`, `"drift": false`, `"findings": []`, `"message": "no lockfile at ` + path} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "no lockfile at") {
		t.Errorf("stderr lacks the error: %s", errOut)
	}
}

func TestPalette(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	colored, plain := diff.ColorPalette(), diff.PlainPalette()
	tests := []struct {
		name    string
		mode    colorMode
		noColor string
		term    string
		want    diff.Palette
	}{
		{"always colours a file", colorAlways, "", "xterm", colored},
		{"always wins over NO_COLOR", colorAlways, "1", "xterm", colored},
		{"never", colorNever, "", "xterm", plain},
		{"auto does not colour a file", colorAuto, "", "xterm", plain},
		{"auto with NO_COLOR", colorAuto, "1", "xterm", plain},
		{"auto with TERM=dumb", colorAuto, "", "dumb", plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			t.Setenv("TERM", tt.term)
			got := palette(tt.mode, f)
			if (got.Added == nil) != (tt.want.Added == nil) {
				t.Fatalf("coloured = %v, want %v", got.Added != nil, tt.want.Added != nil)
			}
		})
	}
}
