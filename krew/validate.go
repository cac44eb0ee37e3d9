package krew

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/kubectl-drift/kubectl-drift/internal/strictyaml"
)

// APIVersion and Kind are the only ones krew v0.4 reads.
const (
	APIVersion = "krew.googlecontainertools.github.com/v1alpha2"
	Kind       = "Plugin"
)

var (
	safePluginName = regexp.MustCompile(`^[\w-]+$`)
	sha256Hex      = regexp.MustCompile(`^[a-f0-9]{64}$`)
	// Windows refuses these as file names, so krew refuses them as plugin names.
	windowsReserved = []string{"CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"}
)

// SupportedPlatforms are the os/arch pairs that the plugin index accepts a
// platform selector for; a selector that matches none of them is never used.
var SupportedPlatforms = []struct{ OS, Arch string }{
	{"darwin", "386"}, {"darwin", "amd64"}, {"darwin", "arm64"},
	{"linux", "386"}, {"linux", "amd64"}, {"linux", "arm"}, {"linux", "arm64"},
	{"windows", "386"}, {"windows", "amd64"}, {"windows", "arm64"},
}

// manifest is a krew plugin manifest, as much of it as krew reads.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Version          string         `yaml:"version"`
		Homepage         string         `yaml:"homepage"`
		ShortDescription string         `yaml:"shortDescription"`
		Description      string         `yaml:"description"`
		Caveats          string         `yaml:"caveats"`
		Platforms        []platformSpec `yaml:"platforms"`
	} `yaml:"spec"`
}

type platformSpec struct {
	Selector *selector        `yaml:"selector"`
	URI      string           `yaml:"uri"`
	SHA256   string           `yaml:"sha256"`
	Bin      string           `yaml:"bin"`
	Files    *[]fileOperation `yaml:"files"`
}

type selector struct {
	MatchLabels      map[string]string `yaml:"matchLabels"`
	MatchExpressions []struct {
		Key      string   `yaml:"key"`
		Operator string   `yaml:"operator"`
		Values   []string `yaml:"values"`
	} `yaml:"matchExpressions"`
}

type fileOperation struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// fieldError is a rule a manifest breaks, at a field path.
type fieldError struct {
	path, msg string
}

func (e *fieldError) Error() string { return e.path + ": " + e.msg }

func fail(path, format string, args ...any) error {
	return &fieldError{path: path, msg: fmt.Sprintf(format, args...)}
}

// ValidateFile reads the manifest at path and validates it as Validate does.
func ValidateFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading plugin manifest: %w", err)
	}
	return Validate(path, data)
}

// Validate checks a plugin manifest by the rules that krew v0.4 applies when
// it installs one and that the plugin index applies when it accepts one: the
// supported apiVersion and kind, a plugin name equal to the manifest's file
// name without ".yaml", a one-line short description, a semantic version
// with a leading v, and per platform a uri, a sha256, a bin and a selector
// on os and arch only, every selector matching a platform krew supports and
// no platform matched twice.
//
// It is stricter than krew where a manifest that krew accepts would still
// be wrong for a release: unknown fields, a second YAML document, URIs other
// than https, a bin outside the installation directory, a Windows bin
// without .exe, and matchExpressions selectors are refused too.
//
// Errors take the form "file:line: field.path: problem".
func Validate(file string, data []byte) error {
	m, lines, err := decode(data)
	if err != nil {
		var se *strictyaml.Error
		if errors.As(err, &se) {
			return fmt.Errorf("%s:%w", file, err)
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := validate(file, m); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			return fmt.Errorf("%s:%d: %w", file, lines.Of(fe.path), err)
		}
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// decode reads exactly one YAML document, checks its shape and decodes it.
// It records the line of every field path in lines.
func decode(data []byte) (*manifest, strictyaml.Lines, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("manifest is empty")
		}
		return nil, nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, nil, &strictyaml.Error{Line: extra.Line, Msg: "manifest holds more than one YAML document"}
	} else if !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	lines, err := strictyaml.Check(doc, reflect.TypeFor[manifest](), strictyaml.Options{StringsOnly: true})
	if err != nil {
		return nil, nil, err
	}
	var m manifest
	if err := doc.Decode(&m); err != nil {
		return nil, nil, err
	}
	return &m, lines, nil
}

func validate(file string, m *manifest) error {
	if m.APIVersion != APIVersion {
		return fail("apiVersion", "%q is not supported by krew, want %q", m.APIVersion, APIVersion)
	}
	if m.Kind != Kind {
		return fail("kind", "%q is not supported by krew, want %q", m.Kind, Kind)
	}
	base := filepath.Base(file)
	if ext := filepath.Ext(base); ext != ".yaml" {
		return fmt.Errorf("a plugin manifest's file name must end in \".yaml\", not %q", ext)
	}
	name := strings.TrimSuffix(base, ".yaml")
	if !isSafePluginName(name) {
		return fail("metadata.name", "the plugin name %q is not allowed, must match %s", name, safePluginName)
	}
	if m.Metadata.Name != name {
		return fail("metadata.name", "the plugin should be named %q, as its file, not %q", name, m.Metadata.Name)
	}
	spec := m.Spec
	if spec.ShortDescription == "" {
		return fail("spec.shortDescription", "must be set")
	}
	if strings.ContainsAny(spec.ShortDescription, "\r\n") {
		return fail("spec.shortDescription", "must be one line")
	}
	if len(spec.Platforms) == 0 {
		return fail("spec.platforms", "must list at least one platform")
	}
	if spec.Version == "" {
		return fail("spec.version", "must be set")
	}
	if !strings.HasPrefix(spec.Version, "v") {
		return fail("spec.version", "%q must start with \"v\"", spec.Version)
	}
	if _, err := version.ParseSemantic(spec.Version); err != nil {
		return fail("spec.version", "%q is not a semantic version", spec.Version)
	}
	for i, p := range spec.Platforms {
		if err := validatePlatform(fmt.Sprintf("spec.platforms[%d]", i), p); err != nil {
			return err
		}
	}
	return validateCoverage(spec.Platforms)
}

func isSafePluginName(name string) bool {
	if !safePluginName.MatchString(name) {
		return false
	}
	for _, r := range windowsReserved {
		if strings.EqualFold(r, name) {
			return false
		}
	}
	return true
}

func validatePlatform(at string, p platformSpec) error {
	switch u, err := url.Parse(p.URI); {
	case p.URI == "":
		return fail(at+".uri", "must be set")
	case err != nil || u.Scheme != "https" || u.Host == "":
		return fail(at+".uri", "%q must be an https URL", p.URI)
	}
	if p.SHA256 == "" {
		return fail(at+".sha256", "must be set")
	}
	if !sha256Hex.MatchString(p.SHA256) {
		return fail(at+".sha256", "%q is not a sha256 (64 lowercase hex digits)", p.SHA256)
	}
	if p.Bin == "" {
		return fail(at+".bin", "must be set")
	}
	if clean := path.Clean(p.Bin); path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return fail(at+".bin", "%q must be a path inside the installation directory", p.Bin)
	}
	if p.Files != nil {
		if len(*p.Files) == 0 {
			return fail(at+".files", "must be left out or list at least one file")
		}
		for j, f := range *p.Files {
			if f.From == "" {
				return fail(fmt.Sprintf("%s.files[%d].from", at, j), "must be set")
			}
			if f.To == "" {
				return fail(fmt.Sprintf("%s.files[%d].to", at, j), "must be set")
			}
		}
	}
	sel := p.Selector
	if sel == nil {
		return fail(at+".selector", "must be set")
	}
	if sel.MatchLabels == nil && len(sel.MatchExpressions) == 0 {
		return fail(at+".selector", "must not be empty")
	}
	if len(sel.MatchExpressions) > 0 {
		return fail(at+".selector.matchExpressions", "not allowed; select os and arch with matchLabels")
	}
	if len(sel.MatchLabels) == 0 {
		return fail(at+".selector.matchLabels", "must not be empty")
	}
	for k := range sel.MatchLabels {
		if k != "os" && k != "arch" {
			return fail(at+".selector.matchLabels."+k, "only os and arch can be selected")
		}
	}
	if sel.MatchLabels["os"] == "windows" && !strings.HasSuffix(p.Bin, ".exe") {
		return fail(at+".bin", "%q must end in .exe on windows", p.Bin)
	}
	return nil
}

// validateCoverage checks that every platform is selected for some os/arch
// pair krew supports and that no pair is selected by two platforms (krew
// would install whichever comes first).
func validateCoverage(platforms []platformSpec) error {
	selectedBy := map[string]int{}
	for i, p := range platforms {
		at := fmt.Sprintf("spec.platforms[%d].selector", i)
		matched := false
		for _, s := range SupportedPlatforms {
			if !matches(p.Selector.MatchLabels, s.OS, s.Arch) {
				continue
			}
			matched = true
			pair := s.OS + "/" + s.Arch
			if j, dup := selectedBy[pair]; dup {
				return fail(at, "selects %s, as spec.platforms[%d] does", pair, j)
			}
			selectedBy[pair] = i
		}
		if !matched {
			return fail(at, "selects no platform that krew supports")
		}
	}
	return nil
}

func matches(labels map[string]string, goos, goarch string) bool {
	for k, v := range labels {
		if (k == "os" && v != goos) || (k == "arch" && v != goarch) {
			return false
		}
	}
	return true
}
