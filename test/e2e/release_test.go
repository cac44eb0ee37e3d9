package e2e

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-drift/kubectl-drift/krew"
)

// The release the tests build, as `make dist VERSION=... COMMIT=...` would.
const (
	releaseVersion = "v0.3.0-e2e.1"
	releaseCommit  = "e2e0001"
)

// TestRelease builds the release with `make dist` from an export of the
// source tree (no .git), checks that a second build elsewhere gives the same
// bytes, and installs it with the real krew: on every platform, as the
// plugin index's own check does, and on this one, where kubectl then runs it
// against the test cluster and completes its flags.
//
// It is not parallel: the cross-compiles take both cores for minutes, and
// the cluster scenarios that wait for pods run afterwards.
func TestRelease(t *testing.T) {
	bin := releaseTools(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	a := exportSource(t, root)
	start := time.Now()
	runMake(t, a, nil, "dist", "VERSION="+releaseVersion, "COMMIT="+releaseCommit)
	t.Logf("make dist (%d platforms) took %v", len(readSums(t, filepath.Join(a, "dist"))), time.Since(start).Round(time.Second))
	dist := filepath.Join(a, "dist")

	t.Run("the dist holds an archive per platform and the manifest", func(t *testing.T) {
		sums := readSums(t, dist)
		var files []string
		for _, s := range sums {
			files = append(files, s.file)
		}
		want := []string{
			"kubectl-drift_v0.3.0-e2e.1_linux_amd64.tar.gz",
			"kubectl-drift_v0.3.0-e2e.1_linux_arm64.tar.gz",
			"kubectl-drift_v0.3.0-e2e.1_darwin_amd64.tar.gz",
			"kubectl-drift_v0.3.0-e2e.1_darwin_arm64.tar.gz",
			"kubectl-drift_v0.3.0-e2e.1_windows_amd64.zip",
		}
		if strings.Join(files, " ") != strings.Join(want, " ") {
			t.Errorf("sha256sums.txt lists %v, want %v", files, want)
		}
		manifest := string(readFile(t, filepath.Join(dist, "drift.yaml")))
		for _, s := range sums {
			contains(t, "drift.yaml", manifest,
				`uri: "https://github.com/kubectl-drift/kubectl-drift/releases/download/v0.3.0-e2e.1/`+s.file+`"`,
				`sha256: "`+s.sum+`"`)
		}
		if err := krew.ValidateFile(filepath.Join(dist, "drift.yaml")); err != nil {
			t.Error(err)
		}
	})

	t.Run("a second build elsewhere gives the same bytes", func(t *testing.T) {
		b := exportSource(t, root)
		runMake(t, b, nil, "dist", "VERSION="+releaseVersion, "COMMIT="+releaseCommit)
		for _, f := range []string{"sha256sums.txt", "drift.yaml"} {
			if first, second := readFile(t, filepath.Join(dist, f)), readFile(t, filepath.Join(b, "dist", f)); !bytes.Equal(first, second) {
				t.Errorf("%s differs between two builds:\n%s\n---\n%s", f, first, second)
			}
		}
		// The second build reused the compiled packages of the first from the
		// Go build cache, so compile once more from nothing, for one platform.
		start := time.Now()
		runMake(t, b, []string{"GOCACHE=" + t.TempDir()}, "dist", "VERSION="+releaseVersion, "COMMIT="+releaseCommit, "PLATFORMS=linux/amd64")
		t.Logf("make dist for linux/amd64 with an empty build cache took %v", time.Since(start).Round(time.Second))
		first, second := readSums(t, dist), readSums(t, filepath.Join(b, "dist"))
		if len(second) != 1 || second[0] != first[0] {
			t.Errorf("built from an empty cache, linux/amd64 has %v, want %v", second, first[0])
		}
	})

	t.Run("without git or VERSION the version is v0.0.0-dev", func(t *testing.T) {
		c := exportSource(t, root)
		runMake(t, c, nil, "dist", "PLATFORMS=linux/amd64")
		archive := filepath.Join(c, "dist", "kubectl-drift_v0.0.0-dev_linux_amd64.tar.gz")
		out := filepath.Join(t.TempDir(), "x")
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if r := runProgram(t, "tar", []string{"-xzf", archive, "-C", out}, nil); r.code != 0 {
			t.Fatalf("tar: %s", r)
		}
		r := runProgram(t, filepath.Join(out, "kubectl-drift"), []string{"version"}, nil)
		expect(t, r, 0)
		if r.stdout != "kubectl-drift v0.0.0-dev (commit unknown)\n" {
			t.Errorf("version: %q", r.stdout)
		}
	})

	t.Run("the plugin index check accepts the manifest", func(t *testing.T) {
		r := runProgram(t, filepath.Join(bin, "validate-krew-manifest"),
			[]string{"-manifest", filepath.Join(dist, "drift.yaml"), "-skip-install"}, nil)
		expect(t, r, 0)

		// The same check again, installing every platform as the index does,
		// from a server that holds the archives: the manifest's URIs are
		// pointed at it (the release's https URLs are not published yet).
		srv := httptest.NewServer(http.FileServer(http.Dir(dist)))
		defer srv.Close()
		manifest := strings.ReplaceAll(string(readFile(t, filepath.Join(dist, "drift.yaml"))),
			"https://github.com/kubectl-drift/kubectl-drift/releases/download/"+releaseVersion, srv.URL)
		local := filepath.Join(t.TempDir(), "drift.yaml")
		if err := os.WriteFile(local, []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		r = runProgram(t, filepath.Join(bin, "validate-krew-manifest"), []string{"-manifest", local}, nil,
			"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		expect(t, r, 0)
		contains(t, "validate-krew-manifest", r.stderr, "all 5 spec.platforms installed fine")
	})

	t.Run("krew agrees with the manifest validator cases", func(t *testing.T) {
		cases, err := filepath.Glob(filepath.Join(root, "krew", "testdata", "invalid", "*.yaml"))
		if err != nil || len(cases) == 0 {
			t.Fatalf("no cases in krew/testdata/invalid: %v", err)
		}
		for _, c := range cases {
			data := readFile(t, c)
			verdict := headerLine(string(data), "krew")
			// krew names a plugin after its file, so every case is drift.yaml.
			path := filepath.Join(t.TempDir(), "drift.yaml")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			r := runProgram(t, filepath.Join(bin, "validate-krew-manifest"), []string{"-manifest", path, "-skip-install"}, nil)
			name := filepath.Base(c)
			switch refusal, refuses := strings.CutPrefix(verdict, "refuses: "); {
			case refuses && (r.code == 0 || !strings.Contains(r.stderr, refusal)):
				t.Errorf("%s: want krew to refuse it with %q, got %s", name, refusal, r)
			case verdict == "accepts" && r.code != 0:
				t.Errorf("%s: want krew to accept it, got %s", name, r)
			case !refuses && verdict != "accepts":
				t.Errorf("%s: '# krew:' says %q, want 'accepts' or 'refuses: <message>'", name, verdict)
			}
		}
	})

	t.Run("krew installs every platform from its archive", func(t *testing.T) {
		for _, s := range readSums(t, dist) {
			goos, goarch := s.platform()
			krewRoot := t.TempDir()
			r := runProgram(t, shared.cluster.KubectlPath(),
				[]string{"krew", "install", "--manifest=" + filepath.Join(dist, "drift.yaml"), "--archive=" + filepath.Join(dist, s.file)}, nil,
				krewEnv(krewRoot, bin, "KREW_OS="+goos, "KREW_ARCH="+goarch)...)
			if r.code != 0 || !strings.Contains(r.stderr, "Installed plugin: drift") {
				t.Errorf("%s/%s: kubectl krew install: %s", goos, goarch, r)
				continue
			}
			store := filepath.Join(krewRoot, "store", "drift", releaseVersion)
			binary := krew.BinaryName(goos)
			for _, f := range []string{binary, "LICENSE", "kubectl_complete-drift"} {
				if _, err := os.Stat(filepath.Join(store, f)); err != nil {
					t.Errorf("%s/%s: %v", goos, goarch, err)
				}
			}
			if link, err := os.Readlink(filepath.Join(krewRoot, "bin", binary)); err != nil || link != filepath.Join(store, binary) {
				t.Errorf("%s/%s: bin/%s links to %q (%v), want the installed binary", goos, goarch, binary, link, err)
			}
		}

		// An archive that is not the one the manifest names is refused.
		r := runProgram(t, shared.cluster.KubectlPath(),
			[]string{"krew", "install", "--manifest=" + filepath.Join(dist, "drift.yaml"),
				"--archive=" + filepath.Join(dist, "kubectl-drift_"+releaseVersion+"_linux_arm64.tar.gz")}, nil,
			krewEnv(t.TempDir(), bin, "KREW_OS=linux", "KREW_ARCH=amd64")...)
		if r.code == 0 || !strings.Contains(r.stderr, "checksum does not match") {
			t.Errorf("installing linux/amd64 from the linux/arm64 archive: want a checksum error, got %s", r)
		}
	})

	t.Run("kubectl runs and completes the plugin krew installed", func(t *testing.T) {
		testInstalledWithKrew(t, bin, root, dist)
	})
}

// testInstalledWithKrew installs the release for this platform into a
// throwaway KREW_ROOT and uses it as a user would, through kubectl.
func testInstalledWithKrew(t *testing.T, bin, root, dist string) {
	krewRoot := t.TempDir()
	var archive string
	for _, s := range readSums(t, dist) {
		if goos, goarch := s.platform(); goos == runtime.GOOS && goarch == runtime.GOARCH {
			archive = filepath.Join(dist, s.file)
		}
	}
	if archive == "" {
		t.Fatalf("the release has no archive for %s/%s, where the tests run", runtime.GOOS, runtime.GOARCH)
	}
	env := krewEnv(krewRoot, bin)
	kubectl := func(args ...string) result {
		t.Helper()
		return runProgram(t, shared.cluster.KubectlPath(), args, nil, env...)
	}
	install := kubectl("krew", "install", "--manifest="+filepath.Join(dist, "drift.yaml"), "--archive="+archive)
	expect(t, install, 0)
	contains(t, "krew install", install.stderr, "Installed plugin: drift")
	// krew keeps a receipt of what it installed, for upgrades and uninstall.
	contains(t, "krew's receipt", string(readFile(t, filepath.Join(krewRoot, "receipts", "drift.yaml"))),
		"name: drift", "version: "+releaseVersion, "name: detached")

	r := kubectl("drift", "version")
	expect(t, r, 0)
	if want := "kubectl-drift " + releaseVersion + " (commit " + releaseCommit + ")\n"; r.stdout != want {
		t.Errorf("kubectl drift version: %q, want %q", r.stdout, want)
	}
	r = kubectl("plugin", "list")
	expect(t, r, 0)
	contains(t, "kubectl plugin list", r.stdout, filepath.Join(krewRoot, "bin", "kubectl-drift"))

	s := newScenario(t, "krew-release")
	s.apply("web.yaml")
	s.waitSettled("app=web", 2, webImage)
	r = kubectl("drift", "lock", "--kubeconfig", s.kubeconfig, "-n", s.ns, "--lockfile", s.lockfile)
	expect(t, r, 0)
	r = kubectl("drift", "check", "--kubeconfig", s.kubeconfig, "--lockfile", s.lockfile)
	expect(t, r, 0)
	contains(t, "kubectl drift check", r.stdout, "no drift: 1 workload(s), 2 pod(s) checked")
	// kubectl hands the plugin's exit code on.
	s.kubectl("set", "image", "deployment/web", "nginx=registry.local/shop/nginx:1.20@sha256:"+strings.Repeat("4", 64))
	r = kubectl("drift", "check", "--kubeconfig", s.kubeconfig, "--lockfile", s.lockfile)
	expect(t, r, 1)
	contains(t, "kubectl drift check after set image", r.stdout, "nginx:1.20@sha256:4444")

	// krew links only the plugin's binary; the completion helper is installed
	// beside it, and the caveats krew prints say how to copy it onto PATH.
	store := filepath.Join(krewRoot, "store", "drift", releaseVersion)
	helper := readFile(t, filepath.Join(store, "kubectl_complete-drift"))
	if !bytes.Equal(helper, readFile(t, filepath.Join(root, "kubectl_complete-drift"))) {
		t.Errorf("the installed kubectl_complete-drift differs from the source tree's")
	}
	// Without the helper on PATH kubectl has nothing to offer.
	r = kubectl("__complete", "drift", "check", "--lock")
	if strings.Contains(r.stdout, "--lockfile") {
		t.Errorf("kubectl completed --lockfile without kubectl_complete-drift on PATH: %s", r)
	}
	caveat, _, _ := strings.Cut(install.stderr[max(0, strings.Index(install.stderr, `cp "${KREW_ROOT`)):], "\n")
	if !strings.HasPrefix(caveat, `cp "${KREW_ROOT:-$HOME/.krew}/store/drift/`+releaseVersion+`/kubectl_complete-drift" "${KREW_ROOT:-$HOME/.krew}/bin/"`) {
		t.Fatalf("krew install printed no caveat that copies kubectl_complete-drift:\n%s", install.stderr)
	}
	r = runProgram(t, "sh", []string{"-c", caveat}, nil, env...)
	expect(t, r, 0)
	// kubectl runs kubectl_complete-drift with the words after `kubectl drift`.
	r = kubectl("__complete", "drift", "check", "--lock")
	expect(t, r, 0)
	if lines := strings.Split(r.stdout, "\n"); !strings.HasPrefix(lines[0], "--lockfile") {
		t.Errorf("kubectl __complete drift check --lock: want --lockfile offered, got %s", r)
	}
	r = runProgram(t, filepath.Join(krewRoot, "bin", "kubectl_complete-drift"), []string{"lock", "--dry"}, nil, env...)
	expect(t, r, 0)
	contains(t, "kubectl_complete-drift lock --dry", r.stdout, "--dry-run")
}

// releaseTools returns the directory of the tools the release tests run:
// kubectl and krew, built by hack/build-tools.sh beside the control plane.
func releaseTools(t *testing.T) string {
	t.Helper()
	bin := filepath.Dir(shared.cluster.KubectlPath())
	for _, p := range []string{"kubectl", "kubectl-krew", "validate-krew-manifest"} {
		if _, err := os.Stat(filepath.Join(bin, p)); err != nil {
			t.Fatalf("%s is missing from %s: run `make tools` (hack/build-tools.sh builds krew from hack/krew/go.mod) and set DRIFT_TOOLS_BIN to the directory it prints", p, bin)
		}
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not on PATH: the release is built with `make dist` (apt-get install make)")
	}
	return bin
}

// krewEnv is the environment of a krew with its own root: its bin directory
// first on PATH, then kubectl and kubectl-krew.
func krewEnv(krewRoot, bin string, extra ...string) []string {
	path := strings.Join([]string{filepath.Join(krewRoot, "bin"), bin, os.Getenv("PATH")}, string(os.PathListSeparator))
	return append([]string{
		"KREW_ROOT=" + krewRoot,
		"HOME=" + filepath.Join(krewRoot, "home"),
		"PATH=" + path,
		"KREW_NO_UPGRADE_CHECK=1",
	}, extra...)
}

// exportSource copies the source tree at root into a new directory, as an
// exported source archive holds it: no .git, no build output.
func exportSource(t *testing.T, root string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "kubectl-drift")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir() && (rel == ".git" || rel == "dist" || rel == "bin"):
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		case !d.Type().IsRegular(), rel == "kubectl-drift", strings.HasSuffix(rel, ".test"):
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return copyFile(path, filepath.Join(dst, rel), info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("exporting the source tree: %v", err)
	}
	return dst
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// runMake runs make in dir with the make variables the release reads cleared
// from the environment, so that only args set them.
func runMake(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory", "-C", dir}, args...)...)
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "VERSION", "COMMIT", "DIST_URL", "PLATFORMS", "SOURCE_DATE_EPOCH", "MAKEFLAGS", "MAKELEVEL":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
}

// archiveSum is one line of sha256sums.txt.
type archiveSum struct{ sum, file string }

// platform reads os and arch from kubectl-drift_<version>_<os>_<arch>.<ext>.
func (a archiveSum) platform() (string, string) {
	name := strings.TrimSuffix(strings.TrimSuffix(a.file, ".zip"), ".tar.gz")
	parts := strings.Split(name, "_")
	return parts[len(parts)-2], parts[len(parts)-1]
}

func readSums(t *testing.T, dist string) []archiveSum {
	t.Helper()
	var sums []archiveSum
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(dist, "sha256sums.txt")))), "\n") {
		sum, file, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("sha256sums.txt: malformed line %q", line)
		}
		sums = append(sums, archiveSum{sum, file})
	}
	return sums
}

// headerLine returns the value of the "# key: value" comment line in data.
func headerLine(data, key string) string {
	for _, line := range strings.Split(data, "\n") {
		if v, ok := strings.CutPrefix(line, "# "+key+": "); ok {
			return v
		}
	}
	return ""
}
