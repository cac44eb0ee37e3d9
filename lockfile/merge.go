package lockfile

// New returns an empty lockfile for a cluster.
func New(cluster *Cluster) *Lockfile {
	return &Lockfile{APIVersion: APIVersion, Kind: Kind, Cluster: cluster}
}

// Merge folds a lock run into old: it replaces exactly the entries inside the
// run's scopes with the workloads observed, keeps every other entry, and
// makes the scope the union of both. old may be nil. cluster names where the
// run was made; nil (a run over manifests) keeps old's. The result is sorted.
//
// An old entry counts as inside a run with a selector only when every old
// scope entry reaching its namespace has that same selector: labels are not
// recorded, so an entry the run did not see may otherwise belong to a wider
// scope, and it is kept rather than silently dropped.
func Merge(old *Lockfile, runs []Scope, observed []Workload, cluster *Cluster) *Lockfile {
	if cluster == nil && old != nil {
		cluster = old.Cluster
	}
	out := New(cluster)
	out.Scope = UnionScopes(runs, nil)
	if old != nil {
		out.Scope = UnionScopes(old.Scope, runs)
		seen := make(map[WorkloadID]bool, len(observed))
		for _, w := range observed {
			seen[w.WorkloadID] = true
		}
		for _, w := range old.Workloads {
			if !seen[w.WorkloadID] && !replacedByAny(old.Scope, runs, w.Namespace) {
				out.Workloads = append(out.Workloads, w)
			}
		}
	}
	out.Workloads = append(out.Workloads, observed...)
	out.Sort()
	return out
}

func replacedByAny(oldScopes []Scope, runs []Scope, ns string) bool {
	for _, run := range runs {
		if replacedBy(oldScopes, run, ns) {
			return true
		}
	}
	return false
}

func replacedBy(oldScopes []Scope, run Scope, ns string) bool {
	if !run.CoversNamespace(ns) {
		return false
	}
	if run.Selector == "" {
		return true
	}
	for _, s := range oldScopes {
		if s.CoversNamespace(ns) && s.Selector != run.Selector {
			return false
		}
	}
	return true
}
