package testcluster

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

// The hollow kubelet ignores TMPDIR: it makes its root directory as
// /tmp/hollow-kubelet.N and serves its fake container runtime on
// /tmp/kubelet_remote_N.sock, and removes neither when it exits. Stop deletes
// the root directory named in the log of the cluster's own kubemark, and then
// every such directory and runtime socket in /tmp that no process serves any
// more, including those of test binaries that were killed.
var hollowRootLog = regexp.MustCompile(`Using (/tmp/hollow-kubelet\.[0-9]+) as root dir for hollow-kubelet`)

func hollowKubeletRoot(logPath string) string {
	log, err := os.ReadFile(logPath)
	if err != nil {
		return ""
	}
	if m := hollowRootLog.FindSubmatch(log); m != nil {
		return string(m[1])
	}
	return ""
}

// removeDeadHollowKubeletFiles removes what hollow kubelets that have exited
// left in /tmp. A socket file appears only once its listener is up (the
// kubelet binds a temporary name and renames it), so a socket that refuses
// connections belongs to a process that is gone.
func removeDeadHollowKubeletFiles() {
	sockets, _ := filepath.Glob("/tmp/kubelet_remote_*.sock")
	for _, s := range sockets {
		if dead(s) {
			_ = os.Remove(s)
		}
	}
	roots, _ := filepath.Glob("/tmp/hollow-kubelet.*")
	for _, r := range roots {
		if dead(filepath.Join(r, "pod-resources", "kubelet.sock")) {
			_ = os.RemoveAll(r)
		}
	}
}

func dead(socket string) bool {
	conn, err := net.DialTimeout("unix", socket, time.Second)
	if err == nil {
		conn.Close()
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}
