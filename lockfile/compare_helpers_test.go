package lockfile

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// The workload most comparisons are about: shop/web, one nginx container
// locked at digest a.
var webID = wid("shop", "web")

func lockedWeb() Workload { return workload(webID, container("nginx", "nginx:1.18", digest("a"))) }

func shopLock(ws ...Workload) *Lockfile {
	if len(ws) == 0 {
		ws = []Workload{lockedWeb()}
	}
	return lockfileOf([]Scope{{Namespace: "shop"}}, ws...)
}

// observe turns a locked entry into what a cluster would show for it: the
// template (no digest: the reference is a tag), and pods running it. Each
// edit changes the template or a pod before it is returned.
func observe(w Workload, pods ...string) Observed {
	tmpl := w
	tmpl.Containers = nil
	for _, c := range w.Containers {
		c.Digest, c.ImageID = "", ""
		tmpl.Containers = append(tmpl.Containers, c)
	}
	obs := Observed{Template: tmpl, Labels: map[string]string{"app": w.Name}}
	for _, name := range pods {
		p := ObservedPod{Name: name, Pod: w.Pod}
		for _, c := range w.Containers {
			p.Containers = append(p.Containers, ObservedContainer{Container: c, Started: true})
		}
		obs.Pods = append(obs.Pods, p)
	}
	return obs
}

// onPods applies f to the named container of the named pods (all when none).
func onPods(obs Observed, container string, f func(*ObservedContainer), pods ...string) Observed {
	obs.Pods = clonePods(obs.Pods)
	for i := range obs.Pods {
		if len(pods) > 0 && !slices.Contains(pods, obs.Pods[i].Name) {
			continue
		}
		for j := range obs.Pods[i].Containers {
			if obs.Pods[i].Containers[j].Name == container {
				f(&obs.Pods[i].Containers[j])
			}
		}
	}
	return obs
}

// onTemplate applies f to the named container of the template.
func onTemplate(obs Observed, container string, f func(*Container)) Observed {
	obs.Template.Containers = append([]Container(nil), obs.Template.Containers...)
	for i := range obs.Template.Containers {
		if obs.Template.Containers[i].Name == container {
			f(&obs.Template.Containers[i])
		}
	}
	return obs
}

func clonePods(ps []ObservedPod) []ObservedPod {
	out := make([]ObservedPod, len(ps))
	for i, p := range ps {
		p.Containers = append([]ObservedContainer(nil), p.Containers...)
		out[i] = p
	}
	return out
}

func names(ns ...string) []string { return append([]string{}, ns...) }

// result is what a test expects of one WorkloadResult.
type result struct {
	findings []Finding
	sources  []string // the views' Source, in order
}

func checkReport(t *testing.T, rep Report, want []result) {
	t.Helper()
	if len(rep.Results) != len(want) {
		t.Fatalf("got %d results, want %d:\n%s", len(rep.Results), len(want), dump(rep.Results))
	}
	for i, w := range want {
		got := rep.Results[i]
		if !reflect.DeepEqual(got.Findings, w.findings) {
			t.Errorf("results[%d].Findings =\n%s\nwant\n%s", i, dump(got.Findings), dump(w.findings))
		}
		var sources []string
		for _, v := range got.Views {
			sources = append(sources, v.Source)
		}
		if !reflect.DeepEqual(sources, w.sources) {
			t.Errorf("results[%d] view sources = %q, want %q", i, sources, w.sources)
		}
		if len(w.findings) > 0 && got.ID != w.findings[0].Workload {
			t.Errorf("results[%d].ID = %v, want %v", i, got.ID, w.findings[0].Workload)
		}
	}
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}
