package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubectl-drift/kubectl-drift/internal/testcluster"
)

// env is what every scenario shares: the binary under test and the cluster.
type env struct {
	binary  string
	cluster *testcluster.Cluster
}

// shared is set once by TestMain; scenarios only read it.
var shared env

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "drift-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	binary, err := buildBinary(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "building kubectl-drift:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cluster, err := testcluster.Start(ctx, testcluster.Options{Controllers: true, Dir: filepath.Join(dir, "cluster")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test control plane:", err)
		return 2
	}
	defer cluster.Stop()
	shared = env{binary: binary, cluster: cluster}
	return m.Run()
}

// buildBinary builds kubectl-drift from this checkout, as a user would.
func buildBinary(dir string) (string, error) {
	out := filepath.Join(dir, "kubectl-drift")
	cmd := exec.Command("go", "build", "-o", out, "github.com/kubectl-drift/kubectl-drift")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", err
	}
	return out, nil
}
