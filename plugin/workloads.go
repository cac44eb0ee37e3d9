package plugin

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// maxOwnerDepth bounds the owner walk; real chains are two or three long,
// and a cycle in corrupt metadata must not loop forever.
const maxOwnerDepth = 8

// Workload is everything known of one workload: what check compares, and
// the finished pods that lock may take a digest from.
type Workload struct {
	lockfile.Observed
	// History holds, per container name and image, the identity the most
	// recently finished pod of the workload ran it with.
	History map[HistoryKey]HistoricIdentity
	// PullSecrets names the template's imagePullSecrets.
	PullSecrets []string
}

// HistoryKey names a container running one image.
type HistoryKey struct{ Container, Image string }

// HistoricIdentity is an identity read from a finished pod.
type HistoricIdentity struct {
	Image    string
	Identity Identity
	Pod      string
	finished time.Time
}

// Workloads groups the inventory by top-level controller, found by walking
// controller owner references through maps. Controllers with no pods right
// now are workloads too, from their pod template. An owner of a kind that is
// not listed (a custom resource such as an Argo Rollout) is a workload named
// by its owner reference, with the template of its newest child.
func (inv *Inventory) Workloads() []Workload {
	byUID := make(map[types.UID]*controllerRecord, len(inv.controllers))
	for i := range inv.controllers {
		byUID[inv.controllers[i].uid] = &inv.controllers[i]
	}
	b := builder{byUID: byUID, workloads: map[lockfile.WorkloadID]*building{}}
	for i := range inv.controllers {
		c := &inv.controllers[i]
		if c.owner == nil {
			b.add(c.template.WorkloadID, &c.templateSource)
		} else if id, src := b.top(c.owner, c.template.Namespace, c); src != nil {
			b.add(id, src)
		}
	}
	for i := range inv.pods {
		p := &inv.pods[i]
		var w *building
		if p.owner == nil {
			w = b.add(p.source.template.WorkloadID, p.source)
		} else {
			id, src := b.top(p.owner, p.namespace, nil)
			if src == nil {
				src = p.source
			}
			w = b.add(id, src)
		}
		if p.current {
			w.Pods = append(w.Pods, p.observed)
		} else {
			w.remember(p)
		}
	}
	out := make([]Workload, 0, len(b.workloads))
	for _, w := range b.workloads {
		if w.Template.Containers == nil && len(w.Pods) > 0 {
			w.Template = templateFromPod(w.Template.WorkloadID, w.Pods[0])
		}
		slices.SortFunc(w.Pods, func(a, b lockfile.ObservedPod) int { return strings.Compare(a.Name, b.Name) })
		out = append(out, w.Workload)
	}
	slices.SortFunc(out, func(a, b Workload) int { return a.Template.WorkloadID.Compare(b.Template.WorkloadID) })
	return out
}

type building struct {
	Workload
	templateFrom time.Time
}

type builder struct {
	byUID     map[types.UID]*controllerRecord
	workloads map[lockfile.WorkloadID]*building
}

// add registers a workload, keeping the template of its newest source: a
// workload named only by owner references takes its newest child's template.
// src may be nil: the workload is then known only through its pods.
func (b *builder) add(id lockfile.WorkloadID, src *templateSource) *building {
	w, ok := b.workloads[id]
	if !ok {
		w = &building{Workload: Workload{History: map[HistoryKey]HistoricIdentity{}}}
		w.Template.WorkloadID = id
		b.workloads[id] = w
	}
	if src != nil && (w.Template.Containers == nil || src.created.After(w.templateFrom)) {
		w.Template = src.template
		w.Template.WorkloadID = id
		w.Labels = src.labels
		w.PullSecrets = src.pullSecrets
		w.templateFrom = src.created
	}
	return w
}

// top walks controller references from owner up to the top-level workload.
// It returns the workload's identity and, for an owner that is not listed,
// the template of the last listed object on the way (child), if any; a
// listed top-level controller is registered with its own template.
func (b *builder) top(owner *ownerRef, ns string, child *controllerRecord) (lockfile.WorkloadID, *templateSource) {
	for range maxOwnerDepth {
		rec, ok := b.byUID[owner.uid]
		if !ok {
			id := lockfile.WorkloadID{Group: groupOf(owner.apiVersion), Kind: owner.kind, Namespace: ns, Name: owner.name}
			if child == nil {
				return id, nil
			}
			return id, &child.templateSource
		}
		if rec.owner == nil {
			return rec.template.WorkloadID, nil
		}
		child, owner = rec, rec.owner
	}
	return lockfile.WorkloadID{Group: groupOf(owner.apiVersion), Kind: owner.kind, Namespace: ns, Name: owner.name}, nil
}

func groupOf(apiVersion string) string {
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		return g
	}
	return ""
}

// remember keeps, per container and image, the identity of the most recently
// finished pod that reported one.
func (w *building) remember(p *podRecord) {
	for _, c := range p.observed.Containers {
		id := Identity{Digest: c.Digest, ImageID: c.ImageID}
		if c.Ephemeral || !id.Known() {
			continue
		}
		key := HistoryKey{c.Name, c.Image}
		if prev, ok := w.History[key]; ok && !p.finished.After(prev.finished) {
			continue
		}
		w.History[key] = HistoricIdentity{Image: c.Image, Identity: id, Pod: p.observed.Name, finished: p.finished}
	}
}

// templateFromPod stands in for the template of a workload known only
// through its pods; identities are dropped, as a template has none.
func templateFromPod(id lockfile.WorkloadID, p lockfile.ObservedPod) lockfile.Workload {
	w := lockfile.Workload{WorkloadID: id, Pod: p.Pod}
	for _, c := range p.Containers {
		if c.Ephemeral {
			continue
		}
		entry := c.Container
		entry.Digest, entry.ImageID = PinnedDigest(entry.Image), ""
		w.Containers = append(w.Containers, entry)
	}
	return w
}
