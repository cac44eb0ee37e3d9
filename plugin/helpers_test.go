package plugin

import (
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// hex64 is 64 copies of one hex digit; digest prefixes it with "sha256:".
func hex64(d string) string  { return strings.Repeat(d, 64) }
func digest(d string) string { return "sha256:" + hex64(d) }

func ptr[T any](v T) *T { return &v }

// epoch is the fixed instant test objects are created at.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func at(minutes int) metav1.Time {
	return metav1.NewTime(epoch.Add(time.Duration(minutes) * time.Minute))
}

// defaultSC is the effective security context of a container that sets nothing.
func defaultSC() lockfile.SecurityContext {
	return lockfile.SecurityContext{
		AllowPrivilegeEscalation: true,
		ProcMount:                "Default",
		SeccompProfile:           lockfile.Profile{Type: "Unconfined"},
		AppArmorProfile:          lockfile.Profile{Type: "RuntimeDefault"},
	}
}

// defaultPod is the pod posture of a pod spec that sets nothing.
func defaultPod() lockfile.PodPosture {
	return lockfile.PodPosture{HostUsers: true, ServiceAccountName: "default", AutomountServiceAccountToken: true}
}

func ctr(name, image string) corev1.Container { return corev1.Container{Name: name, Image: image} }

func spec(cs ...corev1.Container) corev1.PodSpec { return corev1.PodSpec{Containers: cs} }

func template(cs ...corev1.Container) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}}, Spec: spec(cs...)}
}

// controller is the controller owner reference of an object.
func controller(apiVersion, kind, name string) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid(kind, name), Controller: ptr(true)}
}

func uid(kind, name string) types.UID { return types.UID(strings.ToLower(kind) + "-" + name) }

// objMeta names an object in namespace shop, with a UID derived from its kind
// and name, created minutes after epoch, and controlled by owners.
func objMeta(kind, name string, minutes int, owners ...metav1.OwnerReference) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: "shop", Name: name, UID: uid(kind, name),
		CreationTimestamp: at(minutes), OwnerReferences: owners}
}

func running(name, imageID string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, ImageID: imageID,
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}
}

func terminated(name, imageID string, minutes int) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, ImageID: imageID,
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: at(minutes)}}}
}

// runningPod is a Running pod whose containers all report statuses.
func runningPod(name string, owner *metav1.OwnerReference, s corev1.PodSpec, statuses ...corev1.ContainerStatus) *corev1.Pod {
	var owners []metav1.OwnerReference
	if owner != nil {
		owners = append(owners, *owner)
	}
	return &corev1.Pod{ObjectMeta: objMeta("Pod", name, 0, owners...), Spec: s,
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: statuses}}
}

// finishedPod is a Succeeded pod whose containers terminated minutes after epoch.
func finishedPod(name string, owner metav1.OwnerReference, s corev1.PodSpec, statuses ...corev1.ContainerStatus) *corev1.Pod {
	p := runningPod(name, &owner, s, statuses...)
	p.Status.Phase = corev1.PodSucceeded
	return p
}
