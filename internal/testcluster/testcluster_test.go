package testcluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-drift/kubectl-drift/internal/testcluster"
)

func TestBinDirUnset(t *testing.T) {
	t.Setenv(testcluster.BinDirEnv, "")
	_, err := testcluster.BinDir()
	if err == nil || !strings.Contains(err.Error(), "hack/build-tools.sh") {
		t.Fatalf("BinDir() error = %v, want one that says how to build the tools", err)
	}
}

func TestBinDirIncomplete(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "etcd"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(testcluster.BinDirEnv, dir)
	_, err := testcluster.BinDir()
	if err == nil || !strings.Contains(err.Error(), "lacks kube-apiserver, kube-controller-manager") {
		t.Fatalf("BinDir() error = %v, want one naming the missing programs", err)
	}
}

func TestAPIServerOnly(t *testing.T) {
	start := time.Now()
	c := testcluster.StartForTest(t, testcluster.Options{})
	t.Logf("apiserver ready in %v at %s", time.Since(start).Round(time.Millisecond), c.Server)
	ctx := t.Context()

	out, _, err := c.Kubectl(ctx, "get", "ns", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "namespace/default") {
		t.Errorf("kubectl get ns = %q, want namespace/default", out)
	}

	_, stderr, err := c.KubectlAs(ctx, c.UserKubeconfig, "get", "pods")
	if err == nil {
		t.Fatal("unprivileged user listed pods, want Forbidden")
	}
	want := `User "drift-user" cannot list resource "pods"`
	if !strings.Contains(stderr, "Forbidden") || !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want Forbidden and %q", stderr, want)
	}

	// With no controller making ServiceAccounts, pods are still accepted.
	if _, _, err := c.Kubectl(ctx, "run", "bare", "--image=nginx:1.18", "--overrides",
		`{"spec":{"nodeName":"ghost"}}`); err != nil {
		t.Fatal(err)
	}
}

func TestStopEndsEveryProcess(t *testing.T) {
	c, err := testcluster.Start(t.Context(), testcluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir
	pids := c.PIDs()
	if len(pids) != 2 {
		t.Errorf("PIDs() = %v, want etcd and kube-apiserver", pids)
	}
	start := time.Now()
	c.Stop()
	t.Logf("stopped in %v", time.Since(start).Round(time.Millisecond))
	c.Stop() // idempotent
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("process %d still runs after Stop", pid)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Stop left the temporary directory %s: %v", dir, err)
	}
}

func TestControllers(t *testing.T) {
	start := time.Now()
	c := testcluster.StartForTest(t, testcluster.Options{Controllers: true})
	t.Logf("cluster with a hollow node ready in %v", time.Since(start).Round(time.Millisecond))
	ctx := t.Context()

	t.Run("deployment rolls out", func(t *testing.T) {
		kubectl(t, c, "create", "deployment", "web", "--image=nginx:1.18")
		waitCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
		defer cancel()
		if err := c.WaitPodsRunning(waitCtx, "default", "app=web"); err != nil {
			t.Fatal(err)
		}
		var pods struct {
			Items []pod `json:"items"`
		}
		getJSON(t, c, &pods, "get", "pods", "-l", "app=web")
		if len(pods.Items) != 1 {
			t.Fatalf("got %d pods of deployment web, want 1", len(pods.Items))
		}
		p := pods.Items[0]
		if p.Status.Phase != "Running" || len(p.Status.ContainerStatuses) != 1 {
			t.Fatalf("pod %s: phase %q, %d container statuses; want Running with one", p.Metadata.Name, p.Status.Phase, len(p.Status.ContainerStatuses))
		}
		cs := p.Status.ContainerStatuses[0]
		if cs.ImageID == "" || cs.State.Running == nil {
			t.Errorf("container status %+v: want running with an imageID", cs)
		}
		t.Logf("hollow kubelet reports image %q, imageID %q", cs.Image, cs.ImageID)
	})

	t.Run("pod on a node without kubelet keeps its status", func(t *testing.T) {
		// The pod garbage collector would delete the pod only after a 40s
		// quarantine, longer than this test waits: check that it is off.
		log, err := os.ReadFile(c.LogPath("kube-controller-manager"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(log), `"Warning: controller is disabled" controller="pod-garbage-collector-controller"`) {
			t.Errorf("kube-controller-manager runs the pod garbage collector; see %s", c.LogPath("kube-controller-manager"))
		}

		const imageID = "docker-pullable://nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
		kubectl(t, c, "run", "x", "--image=nginx:1.18", "--overrides", `{"spec":{"nodeName":"ghost"}}`)
		status := fmt.Sprintf(`{"status":{"phase":"Running","containerStatuses":[{"name":"x","image":"nginx:1.18","imageID":%q,"ready":true,"restartCount":0,"started":true,"state":{"running":{"startedAt":"2024-01-01T00:00:00Z"}}}]}}`, imageID)
		kubectl(t, c, "patch", "pod", "x", "--subresource=status", "--type=merge", "-p", status)

		deadline := time.Now().Add(5 * time.Second)
		for {
			var p pod
			getJSON(t, c, &p, "get", "pod", "x")
			if p.Status.Phase != "Running" || len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].ImageID != imageID {
				t.Fatalf("pod x status changed to %+v", p.Status)
			}
			if time.Now().After(deadline) {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatal(ctx.Err())
			case <-time.After(time.Second):
			}
		}
	})
}

type pod struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Status struct {
		Phase             string `json:"phase"`
		ContainerStatuses []struct {
			Name    string `json:"name"`
			Image   string `json:"image"`
			ImageID string `json:"imageID"`
			State   struct {
				Running *struct{} `json:"running"`
			} `json:"state"`
		} `json:"containerStatuses"`
	} `json:"status"`
}

func kubectl(t *testing.T, c *testcluster.Cluster, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	out, _, err := c.Kubectl(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getJSON(t *testing.T, c *testcluster.Cluster, into any, args ...string) {
	t.Helper()
	out := kubectl(t, c, append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(out), into); err != nil {
		t.Fatalf("kubectl %v: %v", args, err)
	}
}
