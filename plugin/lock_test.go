package plugin

import (
	"reflect"
	"testing"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

var webID = lockfile.WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"}

// lockTemplate is a workload template with one container per image, named
// app, side, ... in order.
func lockTemplate(images ...string) lockfile.Workload {
	names := []string{"app", "side"}
	w := lockfile.Workload{WorkloadID: webID, Pod: defaultPod()}
	for i, img := range images {
		w.Containers = append(w.Containers, lockfile.Container{Name: names[i], Image: img, Digest: PinnedDigest(img),
			Entrypoint: EntrypointHash(nil, nil), SecurityContext: defaultSC()})
	}
	return w
}

// oc is an observed container: its name, image and runtime identity.
func oc(name, image, dig, imageID string) lockfile.ObservedContainer {
	return lockfile.ObservedContainer{Started: dig != "" || imageID != "",
		Container: lockfile.Container{Name: name, Image: image, Digest: dig, ImageID: imageID}}
}

func opod(name string, cs ...lockfile.ObservedContainer) lockfile.ObservedPod {
	return lockfile.ObservedPod{Name: name, Pod: defaultPod(), Containers: cs}
}

// identity is what a test asserts of a locked container.
type identity struct{ name, digest, imageID string }

func TestLockEntry(t *testing.T) {
	pinned := "nginx:1.18@" + digest("b")
	debug := oc("debug", "busybox:1.36", digest("c"), "")
	debug.Ephemeral = true
	hist := func(image string, id Identity) map[HistoryKey]HistoricIdentity {
		return map[HistoryKey]HistoricIdentity{{"app", image}: {Image: image, Identity: id, Pod: "nightly-1-x"}}
	}
	tests := []struct {
		name         string
		w            Workload
		want         []identity
		resolved     map[string]string
		wantWarnings []string
		wantErr      string
	}{
		{name: "the registry, when nothing else knows",
			w:        Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.37")}},
			resolved: map[string]string{"busybox:1.37": digest("f")},
			want:     []identity{{"app", digest("f"), ""}}},
		{name: "current pods before the registry",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.36"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "busybox:1.36", digest("a"), "")),
			}}},
			resolved: map[string]string{"busybox:1.36": digest("f")},
			want:     []identity{{"app", digest("a"), ""}}},
		{name: "current pods agree",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", digest("a"), "")),
				opod("web-b", oc("app", "nginx:1.18", digest("a"), "")),
				opod("web-c", oc("app", "nginx:1.18", "", "")), // not started yet
			}}},
			want: []identity{{"app", digest("a"), ""}}},
		{name: "runtime digest before pinned digest",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate(pinned), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", pinned, digest("a"), "")),
			}}},
			want: []identity{{"app", digest("a"), ""}}},
		{name: "pods disagree",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", digest("a"), "")),
				opod("web-b", oc("app", "nginx:1.18", digest("a"), "")),
				opod("web-c", oc("app", "nginx:1.18", digest("d"), "")),
			}}},
			wantErr: `apps/Deployment/shop/web: container "app": current pods run different images: web-a ` + digest("a") +
				", web-b " + digest("a") + ", web-c " + digest("d") +
				"; finish the rollout or replace the pods on stale nodes, then lock again"},
		{name: "pods disagree on config IDs",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", "", digest("e"))),
				opod("web-b", oc("app", "nginx:1.18", "", digest("f"))),
			}}},
			wantErr: `apps/Deployment/shop/web: container "app": current pods run different images: web-a ` + digest("e") +
				", web-b " + digest("f") + "; finish the rollout or replace the pods on stale nodes, then lock again"},
		{name: "pods run another image than the template",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.20"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", digest("a"), "")),
				opod("web-b", oc("app", "nginx:1.20", digest("d"), "")),
				opod("web-c", oc("app", "nginx:1.19", digest("e"), "")),
			}}},
			wantErr: `apps/Deployment/shop/web: container "app": the pod template says nginx:1.20 but pod web-a runs nginx:1.18, ` +
				"pod web-c runs nginx:1.19; wait for the rollout to finish (kubectl rollout status) and lock again"},
		{name: "pinned digest when no pod reports one",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate(pinned), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", pinned, "", "")),
			}}},
			want: []identity{{"app", digest("b"), ""}}},
		{name: "pinned digest without pods",
			w:    Workload{Observed: lockfile.Observed{Template: lockTemplate(pinned)}},
			want: []identity{{"app", digest("b"), ""}}},
		{name: "config ID from the runtime and digest from the pin",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate(pinned), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", pinned, "", digest("e"))),
				opod("web-b", oc("app", pinned, digest("b"), digest("e"))),
			}}},
			want: []identity{{"app", digest("b"), digest("e")}}},
		{name: "config ID only",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", "", digest("e"))),
			}}},
			want: []identity{{"app", "", digest("e")}}},
		{name: "current pods before history",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.36"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "busybox:1.36", digest("a"), "")),
			}}, History: hist("busybox:1.36", Identity{Digest: digest("c")})},
			want: []identity{{"app", digest("a"), ""}}},
		{name: "finished pod that ran the same image",
			w:    Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.36")}, History: hist("busybox:1.36", Identity{Digest: digest("c")})},
			want: []identity{{"app", digest("c"), ""}}},
		{name: "finished pod's config ID",
			w:    Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.36")}, History: hist("busybox:1.36", Identity{ImageID: digest("e")})},
			want: []identity{{"app", "", digest("e")}}},
		{name: "an older finished pod that ran the template's image",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.36")}, History: map[HistoryKey]HistoricIdentity{
				{"app", "busybox:1.37"}: {Image: "busybox:1.37", Identity: Identity{Digest: digest("d")}, Pod: "nightly-2-x"},
				{"app", "busybox:1.36"}: {Image: "busybox:1.36", Identity: Identity{Digest: digest("c")}, Pod: "nightly-1-x"},
			}},
			want: []identity{{"app", digest("c"), ""}}},
		{name: "finished pod that ran another image",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("busybox:1.37")}, History: hist("busybox:1.36", Identity{Digest: digest("c")})},
			wantErr: `apps/Deployment/shop/web: container "app": no identity for image busybox:1.37: no current pod reported an image digest, ` +
				"the reference pins none, and no finished pod ran it; pin the image by digest (busybox:1.37@sha256:...) or lock while its pods run"},
		{name: "no identity at all",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", "", "")),
			}}},
			wantErr: `apps/Deployment/shop/web: container "app": no identity for image nginx:1.18: no current pod reported an image digest, ` +
				"the reference pins none, and no finished pod ran it; pin the image by digest (nginx:1.18@sha256:...) or lock while its pods run"},
		{name: "every container's problem is reported",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18", "envoy:1.30")}},
			wantErr: `apps/Deployment/shop/web: container "app": no identity for image nginx:1.18: no current pod reported an image digest, ` +
				"the reference pins none, and no finished pod ran it; pin the image by digest (nginx:1.18@sha256:...) or lock while its pods run; " +
				`container "side": no identity for image envoy:1.30: no current pod reported an image digest, ` +
				"the reference pins none, and no finished pod ran it; pin the image by digest (envoy:1.30@sha256:...) or lock while its pods run"},
		{name: "template without containers",
			w:       Workload{Observed: lockfile.Observed{Template: lockTemplate()}},
			wantErr: "apps/Deployment/shop/web: its pod template has no containers"},
		{name: "ephemeral containers are skipped with a warning",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", digest("a"), ""), debug),
				opod("web-b", oc("app", "nginx:1.18", digest("a"), "")),
			}}},
			want:         []identity{{"app", digest("a"), ""}},
			wantWarnings: []string{`skipping ephemeral container "debug" of pod shop/web-a: ephemeral containers are never approved`}},
		{name: "an ephemeral container named like a regular one is ignored",
			w: Workload{Observed: lockfile.Observed{Template: lockTemplate("nginx:1.18"), Pods: []lockfile.ObservedPod{
				opod("web-a", oc("app", "nginx:1.18", digest("a"), ""), func() lockfile.ObservedContainer {
					c := oc("app", "busybox:1.36", digest("c"), "")
					c.Ephemeral = true
					return c
				}()),
			}}},
			want:         []identity{{"app", digest("a"), ""}},
			wantWarnings: []string{`skipping ephemeral container "app" of pod shop/web-a: ephemeral containers are never approved`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]lockfile.Container(nil), tt.w.Template.Containers...)
			entry, warnings, err := LockEntry(tt.w, tt.resolved)
			if !reflect.DeepEqual(warnings, tt.wantWarnings) {
				t.Errorf("warnings = %q, want %q", warnings, tt.wantWarnings)
			}
			if !reflect.DeepEqual(tt.w.Template.Containers, before) {
				t.Errorf("LockEntry changed the workload's template")
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("LockEntry() error = %v\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LockEntry() error: %v", err)
			}
			var got []identity
			for _, c := range entry.Containers {
				got = append(got, identity{c.Name, c.Digest, c.ImageID})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("identities = %+v, want %+v", got, tt.want)
			}
			if entry.WorkloadID != webID || !reflect.DeepEqual(entry.Pod, tt.w.Template.Pod) {
				t.Errorf("entry = %+v, want the template's identity and pod posture", entry)
			}
		})
	}
}

// TestLockEntryFromCluster locks workloads read through the fake clientset,
// from the runtime imageID of their pods and the history of a CronJob.
func TestLockEntryFromCluster(t *testing.T) {
	cron := template(ctr("job", "busybox:1.36"))
	web := template(ctr("nginx", "nginx:1.18"))
	rs := controller("apps/v1", "ReplicaSet", "web-1")
	ws := workloadsOf(t,
		deployment("web", 1, web),
		replicaSet("web-1", 1, web, controller("apps/v1", "Deployment", "web")),
		runningPod("web-1-a", &rs, web.Spec, running("nginx", "docker-pullable://nginx@sha256:"+hex64("a"))),
		job("nightly-1", cron),
		finishedPod("nightly-1-x", controller("batch/v1", "Job", "nightly-1"), cron.Spec,
			terminated("job", "docker.io/library/busybox@sha256:"+hex64("c"), 5)),
	)
	want := map[string]identity{
		"apps/Deployment/shop/web": {"nginx", digest("a"), ""},
		"batch/Job/shop/nightly-1": {"job", digest("c"), ""},
	}
	if len(ws) != len(want) {
		t.Fatalf("got %d workloads, want %d", len(ws), len(want))
	}
	for _, w := range ws {
		entry, warnings, err := LockEntry(w, nil)
		if err != nil || len(warnings) != 0 {
			t.Fatalf("LockEntry(%s) = %v, %q", w.Template.WorkloadID, err, warnings)
		}
		c := entry.Containers[0]
		if got := (identity{c.Name, c.Digest, c.ImageID}); got != want[entry.WorkloadID.String()] {
			t.Errorf("%s: identity %+v, want %+v", entry.WorkloadID, got, want[entry.WorkloadID.String()])
		}
	}
}

func TestImagesToResolveAndApplyDigests(t *testing.T) {
	running := Workload{Observed: lockfile.Observed{Template: lockTemplate("app:1"), Pods: []lockfile.ObservedPod{
		opod("a-1", oc("app", "app:1", digest("a"), "")),
	}}}
	idle := Workload{Observed: lockfile.Observed{Template: lockTemplate("app:2")}}
	idleToo := Workload{Observed: lockfile.Observed{Template: lockTemplate("app:2")}}
	pinned := Workload{Observed: lockfile.Observed{Template: lockTemplate("app:3@" + digest("c"))}}
	pinned.Template.Containers[0].Digest = digest("c")
	finished := Workload{Observed: lockfile.Observed{Template: lockTemplate("app:4")},
		History: map[HistoryKey]HistoricIdentity{{"app", "app:4"}: {Image: "app:4", Identity: Identity{Digest: digest("d")}}}}
	ws := []Workload{running, idle, idleToo, pinned, finished}
	if got := ImagesToResolve(ws); !reflect.DeepEqual(got, []string{"app:2"}) {
		t.Fatalf("ImagesToResolve() = %q, want only the image nothing else knows, once", got)
	}
	ApplyDigests(ws, map[string]string{"app:1": digest("1"), "app:2": digest("2"), "app:3@" + digest("c"): digest("9")})
	for i, want := range []string{digest("1"), digest("2"), digest("2"), digest("c"), ""} {
		if got := ws[i].Template.Containers[0].Digest; got != want {
			t.Errorf("workload %d digest = %q, want %q (a pinned digest is never replaced)", i, got, want)
		}
	}
}
