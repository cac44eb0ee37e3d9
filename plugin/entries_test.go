package plugin

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

func TestTemplateEntry(t *testing.T) {
	tmpl := template(ctr("web", "nginx:1.18"), ctr("agent", "envoy@"+digest("b")))
	tmpl.Spec.InitContainers = []corev1.Container{ctr("setup", "busybox:1.36")}
	tmpl.Spec.ServiceAccountName = "web"
	tmpl.Spec.Containers[0].Command = []string{"nginx"}
	id := lockfile.WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"}
	empty := EntrypointHash(nil, nil)
	want := lockfile.Workload{
		WorkloadID: id,
		Pod:        lockfile.PodPosture{HostUsers: true, ServiceAccountName: "web", AutomountServiceAccountToken: true},
		Containers: []lockfile.Container{
			{Name: "setup", Init: true, Image: "busybox:1.36", Entrypoint: empty, SecurityContext: defaultSC()},
			{Name: "agent", Image: "envoy@" + digest("b"), Digest: digest("b"), Entrypoint: empty, SecurityContext: defaultSC()},
			{Name: "web", Image: "nginx:1.18", Entrypoint: EntrypointHash([]string{"nginx"}, nil), SecurityContext: defaultSC()},
		},
	}
	if got := TemplateEntry(id, &tmpl); !reflect.DeepEqual(got, want) {
		t.Errorf("TemplateEntry() =\n%+v\nwant\n%+v", got, want)
	}
}

// observed is the part of an observed container the runtime decides.
type observed struct {
	name            string
	init, ephemeral bool
	started         bool
	digest, imageID string
	image           string
}

func TestObservePod(t *testing.T) {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-1",
			Annotations: map[string]string{"container.apparmor.security.beta.kubernetes.io/debug": "unconfined"}},
		Spec: corev1.PodSpec{
			HostNetwork:    true,
			InitContainers: []corev1.Container{ctr("setup", "busybox:1.36")},
			Containers: []corev1.Container{
				ctr("app", "nginx:1.18"),
				ctr("pinned", "envoy:1.30@"+digest("b")),
				ctr("configonly", "redis@"+digest("e")),
				ctr("crashing", "worker:2"),
				ctr("pulling", "worker:3"),
				ctr("pulling-pinned", "worker@"+digest("f")),
				ctr("nostatus", "cache:1"),
			},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
				Name: "debug", Image: "busybox:1.36", Command: []string{"sh"}}}},
		},
		Status: corev1.PodStatus{
			Phase:                 corev1.PodRunning,
			InitContainerStatuses: []corev1.ContainerStatus{terminated("setup", "docker-pullable://busybox@sha256:"+hex64("c"), 1)},
			// Statuses are matched by name, not position.
			ContainerStatuses: []corev1.ContainerStatus{
				{Name: "pulling", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}},
				{Name: "pulling-pinned", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ErrImagePull"}}},
				{Name: "crashing", ImageID: "docker.io/library/worker@sha256:" + hex64("d"),
					State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}},
				// A runtime imageID without a digest falls back to the digest the spec pins.
				running("pinned", "envoy:1.30"),
				running("configonly", "sha256:"+hex64("9")),
				running("app", "docker.io/library/nginx@sha256:"+hex64("a")),
			},
			EphemeralContainerStatuses: []corev1.ContainerStatus{running("debug", "busybox@sha256:"+hex64("c"))},
		},
	}
	want := []observed{
		{name: "setup", init: true, started: true, digest: digest("c"), image: "busybox:1.36"},
		{name: "app", started: true, digest: digest("a"), image: "nginx:1.18"},
		{name: "pinned", started: true, digest: digest("b"), image: "envoy:1.30@" + digest("b")},
		{name: "configonly", started: true, digest: digest("e"), imageID: digest("9"), image: "redis@" + digest("e")},
		{name: "crashing", started: true, digest: digest("d"), image: "worker:2"},
		{name: "pulling", image: "worker:3"},
		{name: "pulling-pinned", digest: digest("f"), image: "worker@" + digest("f")},
		{name: "nostatus", image: "cache:1"},
		{name: "debug", ephemeral: true, started: true, digest: digest("c"), image: "busybox:1.36"},
	}
	got := ObservePod(p)
	if got.Name != "web-1" {
		t.Errorf("Name = %q, want web-1", got.Name)
	}
	wantPod := defaultPod()
	wantPod.HostNetwork = true
	if !reflect.DeepEqual(got.Pod, wantPod) {
		t.Errorf("Pod = %+v, want %+v", got.Pod, wantPod)
	}
	if len(got.Containers) != len(want) {
		t.Fatalf("got %d containers, want %d: %+v", len(got.Containers), len(want), got.Containers)
	}
	for i, w := range want {
		c := got.Containers[i]
		g := observed{name: c.Name, init: c.Init, ephemeral: c.Ephemeral, started: c.Started,
			digest: c.Digest, imageID: c.ImageID, image: c.Image}
		if g != w {
			t.Errorf("container %d = %+v, want %+v", i, g, w)
		}
	}
	debug := got.Containers[len(got.Containers)-1]
	if debug.Entrypoint != EntrypointHash([]string{"sh"}, nil) {
		t.Errorf("ephemeral container entrypoint = %s, want the hash of its command", debug.Entrypoint)
	}
	if debug.SecurityContext.AppArmorProfile != (lockfile.Profile{Type: "Unconfined"}) {
		t.Errorf("ephemeral container appArmor = %+v, want its annotation's Unconfined", debug.SecurityContext.AppArmorProfile)
	}
}

// TestObservePodNoStatus checks a container the runtime has not reported:
// not started, and identified only by the digest its reference pins.
func TestObservePodNoStatus(t *testing.T) {
	tests := []struct {
		name, image, want string
	}{
		{"pinned", "nginx@" + digest("a"), digest("a")},
		{"tag", "nginx:1.18", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "new"}, Spec: spec(ctr("app", tt.image))}
			want := lockfile.ObservedPod{Name: "new", Pod: defaultPod(), Containers: []lockfile.ObservedContainer{{
				Container: lockfile.Container{Name: "app", Image: tt.image, Digest: tt.want,
					Entrypoint: EntrypointHash(nil, nil), SecurityContext: defaultSC()},
			}}}
			if got := ObservePod(p); !reflect.DeepEqual(got, want) {
				t.Errorf("ObservePod() =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestCurrent(t *testing.T) {
	deleting := ptr(at(5))
	tests := []struct {
		name     string
		phase    corev1.PodPhase
		deletion *metav1.Time
		want     bool
	}{
		{"running", corev1.PodRunning, nil, true},
		{"pending", corev1.PodPending, nil, true},
		// A pod read from a manifest has no status yet.
		{"no phase", "", nil, true},
		{"succeeded is history", corev1.PodSucceeded, nil, false},
		{"failed is history", corev1.PodFailed, nil, false},
		{"unknown: the node stopped reporting, the pod may still run", corev1.PodUnknown, nil, true},
		{"running but deleting", corev1.PodRunning, deleting, false},
		{"pending but deleting", corev1.PodPending, deleting, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: tt.deletion}, Status: corev1.PodStatus{Phase: tt.phase}}
			if got := Current(p); got != tt.want {
				t.Errorf("Current(phase %q, deleting %v) = %v, want %v", tt.phase, tt.deletion != nil, got, tt.want)
			}
		})
	}
}
