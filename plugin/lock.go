package plugin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// LockEntry turns a workload into its lockfile entry. Each container's
// identity comes from the first source that has one: the runtime imageID of
// the workload's current pods, a digest pinned in the image reference, the
// most recently finished pod that ran the same image, the registry (resolved
// maps image references to digests; nil when the registry is not asked).
// Current pods that disagree (a rollout in progress, a node with a stale
// image) are an error naming every pod, never a silent choice.
func LockEntry(w Workload, resolved map[string]string) (lockfile.Workload, []string, error) {
	entry := w.Template
	entry.Containers = slices.Clone(w.Template.Containers)
	var warnings, problems []string
	for _, p := range w.Pods {
		for _, c := range p.Containers {
			if c.Ephemeral {
				warnings = append(warnings, fmt.Sprintf("skipping ephemeral container %q of pod %s/%s: ephemeral containers are never approved",
					c.Name, w.Template.Namespace, p.Name))
			}
		}
	}
	for i := range entry.Containers {
		c := &entry.Containers[i]
		if err := identify(c, w, resolved); err != "" {
			problems = append(problems, err)
		}
	}
	if len(entry.Containers) == 0 {
		problems = append(problems, "its pod template has no containers")
	}
	if len(problems) > 0 {
		return entry, warnings, fmt.Errorf("%s: %s", entry.WorkloadID, strings.Join(problems, "; "))
	}
	return entry, warnings, nil
}

// identify fills in a container's identity, or says why it cannot.
func identify(c *lockfile.Container, w Workload, resolved map[string]string) string {
	pinned := c.Digest
	var digests, imageIDs, images []string
	for _, p := range w.Pods {
		for _, pc := range p.Containers {
			if pc.Name != c.Name || pc.Ephemeral {
				continue
			}
			if pc.Image != c.Image {
				images = append(images, fmt.Sprintf("%s runs %s", p.Name, pc.Image))
				continue
			}
			if pc.Digest != "" {
				digests = append(digests, p.Name+" "+pc.Digest)
			}
			if pc.ImageID != "" {
				imageIDs = append(imageIDs, p.Name+" "+pc.ImageID)
			}
		}
	}
	if len(images) > 0 {
		return fmt.Sprintf("container %q: the pod template says %s but pod %s; wait for the rollout to finish (kubectl rollout status) and lock again",
			c.Name, c.Image, strings.Join(images, ", pod "))
	}
	d, okD := agree(digests)
	id, okID := agree(imageIDs)
	if !okD || !okID {
		return fmt.Sprintf("container %q: current pods run different images: %s; finish the rollout or replace the pods on stale nodes, then lock again",
			c.Name, strings.Join(slices.Concat(digests, imageIDs), ", "))
	}
	c.Digest, c.ImageID = d, id
	if c.Digest == "" {
		c.Digest = pinned
	}
	if c.Digest != "" || c.ImageID != "" {
		return ""
	}
	if h, ok := w.History[HistoryKey{c.Name, c.Image}]; ok {
		c.Digest, c.ImageID = h.Identity.Digest, h.Identity.ImageID
		return ""
	}
	if d, ok := resolved[c.Image]; ok {
		c.Digest = d
		return ""
	}
	return fmt.Sprintf("container %q: no identity for image %s: no current pod reported an image digest, the reference pins none, and no finished pod ran it; pin the image by digest (%s@sha256:...) or lock while its pods run",
		c.Name, c.Image, c.Image)
}

// agree returns the one value all "pod value" entries share.
func agree(entries []string) (string, bool) {
	var value string
	for _, e := range entries {
		_, v, _ := strings.Cut(e, " ")
		if value != "" && v != value {
			return "", false
		}
		value = v
	}
	return value, true
}

// ImagesToResolve lists, once each, the images of template containers that
// have no identity from a current pod, a pinned digest or a finished pod:
// what lock asks the registry for.
func ImagesToResolve(ws []Workload) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		for _, c := range w.Template.Containers {
			if seen[c.Image] || knownWithoutRegistry(c, w) {
				continue
			}
			seen[c.Image] = true
			out = append(out, c.Image)
		}
	}
	slices.Sort(out)
	return out
}

func knownWithoutRegistry(c lockfile.Container, w Workload) bool {
	if c.Digest != "" {
		return true
	}
	if _, ok := w.History[HistoryKey{c.Name, c.Image}]; ok {
		return true
	}
	for _, p := range w.Pods {
		for _, pc := range p.Containers {
			if pc.Name == c.Name && pc.Image == c.Image && (pc.Digest != "" || pc.ImageID != "") {
				return true
			}
		}
	}
	return false
}

// ApplyDigests gives every template container whose image was resolved the
// registry's digest, so check compares manifests by content, not by tag.
func ApplyDigests(ws []Workload, resolved map[string]string) {
	for i := range ws {
		for j := range ws[i].Template.Containers {
			c := &ws[i].Template.Containers[j]
			if d, ok := resolved[c.Image]; ok && c.Digest == "" {
				c.Digest = d
			}
		}
	}
}
