// Command dist builds the release of kubectl drift: one archive per platform
// holding the kubectl-drift binary, LICENSE and the kubectl_complete-drift
// completion helper, the krew plugin manifest (drift.yaml) that points at
// them, and sha256sums.txt. Run it through `make dist`:
//
//	go run ./hack/dist -version v0.1.0 -commit 1a2b3c4 -out dist
//
// The output is reproducible: the same source, version, commit, base URL and
// Go version give byte-identical archives, whatever the directory, the user
// or the time of the build. The binaries are built with -trimpath and without
// cgo or VCS stamping (Go's build ID derives from the inputs, so it needs no
// blanking), and the archives with fixed times (from SOURCE_DATE_EPOCH when
// set), owners and modes.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/version"

	"github.com/kubectl-drift/kubectl-drift/krew"
)

// DefaultPlatforms are the platforms a release ships for.
const DefaultPlatforms = "linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64"

// defaultMtime is the time of every archived file when SOURCE_DATE_EPOCH is
// unset: fixed, so that builds compare equal, and after 1980, which is as far
// back as a zip archive can date a file.
var defaultMtime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

var commitPattern = regexp.MustCompile(`^[0-9A-Za-z._-]+$`)

type options struct {
	version, commit, baseURL, out, root, goCmd string
	platforms                                  []platform
	mtime                                      time.Time
}

type platform struct{ os, arch string }

func (p platform) String() string { return p.os + "/" + p.arch }

func main() {
	o, err := parseFlags(os.Args[1:])
	if err == nil {
		err = run(o, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "dist: %v\n", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	o := &options{}
	var platforms string
	fs.StringVar(&o.version, "version", "", "release version, a semantic version with a leading v (required)")
	fs.StringVar(&o.commit, "commit", "unknown", "commit stamped into the binaries")
	fs.StringVar(&o.baseURL, "base-url", "", "where the archives are published (default: the GitHub release of -version)")
	fs.StringVar(&o.out, "out", "dist", "output directory")
	fs.StringVar(&o.root, "root", ".", "the source tree: the module root")
	fs.StringVar(&platforms, "platforms", DefaultPlatforms, "os/arch pairs to build, separated by spaces or commas")
	fs.StringVar(&o.goCmd, "go", envOr("GO", "go"), "the go command")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if !strings.HasPrefix(o.version, "v") {
		return nil, fmt.Errorf("-version %q: must be a semantic version with a leading v, such as v0.1.0", o.version)
	}
	if _, err := version.ParseSemantic(o.version); err != nil {
		return nil, fmt.Errorf("-version %q: must be a semantic version with a leading v, such as v0.1.0", o.version)
	}
	if !commitPattern.MatchString(o.commit) {
		return nil, fmt.Errorf("-commit %q: must match %s", o.commit, commitPattern)
	}
	if o.baseURL == "" {
		o.baseURL = "https://github.com/kubectl-drift/kubectl-drift/releases/download/" + o.version
	}
	for _, p := range strings.FieldsFunc(platforms, func(r rune) bool { return r == ',' || r == ' ' }) {
		goos, goarch, ok := strings.Cut(p, "/")
		if !ok || goos == "" || goarch == "" {
			return nil, fmt.Errorf("-platforms: %q is not os/arch", p)
		}
		o.platforms = append(o.platforms, platform{goos, goarch})
	}
	if len(o.platforms) == 0 {
		return nil, errors.New("-platforms: none given")
	}
	o.mtime = defaultMtime
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil || sec < 315532800 { // 1980-01-01
			return nil, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want seconds since 1970, from 1980 on", s)
		}
		o.mtime = time.Unix(sec, 0).UTC()
	}
	return o, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run(o *options, stdout, stderr io.Writer) error {
	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "drift-dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	release := krew.Release{Version: o.version, BaseURL: o.baseURL}
	var sums strings.Builder
	for _, p := range o.platforms {
		start := time.Now()
		bin := filepath.Join(work, p.os+"_"+p.arch, krew.BinaryName(p.os))
		if err := build(o, root, p, bin); err != nil {
			return err
		}
		file := archiveName(o.version, p)
		err := writeArchive(filepath.Join(o.out, file), []entry{
			{name: krew.BinaryName(p.os), mode: 0o755, path: bin},
			{name: "LICENSE", mode: 0o644, path: filepath.Join(root, "LICENSE")},
			{name: "kubectl_complete-drift", mode: 0o755, path: filepath.Join(root, "kubectl_complete-drift")},
		}, o.mtime)
		if err != nil {
			return err
		}
		sum, err := sha256File(filepath.Join(o.out, file))
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "dist: %s in %s\n", file, time.Since(start).Round(100*time.Millisecond))
		fmt.Fprintf(&sums, "%s  %s\n", sum, file)
		release.Archives = append(release.Archives, krew.Archive{OS: p.os, Arch: p.arch, File: file, SHA256: sum})
	}
	manifest, err := krew.Render(release)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, krew.ManifestFile), manifest, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "sha256sums.txt"), []byte(sums.String()), 0o644); err != nil {
		return err
	}
	_, err = io.WriteString(stdout, sums.String())
	return err
}

// archiveName is the file name of a platform's archive: a zip for Windows,
// a gzipped tarball elsewhere.
func archiveName(version string, p platform) string {
	ext := ".tar.gz"
	if p.os == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("kubectl-drift_%s_%s_%s%s", version, p.os, p.arch, ext)
}

// build cross-compiles the plugin for p. Everything that reaches the binary
// is set here rather than taken from the environment: no cgo, the baseline
// instruction sets, no VCS stamping, paths trimmed.
func build(o *options, root string, p platform, out string) error {
	ldflags := fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s", o.version, o.commit)
	cmd := exec.Command(o.goCmd, "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"CGO_ENABLED=0", "GOOS="+p.os, "GOARCH="+p.arch,
		"GOAMD64=v1", "GOARM64=v8.0", "GO386=sse2", "GOARM=7",
		"GOFLAGS=", "GOEXPERIMENT=", "GOWORK=off",
	)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: %w", p, err)
	}
	return nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
