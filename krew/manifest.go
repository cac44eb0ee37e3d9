package krew

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"text/template"
)

// PluginName is the name krew installs the plugin under
// (kubectl krew install drift) and the manifest's file name without ".yaml".
const PluginName = "drift"

// ManifestFile is the file name krew and its index expect for the manifest.
const ManifestFile = PluginName + ".yaml"

//go:embed drift.yaml
var manifestTemplate string

var tmpl = template.Must(template.New(ManifestFile).
	Option("missingkey=error").
	Funcs(template.FuncMap{"quote": strconv.Quote}).
	Parse(manifestTemplate))

// Archive is the release archive of the plugin for one platform.
type Archive struct {
	// OS and Arch are Go's GOOS and GOARCH names, which krew's platform
	// selectors use too.
	OS, Arch string
	// File is the archive's file name; it is downloaded from the release's
	// BaseURL.
	File string
	// SHA256 is the archive's sha256 in lowercase hex; krew refuses an
	// archive that does not match it.
	SHA256 string
}

// Release is what a manifest is rendered from.
type Release struct {
	// Version is a semantic version with a leading v, such as v0.1.0.
	Version string
	// BaseURL is where the archives are published; each platform's URI is
	// BaseURL/File.
	BaseURL string
	// Archives holds one archive per platform.
	Archives []Archive
}

// platform is one entry of the manifest's spec.platforms as the template
// writes it.
type platform struct {
	OS, Arch, URI, SHA256, Bin string
}

// Render fills in the manifest template for r. The result is validated with
// Validate before it is returned, so a manifest that krew would refuse is an
// error here rather than after it was published. Platforms are written in
// os/arch order: the same release always renders the same bytes.
func Render(r Release) ([]byte, error) {
	if len(r.Archives) == 0 {
		return nil, fmt.Errorf("rendering %s: no archives", ManifestFile)
	}
	data := struct {
		Version   string
		Platforms []platform
	}{Version: r.Version}
	for _, a := range r.Archives {
		if a.File == "" {
			return nil, fmt.Errorf("rendering %s: the %s/%s archive has no file name", ManifestFile, a.OS, a.Arch)
		}
		uri, err := url.JoinPath(r.BaseURL, a.File)
		if err != nil {
			return nil, fmt.Errorf("rendering %s: base URL %q: %w", ManifestFile, r.BaseURL, err)
		}
		data.Platforms = append(data.Platforms, platform{
			OS: a.OS, Arch: a.Arch, URI: uri, SHA256: a.SHA256, Bin: BinaryName(a.OS),
		})
	}
	sort.Slice(data.Platforms, func(i, j int) bool {
		pi, pj := data.Platforms[i], data.Platforms[j]
		if pi.OS != pj.OS {
			return pi.OS < pj.OS
		}
		return pi.Arch < pj.Arch
	})
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", ManifestFile, err)
	}
	if err := Validate(ManifestFile, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("rendered manifest is not valid: %w", err)
	}
	return buf.Bytes(), nil
}

// BinaryName is the plugin's executable on the platform goos: kubectl finds
// plugins by this name on PATH.
func BinaryName(goos string) string {
	if goos == "windows" {
		return "kubectl-drift.exe"
	}
	return "kubectl-drift"
}
