package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// DefaultPageSize is the page size of every list, as kubectl's --chunk-size.
const DefaultPageSize = 500

// expiredRestarts bounds how often a list restarts after its continue token
// expired (HTTP 410) before giving up.
const expiredRestarts = 3

// Target is what to list: some namespaces or all of them. Label selectors
// are applied after listing, never by the API server: a locked pod that a
// server-side selector hid would look deleted and be reported missing.
type Target struct {
	AllNamespaces bool
	Namespaces    []string
}

// Collector lists the pods and controllers of a target.
type Collector struct {
	Client      kubernetes.Interface
	PageSize    int64
	Concurrency int
}

// Inventory holds compact records of everything listed.
type Inventory struct {
	controllers []controllerRecord
	pods        []podRecord
}

// listedKinds are the controller kinds listed; an owner of any other kind
// becomes a workload through its owner reference alone.
func listedKinds() map[string]bool {
	return map[string]bool{"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "DaemonSet": true,
		"Job": true, "CronJob": true, "ReplicationController": true}
}

// Collect lists every kind in every namespace of the target concurrently,
// one paged list per kind and namespace. Every list that fails is reported:
// an error names the kind and namespace that could not be read.
func (c *Collector) Collect(ctx context.Context, t Target) (*Inventory, error) {
	namespaces := t.Namespaces
	if t.AllNamespaces {
		namespaces = []string{metav1.NamespaceAll}
	}
	listed := listedKinds()
	var (
		mu   sync.Mutex
		inv  Inventory
		errs []error
	)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(c.Concurrency, 1))
	for _, ns := range namespaces {
		for _, l := range c.listers(ns, listed) {
			g.Go(func() error {
				ctrls, pods, err := l.run(ctx)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, fmt.Errorf("listing %s in %s: %w", l.resource, describeNamespace(ns), err))
					return nil
				}
				inv.controllers = append(inv.controllers, ctrls...)
				inv.pods = append(inv.pods, pods...)
				return nil
			})
		}
	}
	_ = g.Wait()
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &inv, nil
}

func describeNamespace(ns string) string {
	if ns == metav1.NamespaceAll {
		return "all namespaces"
	}
	return "namespace " + ns
}

// pagedList lists one resource, page by page, turning each page into compact
// records before the next is fetched.
type pagedList[R any] func(ctx context.Context, opts metav1.ListOptions) (records []R, next string, err error)

// collectPages runs a paged list to the end. An expired continue token (the
// list took longer than the server keeps a snapshot) restarts the list.
func collectPages[R any](ctx context.Context, pageSize int64, list pagedList[R]) ([]R, error) {
	for attempt := 0; ; attempt++ {
		var out []R
		opts := metav1.ListOptions{Limit: pageSize}
		for {
			recs, next, err := list(ctx, opts)
			if err != nil {
				if apierrors.IsResourceExpired(err) && attempt < expiredRestarts {
					break
				}
				return nil, err
			}
			out = append(out, recs...)
			if next == "" {
				return out, nil
			}
			opts.Continue = next
		}
	}
}

// TargetFor returns what to list to see every object of the scopes: all
// namespaces if any scope has them, else each namespace once.
func TargetFor(scopes []lockfile.Scope) Target {
	var t Target
	seen := map[string]bool{}
	for _, s := range scopes {
		if s.AllNamespaces {
			return Target{AllNamespaces: true}
		}
		if !seen[s.Namespace] {
			seen[s.Namespace] = true
			t.Namespaces = append(t.Namespaces, s.Namespace)
		}
	}
	return t
}
