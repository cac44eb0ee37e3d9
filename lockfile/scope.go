package lockfile

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
)

// String renders a scope entry as the flags that select it.
func (s Scope) String() string {
	var b strings.Builder
	if s.AllNamespaces {
		b.WriteString("all namespaces")
	} else {
		fmt.Fprintf(&b, "namespace %s", s.Namespace)
	}
	if s.Selector != "" {
		fmt.Fprintf(&b, " with selector %s", s.Selector)
	}
	return b.String()
}

// CoversNamespace reports whether the entry reaches namespace ns.
func (s Scope) CoversNamespace(ns string) bool { return s.AllNamespaces || s.Namespace == ns }

// Covers reports whether an object in namespace ns whose pods carry podLabels
// is inside the entry. The selector applies to pods and pod templates, as
// `kubectl get pods -l` and the controllers' own selectors do.
func (s Scope) Covers(ns string, podLabels map[string]string) bool {
	if !s.CoversNamespace(ns) {
		return false
	}
	if s.Selector == "" {
		return true
	}
	sel, err := labels.Parse(s.Selector)
	if err != nil {
		return false
	}
	return sel.Matches(labels.Set(podLabels))
}

// subsumes reports whether every object inside o is inside s.
func (s Scope) subsumes(o Scope) bool {
	if s.Selector != "" && s.Selector != o.Selector {
		return false
	}
	return s.AllNamespaces || (!o.AllNamespaces && s.Namespace == o.Namespace)
}

// UnionScopes merges scope entries, dropping any that another covers.
func UnionScopes(a, b []Scope) []Scope {
	all := slices.Concat(a, b)
	slices.SortFunc(all, compareScope)
	all = slices.Compact(all)
	var out []Scope
	for i, s := range all {
		covered := false
		for j, o := range all {
			if i != j && o.subsumes(s) && (!s.subsumes(o) || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, s)
		}
	}
	return out
}

// ScopesCoverNamespace reports whether any entry reaches namespace ns.
func ScopesCoverNamespace(scopes []Scope, ns string) bool {
	return slices.ContainsFunc(scopes, func(s Scope) bool { return s.CoversNamespace(ns) })
}

// ScopesCover reports whether any entry covers the object.
func ScopesCover(scopes []Scope, ns string, podLabels map[string]string) bool {
	return slices.ContainsFunc(scopes, func(s Scope) bool { return s.Covers(ns, podLabels) })
}
