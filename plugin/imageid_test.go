package plugin

import (
	"strings"
	"testing"
)

func TestNormalizeImageID(t *testing.T) {
	a, b := hex64("a"), hex64("b")
	tests := []struct {
		name    string
		imageID string
		want    Identity
	}{
		{"docker-pullable repo digest", "docker-pullable://nginx@sha256:" + a, Identity{Digest: digest("a")}},
		{"docker config ID", "docker://sha256:" + b, Identity{ImageID: digest("b")}},
		{"fully qualified repo digest", "docker.io/library/nginx@sha256:" + a, Identity{Digest: digest("a")}},
		{"tag and digest", "nginx:1.18@sha256:" + a, Identity{Digest: digest("a")}},
		{"bare config ID", "sha256:" + b, Identity{ImageID: digest("b")}},
		{"containerd repo digest", "containerd://docker.io/library/nginx@sha256:" + a, Identity{Digest: digest("a")}},
		{"containerd config ID", "containerd://sha256:" + b, Identity{ImageID: digest("b")}},
		{"registry with port", "localhost:5000/app@sha256:" + a, Identity{Digest: digest("a")}},
		{"registry with port, tag and digest", "localhost:5000/team/app:v1@sha256:" + a, Identity{Digest: digest("a")}},
		{"upper-case repo digest", "docker-pullable://nginx@SHA256:" + strings.ToUpper(a), Identity{Digest: digest("a")}},
		{"upper-case config ID", "sha256:" + strings.ToUpper(b), Identity{ImageID: digest("b")}},
		{"surrounding white space", "  docker-pullable://nginx@sha256:" + a + "\n", Identity{Digest: digest("a")}},
		{"empty", "", Identity{}},
		{"white space only", " \t", Identity{}},
		{"tag only", "nginx:1.18", Identity{}},
		{"scheme and tag only", "docker://nginx:1.18", Identity{}},
		{"sha512 repo digest", "nginx@sha512:" + strings.Repeat("a", 128), Identity{}},
		{"sha512 config ID", "sha512:" + strings.Repeat("a", 128), Identity{}},
		{"truncated repo digest", "nginx@sha256:" + a[:63], Identity{}},
		{"truncated config ID", "sha256:" + b[:12], Identity{}},
		{"too long hex", "nginx@sha256:" + a + "a", Identity{}},
		{"non-hex digest", "nginx@sha256:" + strings.Repeat("z", 64), Identity{}},
		{"empty digest", "nginx@", Identity{}},
		{"garbage", "!!not an image id!!", Identity{}},
		{"scheme only", "docker-pullable://", Identity{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeImageID(tt.imageID); got != tt.want {
				t.Errorf("NormalizeImageID(%q) = %+v, want %+v", tt.imageID, got, tt.want)
			}
		})
	}
}

// TestNormalizeImageIDSameImage checks that every way a runtime writes one
// registry digest gives one identity, and that a config ID with the same hex
// is a different identity.
func TestNormalizeImageIDSameImage(t *testing.T) {
	h := hex64("c")
	tests := []struct {
		name  string
		forms []string
		want  Identity
	}{
		{
			name: "registry digest",
			forms: []string{
				"docker-pullable://nginx@sha256:" + h,
				"docker-pullable://docker.io/library/nginx@sha256:" + h,
				"docker.io/library/nginx@sha256:" + h,
				"nginx@sha256:" + h,
				"nginx:1.18@sha256:" + h,
				"containerd://docker.io/library/nginx@sha256:" + h,
				"index.docker.io/library/nginx@SHA256:" + strings.ToUpper(h),
			},
			want: Identity{Digest: digest("c")},
		},
		{
			name:  "config ID",
			forms: []string{"sha256:" + h, "docker://sha256:" + h, "SHA256:" + strings.ToUpper(h)},
			want:  Identity{ImageID: digest("c")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range tt.forms {
				if got := NormalizeImageID(f); got != tt.want {
					t.Errorf("NormalizeImageID(%q) = %+v, want %+v", f, got, tt.want)
				}
			}
		})
	}
	if NormalizeImageID("nginx@sha256:"+h) == NormalizeImageID("sha256:"+h) {
		t.Error("a registry digest and a config ID with the same hex must not be the same identity")
	}
}

func TestPinnedDigest(t *testing.T) {
	a := hex64("a")
	tests := []struct {
		name  string
		image string
		want  string
	}{
		{"tag and digest", "nginx:1.18@sha256:" + a, digest("a")},
		{"digest only", "nginx@sha256:" + a, digest("a")},
		{"fully qualified", "docker.io/library/nginx@sha256:" + a, digest("a")},
		{"registry with port", "localhost:5000/app@sha256:" + a, digest("a")},
		{"registry with port and tag", "localhost:5000/team/app:v1@sha256:" + a, digest("a")},
		{"tag only", "nginx:1.18", ""},
		{"registry with port and tag only", "localhost:5000/app:v1", ""},
		{"name only", "nginx", ""},
		{"empty", "", ""},
		// A reference's sha256 hex must be lower case: such an image cannot
		// be pulled, so it pins nothing.
		{"upper-case hex", "nginx@sha256:" + strings.ToUpper(a), ""},
		{"sha512", "nginx@sha512:" + strings.Repeat("a", 128), ""},
		{"truncated hex", "nginx@sha256:" + a[:63], ""},
		{"bare config ID", "sha256:" + a, ""},
		{"garbage after @", "nginx@latest", ""},
		{"garbage", "%%%", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PinnedDigest(tt.image); got != tt.want {
				t.Errorf("PinnedDigest(%q) = %q, want %q", tt.image, got, tt.want)
			}
		})
	}
}

// TestPinnedDigestMatchesRuntime checks that a pinned reference and the
// imageID a runtime reports for it name the same digest.
func TestPinnedDigestMatchesRuntime(t *testing.T) {
	tests := []struct {
		name    string
		image   string
		imageID string
	}{
		{"docker", "nginx:1.18@sha256:" + hex64("d"), "docker-pullable://nginx@sha256:" + hex64("d")},
		{"containerd", "nginx@sha256:" + hex64("d"), "docker.io/library/nginx@sha256:" + hex64("d")},
		{"private registry", "localhost:5000/app:v1@sha256:" + hex64("e"), "localhost:5000/app@sha256:" + hex64("e")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pinned, runtime := PinnedDigest(tt.image), NormalizeImageID(tt.imageID)
			if pinned == "" || runtime != (Identity{Digest: pinned}) {
				t.Errorf("PinnedDigest(%q) = %q, NormalizeImageID(%q) = %+v: want the same digest", tt.image, pinned, tt.imageID, runtime)
			}
		})
	}
}

func TestIdentityKnown(t *testing.T) {
	tests := []struct {
		name string
		id   Identity
		want bool
	}{
		{"empty", Identity{}, false},
		{"digest", Identity{Digest: digest("a")}, true},
		{"config ID", Identity{ImageID: digest("b")}, true},
		{"both", Identity{Digest: digest("a"), ImageID: digest("b")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.Known(); got != tt.want {
				t.Errorf("%+v.Known() = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}
