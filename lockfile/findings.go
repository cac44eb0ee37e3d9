package lockfile

// Reason classifies a finding.
type Reason string

// The reasons of the findings check reports. Every reason but Unverified is
// drift; Unverified means something in scope could not be checked.
const (
	Changed    Reason = "changed"
	Unlocked   Reason = "unlocked"
	Missing    Reason = "missing"
	Ephemeral  Reason = "ephemeral"
	Unverified Reason = "unverified"
)

// Reasons lists every reason in report order.
var Reasons = []Reason{Changed, Unlocked, Missing, Ephemeral, Unverified}

// Finding is one difference between the lockfile and what is live.
type Finding struct {
	Workload  WorkloadID `json:"workload"`
	Container string     `json:"container"`
	Reason    Reason     `json:"reason"`
	// Pods names the current pods the finding was seen on; empty when it was
	// seen only on the pod template or concerns the workload as a whole.
	Pods    []string `json:"pods"`
	Changes []Change `json:"changes"`
}

// Change is one field that differs, with both values as rendered in the
// lockfile ("" where a side has no value).
type Change struct {
	Field  string `json:"field"`
	Locked string `json:"locked"`
	Live   string `json:"live"`
}

// WorkloadResult is the comparison of one workload in scope.
type WorkloadResult struct {
	ID       WorkloadID
	Locked   *Workload // nil when the workload is unlocked
	Views    []View    // live views that differ from the locked entry
	Findings []Finding
}

// View is a live rendering of a workload, from its template or from a group
// of pods that look the same, as an entry shaped like the lockfile's.
type View struct {
	Source   string
	Workload Workload
}

// Report is the outcome of Compare.
type Report struct {
	Results   []WorkloadResult // only workloads with findings, sorted
	Workloads int              // workloads compared
	Pods      int              // current pods compared
}

// Count returns the number of findings per reason.
func (r *Report) Count() map[Reason]int {
	counts := make(map[Reason]int, len(Reasons))
	for _, reason := range Reasons {
		counts[reason] = 0
	}
	for _, res := range r.Results {
		for _, f := range res.Findings {
			counts[f.Reason]++
		}
	}
	return counts
}

// Drift reports whether any finding is drift (anything but unverified).
func (r *Report) Drift() bool {
	for _, res := range r.Results {
		for _, f := range res.Findings {
			if f.Reason != Unverified {
				return true
			}
		}
	}
	return false
}

// Unverified reports whether anything could not be verified.
func (r *Report) Unverified() bool { return r.Count()[Unverified] > 0 }
