package testcluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// waitFor polls ready until it returns nil. It gives up when ctx ends or when
// any program of the cluster exits; the error then carries the log tail of
// that program, or of owner if the wait timed out.
func (c *Cluster) waitFor(ctx context.Context, owner *process, what string, ready func(context.Context) error) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		c.mu.Lock()
		procs := c.procs
		c.mu.Unlock()
		for _, p := range procs {
			if err := p.exited(); err != nil {
				return fmt.Errorf("waiting for %s: %w", what, err)
			}
		}
		err := c.check(ctx, owner, ready)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			msg := fmt.Sprintf("waiting for %s: %v (last check: %v)", what, context.Cause(ctx), err)
			if owner != nil {
				msg += fmt.Sprintf("; last lines of %s:\n%s", owner.logPath, tail(owner.logPath, 30))
			}
			return fmt.Errorf("%s", msg)
		case <-tick.C:
		}
	}
}

// check runs one readiness check, cut short if owner exits meanwhile (its
// port may then belong to a process that never answers).
func (c *Cluster) check(ctx context.Context, owner *process, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if owner != nil {
		go func() {
			select {
			case <-owner.done:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return ready(ctx)
}

func (c *Cluster) etcdHealthy(ctx context.Context) error {
	_, err := c.get(ctx, http.DefaultClient, c.EtcdURL+"/health", "")
	return err
}

func (c *Cluster) apiserverReady(ctx context.Context) error {
	_, err := c.apiGet(ctx, "/readyz")
	return err
}

// nodeReady passes once the hollow node reports Ready and the node lifecycle
// controller has lifted the not-ready taint, so the scheduler places pods on it.
func (c *Cluster) nodeReady(ctx context.Context) error {
	body, err := c.apiGet(ctx, "/api/v1/nodes/"+NodeName)
	if err != nil {
		return err
	}
	var node struct {
		Spec struct {
			Taints []struct{ Key, Effect string }
		}
		Status struct {
			Conditions []struct{ Type, Status string }
		}
	}
	if err := json.Unmarshal(body, &node); err != nil {
		return err
	}
	ready := false
	for _, cond := range node.Status.Conditions {
		if cond.Type == "Ready" && cond.Status == "True" {
			ready = true
		}
	}
	if !ready {
		return fmt.Errorf("node %s is not Ready", NodeName)
	}
	for _, t := range node.Spec.Taints {
		if t.Key == "node.kubernetes.io/not-ready" {
			return fmt.Errorf("node %s still has taint %s:%s", NodeName, t.Key, t.Effect)
		}
	}
	return nil
}

func (c *Cluster) defaultServiceAccount(ctx context.Context) error {
	_, err := c.apiGet(ctx, "/api/v1/namespaces/default/serviceaccounts/default")
	return err
}

// apiGet reads path from the apiserver as AdminUser.
func (c *Cluster) apiGet(ctx context.Context, path string) ([]byte, error) {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(c.caPEM)
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		DisableKeepAlives: true,
	}}
	return c.get(ctx, client, c.Server+path, c.AdminToken)
}

func (c *Cluster) get(ctx context.Context, client *http.Client, url, token string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %.200s", url, resp.Status, body)
	}
	return body, nil
}
