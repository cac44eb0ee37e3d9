package plugin

import (
	"strings"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// Identity is what an image reference or a runtime imageID tells about an
// image: a registry manifest digest, an image config ID, or neither.
type Identity struct {
	Digest  string
	ImageID string
}

// Known reports whether the identity holds anything to compare.
func (i Identity) Known() bool { return i.Digest != "" || i.ImageID != "" }

// NormalizeImageID reads the imageID a container runtime reports in
// status.containerStatuses. Runtimes write it in several forms that name the
// same image: docker-pullable://nginx@sha256:<d>, docker.io/library/nginx@sha256:<d>
// and nginx:1.18@sha256:<d> are the registry digest <d>; a bare sha256:<id>
// (or docker://sha256:<id>) is the image config ID, which is not a registry
// digest and is kept apart. Anything else (an empty value, a tag, another
// algorithm) gives no identity.
func NormalizeImageID(imageID string) Identity {
	s := strings.TrimSpace(imageID)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		if d := strings.ToLower(s[i+1:]); lockfile.IsSHA256(d) {
			return Identity{Digest: d}
		}
		return Identity{}
	}
	if d := strings.ToLower(s); lockfile.IsSHA256(d) {
		return Identity{ImageID: d}
	}
	return Identity{}
}

// PinnedDigest returns the digest an image reference pins
// (nginx:1.18@sha256:<d>), or "".
func PinnedDigest(image string) string {
	i := strings.LastIndex(image, "@")
	if i < 0 {
		return ""
	}
	if d := image[i+1:]; lockfile.IsSHA256(d) {
		return d
	}
	return ""
}
