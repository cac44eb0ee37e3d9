package krew

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/kubectl-drift/kubectl-drift/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.yaml from the current output")

// release is a release of every platform the project ships, with made-up
// checksums.
func release() Release {
	return Release{
		Version: "v0.1.0",
		BaseURL: "https://github.com/kubectl-drift/kubectl-drift/releases/download/v0.1.0",
		Archives: []Archive{
			{OS: "windows", Arch: "amd64", File: "kubectl-drift_v0.1.0_windows_amd64.zip", SHA256: strings.Repeat("e", 64)},
			{OS: "linux", Arch: "amd64", File: "kubectl-drift_v0.1.0_linux_amd64.tar.gz", SHA256: strings.Repeat("a", 64)},
			{OS: "linux", Arch: "arm64", File: "kubectl-drift_v0.1.0_linux_arm64.tar.gz", SHA256: strings.Repeat("b", 64)},
			{OS: "darwin", Arch: "arm64", File: "kubectl-drift_v0.1.0_darwin_arm64.tar.gz", SHA256: strings.Repeat("d", 64)},
			{OS: "darwin", Arch: "amd64", File: "kubectl-drift_v0.1.0_darwin_amd64.tar.gz", SHA256: strings.Repeat("c", 64)},
		},
	}
}

func TestRender(t *testing.T) {
	got, err := Render(release())
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "drift.golden.yaml", got, *update)
	if err := Validate(ManifestFile, got); err != nil {
		t.Errorf("the rendered manifest does not validate: %v", err)
	}
}

// The same release renders the same bytes whatever the order of its
// archives.
func TestRenderIsDeterministic(t *testing.T) {
	r := release()
	first, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(r.Archives)-1; i < j; i, j = i+1, j-1 {
		r.Archives[i], r.Archives[j] = r.Archives[j], r.Archives[i]
	}
	second, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("renders differ:\n%s\n---\n%s", first, second)
	}
}

func TestRenderRefusesWhatKrewWouldRefuse(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Release)
		want string
	}{
		{
			name: "no archives",
			edit: func(r *Release) { r.Archives = nil },
			want: "rendering drift.yaml: no archives",
		},
		{
			name: "archive without a file name",
			edit: func(r *Release) { r.Archives[1].File = "" },
			want: "rendering drift.yaml: the linux/amd64 archive has no file name",
		},
		{
			name: "version without v",
			edit: func(r *Release) { r.Version = "0.1.0" },
			want: `rendered manifest is not valid: drift.yaml:6: spec.version: "0.1.0" must start with "v"`,
		},
		{
			name: "version that is not semantic",
			edit: func(r *Release) { r.Version = "v0.0.0-dirty+" },
			want: `rendered manifest is not valid: drift.yaml:6: spec.version: "v0.0.0-dirty+" is not a semantic version`,
		},
		{
			name: "plain http",
			edit: func(r *Release) { r.BaseURL = "http://example.com/v0.1.0" },
			want: `rendered manifest is not valid: drift.yaml:31: spec.platforms[0].uri: "http://example.com/v0.1.0/kubectl-drift_v0.1.0_darwin_amd64.tar.gz" must be an https URL`,
		},
		{
			name: "bad checksum",
			edit: func(r *Release) { r.Archives[0].SHA256 = "E3B0C442" },
			want: `rendered manifest is not valid: drift.yaml:60: spec.platforms[4].sha256: "E3B0C442" is not a sha256 (64 lowercase hex digits)`,
		},
		{
			name: "the same platform twice",
			edit: func(r *Release) { r.Archives[2].Arch = "amd64" },
			want: "rendered manifest is not valid: drift.yaml:49: spec.platforms[3].selector: selects linux/amd64, as spec.platforms[2] does",
		},
		{
			name: "a platform krew does not know",
			edit: func(r *Release) { r.Archives[0].OS = "plan9" },
			want: "rendered manifest is not valid: drift.yaml:56: spec.platforms[4].selector: selects no platform that krew supports",
		},
		{
			name: "a file name that needs escaping",
			edit: func(r *Release) { r.BaseURL = "https://example.com/%zz" },
			want: `rendering drift.yaml: base URL "https://example.com/%zz": parse "https://example.com/%zz": invalid URL escape "%zz"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := release()
			tt.edit(&r)
			_, err := Render(r)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error\n  %v\nwant\n  %s", err, tt.want)
			}
		})
	}
}

func TestRenderEscapesFileNames(t *testing.T) {
	r := release()
	r.Archives = r.Archives[:1]
	r.Archives[0].File = "kubectl drift.zip"
	got, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `uri: "https://github.com/kubectl-drift/kubectl-drift/releases/download/v0.1.0/kubectl%20drift.zip"`; !bytes.Contains(got, []byte(want)) {
		t.Errorf("manifest lacks %s:\n%s", want, got)
	}
}
