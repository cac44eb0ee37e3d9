package plugin

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// TemplateEntry turns a pod template into a workload entry. The only digest
// a template knows is one pinned in the image reference.
func TemplateEntry(id lockfile.WorkloadID, tmpl *corev1.PodTemplateSpec) lockfile.Workload {
	w := lockfile.Workload{WorkloadID: id, Pod: PodPosture(&tmpl.Spec)}
	for _, c := range specContainers(&tmpl.Spec) {
		w.Containers = append(w.Containers, containerEntry(&tmpl.Spec, tmpl.Annotations, c.c, c.init))
	}
	lockfile.SortContainers(w.Containers)
	return w
}

type specContainer struct {
	c    *corev1.Container
	init bool
}

func specContainers(spec *corev1.PodSpec) []specContainer {
	out := make([]specContainer, 0, len(spec.InitContainers)+len(spec.Containers))
	for i := range spec.InitContainers {
		out = append(out, specContainer{&spec.InitContainers[i], true})
	}
	for i := range spec.Containers {
		out = append(out, specContainer{&spec.Containers[i], false})
	}
	return out
}

func containerEntry(spec *corev1.PodSpec, annotations map[string]string, c *corev1.Container, init bool) lockfile.Container {
	return lockfile.Container{
		Name:            c.Name,
		Init:            init,
		Image:           c.Image,
		Digest:          PinnedDigest(c.Image),
		Entrypoint:      EntrypointHash(c.Command, c.Args),
		SecurityContext: ContainerPosture(spec, annotations, c),
		HostPaths:       HostPaths(spec, c),
		HostPorts:       HostPorts(c),
	}
}

// ObservePod turns a pod into what check compares: each container's spec and
// the identity its runtime reported, and every ephemeral container.
func ObservePod(pod *corev1.Pod) lockfile.ObservedPod {
	out := lockfile.ObservedPod{Name: pod.Name, Pod: PodPosture(&pod.Spec)}
	statuses := make(map[string]*corev1.ContainerStatus,
		len(pod.Status.ContainerStatuses)+len(pod.Status.InitContainerStatuses)+len(pod.Status.EphemeralContainerStatuses))
	for _, list := range [][]corev1.ContainerStatus{
		pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses, pod.Status.EphemeralContainerStatuses,
	} {
		for i := range list {
			statuses[list[i].Name] = &list[i]
		}
	}
	add := func(entry lockfile.Container) {
		// Until the runtime reports, the only identity is the digest the
		// reference pins; a runtime that reports no registry digest still
		// pulled by that digest.
		oc := lockfile.ObservedContainer{Container: entry}
		if st := statuses[entry.Name]; st != nil {
			oc.Started = st.ImageID != "" || st.State.Running != nil || st.State.Terminated != nil
			if id := NormalizeImageID(st.ImageID); id.Known() {
				oc.Digest, oc.ImageID = id.Digest, id.ImageID
				if oc.Digest == "" {
					oc.Digest = entry.Digest
				}
			}
		}
		out.Containers = append(out.Containers, oc)
	}
	for _, c := range specContainers(&pod.Spec) {
		add(containerEntry(&pod.Spec, pod.Annotations, c.c, c.init))
	}
	for i := range pod.Spec.EphemeralContainers {
		c := corev1.Container(pod.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		entry := containerEntry(&pod.Spec, pod.Annotations, &c, false)
		entry.Ephemeral = true
		add(entry)
	}
	return out
}

// Current reports whether a pod counts for drift: Running or Pending and not
// being deleted. Succeeded and Failed pods are history. A pod in phase
// Unknown (its node stopped reporting) may well still run, so it counts.
func Current(pod *corev1.Pod) bool {
	if pod.DeletionTimestamp != nil {
		return false
	}
	return pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed
}
