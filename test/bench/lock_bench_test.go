package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
)

const (
	tags        = 200
	latency     = 20 * time.Millisecond
	concurrency = 8
)

// BenchmarkLockManifests200Tags runs `kubectl drift lock -f` over 200
// Deployments with 200 distinct tags against a registry that answers each
// request 20 ms late. The target is within 2x of 200 x 20 ms / concurrency.
func BenchmarkLockManifests200Tags(b *testing.B) {
	dir := b.TempDir()
	binary := filepath.Join(dir, "kubectl-drift")
	build := exec.Command("go", "build", "-o", binary, "github.com/kubectl-drift/kubectl-drift")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building kubectl-drift: %v\n%s", err, out)
	}
	reg := testregistry.Start(b, testregistry.Options{Latency: latency})
	var manifests strings.Builder
	for i := range tags {
		reg.PushRandom(b, fmt.Sprintf("bench/app%03d:1.0", i))
		fmt.Fprintf(&manifests, `apiVersion: apps/v1
kind: Deployment
metadata: {name: app%03d, namespace: bench}
spec:
  selector: {matchLabels: {app: app%03d}}
  template:
    metadata: {labels: {app: app%03d}}
    spec:
      containers: [{name: app, image: "%s/bench/app%03d:1.0"}]
---
`, i, i, i, reg.Host(), i)
	}
	path := filepath.Join(dir, "manifests.yaml")
	if err := os.WriteFile(path, []byte(manifests.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		lock := filepath.Join(dir, fmt.Sprintf("drift-%d.lock.yaml", i))
		cmd := exec.Command(binary, "lock", "-f", path, "--lockfile", lock, "--concurrency", fmt.Sprint(concurrency))
		cmd.Env = append(os.Environ(), "HOME="+dir, "KUBECONFIG="+filepath.Join(dir, "none"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("lock -f: %v\n%s", err, out)
		}
	}
	perOp := time.Since(start) / time.Duration(b.N)
	ideal := tags * latency / concurrency
	b.ReportMetric(float64(ideal.Milliseconds()), "ideal-ms/op")
	b.ReportMetric(float64(perOp.Milliseconds()), "ms/op")
	b.ReportMetric(float64(perOp)/float64(ideal), "x-ideal(target<=2)")
}
