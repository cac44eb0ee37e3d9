package plugin

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// ownerRef is the controller reference of an object, kept small.
type ownerRef struct {
	uid        types.UID
	apiVersion string
	kind       string
	name       string
}

func controllerOf(meta *metav1.ObjectMeta) *ownerRef {
	ref := metav1.GetControllerOfNoCopy(meta)
	if ref == nil {
		return nil
	}
	return &ownerRef{uid: ref.UID, apiVersion: ref.APIVersion, kind: ref.Kind, name: ref.Name}
}

// templateSource is a pod template already turned into an entry, with what
// scope selectors and registry credentials need of it.
type templateSource struct {
	template    lockfile.Workload
	labels      map[string]string
	pullSecrets []string
	created     time.Time
}

func newTemplateSource(id lockfile.WorkloadID, tmpl *corev1.PodTemplateSpec, created time.Time) templateSource {
	src := templateSource{template: TemplateEntry(id, tmpl), labels: tmpl.Labels, created: created}
	for _, ref := range tmpl.Spec.ImagePullSecrets {
		src.pullSecrets = append(src.pullSecrets, ref.Name)
	}
	return src
}

// controllerRecord is what is kept of a controller: its identity, its owner
// and its pod template.
type controllerRecord struct {
	templateSource
	uid   types.UID
	owner *ownerRef
}

func newControllerRecord(group, kind string, meta *metav1.ObjectMeta, tmpl *corev1.PodTemplateSpec) controllerRecord {
	id := lockfile.WorkloadID{Group: group, Kind: kind, Namespace: meta.Namespace, Name: meta.Name}
	return controllerRecord{
		templateSource: newTemplateSource(id, tmpl, meta.CreationTimestamp.Time),
		uid:            meta.UID,
		owner:          controllerOf(meta),
	}
}

func recordDeployment(o *appsv1.Deployment) controllerRecord {
	return newControllerRecord("apps", "Deployment", &o.ObjectMeta, &o.Spec.Template)
}

func recordReplicaSet(o *appsv1.ReplicaSet) controllerRecord {
	return newControllerRecord("apps", "ReplicaSet", &o.ObjectMeta, &o.Spec.Template)
}

func recordStatefulSet(o *appsv1.StatefulSet) controllerRecord {
	return newControllerRecord("apps", "StatefulSet", &o.ObjectMeta, &o.Spec.Template)
}

func recordDaemonSet(o *appsv1.DaemonSet) controllerRecord {
	return newControllerRecord("apps", "DaemonSet", &o.ObjectMeta, &o.Spec.Template)
}

func recordJob(o *batchv1.Job) controllerRecord {
	return newControllerRecord("batch", "Job", &o.ObjectMeta, &o.Spec.Template)
}

func recordCronJob(o *batchv1.CronJob) controllerRecord {
	return newControllerRecord("batch", "CronJob", &o.ObjectMeta, &o.Spec.JobTemplate.Spec.Template)
}

func recordReplicationController(o *corev1.ReplicationController) controllerRecord {
	tmpl := o.Spec.Template
	if tmpl == nil {
		tmpl = &corev1.PodTemplateSpec{}
	}
	return newControllerRecord("", "ReplicationController", &o.ObjectMeta, tmpl)
}

// podRecord is what is kept of a pod. A pod without a controller, or with
// one of a kind that is not listed, also keeps its spec as a template.
type podRecord struct {
	namespace string
	owner     *ownerRef
	current   bool
	ephemeral int
	finished  time.Time
	observed  lockfile.ObservedPod
	// Set only for pods whose controller is not listed, or have none.
	source *templateSource
}

func recordPod(pod *corev1.Pod, listedKinds map[string]bool) podRecord {
	r := podRecord{
		namespace: pod.Namespace,
		owner:     controllerOf(&pod.ObjectMeta),
		current:   Current(pod),
		ephemeral: len(pod.Spec.EphemeralContainers),
		finished:  finishedAt(pod),
		observed:  ObservePod(pod),
	}
	if r.owner == nil || !listedKinds[r.owner.kind] {
		id := lockfile.WorkloadID{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name}
		tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: pod.Labels, Annotations: pod.Annotations}, Spec: pod.Spec}
		tmpl.Spec.EphemeralContainers = nil
		src := newTemplateSource(id, &tmpl, r.finished)
		r.source = &src
	}
	return r
}

// finishedAt is when a pod's last container ended, or when it was created.
func finishedAt(pod *corev1.Pod) time.Time {
	t := pod.CreationTimestamp.Time
	for _, list := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, st := range list {
			if st.State.Terminated != nil && st.State.Terminated.FinishedAt.After(t) {
				t = st.State.Terminated.FinishedAt.Time
			}
		}
	}
	return t
}
