package plugin

import (
	"context"
	"errors"
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

// CollectError names every list that failed, by namespace. The namespaces
// not named were read completely.
type CollectError struct {
	// Failed maps a namespace ("" for a cluster-wide list) to its failures.
	Failed map[string][]error
	order  []string
}

func (e *CollectError) Error() string {
	var errs []error
	for _, ns := range e.order {
		errs = append(errs, e.Failed[ns]...)
	}
	return errors.Join(errs...).Error()
}

// Collect lists every kind in every namespace of the target concurrently,
// one paged list per kind and namespace. A namespace in which any list
// failed contributes nothing, so what is returned is complete for every
// namespace it covers; the failures come back as a *CollectError naming the
// kind and namespace that could not be read.
func (c *Collector) Collect(ctx context.Context, t Target) (*Inventory, error) {
	namespaces := t.Namespaces
	if t.AllNamespaces {
		namespaces = []string{metav1.NamespaceAll}
	}
	listed := listedKinds()
	type partial struct {
		controllers []controllerRecord
		pods        []podRecord
		failures    []listFailure
	}
	var mu sync.Mutex
	results := make(map[string]*partial, len(namespaces))
	for _, ns := range namespaces {
		results[ns] = &partial{}
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(c.Concurrency, 1))
	for _, ns := range namespaces {
		for i, l := range c.listers(ns, listed) {
			g.Go(func() error {
				ctrls, pods, err := l.run(ctx)
				mu.Lock()
				defer mu.Unlock()
				r := results[ns]
				if err != nil {
					r.failures = append(r.failures, listFailure{order: i, resource: l.resource, err: err})
					return nil
				}
				r.controllers = append(r.controllers, ctrls...)
				r.pods = append(r.pods, pods...)
				return nil
			})
		}
	}
	_ = g.Wait()
	var inv Inventory
	failed := &CollectError{Failed: map[string][]error{}}
	for _, ns := range namespaces {
		r := results[ns]
		if len(r.failures) > 0 {
			failed.Failed[ns] = summarizeFailures(ns, r.failures)
			failed.order = append(failed.order, ns)
			continue
		}
		inv.controllers = append(inv.controllers, r.controllers...)
		inv.pods = append(inv.pods, r.pods...)
	}
	if len(failed.order) > 0 {
		return &inv, failed
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

// page is one page of records and the token of the next.
type page[R any] struct {
	records []R
	next    string
}

// collectPages runs a paged list to the end. A page that fails transiently
// is asked for again (withRetry); an expired continue token (the list took
// longer than the server keeps a snapshot) restarts the list.
func collectPages[R any](ctx context.Context, pageSize int64, list pagedList[R]) ([]R, error) {
	for attempt := 0; ; attempt++ {
		var out []R
		opts := metav1.ListOptions{Limit: pageSize}
		for {
			p, err := withRetry(ctx, firstRetryWait, func() (page[R], error) {
				recs, next, err := list(ctx, opts)
				return page[R]{recs, next}, err
			})
			recs, next := p.records, p.next
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
