package registry_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
	"github.com/kubectl-drift/kubectl-drift/plugin/registry"
)

const password = "pa55-W0rd-not-for-errors"

// hostKeychain gives auth to one registry host, anonymous elsewhere.
type hostKeychain struct {
	host string
	auth authn.Authenticator
}

func (k hostKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if r.RegistryStr() == k.host {
		return k.auth, nil
	}
	return authn.Anonymous, nil
}

func basicKeychain(host, pass string) authn.Keychain {
	return authn.NewMultiKeychain(hostKeychain{host: host, auth: &authn.Basic{Username: "robot", Password: pass}})
}

// expect is what one Resolve call must give; requests is the number the
// registry must serve (-1: not checked).
type expect struct {
	images   []string
	digests  map[string]string
	errs     []string
	requests int
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		reg  testregistry.Options
		opts func(reg *testregistry.Registry) registry.Options
		// setup pushes what the case needs and says what to expect.
		setup func(t *testing.T, reg *testregistry.Registry) expect
	}{{
		name: "tag resolves to the pushed digest with one ping and one HEAD",
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushRandom(t, "shop/web:1.0")
			return expect{images: []string{reg.Ref("shop/web:1.0")}, digests: map[string]string{reg.Ref("shop/web:1.0"): d}, requests: 2}
		},
	}, {
		name: "pinned by digest needs no request",
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushRandom(t, "shop/web:1.0")
			pinned, tagged := reg.Ref("shop/web@"+d), reg.Ref("shop/web:1.0@"+d)
			return expect{images: []string{pinned, tagged}, digests: map[string]string{pinned: d, tagged: d}, requests: 0}
		},
	}, {
		name: "multi-platform tag resolves to the index digest",
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushIndex(t, "multi:1")
			return expect{images: []string{reg.Ref("multi:1")}, digests: map[string]string{reg.Ref("multi:1"): d}, requests: 2}
		},
	}, {
		name: "duplicate references are looked up once each",
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d1, d2 := reg.PushRandom(t, "app:v1"), reg.PushRandom(t, "app:v2")
			v1, v2 := reg.Ref("app:v1"), reg.Ref("app:v2")
			return expect{images: []string{v1, v1, v2, v1, v2}, digests: map[string]string{v1: d1, v2: d2}, requests: 3}
		},
	}, {
		name: "basic auth with the right password",
		reg:  testregistry.Options{Username: "robot", Password: password},
		opts: func(reg *testregistry.Registry) registry.Options {
			return registry.Options{Keychain: basicKeychain(reg.Host(), password)}
		},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushRandom(t, "private:v1")
			return expect{images: []string{reg.Ref("private:v1")}, digests: map[string]string{reg.Ref("private:v1"): d}, requests: 2}
		},
	}, {
		name: "basic auth with a wrong password",
		reg:  testregistry.Options{Username: "robot", Password: "the-right-one"},
		opts: func(reg *testregistry.Registry) registry.Options {
			return registry.Options{Keychain: basicKeychain(reg.Host(), password)}
		},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			reg.PushRandom(t, "private:v1")
			return expect{
				images: []string{reg.Ref("private:v1")},
				errs:   []string{reg.Ref("private:v1") + ": unauthorized: check your docker login / imagePullSecrets (401 Unauthorized)"},
				// HEAD is not retried on 401.
				requests: 2,
			}
		},
	}, {
		name: "no credentials for a registry that wants them",
		reg:  testregistry.Options{Username: "robot", Password: password},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			reg.PushRandom(t, "private:v1")
			return expect{
				images:   []string{reg.Ref("private:v1")},
				errs:     []string{reg.Ref("private:v1") + ": unauthorized: check your docker login / imagePullSecrets (401 Unauthorized)"},
				requests: 2,
			}
		},
	}, {
		name: "429 twice then OK is retried",
		reg:  testregistry.Options{Faults: map[string]testregistry.Fault{"app/busy": testregistry.TooManyThenOK(2)}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushRandom(t, "app/busy:v1")
			return expect{images: []string{reg.Ref("app/busy:v1")}, digests: map[string]string{reg.Ref("app/busy:v1"): d}, requests: 4}
		},
	}, {
		name: "500 forever gives up after four attempts",
		reg:  testregistry.Options{Faults: map[string]testregistry.Fault{"app/broken": testregistry.AlwaysStatus(500)}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			reg.PushRandom(t, "app/broken:v1")
			return expect{
				images:   []string{reg.Ref("app/broken:v1")},
				errs:     []string{reg.Ref("app/broken:v1") + ": registry error: 500 Internal Server Error (gave up after 4 attempts)"},
				requests: 5,
			}
		},
	}, {
		name: "400 is an answer, not retried",
		reg:  testregistry.Options{Faults: map[string]testregistry.Fault{"app/bad": testregistry.AlwaysStatus(400)}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			return expect{
				images:   []string{reg.Ref("app/bad:v1")},
				errs:     []string{reg.Ref("app/bad:v1") + ": registry error: 400 Bad Request"},
				requests: 2,
			}
		},
	}, {
		name: "404 is not found",
		reg:  testregistry.Options{Faults: map[string]testregistry.Fault{"app/gone": testregistry.NotFound()}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			reg.PushRandom(t, "app/gone:v1")
			reg.PushRandom(t, "app/here:v1")
			return expect{
				images: []string{reg.Ref("app/gone:v1"), reg.Ref("app/here:v2")},
				errs: []string{
					reg.Ref("app/gone:v1") + ": not found",
					reg.Ref("app/here:v2") + ": not found",
				},
				requests: 3, // one ping for the registry, one HEAD per repository
			}
		},
	}, {
		name: "HEAD refused falls back to GET",
		reg:  testregistry.Options{Faults: map[string]testregistry.Fault{"nohead": testregistry.RefuseHead()}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushIndex(t, "nohead:v1")
			return expect{images: []string{reg.Ref("nohead:v1")}, digests: map[string]string{reg.Ref("nohead:v1"): d}, requests: 3}
		},
	}, {
		name: "HEAD without Docker-Content-Digest falls back to GET and hashes",
		reg:  testregistry.Options{Faults: map[string]testregistry.Fault{"nodigest": testregistry.OmitDigest()}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushRandom(t, "nodigest:v1")
			return expect{images: []string{reg.Ref("nodigest:v1")}, digests: map[string]string{reg.Ref("nodigest:v1"): d}, requests: 3}
		},
	}, {
		name: "every failure is reported, with the images that resolved",
		reg: testregistry.Options{Faults: map[string]testregistry.Fault{
			"app/gone":   testregistry.NotFound(),
			"app/broken": testregistry.AlwaysStatus(503),
		}},
		setup: func(t *testing.T, reg *testregistry.Registry) expect {
			d := reg.PushRandom(t, "app/ok:v1")
			return expect{
				images:  []string{reg.Ref("app/gone:v1"), reg.Ref("app/ok:v1"), "Not//Valid", reg.Ref("app/broken:v1")},
				digests: map[string]string{reg.Ref("app/ok:v1"): d},
				errs: []string{
					reg.Ref("app/broken:v1") + ": registry error: 503 Service Unavailable (gave up after 4 attempts)",
					reg.Ref("app/gone:v1") + ": not found",
					"Not//Valid: invalid image reference: could not parse reference: Not//Valid",
				},
				requests: -1,
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := testregistry.Start(t, tt.reg)
			want := tt.setup(t, reg)
			opts := registry.Options{Keychain: authn.NewMultiKeychain()}
			if tt.opts != nil {
				opts = tt.opts(reg)
			}
			got, err := registry.New(opts).Resolve(t.Context(), want.images)
			checkResolved(t, got, err, want)
			if want.requests >= 0 && reg.Requests() != want.requests {
				t.Errorf("registry served %d requests, want %d: %q", reg.Requests(), want.requests, reg.RequestLog())
			}
			if err != nil && strings.Contains(err.Error(), password) {
				t.Errorf("error holds the password: %v", err)
			}
		})
	}
}

func checkResolved(t *testing.T, got map[string]string, err error, want expect) {
	t.Helper()
	if want.digests == nil {
		want.digests = map[string]string{}
	}
	if len(got) != len(want.digests) {
		t.Errorf("resolved %v, want %v", got, want.digests)
	}
	for image, d := range want.digests {
		if got[image] != d {
			t.Errorf("%s resolved to %q, want %q", image, got[image], d)
		}
	}
	var gotErrs []string
	if err != nil {
		gotErrs = strings.Split(err.Error(), "\n")
		var re *registry.ResolveError
		if !errors.As(err, &re) || len(re.Failures) != len(gotErrs) {
			t.Errorf("error %T does not list one failure per line: %v", err, err)
		}
	}
	if !slices.Equal(gotErrs, want.errs) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(gotErrs, "\n"), strings.Join(want.errs, "\n"))
	}
}

func TestResolveRepushedTag(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	r := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	image := reg.Ref("app:v1")
	for i := range 2 {
		d := reg.PushRandom(t, "app:v1")
		got, err := r.Resolve(t.Context(), []string{image})
		if err != nil || got[image] != d {
			t.Fatalf("push %d: resolved %q (%v), want %s", i+1, got[image], err, d)
		}
	}
}

func TestResolveUnreachableRegistry(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	image := addr + "/app:v1"
	got, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()}).Resolve(t.Context(), []string{image, addr + "/app:v2"})
	want := []string{
		image + ": registry unreachable: dial tcp " + addr + ": connect: connection refused",
		addr + "/app:v2: registry unreachable: dial tcp " + addr + ": connect: connection refused",
	}
	checkResolved(t, got, err, expect{errs: want})
	var ie *registry.ImageError
	if !errors.As(err, &ie) || ie.Reason != registry.Unreachable {
		t.Errorf("errors.As(*ImageError) = %v, want reason %q", ie, registry.Unreachable)
	}
}

func TestResolveTimeouts(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Latency: 3 * time.Second})
	image := reg.Ref("app:v1")
	reg.PushRandom(t, "app:v1")

	t.Run("request timeout", func(t *testing.T) {
		start := time.Now()
		got, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), Timeout: 100 * time.Millisecond}).
			Resolve(t.Context(), []string{image})
		checkResolved(t, got, err, expect{errs: []string{image + ": timed out: no answer from " + reg.Host() + " within 100ms"}})
		if took := time.Since(start); took > time.Second {
			t.Errorf("took %s with a 100ms timeout", took)
		}
	})
	t.Run("caller deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
		defer cancel()
		start := time.Now()
		got, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()}).Resolve(ctx, []string{image, reg.Ref("app:v2")})
		checkResolved(t, got, err, expect{errs: []string{
			image + ": timed out: context deadline exceeded",
			reg.Ref("app:v2") + ": timed out: context deadline exceeded",
		}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("took %s with a 150ms deadline", took)
		}
	})
}

func TestResolveBoundsConcurrency(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Latency: 20 * time.Millisecond})
	var images []string
	for i := range 12 {
		tag := "app:t" + string(rune('a'+i))
		reg.PushRandom(t, tag)
		images = append(images, reg.Ref(tag))
	}
	got, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), Concurrency: 3}).Resolve(t.Context(), images)
	if err != nil || len(got) != len(images) {
		t.Fatalf("resolved %d of %d: %v", len(got), len(images), err)
	}
	if reg.MaxInFlight() > 3 {
		t.Fatalf("%d requests in flight with Concurrency 3", reg.MaxInFlight())
	}
}

func TestResolveDefaultKeychainReadsDockerConfig(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Username: "robot", Password: password})
	d := reg.PushRandom(t, "private:v1")
	dir := t.TempDir()
	if err := writeFile(dir+"/config.json", reg.DockerConfigJSON()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	image := reg.Ref("private:v1")
	got, err := registry.New(registry.Options{}).Resolve(t.Context(), []string{image})
	checkResolved(t, got, err, expect{digests: map[string]string{image: d}})
}

// A transport error must not carry the Authorization header either.
func TestResolveErrorsNeverHoldCredentials(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{
		Username: "robot", Password: password,
		Faults: map[string]testregistry.Fault{"broken": testregistry.AlwaysStatus(http.StatusBadGateway), "gone": testregistry.NotFound()},
	})
	images := []string{reg.Ref("broken:v1"), reg.Ref("gone:v1")}
	_, err := registry.New(registry.Options{Keychain: basicKeychain(reg.Host(), password)}).Resolve(t.Context(), images)
	if err == nil {
		t.Fatal("no error")
	}
	basic := "cm9ib3Q6cGE1NS1XMHJkLW5vdC1mb3ItZXJyb3Jz" // base64("robot:" + password)
	for _, secret := range []string{password, basic, "Authorization", "Basic "} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error holds %q: %v", secret, err)
		}
	}
}

// Repositories of one registry share one ping (and, with bearer auth, one
// token): 20 repositories cost 21 requests, not 40.
func TestResolveSharesTheConnectionOfARegistry(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Username: "robot", Password: password})
	var images []string
	for i := range 20 {
		ref := reg.Ref(fmt.Sprintf("team/app%02d:1", i))
		reg.PushRandom(t, strings.TrimPrefix(ref, reg.Host()+"/"))
		images = append(images, ref)
	}
	r := registry.New(registry.Options{Keychain: basicKeychain(reg.Host(), password)})
	got, err := r.Resolve(context.Background(), images)
	if err != nil || len(got) != 20 {
		t.Fatalf("Resolve() = %d digests, %v", len(got), err)
	}
	if n := reg.Requests(); n != 21 {
		t.Fatalf("registry served %d requests, want 21:\n%s", n, strings.Join(reg.RequestLog(), "\n"))
	}
}
