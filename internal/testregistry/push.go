package testregistry

import (
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// PushRandom pushes a small random single-platform image as repoTag
// ("shop/web:1.0") and returns its manifest digest. Pushing again to the same
// tag moves it to new content, as a re-pushed tag does.
func (r *Registry) PushRandom(t testing.TB, repoTag string) string {
	t.Helper()
	img := randomImage(t)
	ref := r.pushRef(t, repoTag)
	if err := remote.Write(ref, img, remote.WithContext(t.Context())); err != nil {
		t.Fatalf("pushing %s: %v", repoTag, err)
	}
	return digestOf(t, img)
}

// PushIndex pushes a multi-platform image index (linux/amd64 and
// linux/arm64, each a random image) as repoTag and returns the index digest.
func (r *Registry) PushIndex(t testing.TB, repoTag string) string {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, arch := range []string{"amd64", "arm64"} {
		adds = append(adds, mutate.IndexAddendum{
			Add:        randomImage(t),
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
		})
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	ref := r.pushRef(t, repoTag)
	if err := remote.WriteIndex(ref, idx, remote.WithContext(t.Context())); err != nil {
		t.Fatalf("pushing index %s: %v", repoTag, err)
	}
	return digestOf(t, idx)
}

// pushRef names repoTag on the private listener, which shares the storage.
func (r *Registry) pushRef(t testing.TB, repoTag string) name.Reference {
	t.Helper()
	ref, err := name.ParseReference(strings.TrimPrefix(r.push.URL, "http://") + "/" + repoTag)
	if err != nil {
		t.Fatalf("parsing %s: %v", repoTag, err)
	}
	return ref
}

func randomImage(t testing.TB) v1.Image {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatalf("making a random image: %v", err)
	}
	return img
}

func digestOf(t testing.TB, d interface{ Digest() (v1.Hash, error) }) string {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatalf("computing digest: %v", err)
	}
	return h.String()
}
