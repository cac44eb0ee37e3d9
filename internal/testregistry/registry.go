package testregistry

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
)

// Options shapes the public side of the registry.
type Options struct {
	// Username and Password, when set, put basic auth in front of every
	// request, answered with a Basic challenge as registries do.
	Username, Password string
	// Latency is added to every request, before auth and faults.
	Latency time.Duration
	// Faults injects failures for requests whose URL path contains the key,
	// e.g. {"app/busy": TooManyThenOK(2)}. When several keys match, the
	// first in sorted order wins.
	Faults map[string]Fault
}

// Registry is a running registry; Start registers its shutdown with the test.
type Registry struct {
	opts   Options
	public *httptest.Server
	push   *httptest.Server
	faults []pathFault

	mu          sync.Mutex
	log         []string
	inFlight    int
	maxInFlight int
}

type pathFault struct {
	substr  string
	handler http.Handler
}

// Start serves a fresh, empty registry on 127.0.0.1 until the test ends.
func Start(t testing.TB, o Options) *Registry {
	t.Helper()
	store := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	r := &Registry{opts: o}
	keys := make([]string, 0, len(o.Faults))
	for k := range o.Faults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.faults = append(r.faults, pathFault{substr: k, handler: o.Faults[k](store)})
	}
	r.public = serveLoopback(t, r.front(store))
	r.push = serveLoopback(t, store)
	return r
}

// serveLoopback listens on 127.0.0.1 explicitly: httptest may fall back to
// [::1], and the tests and the plugin binary expect an IPv4 loopback host.
func serveLoopback(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening on loopback: %v", err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// Host is the registry's host:port, to put in front of image names.
func (r *Registry) Host() string { return strings.TrimPrefix(r.public.URL, "http://") }

// Ref is the image reference of repoTag (or repo@digest) in this registry.
func (r *Registry) Ref(repoTag string) string { return r.Host() + "/" + repoTag }

// Requests is the number of requests the public side has served, including
// those refused by auth or faults.
func (r *Registry) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.log)
}

// RequestLog lists the requests served so far as "METHOD /path".
func (r *Registry) RequestLog() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

// MaxInFlight is the largest number of requests the public side has served
// at once, to check that a client bounds its concurrency.
func (r *Registry) MaxInFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxInFlight
}

// DockerConfigJSON is a Docker config.json holding this registry's
// credentials: the content of a kubernetes.io/dockerconfigjson Secret, or of
// $DOCKER_CONFIG/config.json for a process that must log in.
func (r *Registry) DockerConfigJSON() []byte {
	auth := base64.StdEncoding.EncodeToString([]byte(r.opts.Username + ":" + r.opts.Password))
	// Host and base64 are plain ASCII, so Go quoting is JSON quoting.
	return fmt.Appendf(nil, `{"auths":{%q:{"auth":%q}}}`, r.Host(), auth)
}

// front counts, delays, authenticates and injects faults, in that order.
func (r *Registry) front(store http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.begin(req)
		defer r.end()
		if r.opts.Latency > 0 {
			select {
			case <-time.After(r.opts.Latency):
			case <-req.Context().Done():
				return
			}
		}
		if r.opts.Username != "" && !r.authorized(req) {
			w.Header().Set("WWW-Authenticate", `Basic realm="testregistry"`)
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
			return
		}
		for _, f := range r.faults {
			if strings.Contains(req.URL.Path, f.substr) {
				f.handler.ServeHTTP(w, req)
				return
			}
		}
		store.ServeHTTP(w, req)
	})
}

func (r *Registry) begin(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, req.Method+" "+req.URL.Path)
	r.inFlight++
	r.maxInFlight = max(r.maxInFlight, r.inFlight)
}

func (r *Registry) end() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight--
}

func (r *Registry) authorized(req *http.Request) bool {
	user, pass, ok := req.BasicAuth()
	return ok &&
		subtle.ConstantTimeCompare([]byte(user), []byte(r.opts.Username)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(r.opts.Password)) == 1
}
