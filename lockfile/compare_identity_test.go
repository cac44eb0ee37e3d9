package lockfile

import (
	"reflect"
	"testing"
)

// TestCompareIdentity covers how a container's identity is compared: a
// registry digest only with a digest, a config imageID only with an imageID,
// and a started container whose identity cannot be compared is unverified.
func TestCompareIdentity(t *testing.T) {
	withID := func(dig, imageID string) Workload {
		w := lockedWeb()
		w.Containers[0].Digest, w.Containers[0].ImageID = dig, imageID
		return w
	}
	unverified := func(locked, live string) []result {
		return []result{{
			findings: []Finding{{Workload: webID, Container: "nginx", Reason: Unverified, Pods: names("web-1"),
				Changes: []Change{{"digest", locked, live}}}},
			sources: []string{"pod web-1"},
		}}
	}
	tests := []struct {
		name          string
		locked        Workload
		started       bool
		live, liveID  string // the pod's runtime identity
		want          []result
		wantViewIdent [2]string // digest and imageID shown for the pod, when a view is expected
	}{
		{name: "not started yet, no identity: not compared, not unverified", locked: withID(digest("a"), "")},
		{name: "started, same digest", locked: withID(digest("a"), ""), started: true, live: digest("a")},
		{name: "started, no identity", locked: withID(digest("a"), ""), started: true,
			want: unverified(digest("a"), "unknown")},
		{name: "locked digest, live config imageID only", locked: withID(digest("a"), ""), started: true, liveID: digest("b"),
			want: unverified(digest("a"), "imageID "+digest("b")), wantViewIdent: [2]string{"", digest("b")}},
		{name: "locked imageID, live digest only", locked: withID("", digest("b")), started: true, live: digest("a"),
			want: unverified("imageID "+digest("b"), digest("a")), wantViewIdent: [2]string{digest("a"), ""}},
		{name: "locked imageID, live imageID equal", locked: withID("", digest("b")), started: true, liveID: digest("b")},
		{name: "locked imageID, live imageID differs", locked: withID("", digest("b")), started: true, liveID: digest("c"),
			want: []result{{
				findings: []Finding{{Workload: webID, Container: "nginx", Reason: Changed, Pods: names("web-1"),
					Changes: []Change{{"imageID", digest("b"), digest("c")}}}},
				sources: []string{"pod web-1"},
			}}, wantViewIdent: [2]string{"", digest("c")}},
		{name: "locked digest and imageID, live digest only", locked: withID(digest("a"), digest("b")), started: true, live: digest("a")},
		{name: "locked digest and imageID, live imageID only", locked: withID(digest("a"), digest("b")), started: true, liveID: digest("b")},
		{name: "locked digest and imageID, live digest differs", locked: withID(digest("a"), digest("b")), started: true, live: digest("c"),
			want: []result{{
				findings: []Finding{{Workload: webID, Container: "nginx", Reason: Changed, Pods: names("web-1"),
					Changes: []Change{{"digest", digest("a"), digest("c")}}}},
				sources: []string{"pod web-1"},
			}}, wantViewIdent: [2]string{digest("c"), digest("b")}},
		{name: "locked digest, live both kinds with the digest equal", locked: withID(digest("a"), ""), started: true,
			live: digest("a"), liveID: digest("b")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := onPods(observe(tt.locked, "web-1"), "nginx", func(c *ObservedContainer) {
				c.Started, c.Digest, c.ImageID = tt.started, tt.live, tt.liveID
			})
			lf := shopLock(tt.locked)
			rep := Compare(lf, lf.Scope, []Observed{obs})
			checkReport(t, rep, tt.want)
			if len(tt.want) == 1 && len(rep.Results) == 1 && len(rep.Results[0].Views) == 1 {
				c := rep.Results[0].Views[0].Workload.Containers[0]
				if got := [2]string{c.Digest, c.ImageID}; got != tt.wantViewIdent {
					t.Errorf("view identity = %q, want %q", got, tt.wantViewIdent)
				}
			}
		})
	}
}

// TestCompareViews checks what the live renderings show: values that were
// not compared carry the locked value, so a diff shows only what differs.
func TestCompareViews(t *testing.T) {
	web := lockedWeb()
	obs := onTemplate(observe(web, "web-1"), "nginx", func(c *Container) { c.Image = "nginx:1.20" })
	obs = onPods(obs, "nginx", func(c *ObservedContainer) {
		c.Image, c.Started, c.Digest = "nginx:1.20", false, "" // pulling the new image
	})
	lf := shopLock()
	rep := Compare(lf, lf.Scope, []Observed{obs})
	checkReport(t, rep, []result{{
		findings: []Finding{{Workload: webID, Container: "nginx", Reason: Changed, Pods: names("web-1"),
			Changes: []Change{{"image", "nginx:1.18", "nginx:1.20"}}}},
		sources: []string{"pod template and pod web-1"},
	}})
	want := lockedWeb()
	want.Containers[0].Image = "nginx:1.20"
	if got := rep.Results[0].Views[0].Workload; !reflect.DeepEqual(got, want) {
		t.Errorf("view =\n%s\nwant\n%s", entryText(got), entryText(want))
	}
	if rep.Results[0].Locked == nil || rep.Results[0].Locked.Name != "web" {
		t.Errorf("Locked = %+v, want the locked entry", rep.Results[0].Locked)
	}
	if obs.Template.Containers[0].Digest != "" {
		t.Errorf("Compare changed the caller's template: %+v", obs.Template.Containers[0])
	}
}

func TestCompareScope(t *testing.T) {
	web := lockedWeb()
	api := workload(wid("shop", "api"), container("api", "api:2", digest("d")))
	other := workload(wid("other", "db"), container("db", "postgres:16", digest("f")))
	lf := lockfileOf([]Scope{{Namespace: "shop"}, {Namespace: "other"}}, web, api, other)
	stray := observe(workload(wid("elsewhere", "x"), container("x", "x:1", digest("1"))), "x-1")
	tests := []struct {
		name          string
		scopes        []Scope
		observed      []Observed
		want          []result
		workloads     int
		pods          int
		wantMissingDB bool
	}{
		{
			name:      "the lockfile's scope",
			scopes:    lf.Scope,
			observed:  []Observed{observe(web, "web-1"), observe(api, "api-1", "api-2"), observe(other, "db-0"), stray},
			workloads: 3, pods: 4,
		},
		{
			name:      "selector skips workloads whose labels do not match, and never reports them missing",
			scopes:    []Scope{{Namespace: "shop", Selector: "app=web"}},
			observed:  []Observed{observe(web, "web-1"), onTemplate(observe(api, "api-1"), "api", func(c *Container) { c.Image = "api:3" })},
			workloads: 1, pods: 1,
		},
		{
			name:      "a locked workload outside the narrowed namespaces is not missing",
			scopes:    []Scope{{Namespace: "shop"}},
			observed:  []Observed{observe(web, "web-1"), observe(api)},
			workloads: 2, pods: 1,
		},
		{
			name:      "a locked workload inside the scope that was not observed is missing",
			scopes:    []Scope{{Namespace: "other"}},
			observed:  []Observed{observe(web, "web-1")},
			want:      []result{{findings: []Finding{{Workload: other.WorkloadID, Reason: Missing, Pods: names(), Changes: []Change{}}}}},
			workloads: 1, pods: 0,
		},
		{
			name:     "all namespaces reaches unlocked workloads anywhere",
			scopes:   []Scope{{AllNamespaces: true}},
			observed: []Observed{observe(web), observe(api), observe(other), stray},
			want: []result{{
				findings: []Finding{{Workload: stray.Template.WorkloadID, Reason: Unlocked, Pods: names("x-1"), Changes: []Change{}}},
				sources:  []string{"pod template"},
			}},
			workloads: 4, pods: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Compare(lf, tt.scopes, tt.observed)
			checkReport(t, rep, tt.want)
			if rep.Workloads != tt.workloads || rep.Pods != tt.pods {
				t.Errorf("compared %d workloads and %d pods, want %d and %d", rep.Workloads, rep.Pods, tt.workloads, tt.pods)
			}
		})
	}
}

func TestReportCounts(t *testing.T) {
	res := func(reasons ...Reason) WorkloadResult {
		var r WorkloadResult
		for _, reason := range reasons {
			r.Findings = append(r.Findings, Finding{Reason: reason})
		}
		return r
	}
	tests := []struct {
		name           string
		results        []WorkloadResult
		want           map[Reason]int
		drift, unverif bool
	}{
		{name: "empty", want: map[Reason]int{Changed: 0, Unlocked: 0, Missing: 0, Ephemeral: 0, Unverified: 0}},
		{name: "unverified only is not drift", results: []WorkloadResult{res(Unverified, Unverified)},
			want: map[Reason]int{Changed: 0, Unlocked: 0, Missing: 0, Ephemeral: 0, Unverified: 2}, unverif: true},
		{name: "every reason", results: []WorkloadResult{res(Changed, Changed, Unverified), res(Unlocked), res(Missing), res(Ephemeral)},
			want: map[Reason]int{Changed: 2, Unlocked: 1, Missing: 1, Ephemeral: 1, Unverified: 1}, drift: true, unverif: true},
		{name: "missing alone is drift", results: []WorkloadResult{res(Missing)},
			want: map[Reason]int{Changed: 0, Unlocked: 0, Missing: 1, Ephemeral: 0, Unverified: 0}, drift: true},
		{name: "ephemeral alone is drift", results: []WorkloadResult{res(Ephemeral)},
			want: map[Reason]int{Changed: 0, Unlocked: 0, Missing: 0, Ephemeral: 1, Unverified: 0}, drift: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Report{Results: tt.results}
			if got := rep.Count(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Count() = %v, want %v", got, tt.want)
			}
			if got := rep.Drift(); got != tt.drift {
				t.Errorf("Drift() = %v, want %v", got, tt.drift)
			}
			if got := rep.Unverified(); got != tt.unverif {
				t.Errorf("Unverified() = %v, want %v", got, tt.unverif)
			}
		})
	}
}

func TestDescribeSources(t *testing.T) {
	tests := []struct {
		name string
		pods []string
		want string
	}{
		{"template", []string{""}, "pod template"},
		{"one pod", []string{"web-1"}, "pod web-1"},
		{"two pods", []string{"web-1", "web-2"}, "pods web-1, web-2"},
		{"three pods", []string{"web-1", "web-2", "web-3"}, "pods web-1, web-2, web-3"},
		{"more than three pods", []string{"a", "b", "c", "d", "e"}, "pods a, b, c (+2 more)"},
		{"template and one pod", []string{"", "web-1"}, "pod template and pod web-1"},
		{"template and three pods", []string{"", "a", "b", "c"}, "pod template and pods a, b, c"},
		{"template and four pods", []string{"", "a", "b", "c", "d"}, "pod template and pods a, b, c (+1 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeSources(tt.pods); got != tt.want {
				t.Errorf("describeSources(%q) = %q, want %q", tt.pods, got, tt.want)
			}
		})
	}
}
