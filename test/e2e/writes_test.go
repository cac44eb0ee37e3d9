package e2e

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// worldReadable makes a directory the unprivileged user can use: the binary
// and a kubeconfig in it, readable by everyone.
func worldReadable(t *testing.T, kubeconfig string) (dir, binary, config string) {
	t.Helper()
	// Not t.TempDir: its parent is private to root.
	dir, err := os.MkdirTemp("", "drift-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	binary, config = filepath.Join(dir, "kubectl-drift"), filepath.Join(dir, "kubeconfig")
	for src, dst := range map[string]string{shared.binary: binary, kubeconfig: config} {
		data := readFile(t, src)
		if err := os.WriteFile(dst, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, binary, config
}

// A lock into a directory the user may not write fails with exit 2, and the
// old lockfile stays byte-identical with nothing left behind. Run as an
// unprivileged OS user: root writes anywhere.
func TestLockIntoReadOnlyDirectory(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "readonly-dir")
	expect(t, s.drift("lock", "-n", s.ns), 0)

	dir, binary, config := worldReadable(t, s.kubeconfig)
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o755); err != nil {
		t.Fatal(err)
	}
	lockfile := filepath.Join(locked, "drift.lock.yaml")
	before := readFile(t, s.lockfile)
	if err := os.WriteFile(lockfile, before, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0o555); err != nil {
		t.Fatal(err)
	}
	r := runProgram(t, "setpriv", []string{"--reuid=65534", "--regid=65534", "--clear-groups", "--",
		binary, "lock", "-n", s.ns, "--kubeconfig", config, "--lockfile", lockfile}, nil, "HOME="+dir)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "permission denied", "the lockfile was left as it is")
	lockfileKept(t, lockfile, before)
}

// A lock onto a full disk fails with exit 2 and leaves the old lockfile.
func TestLockOntoFullDisk(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "full-disk")
	expect(t, s.drift("lock", "-n", s.ns), 0)
	before := readFile(t, s.lockfile)

	disk := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Fatalf("mounting a small tmpfs: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", disk).Run() })
	lockfile := filepath.Join(disk, "drift.lock.yaml")
	if err := os.WriteFile(lockfile, before, 0o644); err != nil {
		t.Fatal(err)
	}
	// Fill what is left, so the new lockfile cannot be written.
	filler, err := os.Create(filepath.Join(disk, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = filler.Write(make([]byte, 64<<10))
	filler.Close()

	s.kubectl("create", "deployment", "more", "--image="+webImageNew)
	r := s.drift("lock", "-n", s.ns, "--lockfile", lockfile)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "no space left on device", "the lockfile was left as it is")
	lockfileKept(t, lockfile, before)
}

// hangingServer accepts connections and never answers.
func hangingServer(t *testing.T) string {
	t.Helper()
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hang.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			conn, err := hang.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn)
		}
	}()
	return hang.Addr().String()
}

// --request-timeout bounds a check against a server that never answers.
func TestRequestTimeoutHonoured(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "timeout")
	expect(t, s.drift("lock", "-n", s.ns), 0)
	addr := hangingServer(t)
	start := time.Now()
	r := s.drift("check", "--server", "https://"+addr, "--insecure-skip-tls-verify", "--request-timeout", "2s", "-o", "json")
	expect(t, r, 2)
	contains(t, "json", r.stdout, `"errors": [`, addr)
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("took %v with --request-timeout 2s", took)
	}
}

// SIGINT and SIGTERM stop a lock that waits on a server that never answers:
// exit 2 at once, the old lockfile untouched, nothing left behind.
func TestLockInterruptedBySignal(t *testing.T) {
	t.Parallel()
	addr := hangingServer(t)
	dir := t.TempDir()
	lockfile := filepath.Join(dir, "drift.lock.yaml")
	old := []byte("# kubectl-drift lockfile: approved images and security contexts. Review changes like code.\napiVersion: kubectl-drift.dev/v1alpha1\nkind: DriftLock\nscope:\n  - namespace: shop\nworkloads: []\n")
	if err := os.WriteFile(lockfile, old, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(shared.binary, "lock", "-n", "shop", "--lockfile", lockfile,
				"--server", "https://"+addr, "--insecure-skip-tls-verify", "--token", "x")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(500 * time.Millisecond)
			start := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			exit, ok := err.(*exec.ExitError)
			if !ok || exit.ExitCode() != 2 {
				t.Fatalf("want exit 2 after %v, got %v\n%s", sig, err, stderr.String())
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v to stop after %v", took, sig)
			}
			contains(t, "stderr", stderr.String(), "the lockfile was left as it is")
			lockfileKept(t, lockfile, old)
		})
	}
}

// Concurrent locks of one file leave one valid lockfile: each writes a
// complete file and renames it into place, so the last rename wins.
func TestConcurrentLocksLeaveOneValidLockfile(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "concurrent")
	var wg sync.WaitGroup
	results := make([]result, 6)
	for i := range results {
		wg.Go(func() { results[i] = s.drift("lock", "-n", s.ns) })
	}
	wg.Wait()
	for _, r := range results {
		expect(t, r, 0)
	}
	expect(t, s.drift("check"), 0)
	if left := tempLeftovers(t, s.dir); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// Environment values, Secret contents and command arguments never reach the
// lockfile or the output.
func TestSecretsNeverAppear(t *testing.T) {
	t.Parallel()
	s := newScenario(t, "no-secrets")
	const envValue, argValue, secretValue = "env-VALUE-7f3a", "arg-VALUE-91c2", "secret-VALUE-55e0"
	s.kubectl("create", "secret", "generic", "db", "--from-literal=password="+secretValue)
	s.apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: app
        image: ` + webImage + `
        args: ["--token", "` + argValue + `"]
        env:
        - {name: API_KEY, value: ` + envValue + `}
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db, key: password}}
`)
	s.waitSettled("app=app", 1, webImage)
	var outputs []string
	for _, args := range [][]string{{"lock", "-n", s.ns}, {"check"}, {"check", "-o", "json"}, {"lock", "-n", s.ns, "--dry-run"}} {
		r := s.drift(args...)
		outputs = append(outputs, r.stdout, r.stderr)
	}
	s.kubectl("patch", "deployment", "app", "--type=json", "-p", `[{"op":"replace","path":"/spec/template/spec/containers/0/args/1","value":"other-`+argValue+`"}]`)
	for _, args := range [][]string{{"check", "--color=never"}, {"check", "-o", "json"}} {
		r := s.drift(args...)
		expect(t, r, 1)
		outputs = append(outputs, r.stdout, r.stderr)
	}
	outputs = append(outputs, string(readFile(t, s.lockfile)))
	for _, out := range outputs {
		for _, secret := range []string{envValue, argValue, secretValue} {
			if strings.Contains(out, secret) {
				t.Fatalf("%q leaked:\n%s", secret, out)
			}
		}
	}
}

// An API server that is gone makes lock and check exit 2 with a clear
// message, quickly.
func TestAPIServerGone(t *testing.T) {
	t.Parallel()
	s := webScenario(t, "server-gone")
	expect(t, s.drift("lock", "-n", s.ns), 0)
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := gone.Addr().String()
	gone.Close()
	start := time.Now()
	r := s.drift("check", "--server", "https://"+addr, "--request-timeout", "3s")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, addr, "connection refused")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v to give up on a server that is gone", took)
	}
}
