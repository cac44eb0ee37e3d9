package plugin

import (
	"context"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
)

func deployment(name string, replicas int32, tmpl corev1.PodTemplateSpec) *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: objMeta("Deployment", name, 0),
		Spec: appsv1.DeploymentSpec{Replicas: ptr(replicas), Template: tmpl}}
}

func replicaSet(name string, minutes int, tmpl corev1.PodTemplateSpec, owners ...metav1.OwnerReference) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{ObjectMeta: objMeta("ReplicaSet", name, minutes, owners...), Spec: appsv1.ReplicaSetSpec{Template: tmpl}}
}

func job(name string, tmpl corev1.PodTemplateSpec, owners ...metav1.OwnerReference) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: objMeta("Job", name, 0, owners...), Spec: batchv1.JobSpec{Template: tmpl}}
}

// summary is what a test asserts of a workload.
type summary struct {
	id      string
	images  []string
	pods    []string
	history map[string]HistoricIdentity
}

func summarize(ws []Workload) []summary {
	out := []summary{}
	for _, w := range ws {
		s := summary{id: w.Template.WorkloadID.String(), history: map[string]HistoricIdentity{}}
		for _, c := range w.Template.Containers {
			s.images = append(s.images, c.Image)
		}
		for _, p := range w.Pods {
			s.pods = append(s.pods, p.Name)
		}
		for key, h := range w.History {
			h.finished = time.Time{}
			s.history[key.Container] = h
		}
		out = append(out, s)
	}
	return out
}

// inventoryOf collects objs from a fake cluster.
func inventoryOf(t *testing.T, objs ...runtime.Object) *Inventory {
	t.Helper()
	col := Collector{Client: fake.NewClientset(objs...), PageSize: 2, Concurrency: 4}
	inv, err := col.Collect(context.Background(), Target{Namespaces: []string{"shop"}})
	if err != nil {
		t.Fatalf("Collect() error: %v", err)
	}
	return inv
}

// workloadsOf collects objs from a fake cluster and groups them.
func workloadsOf(t *testing.T, objs ...runtime.Object) []Workload {
	t.Helper()
	return inventoryOf(t, objs...).Workloads()
}

func TestWorkloads(t *testing.T) {
	web := template(ctr("nginx", "nginx:1.18"))
	rsWeb := controller("apps/v1", "ReplicaSet", "web-1")
	cron := template(ctr("job", "busybox:1.36"))
	jobOwner := controller("batch/v1", "Job", "nightly-2")
	rollout := controller("argoproj.io/v1alpha1", "Rollout", "canary")
	deleting := runningPod("web-1-old", &rsWeb, web.Spec, running("nginx", "nginx@"+digest("9")))
	deleting.DeletionTimestamp = ptr(at(30))
	deleting.Finalizers = []string{"test/keep"}
	tests := []struct {
		name string
		objs []runtime.Object
		want []summary
	}{
		{
			name: "deployment via its replicaset",
			objs: []runtime.Object{
				deployment("web", 2, web),
				replicaSet("web-1", 1, web, controller("apps/v1", "Deployment", "web")),
				runningPod("web-1-b", &rsWeb, web.Spec, running("nginx", "nginx@"+digest("a"))),
				runningPod("web-1-a", &rsWeb, web.Spec, running("nginx", "nginx@"+digest("a"))),
			},
			want: []summary{{id: "apps/Deployment/shop/web", images: []string{"nginx:1.18"},
				pods: []string{"web-1-a", "web-1-b"}, history: map[string]HistoricIdentity{}}},
		},
		{
			name: "deployment scaled to zero is a workload from its template",
			objs: []runtime.Object{
				deployment("idle", 0, template(ctr("redis", "redis:7"))),
				replicaSet("idle-1", 1, template(ctr("redis", "redis:6")), controller("apps/v1", "Deployment", "idle")),
			},
			want: []summary{{id: "apps/Deployment/shop/idle", images: []string{"redis:7"}, history: map[string]HistoricIdentity{}}},
		},
		{
			name: "deleting pods are history",
			objs: []runtime.Object{
				deployment("web", 1, web),
				replicaSet("web-1", 1, web, controller("apps/v1", "Deployment", "web")),
				deleting,
			},
			want: []summary{{id: "apps/Deployment/shop/web", images: []string{"nginx:1.18"}, history: map[string]HistoricIdentity{
				"nginx": {Image: "nginx:1.18", Identity: Identity{Digest: digest("9")}, Pod: "web-1-old"}}}},
		},
		{
			name: "cronjob via its jobs keeps the newest finished pod's identity",
			objs: []runtime.Object{
				&batchv1.CronJob{ObjectMeta: objMeta("CronJob", "nightly", 0),
					Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: cron}}}},
				job("nightly-1", cron, controller("batch/v1", "CronJob", "nightly")),
				job("nightly-2", cron, controller("batch/v1", "CronJob", "nightly")),
				finishedPod("nightly-1-x", controller("batch/v1", "Job", "nightly-1"), cron.Spec,
					terminated("job", "docker-pullable://busybox@sha256:"+hex64("b"), 10)),
				finishedPod("nightly-2-x", jobOwner, cron.Spec, terminated("job", "docker-pullable://busybox@sha256:"+hex64("c"), 20)),
				finishedPod("nightly-2-y", jobOwner, cron.Spec, terminated("job", "sha256:"+hex64("d"), 15)),
			},
			want: []summary{{id: "batch/CronJob/shop/nightly", images: []string{"busybox:1.36"}, history: map[string]HistoricIdentity{
				"job": {Image: "busybox:1.36", Identity: Identity{Digest: digest("c")}, Pod: "nightly-2-x"}}}},
		},
		{
			name: "bare pod",
			objs: []runtime.Object{runningPod("shell", nil, spec(ctr("sh", "alpine:3")), running("sh", "alpine@"+digest("a")))},
			want: []summary{{id: "Pod/shop/shell", images: []string{"alpine:3"}, pods: []string{"shell"}, history: map[string]HistoricIdentity{}}},
		},
		{
			name: "statefulset, daemonset and replicationcontroller",
			objs: []runtime.Object{
				&appsv1.StatefulSet{ObjectMeta: objMeta("StatefulSet", "db", 0), Spec: appsv1.StatefulSetSpec{Template: template(ctr("pg", "postgres:16"))}},
				&appsv1.DaemonSet{ObjectMeta: objMeta("DaemonSet", "agent", 0), Spec: appsv1.DaemonSetSpec{Template: template(ctr("agent", "agent:1"))}},
				&corev1.ReplicationController{ObjectMeta: objMeta("ReplicationController", "legacy", 0),
					Spec: corev1.ReplicationControllerSpec{Template: ptr(template(ctr("php", "php:5")))}},
				&corev1.ReplicationController{ObjectMeta: objMeta("ReplicationController", "empty", 0)},
				runningPod("db-0", ptr(controller("apps/v1", "StatefulSet", "db")), spec(ctr("pg", "postgres:16"))),
				runningPod("agent-x", ptr(controller("apps/v1", "DaemonSet", "agent")), spec(ctr("agent", "agent:1"))),
				runningPod("legacy-x", ptr(controller("v1", "ReplicationController", "legacy")), spec(ctr("php", "php:5"))),
			},
			want: []summary{
				{id: "ReplicationController/shop/empty", history: map[string]HistoricIdentity{}},
				{id: "ReplicationController/shop/legacy", images: []string{"php:5"}, pods: []string{"legacy-x"}, history: map[string]HistoricIdentity{}},
				{id: "apps/DaemonSet/shop/agent", images: []string{"agent:1"}, pods: []string{"agent-x"}, history: map[string]HistoricIdentity{}},
				{id: "apps/StatefulSet/shop/db", images: []string{"postgres:16"}, pods: []string{"db-0"}, history: map[string]HistoricIdentity{}},
			},
		},
		{
			name: "replicasets of an unlisted owner take the newest one's template",
			objs: []runtime.Object{
				replicaSet("canary-a", 2, template(ctr("app", "app:v2")), rollout),
				replicaSet("canary-b", 1, template(ctr("app", "app:v1")), rollout),
				replicaSet("canary-c", 0, template(ctr("app", "app:v0")), rollout),
				runningPod("canary-a-1", ptr(controller("apps/v1", "ReplicaSet", "canary-a")), spec(ctr("app", "app:v2"))),
			},
			want: []summary{{id: "argoproj.io/Rollout/shop/canary", images: []string{"app:v2"}, pods: []string{"canary-a-1"},
				history: map[string]HistoricIdentity{}}},
		},
		{
			name: "pod owned directly by an unlisted kind",
			objs: []runtime.Object{
				runningPod("wf-step", ptr(controller("argoproj.io/v1alpha1", "Workflow", "wf")), spec(ctr("main", "argoexec:v3"))),
			},
			want: []summary{{id: "argoproj.io/Workflow/shop/wf", images: []string{"argoexec:v3"}, pods: []string{"wf-step"},
				history: map[string]HistoricIdentity{}}},
		},
		{
			name: "pod of a replicaset that is gone takes its own spec",
			objs: []runtime.Object{
				runningPod("gone-x", ptr(controller("apps/v1", "ReplicaSet", "gone")), spec(ctr("app", "app@"+digest("e"))),
					running("app", "sha256:"+hex64("f"))),
			},
			want: []summary{{id: "apps/ReplicaSet/shop/gone", images: []string{"app@" + digest("e")}, pods: []string{"gone-x"},
				history: map[string]HistoricIdentity{}}},
		},
		{
			name: "pod of a gone core controller, with a debug container",
			objs: []runtime.Object{
				func() runtime.Object {
					p := runningPod("gone-rc-x", ptr(controller("v1", "ReplicationController", "gone-rc")), spec(ctr("app", "app:1")))
					p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}
					return p
				}(),
			},
			want: []summary{{id: "ReplicationController/shop/gone-rc", images: []string{"app:1"}, pods: []string{"gone-rc-x"},
				history: map[string]HistoricIdentity{}}},
		},
		{
			name: "history skips debug containers and containers without identity",
			objs: []runtime.Object{
				job("batch", template(ctr("main", "main:1"), ctr("helper", "helper:1"))),
				func() runtime.Object {
					p := finishedPod("batch-x", controller("batch/v1", "Job", "batch"), spec(ctr("main", "main:1"), ctr("helper", "helper:1")),
						terminated("main", "main@"+digest("1"), 4))
					p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}
					p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{terminated("debug", "busybox@"+digest("2"), 5)}
					return p
				}(),
			},
			want: []summary{{id: "batch/Job/shop/batch", images: []string{"helper:1", "main:1"}, history: map[string]HistoricIdentity{
				"main": {Image: "main:1", Identity: Identity{Digest: digest("1")}, Pod: "batch-x"}}}},
		},
		{
			name: "job and replicaset without owners",
			objs: []runtime.Object{
				job("migrate", template(ctr("migrate", "migrate:1"))),
				replicaSet("solo", 0, template(ctr("solo", "solo:1"))),
				finishedPod("migrate-x", controller("batch/v1", "Job", "migrate"), spec(ctr("migrate", "migrate:1")),
					terminated("migrate", "migrate@"+digest("7"), 3)),
			},
			want: []summary{
				{id: "apps/ReplicaSet/shop/solo", images: []string{"solo:1"}, history: map[string]HistoricIdentity{}},
				{id: "batch/Job/shop/migrate", images: []string{"migrate:1"}, history: map[string]HistoricIdentity{
					"migrate": {Image: "migrate:1", Identity: Identity{Digest: digest("7")}, Pod: "migrate-x"}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarize(workloadsOf(t, tt.objs...)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Workloads() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestWorkloadsTemplateAndLabels(t *testing.T) {
	web := template(ctr("nginx", "nginx:1.18"))
	web.Labels = map[string]string{"app": "web", "tier": "front"}
	web.Spec.ServiceAccountName = "web"
	rs := controller("apps/v1", "ReplicaSet", "web-1")
	ws := workloadsOf(t,
		deployment("web", 1, web),
		replicaSet("web-1", 1, web, controller("apps/v1", "Deployment", "web")),
		runningPod("web-1-a", &rs, web.Spec, running("nginx", "docker-pullable://nginx@sha256:"+hex64("a"))),
	)
	if len(ws) != 1 {
		t.Fatalf("got %d workloads, want 1", len(ws))
	}
	w := ws[0]
	if !reflect.DeepEqual(w.Labels, web.Labels) {
		t.Errorf("Labels = %v, want %v", w.Labels, web.Labels)
	}
	if w.Template.Pod.ServiceAccountName != "web" {
		t.Errorf("template serviceAccountName = %q, want web", w.Template.Pod.ServiceAccountName)
	}
	if d := w.Template.Containers[0].Digest; d != "" {
		t.Errorf("template digest = %q, want none: the template pins none", d)
	}
	if c := w.Pods[0].Containers[0]; c.Digest != digest("a") || !c.Started {
		t.Errorf("pod container = %+v, want started with digest %s", c, digest("a"))
	}
}

// TestWorkloadsOwnerCycle checks that corrupt owner references that form a
// cycle end the walk.
func TestWorkloadsOwnerCycle(t *testing.T) {
	tmpl := template(ctr("app", "app:1"))
	objs := []runtime.Object{
		replicaSet("a", 0, tmpl, controller("apps/v1", "ReplicaSet", "b")),
		replicaSet("b", 0, tmpl, controller("apps/v1", "ReplicaSet", "a")),
		replicaSet("self", 0, tmpl, controller("apps/v1", "ReplicaSet", "self")),
		runningPod("a-x", ptr(controller("apps/v1", "ReplicaSet", "a")), tmpl.Spec),
	}
	inv := inventoryOf(t, objs...)
	done := make(chan []Workload, 1)
	go func() { done <- inv.Workloads() }()
	select {
	case ws := <-done:
		want := []summary{{id: "apps/ReplicaSet/shop/a", images: []string{"app:1"}, pods: []string{"a-x"}, history: map[string]HistoricIdentity{}}}
		if got := summarize(ws); !reflect.DeepEqual(got, want) {
			t.Errorf("Workloads() =\n%+v\nwant\n%+v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Workloads() did not return: the owner walk loops")
	}
}
