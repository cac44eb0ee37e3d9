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

// maxScopesPerToken bounds the repositories one connection (and so one
// bearer token request, which names each in its URL) covers.
const maxScopesPerToken = 50

// session is one Resolve call. Repositories of one registry that resolve to
// the same credentials share a connection: one ping of the registry and, for
// bearer auth, one token scoped to all of them, instead of one per
// repository.
type session struct {
	r     *Resolver
	conns map[name.Repository]*repoConn
}

// repoConn is set up once for a group of repositories: the registry's auth
// challenge and, for bearer auth, a token. A failed set-up fails every
// lookup in the group without trying again.
type repoConn struct {
	once    sync.Once
	reg     name.Registry
	auth    authn.Authenticator
	scopes  []string
	client  *http.Client
	secrets []string
	fail    *failure
}

// newSession groups the repositories of refs by registry and credentials.
func newSession(ctx context.Context, r *Resolver, refs []name.Reference) *session {
	s := &session{r: r, conns: map[name.Repository]*repoConn{}}
	groups := map[string]*repoConn{}
	for _, ref := range refs {
		repo := ref.Context()
		if _, done := s.conns[repo]; done {
			continue
		}
		auth, err := authn.Resolve(ctx, r.keychain, repo)
		if err != nil {
			s.conns[repo] = &repoConn{fail: &failure{reason: Failed,
				detail: fmt.Sprintf("reading credentials for %s: %v", repo.RegistryStr(), err)}}
			continue
		}
		key := repo.RegistryStr() + "\x00" + credentialKey(ctx, auth)
		c := groups[key]
		if c == nil || len(c.scopes) == maxScopesPerToken {
			c = &repoConn{reg: repo.Registry, auth: auth, secrets: secretsOf(ctx, auth)}
			groups[key] = c
		}
		c.scopes = append(c.scopes, repo.Scope(transport.PullScope))
		s.conns[repo] = c
	}
	return s
}

// credentialKey tells credentials apart without keeping them readable.
func credentialKey(ctx context.Context, auth authn.Authenticator) string {
	cfg, err := authn.Authorization(ctx, auth)
	if err != nil || cfg == nil {
		return "anonymous"
	}
	sum := sha256.Sum256([]byte(cfg.Username + "\x00" + cfg.Password + "\x00" + cfg.Auth + "\x00" + cfg.IdentityToken + "\x00" + cfg.RegistryToken))
	return hex.EncodeToString(sum[:])
}

func (s *session) lookup(ctx context.Context, ref name.Reference) (string, *failure) {
	if err := ctx.Err(); err != nil {
		return "", classify(ctx, err, &trace{}, nil)
	}
	conn := s.conns[ref.Context()]
	conn.once.Do(func() { conn.connect(ctx, s.r) })
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

func (c *repoConn) connect(ctx context.Context, r *Resolver) {
	if c.fail != nil {
		return
	}
	tctx, tr := withTrace(ctx)
	rt, err := transport.NewWithContext(tctx, c.reg, c.auth, r.transport, c.scopes)
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
