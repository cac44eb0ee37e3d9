package registry

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// maxManifestBytes bounds a manifest read by GET; real ones are kilobytes.
const maxManifestBytes = 8 << 20

// manifestAccept asks for an index where the tag has one, so a multi-platform
// tag gives its index digest, not the registry's pick of a platform.
const manifestAccept = string(types.OCIImageIndex) + "," +
	string(types.DockerManifestList) + "," +
	string(types.OCIManifestSchema1) + "," +
	string(types.DockerManifestSchema2)

// errHeadUnusable is a HEAD that gave no usable digest: the manifest must be
// fetched and hashed.
const errHeadUnusable = sentinel("no usable digest in HEAD response")

// session is one Resolve call: one authenticated connection per repository.
type session struct {
	r     *Resolver
	mu    sync.Mutex
	repos map[name.Repository]*repoConn
}

// repoConn is set up once per repository: credentials, the registry's auth
// challenge and, for bearer auth, a token. A failed set-up fails every
// lookup in the repository without trying again.
type repoConn struct {
	once    sync.Once
	client  *http.Client
	secrets []string
	fail    *failure
}

func newSession(r *Resolver) *session {
	return &session{r: r, repos: map[name.Repository]*repoConn{}}
}

func (s *session) lookup(ctx context.Context, ref name.Reference) (string, *failure) {
	if err := ctx.Err(); err != nil {
		return "", classify(ctx, err, &trace{}, nil)
	}
	conn := s.conn(ctx, ref.Context())
	if conn.fail != nil {
		return "", conn.fail
	}
	tctx, tr := withTrace(ctx)
	d, err := s.digest(tctx, conn.client, ref)
	if err != nil {
		return "", classify(ctx, err, tr, conn.secrets)
	}
	return d, nil
}

func (s *session) conn(ctx context.Context, repo name.Repository) *repoConn {
	s.mu.Lock()
	c, ok := s.repos[repo]
	if !ok {
		c = &repoConn{}
		s.repos[repo] = c
	}
	s.mu.Unlock()
	c.once.Do(func() { c.connect(ctx, s.r, repo) })
	return c
}

func (c *repoConn) connect(ctx context.Context, r *Resolver, repo name.Repository) {
	tctx, tr := withTrace(ctx)
	auth, err := authn.Resolve(tctx, r.keychain, repo)
	if err != nil {
		c.fail = &failure{reason: Failed, detail: fmt.Sprintf("reading credentials for %s: %v", repo.RegistryStr(), err)}
		return
	}
	c.secrets = secretsOf(tctx, auth)
	rt, err := transport.NewWithContext(tctx, repo.Registry, auth, r.transport, []string{repo.Scope(transport.PullScope)})
	if err != nil {
		c.fail = classify(ctx, err, tr, c.secrets)
		return
	}
	c.client = &http.Client{Transport: rt}
}

// secretsOf lists what must never appear in an error about this repository.
func secretsOf(ctx context.Context, auth authn.Authenticator) []string {
	cfg, err := authn.Authorization(ctx, auth)
	if err != nil || cfg == nil {
		return nil
	}
	secrets := []string{cfg.Password, cfg.Auth, cfg.IdentityToken, cfg.RegistryToken}
	if cfg.Password != "" {
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password)))
	}
	return secrets
}

// digest asks with HEAD, and fetches and hashes the manifest only when HEAD
// is refused or carries no sha256 digest.
func (s *session) digest(ctx context.Context, client *http.Client, ref name.Reference) (string, error) {
	repo := ref.Context()
	u := url.URL{
		Scheme: "https",
		Host:   repo.RegistryStr(),
		Path:   fmt.Sprintf("/v2/%s/manifests/%s", repo.RepositoryStr(), ref.Identifier()),
	}
	if s.r.plainHTTP(repo.RegistryStr()) {
		u.Scheme = "http"
	}
	d, err := s.head(ctx, client, u.String())
	if errors.Is(err, errHeadUnusable) {
		return s.get(ctx, client, u.String())
	}
	return d, err
}

func (s *session) head(ctx context.Context, client *http.Client, u string) (string, error) {
	resp, err := s.do(ctx, client, http.MethodHead, u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		h, err := v1.NewHash(resp.Header.Get("Docker-Content-Digest"))
		if err != nil || h.Algorithm != "sha256" {
			return "", errHeadUnusable
		}
		return h.String(), nil
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return "", errHeadUnusable
	default:
		return "", &statusError{code: resp.StatusCode}
	}
}

// get hashes the manifest bytes, which is what the digest is, whatever the
// registry says in its headers.
func (s *session) get(ctx context.Context, client *http.Client, u string) (string, error) {
	resp, err := s.do(ctx, client, http.MethodGet, u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &statusError{code: resp.StatusCode}
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(resp.Body, maxManifestBytes+1))
	switch {
	case err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return "", &timeoutError{host: resp.Request.URL.Host, after: s.r.timeout}
	case err != nil:
		return "", fmt.Errorf("reading manifest: %w", err)
	case n > maxManifestBytes:
		return "", fmt.Errorf("manifest larger than %d bytes", maxManifestBytes)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

func (s *session) do(ctx context.Context, client *http.Client, method, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", manifestAccept)
	return client.Do(req)
}
