package lockfile

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Compare checks what was observed against the lockfile, within scopes (the
// lockfile's own, or a narrower one given on the command line). Locked
// workloads in a namespace of the scope that were not observed are missing;
// observed workloads the scope covers but the lockfile lacks are unlocked.
func Compare(lf *Lockfile, scopes []Scope, observed []Observed) Report {
	locked := make(map[WorkloadID]*Workload, len(lf.Workloads))
	for i := range lf.Workloads {
		locked[lf.Workloads[i].WorkloadID] = &lf.Workloads[i]
	}
	var rep Report
	seen := make(map[WorkloadID]bool, len(observed))
	for _, obs := range observed {
		id := obs.Template.WorkloadID
		seen[id] = true
		if !ScopesCover(scopes, id.Namespace, obs.Labels) {
			continue
		}
		rep.Workloads++
		rep.Pods += len(obs.Pods)
		if res := compareWorkload(locked[id], obs); len(res.Findings) > 0 {
			rep.Results = append(rep.Results, res)
		}
	}
	for _, w := range lf.Workloads {
		if seen[w.WorkloadID] || !ScopesCoverNamespace(scopes, w.Namespace) {
			continue
		}
		rep.Workloads++
		rep.Results = append(rep.Results, WorkloadResult{
			ID:       w.WorkloadID,
			Locked:   &w,
			Findings: []Finding{{Workload: w.WorkloadID, Reason: Missing, Pods: []string{}, Changes: []Change{}}},
		})
	}
	slices.SortFunc(rep.Results, func(a, b WorkloadResult) int { return a.ID.Compare(b.ID) })
	return rep
}

// source is one live rendering being compared: the template or one pod.
type source struct {
	pod      string // "" for the pod template
	entry    Workload
	started  map[string]bool // nil for the template: no runtime identity
	findings []Finding
}

func compareWorkload(locked *Workload, obs Observed) WorkloadResult {
	id := obs.Template.WorkloadID
	res := WorkloadResult{ID: id, Locked: locked}
	sources := []*source{{entry: obs.Template}}
	for _, p := range obs.Pods {
		s := &source{pod: p.Name, started: map[string]bool{}}
		s.entry = Workload{WorkloadID: id, Pod: p.Pod}
		for _, c := range p.Containers {
			s.entry.Containers = append(s.entry.Containers, c.Container)
			s.started[c.Name] = c.Started
		}
		SortContainers(s.entry.Containers)
		sources = append(sources, s)
	}
	if locked == nil {
		res.Findings = append(res.Findings, Finding{Workload: id, Reason: Unlocked, Changes: []Change{}})
		for _, s := range sources[1:] {
			for _, c := range s.entry.Containers {
				if c.Ephemeral {
					s.findings = append(s.findings, ephemeralFinding(id, c))
				}
			}
		}
		res.Findings = append(res.Findings, groupFindings(sources)...)
		res.Findings[0].Pods = make([]string, 0, len(obs.Pods))
		for _, p := range obs.Pods {
			res.Findings[0].Pods = append(res.Findings[0].Pods, p.Name)
		}
		res.Views = []View{{Source: "pod template", Workload: obs.Template}}
		return res
	}
	for _, s := range sources {
		s.findings, s.entry = compareEntry(*locked, s.entry, s.started)
	}
	res.Findings = groupFindings(sources)
	res.Views = groupViews(*locked, sources)
	return res
}

// compareEntry compares one live rendering with the locked entry. It returns
// the findings and the rendering to show in a diff, in which values that were
// not compared (no runtime identity yet, a template without a pinned digest)
// carry the locked value, so the diff shows only what was compared.
func compareEntry(locked, live Workload, started map[string]bool) ([]Finding, Workload) {
	id := locked.WorkloadID
	var findings []Finding
	if ch := podChanges(locked.Pod, live.Pod); len(ch) > 0 {
		findings = append(findings, Finding{Workload: id, Reason: Changed, Changes: ch})
	}
	lockedByName := make(map[string]*Container, len(locked.Containers))
	for i := range locked.Containers {
		lockedByName[locked.Containers[i].Name] = &locked.Containers[i]
	}
	view := live
	view.Containers = slices.Clone(live.Containers)
	liveNames := map[string]bool{}
	for i := range view.Containers {
		c := &view.Containers[i]
		liveNames[c.Name] = true
		lc, ok := lockedByName[c.Name]
		switch {
		case c.Ephemeral:
			findings = append(findings, ephemeralFinding(id, *c))
		case !ok:
			findings = append(findings, Finding{Workload: id, Container: c.Name, Reason: Unlocked,
				Changes: []Change{{Field: "image", Live: c.Image}}})
		default:
			findings = append(findings, compareContainer(id, *lc, c, started)...)
		}
	}
	for _, lc := range locked.Containers {
		if !liveNames[lc.Name] {
			findings = append(findings, Finding{Workload: id, Container: lc.Name, Reason: Missing,
				Changes: []Change{{Field: "image", Locked: lc.Image}}})
		}
	}
	return findings, view
}

var identityFields = map[string]bool{"digest": true, "imageID": true}

// compareContainer compares every recorded field; the identity is compared
// kind with kind (a registry digest with a digest, a config ID with a config
// ID), and where no kind is known on both sides of a started container, the
// container is unverified. It fills in view's identity where not compared.
func compareContainer(id WorkloadID, locked Container, view *Container, started map[string]bool) []Finding {
	var findings []Finding
	changes := containerChanges(locked, *view)
	var compared bool
	isStarted := started != nil && started[view.Name]
	for _, k := range []struct {
		name         string
		locked, live *string
	}{
		{"digest", &locked.Digest, &view.Digest},
		{"imageID", &locked.ImageID, &view.ImageID},
	} {
		switch {
		case *k.locked != "" && *k.live != "":
			compared = true
			if *k.locked != *k.live {
				changes = append(changes, Change{Field: k.name, Locked: *k.locked, Live: *k.live})
			}
		case *k.live == "" && (!isStarted || compared || otherKnown(locked, *view, k.name)):
			// Not read, or verified through the other kind: show the locked value.
			*k.live = *k.locked
		}
	}
	if len(changes) > 0 {
		findings = append(findings, Finding{Workload: id, Container: locked.Name, Reason: Changed, Changes: changes})
	}
	if isStarted && !compared {
		findings = append(findings, Finding{Workload: id, Container: locked.Name, Reason: Unverified,
			Changes: []Change{{Field: "digest", Locked: identityText(locked), Live: identityText(*view)}}})
	}
	return findings
}

// otherKnown reports whether the identity kind other than name is on both sides.
func otherKnown(a, b Container, name string) bool {
	if name == "digest" {
		return a.ImageID != "" && b.ImageID != ""
	}
	return a.Digest != "" && b.Digest != ""
}

func identityText(c Container) string {
	switch {
	case c.Digest != "":
		return c.Digest
	case c.ImageID != "":
		return "imageID " + c.ImageID
	default:
		return "unknown"
	}
}

func ephemeralFinding(id WorkloadID, c Container) Finding {
	return Finding{Workload: id, Container: c.Name, Reason: Ephemeral,
		Changes: []Change{{Field: "image", Live: c.Image}}}
}

// groupFindings merges equal findings of different sources into one finding
// that lists the pods it was seen on.
func groupFindings(sources []*source) []Finding {
	var out []Finding
	index := map[string]int{}
	for _, s := range sources {
		for _, f := range s.findings {
			key, _ := json.Marshal(struct {
				C string
				R Reason
				X []Change
			}{f.Container, f.Reason, f.Changes})
			i, ok := index[string(key)]
			if !ok {
				i = len(out)
				index[string(key)] = i
				f.Pods = []string{}
				if f.Changes == nil {
					f.Changes = []Change{}
				}
				out = append(out, f)
			}
			if s.pod != "" {
				out[i].Pods = append(out[i].Pods, s.pod)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Container, b.Container),
			cmp.Compare(slices.Index(Reasons, a.Reason), slices.Index(Reasons, b.Reason)))
	})
	return out
}

// groupViews returns the live renderings that differ from the locked entry,
// sources that render the same merged into one.
func groupViews(locked Workload, sources []*source) []View {
	var lockedText string
	var views []View
	var names [][]string
	index := map[string]int{}
	for _, s := range sources {
		if len(s.findings) == 0 {
			continue
		}
		if lockedText == "" {
			lockedText = entryText(locked)
		}
		text := entryText(s.entry)
		if text == lockedText {
			continue
		}
		i, ok := index[text]
		if !ok {
			i = len(views)
			index[text] = i
			views = append(views, View{Workload: s.entry})
			names = append(names, nil)
		}
		names[i] = append(names[i], s.pod)
	}
	for i := range views {
		views[i].Source = describeSources(names[i])
	}
	return views
}

// describeSources names a group of sources: "pod template", "pod web-1",
// "pod template and pods web-1, web-2 (+3 more)".
func describeSources(pods []string) string {
	var parts []string
	if len(pods) > 0 && pods[0] == "" {
		parts = append(parts, "pod template")
		pods = pods[1:]
	}
	const shown = 3
	switch {
	case len(pods) == 1:
		parts = append(parts, "pod "+pods[0])
	case len(pods) > shown:
		parts = append(parts, fmt.Sprintf("pods %s (+%d more)", strings.Join(pods[:shown], ", "), len(pods)-shown))
	case len(pods) > 1:
		parts = append(parts, "pods "+strings.Join(pods, ", "))
	}
	return strings.Join(parts, " and ")
}
