package testcluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// WaitPodsRunning waits until at least one pod in namespace matches the label
// selector and every such pod is Running with each container running and
// reporting an imageID.
//
// `kubectl rollout status` is not enough on a hollow node: its first status
// for a new pod already says Ready (so the Deployment counts it available)
// while the phase is still Pending and the imageID empty.
func (c *Cluster) WaitPodsRunning(ctx context.Context, namespace, selector string) error {
	return c.waitFor(ctx, nil, fmt.Sprintf("pods %q in namespace %s to run", selector, namespace), func(ctx context.Context) error {
		path := "/api/v1/namespaces/" + url.PathEscape(namespace) + "/pods?labelSelector=" + url.QueryEscape(selector)
		body, err := c.apiGet(ctx, path)
		if err != nil {
			return err
		}
		var list struct {
			Items []struct {
				Metadata struct{ Name string }
				Status   struct {
					Phase             string
					ContainerStatuses []struct {
						Name    string
						ImageID string
						State   struct{ Running *struct{} }
					}
				}
			}
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return err
		}
		if len(list.Items) == 0 {
			return fmt.Errorf("no pods yet")
		}
		for _, p := range list.Items {
			if p.Status.Phase != "Running" {
				return fmt.Errorf("pod %s is %s", p.Metadata.Name, p.Status.Phase)
			}
			for _, cs := range p.Status.ContainerStatuses {
				if cs.State.Running == nil || cs.ImageID == "" {
					return fmt.Errorf("pod %s: container %s is not running with an imageID", p.Metadata.Name, cs.Name)
				}
			}
		}
		return nil
	})
}
