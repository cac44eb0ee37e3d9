package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
)

// manifestHeads counts the manifest lookups a registry served for repo.
func manifestHeads(reg *testregistry.Registry, repo string) int {
	n := 0
	for _, line := range reg.RequestLog() {
		if strings.Contains(line, "/v2/"+repo+"/manifests/") {
			n++
		}
	}
	return n
}

func TestManifestsTagsResolvedInTheRegistry(t *testing.T) {
	t.Parallel()
	reg := testregistry.Start(t, testregistry.Options{})
	app := reg.PushRandom(t, "shop/app:1.0")
	multi := reg.PushIndex(t, "shop/multi:2.0")
	o := newOffline(t)
	dir := filepath.Join(o.dir, "manifests")
	o.write("manifests/a.yaml", deployment("a", "shop", "{{.Host}}/shop/app:1.0", ""), reg.Host())
	o.write("manifests/b.yaml", deployment("b", "shop", "{{.Host}}/shop/app:1.0", ""), reg.Host())
	o.write("manifests/c.yaml", deployment("c", "shop", "{{.Host}}/shop/multi:2.0", ""), reg.Host())

	r := o.drift("lock", "-f", dir)
	expect(t, r, 0)
	lock := string(readFile(t, o.lockfile))
	contains(t, "lockfile", lock, "image: "+reg.Host()+"/shop/app:1.0\n        digest: "+app,
		"image: "+reg.Host()+"/shop/multi:2.0\n        digest: "+multi)
	if n := manifestHeads(reg, "shop/app"); n != 1 {
		t.Errorf("shop/app:1.0 was looked up %d times, want once:\n%s", n, strings.Join(reg.RequestLog(), "\n"))
	}
	expect(t, o.drift("check", "-f", dir), 0)

	// The same tag re-pushed with other content is drift before deploying.
	repushed := reg.PushRandom(t, "shop/app:1.0")
	r = o.drift("check", "-f", dir, "-o", "json")
	expect(t, r, 1)
	contains(t, "json", r.stdout, `"field": "digest"`, `"locked": "`+app+`"`, `"live": "`+repushed+`"`, `"changed": 2`)
}

func TestManifestsRegistryFailuresKeepTheLockfile(t *testing.T) {
	t.Parallel()
	reg := testregistry.Start(t, testregistry.Options{Faults: map[string]testregistry.Fault{
		"shop/busy":   testregistry.TooManyThenOK(2),
		"shop/broken": testregistry.AlwaysStatus(500),
	}})
	reg.PushRandom(t, "shop/app:1.0")
	busy := reg.PushRandom(t, "shop/busy:1.0")
	reg.PushRandom(t, "shop/broken:1.0")
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unreachable := closed.Addr().String()
	closed.Close()

	o := newOffline(t)
	good := o.write("good.yaml", deployment("app", "shop", "{{.Host}}/shop/app:1.0", ""), reg.Host())
	expect(t, o.drift("lock", "-f", good), 0)
	before := readFile(t, o.lockfile)

	// 429 twice, then an answer: retried with backoff.
	busyFile := o.write("busy.yaml", deployment("busy", "shop", "{{.Host}}/shop/busy:1.0", ""), reg.Host())
	r := o.drift("lock", "-f", busyFile, "--dry-run")
	expect(t, r, 0)
	contains(t, "dry-run", r.stdout, "digest: "+busy)

	for _, tt := range []struct {
		name, image string
		want        []string
	}{
		{"not found", reg.Host() + "/shop/absent:1.0", []string{reg.Host() + "/shop/absent:1.0: not found"}},
		{"server error", reg.Host() + "/shop/broken:1.0", []string{reg.Host() + "/shop/broken:1.0: registry error: 500", "gave up after"}},
		{"unreachable", unreachable + "/shop/app:1.0", []string{unreachable + "/shop/app:1.0: registry unreachable", "connection refused"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := o.write(strings.ReplaceAll(tt.name, " ", "-")+".yaml", deployment("app", "shop", tt.image, ""), "")
			r := o.drift("lock", "-f", path)
			expect(t, r, 2)
			contains(t, "stderr", r.stderr, append(tt.want, "the lockfile was left as it is")...)
			lockfileKept(t, o.lockfile, before)
			r = o.drift("check", "-f", path, "-o", "json")
			expect(t, r, 2)
			contains(t, "json", r.stdout, `"errors": [`, tt.want[0])
		})
	}
}

func TestManifestsRegistryCredentials(t *testing.T) {
	t.Parallel()
	const password = "s3cret-Passw0rd"
	reg := testregistry.Start(t, testregistry.Options{Username: "ci", Password: password})
	digest := reg.PushRandom(t, "private/app:1.0")
	o := newOffline(t)
	path := o.write("private.yaml", deployment("app", "shop", "{{.Host}}/private/app:1.0", ""), reg.Host())

	// No credentials: a clear error naming the image.
	r := o.drift("lock", "-f", path)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, reg.Host()+"/private/app:1.0: unauthorized")

	// The Docker config's credentials, as `docker login` leaves them.
	dockerConfig := filepath.Join(o.dir, "home", ".docker", "config.json")
	if err := os.WriteFile(dockerConfig, reg.DockerConfigJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	r = o.drift("lock", "-f", path)
	expect(t, r, 0)
	contains(t, "lockfile", string(readFile(t, o.lockfile)), "digest: "+digest)
	r2 := o.drift("check", "-f", path, "-o", "json")
	expect(t, r2, 0)
	for _, out := range []string{r.stdout, r.stderr, r2.stdout, r2.stderr, string(readFile(t, o.lockfile))} {
		if strings.Contains(out, password) {
			t.Fatalf("the registry password leaked:\n%s", out)
		}
	}
}

// In a cluster, lock --resolve asks the registry for what no pod reports.
func TestLiveLockResolve(t *testing.T) {
	t.Parallel()
	reg := testregistry.Start(t, testregistry.Options{})
	digest := reg.PushRandom(t, "shop/report:3.0")
	s := newScenario(t, "resolve")
	s.apply(cronJob("report", reg.Ref("shop/report:3.0")))
	r := s.drift("lock", "-n", s.ns)
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "no identity for image")

	r = s.drift("lock", "-n", s.ns, "--resolve")
	expect(t, r, 0)
	contains(t, "lockfile", string(readFile(t, s.lockfile)), "digest: "+digest)
	expect(t, s.drift("check"), 0)
}

// lock --resolve pulls with the credentials the pods would: the template's
// imagePullSecrets, then its ServiceAccount's.
func TestLiveLockResolveWithPullSecrets(t *testing.T) {
	t.Parallel()
	const password = "pull-s3cret"
	reg := testregistry.Start(t, testregistry.Options{Username: "puller", Password: password})
	digest := reg.PushRandom(t, "private/report:1.0")
	s := newScenario(t, "pull-secrets")
	image := reg.Ref("private/report:1.0")
	s.apply(cronJob("by-template", image, "imagePullSecrets: [{name: regcred}]"))
	s.apply(cronJob("by-account", image, "serviceAccountName: puller"))

	// Without the Secrets the registry refuses, and lock says so.
	r := s.drift("lock", "-n", s.ns, "--resolve")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, reg.Host()+"/private/report:1.0: unauthorized")

	s.kubectl("create", "secret", "docker-registry", "regcred", "--docker-server="+reg.Host(),
		"--docker-username=puller", "--docker-password="+password)
	s.kubectl("create", "secret", "docker-registry", "account-cred", "--docker-server="+reg.Host(),
		"--docker-username=puller", "--docker-password="+password)
	s.kubectl("create", "serviceaccount", "puller")
	s.kubectl("patch", "serviceaccount", "puller", "--type=merge", "-p", `{"imagePullSecrets":[{"name":"account-cred"}]}`)

	r = s.drift("lock", "-n", s.ns, "--resolve")
	expect(t, r, 0)
	lock := string(readFile(t, s.lockfile))
	if strings.Count(lock, "digest: "+digest) != 2 {
		t.Fatalf("want both CronJobs locked to %s:\n%s", digest, lock)
	}
	for _, out := range []string{r.stdout, r.stderr, lock} {
		if strings.Contains(out, password) {
			t.Fatalf("the registry password leaked:\n%s", out)
		}
	}
}
