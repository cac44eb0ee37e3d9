// Command demo shows kubectl drift end to end on a throwaway control plane:
// it deploys examples/shop.yaml, locks it, induces drift and checks. It is
// what `make demo` runs; it needs the control-plane programs that
// hack/build-tools.sh builds (DRIFT_TOOLS_BIN).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubectl-drift/kubectl-drift/internal/testcluster"
)

func main() {
	drift := flag.String("drift", "./kubectl-drift", "path of the kubectl-drift binary")
	manifest := flag.String("manifest", "examples/shop.yaml", "manifest to deploy")
	flag.Parse()
	if err := run(*drift, *manifest); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(2)
	}
}

func run(drift, manifest string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	drift, err := filepath.Abs(drift)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "drift-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	d := demo{ctx: ctx, drift: drift, lockfile: filepath.Join(dir, "drift.lock.yaml")}
	step("Before deploying: checking proposed manifests against the approved lockfile (no cluster, no network)")
	if code, err := d.runOffline("check", "-f", "examples/manifests", "--lockfile", "examples/drift.lock.yaml", "--color=always"); err != nil || code != 1 {
		return fmt.Errorf("the offline check exited %d, want 1 (drift): %v", code, err)
	}

	step("Starting a throwaway control plane (etcd, kube-apiserver, controllers, scheduler, a hollow node)")
	cluster, err := testcluster.Start(ctx, testcluster.Options{Controllers: true, Dir: filepath.Join(dir, "cluster")})
	if err != nil {
		return err
	}
	defer cluster.Stop()
	d.cluster = cluster

	step("Deploying " + manifest + " into namespace shop")
	if err := d.kubectl("create", "namespace", "shop"); err != nil {
		return err
	}
	if err := d.kubectl("-n", "shop", "apply", "-f", manifest); err != nil {
		return err
	}
	if err := d.kubectl("-n", "shop", "rollout", "status", "deployment/web", "--timeout=120s"); err != nil {
		return err
	}
	if err := cluster.WaitPodsRunning(ctx, "shop", "app=web"); err != nil {
		return err
	}

	step("Locking what runs: the approved baseline")
	if _, err := d.run("lock", "-n", "shop"); err != nil {
		return err
	}
	lock, err := os.ReadFile(d.lockfile)
	if err != nil {
		return err
	}
	fmt.Println(firstLines(string(lock), 40))

	step("Checking: nothing has drifted yet")
	if code, err := d.run("check"); err != nil || code != 0 {
		return fmt.Errorf("a clean check exited %d: %v", code, err)
	}

	step("Inducing drift: a new image, privileged: true and an added capability")
	if err := d.kubectl("-n", "shop", "patch", "deployment", "web", "--type=json", "-p",
		`[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"registry.local/shop/nginx:1.20@sha256:4444444444444444444444444444444444444444444444444444444444444444"},`+
			`{"op":"add","path":"/spec/template/spec/containers/0/securityContext/privileged","value":true},`+
			`{"op":"replace","path":"/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation","value":true},`+
			`{"op":"add","path":"/spec/template/spec/containers/0/securityContext/capabilities/add","value":["NET_ADMIN"]}]`); err != nil {
		return err
	}

	step("Checking again: drift, shown as a unified diff (exit code 1)")
	code, err := d.run("check", "--color=always", "-U", "2")
	if err != nil {
		return err
	}
	if code != 1 {
		return fmt.Errorf("check after drift exited %d, want 1", code)
	}
	step("Done: check exited 1 (drift). The cluster is stopped and its files removed.")
	return nil
}

type demo struct {
	ctx      context.Context
	cluster  *testcluster.Cluster
	drift    string
	lockfile string
}

// run shows and runs one kubectl drift command against the cluster,
// returning its exit code.
func (d demo) run(args ...string) (int, error) {
	fmt.Printf("\n$ kubectl drift %s\n", strings.Join(args, " "))
	return d.exec(append(args, "--kubeconfig", d.cluster.AdminKubeconfig, "--lockfile", d.lockfile)...)
}

// runOffline shows and runs one kubectl drift command as given.
func (d demo) runOffline(args ...string) (int, error) {
	fmt.Printf("\n$ kubectl drift %s\n", strings.Join(args, " "))
	return d.exec(args...)
}

func (d demo) exec(args ...string) (int, error) {
	cmd := exec.CommandContext(d.ctx, d.drift, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		fmt.Printf("(exit code %d)\n", exit.ExitCode())
		return exit.ExitCode(), nil
	}
	if err == nil {
		fmt.Println("(exit code 0)")
	}
	return 0, err
}

func (d demo) kubectl(args ...string) error {
	fmt.Printf("\n$ kubectl %s\n", strings.Join(args, " "))
	out, errOut, err := d.cluster.Kubectl(d.ctx, args...)
	fmt.Print(out)
	if err != nil {
		return fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, errOut)
	}
	return nil
}

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		return strings.Join(lines[:n], "\n") + "\n  ... (" + fmt.Sprint(strings.Count(s, "\n")-n) + " more lines)"
	}
	return s
}
