package lockfile

import "testing"

func TestCompare(t *testing.T) {
	web := lockedWeb()
	withSidecar := lockedWeb()
	withSidecar.Containers = append(withSidecar.Containers, container("metrics", "prom/exporter:1", digest("c")))
	api := workload(wid("shop", "api"), container("api", "api:2", digest("d")))
	changed := func(container string, pods []string, ch ...Change) Finding {
		return Finding{Workload: webID, Container: container, Reason: Changed, Pods: pods, Changes: ch}
	}

	tests := []struct {
		name     string
		lf       *Lockfile
		observed []Observed
		want     []result
	}{
		{name: "clean", lf: shopLock(), observed: []Observed{observe(web, "web-1", "web-2")}},
		{
			name: "image changed on the template only",
			lf:   shopLock(),
			observed: []Observed{onTemplate(observe(web, "web-1"), "nginx", func(c *Container) {
				c.Image = "nginx:1.20"
			})},
			want: []result{{
				findings: []Finding{changed("nginx", names(), Change{"image", "nginx:1.18", "nginx:1.20"})},
				sources:  []string{"pod template"},
			}},
		},
		{
			name: "re-pushed tag: new digest on the pods",
			lf:   shopLock(),
			observed: []Observed{onPods(observe(web, "web-1", "web-2", "web-3"), "nginx", func(c *ObservedContainer) {
				c.Digest = digest("b")
			}, "web-1", "web-3")},
			want: []result{{
				findings: []Finding{changed("nginx", names("web-1", "web-3"), Change{"digest", digest("a"), digest("b")})},
				sources:  []string{"pods web-1, web-3"},
			}},
		},
		{
			name: "same change on the template and the pods is one finding",
			lf:   shopLock(),
			observed: []Observed{onTemplate(onPods(observe(web, "web-1", "web-2"), "nginx", func(c *ObservedContainer) {
				c.SecurityContext.Privileged = true
			}), "nginx", func(c *Container) { c.SecurityContext.Privileged = true })},
			want: []result{{
				findings: []Finding{changed("nginx", names("web-1", "web-2"), Change{"securityContext.privileged", "false", "true"})},
				sources:  []string{"pod template and pods web-1, web-2"},
			}},
		},
		{
			name: "capability added on one pod",
			lf:   shopLock(),
			observed: []Observed{onPods(observe(web, "web-1", "web-2"), "nginx", func(c *ObservedContainer) {
				c.SecurityContext.Capabilities.Add = []string{"NET_ADMIN", "SYS_ADMIN"}
			}, "web-2")},
			want: []result{{
				findings: []Finding{changed("nginx", names("web-2"), Change{"securityContext.capabilities.add", "", "NET_ADMIN,SYS_ADMIN"})},
				sources:  []string{"pod web-2"},
			}},
		},
		{
			name: "pod-level hostNetwork",
			lf:   shopLock(),
			observed: []Observed{func() Observed {
				o := observe(web, "web-1")
				o.Template.Pod.HostNetwork = true
				o.Pods[0].Pod.HostNetwork = true
				return o
			}()},
			want: []result{{
				findings: []Finding{changed("", names("web-1"), Change{"pod.hostNetwork", "false", "true"})},
				sources:  []string{"pod template and pod web-1"},
			}},
		},
		{
			name:     "entrypoint changed",
			lf:       shopLock(),
			observed: []Observed{onTemplate(observe(web), "nginx", func(c *Container) { c.Entrypoint = digest("9") })},
			want: []result{{
				findings: []Finding{changed("nginx", names(), Change{"entrypoint", digest("e"), digest("9")})},
				sources:  []string{"pod template"},
			}},
		},
		{
			name: "template pins another digest",
			lf:   shopLock(),
			observed: []Observed{onTemplate(observe(web, "web-1"), "nginx", func(c *Container) {
				c.Image, c.Digest = "nginx@"+digest("b"), digest("b")
			})},
			want: []result{{
				findings: []Finding{changed("nginx", names(), Change{"image", "nginx:1.18", "nginx@" + digest("b")},
					Change{"digest", digest("a"), digest("b")})},
				sources: []string{"pod template"},
			}},
		},
		{
			name: "unlocked workload",
			lf:   shopLock(),
			observed: []Observed{observe(web, "web-1"), onPods(observe(api, "api-1", "api-2"), "api", func(c *ObservedContainer) {
				c.Digest = digest("f") // not compared: nothing is locked
			})},
			want: []result{{
				findings: []Finding{{Workload: api.WorkloadID, Reason: Unlocked, Pods: names("api-1", "api-2"), Changes: []Change{}}},
				sources:  []string{"pod template"},
			}},
		},
		{
			name: "unlocked workload with a debug container",
			lf:   shopLock(),
			observed: []Observed{observe(web), func() Observed {
				o := observe(api, "api-1")
				o.Pods[0].Containers = append(o.Pods[0].Containers, ObservedContainer{
					Container: Container{Name: "debugger", Ephemeral: true, Image: "busybox"}, Started: true})
				return o
			}()},
			want: []result{{
				findings: []Finding{
					{Workload: api.WorkloadID, Reason: Unlocked, Pods: names("api-1"), Changes: []Change{}},
					{Workload: api.WorkloadID, Container: "debugger", Reason: Ephemeral, Pods: names("api-1"),
						Changes: []Change{{"image", "", "busybox"}}},
				},
				sources: []string{"pod template"},
			}},
		},
		{
			name:     "unlocked container",
			lf:       shopLock(),
			observed: []Observed{observe(withSidecar, "web-1")},
			want: []result{{
				findings: []Finding{{Workload: webID, Container: "metrics", Reason: Unlocked, Pods: names("web-1"),
					Changes: []Change{{"image", "", "prom/exporter:1"}}}},
				// The pod shows the sidecar's runtime digest, the template cannot.
				sources: []string{"pod template", "pod web-1"},
			}},
		},
		{
			name:     "missing workload",
			lf:       shopLock(api, web),
			observed: []Observed{observe(web, "web-1")},
			want: []result{{
				findings: []Finding{{Workload: api.WorkloadID, Reason: Missing, Pods: names(), Changes: []Change{}}},
			}},
		},
		{
			name:     "missing container",
			lf:       shopLock(withSidecar),
			observed: []Observed{observe(web, "web-1")},
			want: []result{{
				findings: []Finding{{Workload: webID, Container: "metrics", Reason: Missing, Pods: names("web-1"),
					Changes: []Change{{"image", "prom/exporter:1", ""}}}},
				sources: []string{"pod template and pod web-1"},
			}},
		},
		{
			name: "ephemeral container on a pod",
			lf:   shopLock(),
			observed: []Observed{func() Observed {
				o := observe(web, "web-1", "web-2")
				o.Pods[1].Containers = append(o.Pods[1].Containers, ObservedContainer{
					Container: Container{Name: "debugger-x7k", Ephemeral: true, Image: "nicolaka/netshoot"}, Started: true})
				return o
			}()},
			want: []result{{
				findings: []Finding{{Workload: webID, Container: "debugger-x7k", Reason: Ephemeral, Pods: names("web-2"),
					Changes: []Change{{"image", "", "nicolaka/netshoot"}}}},
				sources: []string{"pod web-2"},
			}},
		},
		{
			name: "results sorted by workload, findings by container then reason",
			lf:   shopLock(withSidecar, api),
			observed: []Observed{
				onPods(onTemplate(observe(withSidecar, "web-1"), "nginx", func(c *Container) { c.Image = "nginx:1.20" }),
					"metrics", func(c *ObservedContainer) { c.Started, c.Digest = true, "" }),
				onTemplate(observe(api), "api", func(c *Container) { c.Image = "api:3" }),
			},
			want: []result{
				{
					findings: []Finding{{Workload: api.WorkloadID, Container: "api", Reason: Changed, Pods: names(),
						Changes: []Change{{"image", "api:2", "api:3"}}}},
					sources: []string{"pod template"},
				},
				{
					findings: []Finding{
						{Workload: webID, Container: "metrics", Reason: Unverified, Pods: names("web-1"),
							Changes: []Change{{"digest", digest("c"), "unknown"}}},
						changed("nginx", names(), Change{"image", "nginx:1.18", "nginx:1.20"}),
					},
					sources: []string{"pod template", "pod web-1"},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Compare(tt.lf, tt.lf.Scope, tt.observed)
			checkReport(t, rep, tt.want)
		})
	}
}
