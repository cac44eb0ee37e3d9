package lockfile

import "cmp"

// String renders the identity as group/Kind/namespace/name, without the
// group for the core API group.
func (id WorkloadID) String() string {
	if id.Group == "" {
		return id.Kind + "/" + id.Namespace + "/" + id.Name
	}
	return id.Group + "/" + id.Kind + "/" + id.Namespace + "/" + id.Name
}

// Compare orders workload identities by namespace, group, kind and name, the
// order of a lockfile's entries.
func (id WorkloadID) Compare(o WorkloadID) int {
	return cmp.Or(
		cmp.Compare(id.Namespace, o.Namespace),
		cmp.Compare(id.Group, o.Group),
		cmp.Compare(id.Kind, o.Kind),
		cmp.Compare(id.Name, o.Name),
	)
}
