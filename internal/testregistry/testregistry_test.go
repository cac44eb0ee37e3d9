package testregistry_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
)

const accept = "application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.v2+json"

// call makes one request to the registry and returns the response with its body read.
func call(t *testing.T, method, url string, setup func(*http.Request)) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	if setup != nil {
		setup(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func manifestURL(reg *testregistry.Registry, repo, ref string) string {
	return "http://" + reg.Host() + "/v2/" + repo + "/manifests/" + ref
}

func TestStartListensOnIPv4Loopback(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	if !strings.HasPrefix(reg.Host(), "127.0.0.1:") {
		t.Fatalf("Host() = %q, want 127.0.0.1:PORT", reg.Host())
	}
	if got, want := reg.Ref("app:v1"), reg.Host()+"/app:v1"; got != want {
		t.Fatalf("Ref() = %q, want %q", got, want)
	}
}

func TestPushRandomServesItsDigest(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	first := reg.PushRandom(t, "shop/web:1.0")
	second := reg.PushRandom(t, "shop/web:1.0")
	if first == second {
		t.Fatalf("a re-push gave the same digest %s", first)
	}
	if reg.Requests() != 0 {
		t.Fatalf("pushes were counted: Requests() = %d", reg.Requests())
	}
	resp, body := call(t, http.MethodGet, manifestURL(reg, "shop/web", "1.0"), nil)
	sum := sha256.Sum256(body)
	if got := "sha256:" + hex.EncodeToString(sum[:]); resp.StatusCode != http.StatusOK || got != second {
		t.Fatalf("GET = %d with digest %s, want 200 with %s", resp.StatusCode, got, second)
	}
	if got := resp.Header.Get("Docker-Content-Digest"); got != second {
		t.Fatalf("Docker-Content-Digest = %q, want %q", got, second)
	}
	if got, want := reg.RequestLog(), []string{"GET /v2/shop/web/manifests/1.0"}; !slices.Equal(got, want) {
		t.Fatalf("RequestLog() = %q, want %q", got, want)
	}
}

func TestPushIndexHasTwoPlatforms(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	digest := reg.PushIndex(t, "multi:1")
	resp, body := call(t, http.MethodGet, manifestURL(reg, "multi", "1"), nil)
	if got := resp.Header.Get("Docker-Content-Digest"); got != digest {
		t.Fatalf("Docker-Content-Digest = %q, want the index digest %q", got, digest)
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var platforms []string
	for _, m := range idx.Manifests {
		platforms = append(platforms, m.Platform.String())
	}
	if want := []string{"linux/amd64", "linux/arm64"}; !slices.Equal(platforms, want) {
		t.Fatalf("platforms = %q, want %q", platforms, want)
	}
}

func TestBasicAuth(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Username: "robot", Password: "s3cret"})
	digest := reg.PushRandom(t, "private:v1") // pushes go around auth

	resp, _ := call(t, http.MethodHead, manifestURL(reg, "private", "v1"), nil)
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="testregistry"` {
		t.Fatalf("anonymous HEAD = %d %q, want 401 with a Basic challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	resp, _ = call(t, http.MethodHead, manifestURL(reg, "private", "v1"), func(r *http.Request) { r.SetBasicAuth("robot", "wrong") })
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("HEAD with a wrong password = %d, want 401", resp.StatusCode)
	}
	resp, _ = call(t, http.MethodHead, manifestURL(reg, "private", "v1"), func(r *http.Request) { r.SetBasicAuth("robot", "s3cret") })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Docker-Content-Digest") != digest {
		t.Fatalf("HEAD with credentials = %d %q, want 200 %s", resp.StatusCode, resp.Header.Get("Docker-Content-Digest"), digest)
	}
}

func TestDockerConfigJSON(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Username: "robot", Password: "s3cret"})
	var cfg struct {
		Auths map[string]struct{ Auth string }
	}
	if err := json.Unmarshal(reg.DockerConfigJSON(), &cfg); err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(cfg.Auths[reg.Host()].Auth)
	if err != nil || string(b) != "robot:s3cret" {
		t.Fatalf("auth for %s = %q (%v), want robot:s3cret", reg.Host(), b, err)
	}
}

func TestFaults(t *testing.T) {
	type exchange struct {
		method string
		status int
		digest bool // whether Docker-Content-Digest is set
	}
	tests := []struct {
		name  string
		fault testregistry.Fault
		want  []exchange
	}{
		{"too many then ok", testregistry.TooManyThenOK(2), []exchange{
			{http.MethodHead, 429, false}, {http.MethodHead, 429, false}, {http.MethodHead, 200, true}, {http.MethodGet, 200, true},
		}},
		{"always 500", testregistry.AlwaysStatus(500), []exchange{{http.MethodHead, 500, false}, {http.MethodGet, 500, false}}},
		{"not found", testregistry.NotFound(), []exchange{{http.MethodHead, 404, false}, {http.MethodGet, 404, false}}},
		{"refuse head", testregistry.RefuseHead(), []exchange{{http.MethodHead, 405, false}, {http.MethodGet, 200, true}}},
		{"omit digest", testregistry.OmitDigest(), []exchange{{http.MethodHead, 200, false}, {http.MethodGet, 200, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := testregistry.Start(t, testregistry.Options{Faults: map[string]testregistry.Fault{"app/faulty": tt.fault}})
			reg.PushRandom(t, "app/faulty:v1")
			reg.PushRandom(t, "app/fine:v1")
			for i, x := range tt.want {
				resp, _ := call(t, x.method, manifestURL(reg, "app/faulty", "v1"), nil)
				if resp.StatusCode != x.status || (resp.Header.Get("Docker-Content-Digest") != "") != x.digest {
					t.Fatalf("request %d: %s = %d digest %q, want %d with digest %v",
						i, x.method, resp.StatusCode, resp.Header.Get("Docker-Content-Digest"), x.status, x.digest)
				}
			}
			if resp, _ := call(t, http.MethodHead, manifestURL(reg, "app/fine", "v1"), nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("a path without the fault's key got %d", resp.StatusCode)
			}
		})
	}
}

func TestLatency(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	call(t, http.MethodGet, "http://"+reg.Host()+"/v2/", nil)
	if took := time.Since(start); took < 50*time.Millisecond {
		t.Fatalf("a request took %s, want at least the 50ms latency", took)
	}
	if reg.MaxInFlight() != 1 {
		t.Fatalf("MaxInFlight() = %d, want 1", reg.MaxInFlight())
	}
}
