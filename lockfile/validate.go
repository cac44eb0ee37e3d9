package lockfile

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// FieldError is a validation error at a field path such as
// "workloads[3].containers[0].digest".
type FieldError struct {
	Path string
	Msg  string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

var sha256Pattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// IsSHA256 reports whether s is "sha256:" followed by 64 lower-case hex digits.
func IsSHA256(s string) bool { return sha256Pattern.MatchString(s) }

// Validate checks everything a lockfile promises: the document type, a
// non-empty scope, complete and well-formed entries, and no duplicates. It
// runs on every read and again before every write.
func (lf *Lockfile) Validate() error {
	if lf.APIVersion != APIVersion {
		return &FieldError{"apiVersion", fmt.Sprintf("must be %q, got %q", APIVersion, lf.APIVersion)}
	}
	if lf.Kind != Kind {
		return &FieldError{"kind", fmt.Sprintf("must be %q, got %q", Kind, lf.Kind)}
	}
	if len(lf.Scope) == 0 {
		return &FieldError{"scope", "must name at least one namespace or allNamespaces"}
	}
	for i, s := range lf.Scope {
		if err := s.validate(fmt.Sprintf("scope[%d]", i)); err != nil {
			return err
		}
	}
	seen := map[WorkloadID]int{}
	for i := range lf.Workloads {
		w := &lf.Workloads[i]
		path := fmt.Sprintf("workloads[%d]", i)
		if err := w.validate(path); err != nil {
			return err
		}
		if j, dup := seen[w.WorkloadID]; dup {
			return &FieldError{path, fmt.Sprintf("duplicate workload %s (also workloads[%d])", w.WorkloadID, j)}
		}
		seen[w.WorkloadID] = i
		if !lf.InScope(w.WorkloadID.Namespace) {
			return &FieldError{path + ".namespace", fmt.Sprintf("namespace %q is outside the lockfile's scope", w.Namespace)}
		}
	}
	return nil
}

// InScope reports whether any scope entry covers namespace ns.
func (lf *Lockfile) InScope(ns string) bool {
	for _, s := range lf.Scope {
		if s.AllNamespaces || s.Namespace == ns {
			return true
		}
	}
	return false
}

func (s Scope) validate(path string) error {
	switch {
	case s.AllNamespaces && s.Namespace != "":
		return &FieldError{path, "allNamespaces and namespace are exclusive"}
	case !s.AllNamespaces && s.Namespace == "":
		return &FieldError{path, "needs a namespace or allNamespaces: true"}
	case s.Namespace != "":
		if errs := validation.IsDNS1123Label(s.Namespace); len(errs) > 0 {
			return &FieldError{path + ".namespace", "invalid namespace: " + strings.Join(errs, "; ")}
		}
	}
	if s.Selector != "" {
		if _, err := labels.Parse(s.Selector); err != nil {
			return &FieldError{path + ".selector", err.Error()}
		}
	}
	return nil
}

func (w *Workload) validate(path string) error {
	for _, f := range []struct{ name, value string }{
		{"kind", w.Kind}, {"namespace", w.Namespace}, {"name", w.Name},
	} {
		if strings.TrimSpace(f.value) == "" {
			return &FieldError{path + "." + f.name, "must not be empty"}
		}
	}
	if len(w.Containers) == 0 {
		return &FieldError{path + ".containers", "must list at least one container"}
	}
	names := map[string]int{}
	for i := range w.Containers {
		c := &w.Containers[i]
		cpath := fmt.Sprintf("%s.containers[%d]", path, i)
		if err := c.validate(cpath); err != nil {
			return err
		}
		if j, dup := names[c.Name]; dup {
			return &FieldError{cpath + ".name", fmt.Sprintf("duplicate container %q (also containers[%d])", c.Name, j)}
		}
		names[c.Name] = i
	}
	return nil
}

func (c *Container) validate(path string) error {
	if strings.TrimSpace(c.Name) == "" {
		return &FieldError{path + ".name", "must not be empty"}
	}
	if c.Ephemeral {
		return &FieldError{path + ".ephemeral", "ephemeral containers are never approved"}
	}
	if strings.TrimSpace(c.Image) == "" {
		return &FieldError{path + ".image", "must not be empty"}
	}
	if c.Digest == "" && c.ImageID == "" {
		return &FieldError{path + ".digest", "must be set (or imageID): a container needs an identity"}
	}
	for _, f := range []struct{ name, value string }{
		{"digest", c.Digest}, {"imageID", c.ImageID}, {"entrypoint", c.Entrypoint},
	} {
		if (f.value != "" || f.name == "entrypoint") && !IsSHA256(f.value) {
			return &FieldError{path + "." + f.name, fmt.Sprintf("not a sha256 digest: %q", f.value)}
		}
	}
	return nil
}
