package lockfile

// Observed is what was seen of one workload: its pod template, turned into a
// Workload entry (a digest only where the template pins one), and its current
// pods.
type Observed struct {
	Template Workload
	// Labels are the pod template's labels, which scope selectors match.
	Labels map[string]string
	Pods   []ObservedPod
}

// ObservedPod is one current (Running or Pending, not deleting) pod.
type ObservedPod struct {
	Name       string
	Pod        PodPosture
	Containers []ObservedContainer
}

// ObservedContainer is a container of a current pod: its spec, and the
// identity the runtime reported once it started.
type ObservedContainer struct {
	Container
	// Started is true once the runtime reported the container, which is
	// when its identity can and must be read.
	Started bool
}
