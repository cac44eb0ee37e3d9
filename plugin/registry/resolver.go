package registry

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

const (
	defaultConcurrency = 8
	defaultTimeout     = 30 * time.Second
	// Four attempts 100ms, 200ms and 400ms apart ride out a blip or a short
	// rate limit without holding a pre-deploy check for long.
	maxAttempts  = 4
	firstBackoff = 100 * time.Millisecond
)

// Options configures a Resolver. The zero value resolves anonymously or with
// the user's Docker credentials, over TLS except to loopback registries.
type Options struct {
	// Keychain finds credentials per repository. Nil means
	// authn.DefaultKeychain: $DOCKER_CONFIG or ~/.docker/config.json and
	// its credential helpers, as docker pull would use.
	Keychain authn.Keychain
	// InsecureRegistries are reached over plain HTTP: "host:port", or
	// "host" for any port. Loopback registries (localhost, 127.0.0.0/8,
	// [::1]) always are.
	InsecureRegistries []string
	// Concurrency bounds the lookups in flight; 0 means 8.
	Concurrency int
	// Timeout bounds each request, and each retry of it; 0 means 30s.
	Timeout time.Duration
	// Transport carries the requests; nil means a clone of
	// remote.DefaultTransport (proxies from the environment, keep-alives).
	Transport http.RoundTripper
}

// Resolver looks up image digests. It is safe for concurrent use and holds
// no state between Resolve calls but its connection pool.
type Resolver struct {
	keychain    authn.Keychain
	insecure    []string
	concurrency int
	timeout     time.Duration
	transport   http.RoundTripper
}

// New returns a Resolver for o, filling in defaults.
func New(o Options) *Resolver {
	r := &Resolver{
		keychain:    o.Keychain,
		concurrency: o.Concurrency,
		timeout:     o.Timeout,
	}
	if r.keychain == nil {
		r.keychain = authn.DefaultKeychain
	}
	if r.concurrency <= 0 {
		r.concurrency = defaultConcurrency
	}
	if r.timeout <= 0 {
		r.timeout = defaultTimeout
	}
	for _, h := range o.InsecureRegistries {
		h = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(h), "http://"), "https://")
		r.insecure = append(r.insecure, strings.TrimSuffix(h, "/"))
	}
	base := o.Transport
	if base == nil {
		base = remote.DefaultTransport.(*http.Transport).Clone()
	}
	r.transport = &retryTransport{
		next:     &attemptTransport{next: base, timeout: r.timeout, plainHTTP: r.plainHTTP},
		attempts: maxAttempts,
		backoff:  firstBackoff,
	}
	return r
}

// Resolve returns the manifest digest ("sha256:<64 hex>") of every image,
// keyed by the image as given. Each distinct reference is looked up once,
// however it is spelled ("nginx" and "docker.io/library/nginx:latest" are
// one). A reference pinned by a sha256 digest is returned without a lookup.
//
// When some images cannot be resolved, the map still holds the others and
// the error is a *ResolveError naming every failed image and why.
func (r *Resolver) Resolve(ctx context.Context, images []string) (map[string]string, error) {
	digests := make(map[string]string, len(images))
	var failures []*ImageError
	var refs []name.Reference          // distinct references to look up
	spellings := map[string][]string{} // canonical name -> images as given
	seen := map[string]bool{}
	for _, image := range images {
		if seen[image] {
			continue
		}
		seen[image] = true
		ref, err := r.parse(image)
		if err != nil {
			failures = append(failures, &ImageError{Image: image, Reason: InvalidReference, Detail: err.Error()})
			continue
		}
		if d, ok := ref.(name.Digest); ok && strings.HasPrefix(d.DigestStr(), "sha256:") {
			digests[image] = d.DigestStr()
			continue
		}
		key := ref.Name()
		if _, ok := spellings[key]; !ok {
			refs = append(refs, ref)
		}
		spellings[key] = append(spellings[key], image)
	}

	results := r.lookupAll(ctx, refs)
	for i, ref := range refs {
		for _, image := range spellings[ref.Name()] {
			if f := results[i].fail; f != nil {
				failures = append(failures, f.forImage(image))
			} else {
				digests[image] = results[i].digest
			}
		}
	}
	return digests, newResolveError(failures)
}

type result struct {
	digest string
	fail   *failure
}

// lookupAll runs at most r.concurrency lookups at a time.
func (r *Resolver) lookupAll(ctx context.Context, refs []name.Reference) []result {
	results := make([]result, len(refs))
	s := newSession(ctx, r, refs)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(r.concurrency, len(refs)) {
		wg.Go(func() {
			for i := range jobs {
				results[i].digest, results[i].fail = s.lookup(ctx, refs[i])
			}
		})
	}
	for i := range refs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// parse reads an image reference as a container runtime would (implicit
// docker.io and :latest), marking plain-HTTP registries.
func (r *Resolver) parse(image string) (name.Reference, error) {
	ref, err := name.ParseReference(image)
	if err != nil || !r.plainHTTP(ref.Context().RegistryStr()) {
		return ref, err
	}
	return name.ParseReference(image, name.Insecure)
}

// plainHTTP reports whether registry (host[:port]) is reached over HTTP.
func (r *Resolver) plainHTTP(registry string) bool {
	registry = strings.ToLower(registry)
	host := registry
	if h, _, err := net.SplitHostPort(registry); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, h := range r.insecure {
		if h == registry || h == host {
			return true
		}
	}
	return false
}
