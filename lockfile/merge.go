package lockfile

// New returns an empty lockfile for a cluster.
func New(cluster *Cluster) *Lockfile {
	return &Lockfile{APIVersion: APIVersion, Kind: Kind, Cluster: cluster}
}

// Merge folds a lock run into old: it replaces exactly the entries inside the
// run's scope with the workloads observed, keeps every other entry, and makes
// the scope the union of both. old may be nil. The result is sorted.
//
// An old entry counts as inside a run with a selector only when every old
// scope entry reaching its namespace has that same selector: labels are not
// recorded, so an entry the run did not see may otherwise belong to a wider
// scope, and it is kept rather than silently dropped.
func Merge(old *Lockfile, run Scope, observed []Workload, cluster *Cluster) *Lockfile {
	out := New(cluster)
	out.Scope = []Scope{run}
	if old != nil {
		out.Scope = UnionScopes(old.Scope, []Scope{run})
		seen := make(map[WorkloadID]bool, len(observed))
		for _, w := range observed {
			seen[w.WorkloadID] = true
		}
		for _, w := range old.Workloads {
			if !seen[w.WorkloadID] && !replacedBy(old.Scope, run, w.Namespace) {
				out.Workloads = append(out.Workloads, w)
			}
		}
	}
	out.Workloads = append(out.Workloads, observed...)
	out.Sort()
	return out
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
