package testcluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// LogPath returns the file that holds program's stdout and stderr.
func (c *Cluster) LogPath(program string) string {
	return filepath.Join(c.Dir, "logs", program+".log")
}

// KubectlPath returns the kubectl built with the control plane.
func (c *Cluster) KubectlPath() string {
	return filepath.Join(c.BinDir, "kubectl")
}

// Kubectl runs kubectl as AdminUser and returns its output. A non-zero exit
// is an error that quotes stderr.
func (c *Cluster) Kubectl(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	return c.KubectlAs(ctx, c.AdminKubeconfig, args...)
}

// KubectlAs runs kubectl with the given kubeconfig, such as UserKubeconfig.
func (c *Cluster) KubectlAs(ctx context.Context, kubeconfig string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, c.KubectlPath(), append([]string{"--kubeconfig=" + kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if err != nil {
		err = fmt.Errorf("kubectl %v: %w: %s", args, err, bytes.TrimSpace(errOut.Bytes()))
	}
	return out.String(), errOut.String(), err
}

// PIDs returns the process IDs of the programs the cluster started, each the
// leader of its own process group.
func (c *Cluster) PIDs() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	pids := make([]int, 0, len(c.procs))
	for _, p := range c.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}
