package lockfile

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCompareClean compares 500 locked workloads with 10 current pods
// each (5,000 pods, 10,000 containers), all clean: the common case of a
// scheduled check.
func BenchmarkCompareClean(b *testing.B) {
	lf := New(nil)
	lf.Scope = []Scope{{AllNamespaces: true}}
	var observed []Observed
	for i := range 500 {
		w := Workload{
			WorkloadID: WorkloadID{Group: "apps", Kind: "Deployment", Namespace: fmt.Sprintf("ns%d", i%10), Name: fmt.Sprintf("app%d", i)},
			Pod:        PodPosture{HostUsers: true, ServiceAccountName: "default", AutomountServiceAccountToken: true},
		}
		for _, name := range []string{"app", "sidecar"} {
			w.Containers = append(w.Containers, Container{Name: name, Image: "registry.local/" + name + ":1",
				Digest: "sha256:" + strings.Repeat("a", 64), Entrypoint: "sha256:" + strings.Repeat("e", 64),
				SecurityContext: SecurityContext{ProcMount: "Default", Capabilities: Capabilities{Drop: []string{"ALL"}},
					SeccompProfile: Profile{Type: "RuntimeDefault"}, AppArmorProfile: Profile{Type: "RuntimeDefault"}}})
		}
		lf.Workloads = append(lf.Workloads, w)
		obs := Observed{Template: w}
		for p := range 10 {
			pod := ObservedPod{Name: fmt.Sprintf("app%d-%d", i, p), Pod: w.Pod}
			for _, c := range w.Containers {
				pod.Containers = append(pod.Containers, ObservedContainer{Container: c, Started: true})
			}
			obs.Pods = append(obs.Pods, pod)
		}
		observed = append(observed, obs)
	}
	b.ReportAllocs()
	for b.Loop() {
		if rep := Compare(lf, lf.Scope, observed); len(rep.Results) != 0 {
			b.Fatalf("want a clean report, got %d results", len(rep.Results))
		}
	}
}
