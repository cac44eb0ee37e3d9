package plugin

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// ManifestSource names the manifests to read, as kubectl apply takes them:
// files, directories (Recursive), "-" for standard input, or a kustomize
// directory.
type ManifestSource struct {
	Filenames []string
	Recursive bool
	Kustomize string
	// Namespace is given to objects that have none, as kubectl apply does.
	Namespace string
}

// ReadManifests reads workloads from manifests with the cli-runtime
// resource builder, locally: no cluster is contacted. Lists are flattened.
// Every workload is top-level (owner references in manifests are ignored),
// and objects that are not workloads (Services, ConfigMaps, ...) are
// skipped. A kind this tool does not know is a workload when it holds a pod
// template at spec.template or spec.jobTemplate.spec.template, as custom
// controllers such as Argo Rollouts do.
func ReadManifests(src ManifestSource) (*Inventory, error) {
	result := resource.NewLocalBuilder().
		Unstructured().
		NamespaceParam(src.Namespace).DefaultNamespace().
		FilenameParam(false, &resource.FilenameOptions{Filenames: src.Filenames, Recursive: src.Recursive, Kustomize: src.Kustomize}).
		Flatten().
		Do()
	infos, err := result.Infos()
	if err != nil {
		return nil, fmt.Errorf("reading manifests: %w", err)
	}
	var inv Inventory
	sources := map[lockfile.WorkloadID]string{}
	for _, info := range infos {
		u, ok := info.Object.(*unstructured.Unstructured)
		if !ok {
			return nil, fmt.Errorf("%s: unexpected object %T", info.Source, info.Object)
		}
		if u.GetNamespace() == "" {
			u.SetNamespace(cmpOr(info.Namespace, src.Namespace, metav1.NamespaceDefault))
		}
		rec, isWorkload, err := recordManifest(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s/%s: %w", info.Source, u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
		if !isWorkload {
			continue
		}
		id := rec.template.WorkloadID
		if first, dup := sources[id]; dup {
			return nil, fmt.Errorf("%s and %s both define %s", first, info.Source, id)
		}
		sources[id] = info.Source
		inv.controllers = append(inv.controllers, rec)
	}
	return &inv, nil
}

// recordManifest turns one manifest object into a controller record. Known
// kinds are converted strictly: a field their API does not have is an error.
func recordManifest(u *unstructured.Unstructured) (controllerRecord, bool, error) {
	gvk := u.GroupVersionKind()
	var rec controllerRecord
	var err error
	switch {
	case gvk.Group == "apps" && gvk.Version == "v1":
		switch gvk.Kind {
		case "Deployment":
			rec, err = convert(u, &appsv1.Deployment{}, recordDeployment)
		case "ReplicaSet":
			rec, err = convert(u, &appsv1.ReplicaSet{}, recordReplicaSet)
		case "StatefulSet":
			rec, err = convert(u, &appsv1.StatefulSet{}, recordStatefulSet)
		case "DaemonSet":
			rec, err = convert(u, &appsv1.DaemonSet{}, recordDaemonSet)
		default:
			return rec, false, nil
		}
	case gvk.Group == "batch" && gvk.Version == "v1" && (gvk.Kind == "Job" || gvk.Kind == "CronJob"):
		if gvk.Kind == "Job" {
			rec, err = convert(u, &batchv1.Job{}, recordJob)
		} else {
			rec, err = convert(u, &batchv1.CronJob{}, recordCronJob)
		}
	case gvk.Group == "" && gvk.Version == "v1" && gvk.Kind == "ReplicationController":
		rec, err = convert(u, &corev1.ReplicationController{}, recordReplicationController)
	case gvk.Group == "" && gvk.Version == "v1" && gvk.Kind == "Pod":
		rec, err = convert(u, &corev1.Pod{}, recordBarePod)
	default:
		return recordCustom(u)
	}
	rec.owner = nil
	return rec, err == nil, err
}

func convert[T any](u *unstructured.Unstructured, obj *T, record func(*T) controllerRecord) (controllerRecord, error) {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, obj, true); err != nil {
		return controllerRecord{}, err
	}
	return record(obj), nil
}

// recordBarePod records a Pod manifest as a workload of its own.
func recordBarePod(p *corev1.Pod) controllerRecord {
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.Labels, Annotations: p.Annotations}, Spec: p.Spec}
	tmpl.Spec.EphemeralContainers = nil
	return newControllerRecord("", "Pod", &p.ObjectMeta, &tmpl)
}

// recordCustom records a kind this tool does not know when it holds a pod
// template; anything else is not a workload.
func recordCustom(u *unstructured.Unstructured) (controllerRecord, bool, error) {
	for _, path := range [][]string{{"spec", "template"}, {"spec", "jobTemplate", "spec", "template"}} {
		raw, found, err := unstructured.NestedMap(u.Object, path...)
		if err != nil || !found {
			continue
		}
		if _, hasSpec := raw["spec"]; !hasSpec {
			continue
		}
		var tmpl corev1.PodTemplateSpec
		if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(raw, &tmpl, true); err != nil {
			return controllerRecord{}, false, fmt.Errorf("%s: %w", joinPath(path), err)
		}
		if len(tmpl.Spec.Containers) == 0 {
			continue
		}
		meta := metav1.ObjectMeta{Namespace: u.GetNamespace(), Name: u.GetName(), UID: u.GetUID()}
		return newControllerRecord(u.GroupVersionKind().Group, u.GetKind(), &meta, &tmpl), true, nil
	}
	return controllerRecord{}, false, nil
}

func joinPath(path []string) string {
	out := path[0]
	for _, p := range path[1:] {
		out += "." + p
	}
	return out
}
