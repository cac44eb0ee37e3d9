package testcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BinDirEnv names the environment variable that points at the directory of
// control-plane programs printed by hack/build-tools.sh.
const BinDirEnv = "DRIFT_TOOLS_BIN"

// Programs are the executables that BinDir must hold: the control plane,
// and krew (kubectl-krew, which kubectl runs as `kubectl krew`, and
// validate-krew-manifest), which the release tests install the plugin with.
var Programs = []string{
	"etcd",
	"kube-apiserver",
	"kube-controller-manager",
	"kube-scheduler",
	"kubectl",
	"kubemark",
	"kubectl-krew",
	"validate-krew-manifest",
}

const buildHint = "run `make tools` (or hack/build-tools.sh) and set " + BinDirEnv + " to the directory it prints"

// BinDir returns the directory that holds the control-plane programs. It is an
// error, never a reason to skip, when the variable is unset or a program is
// missing: the end-to-end tests must run wherever they are run.
func BinDir() (string, error) {
	dir := os.Getenv(BinDirEnv)
	if dir == "" {
		return "", fmt.Errorf("%s is not set: %s", BinDirEnv, buildHint)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%s=%q: %w", BinDirEnv, dir, err)
	}
	var missing []string
	for _, p := range Programs {
		info, err := os.Stat(filepath.Join(dir, p))
		if err != nil || info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%s=%s lacks %s: %s", BinDirEnv, dir, strings.Join(missing, ", "), buildHint)
	}
	return dir, nil
}
