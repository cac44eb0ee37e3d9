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
// most recently finished pod that ran the same image. Current pods that
// disagree (a rollout in progress, a node with a stale image) are an error
// naming every pod, never a silent choice.
func LockEntry(w Workload) (lockfile.Workload, []string, error) {
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
		if err := identify(c, w); err != "" {
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
func identify(c *lockfile.Container, w Workload) string {
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
