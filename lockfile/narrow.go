package lockfile

import (
	"fmt"
	"strings"
)

// Narrow applies check's scope flags to a lockfile's scope. No flags keep
// the lockfile's scope. A namespace keeps the entries reaching it, narrowed
// to it; all namespaces needs an all-namespaces entry; a selector is added to
// every entry (selectors are ANDed). Anything that would reach outside the
// lockfile's scope is an error: a check must never claim to cover what the
// lockfile does not.
func Narrow(scopes []Scope, namespace string, allNamespaces bool, selector string) ([]Scope, error) {
	var out []Scope
	switch {
	case namespace != "" && allNamespaces:
		return nil, fmt.Errorf("--namespace and --all-namespaces are exclusive")
	case namespace != "":
		for _, s := range scopes {
			if s.CoversNamespace(namespace) {
				out = append(out, Scope{Namespace: namespace, Selector: s.Selector})
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("namespace %q is outside the lockfile's scope (%s)", namespace, describeScopes(scopes))
		}
	case allNamespaces:
		for _, s := range scopes {
			if s.AllNamespaces {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("--all-namespaces reaches outside the lockfile's scope (%s)", describeScopes(scopes))
		}
	default:
		out = append(out, scopes...)
	}
	if selector != "" {
		for i := range out {
			out[i].Selector = strings.Trim(out[i].Selector+","+selector, ",")
		}
	}
	return UnionScopes(out, nil), nil
}

func describeScopes(scopes []Scope) string {
	parts := make([]string, len(scopes))
	for i, s := range scopes {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}
