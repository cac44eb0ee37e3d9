package plugin

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// pager serves items a page at a time as the API server does: the continue
// token is the offset of the next page. The first request for each token in
// expire fails with 410 Gone; with expireAlways, every one does.
type pager[T any] struct {
	items        []T
	list         func(items []T, next string) runtime.Object
	expire       map[string]bool
	expireAlways bool
}

func (p *pager[T]) react(action k8stesting.Action) (bool, runtime.Object, error) {
	opts := action.(k8stesting.ListActionImpl).GetListOptions()
	if opts.Continue != "" && (p.expireAlways || p.expire[opts.Continue]) {
		delete(p.expire, opts.Continue)
		return true, nil, apierrors.NewResourceExpired("the provided continue parameter is too old")
	}
	start, _ := strconv.Atoi(cmpOr(opts.Continue, "0"))
	end, next := len(p.items), ""
	if opts.Limit > 0 && start+int(opts.Limit) < end {
		end = start + int(opts.Limit)
		next = strconv.Itoa(end)
	}
	return true, p.list(p.items[start:end], next), nil
}

func barePods(n int) []corev1.Pod {
	out := make([]corev1.Pod, n)
	for i := range out {
		out[i] = *runningPod(fmt.Sprintf("p%d", i), nil, spec(ctr("app", "app:1")))
		out[i].Labels = map[string]string{"app": "web"}
	}
	return out
}

func podPager(n int, expire ...string) *pager[corev1.Pod] {
	p := &pager[corev1.Pod]{items: barePods(n), expire: map[string]bool{},
		list: func(items []corev1.Pod, next string) runtime.Object {
			return &corev1.PodList{ListMeta: metav1.ListMeta{Continue: next}, Items: items}
		}}
	for _, e := range expire {
		p.expire[e] = true
	}
	return p
}

// listCalls returns "limit continue selector" for every list of resource:
// selectors are applied after listing, so the selector is always empty.
func listCalls(cs *fake.Clientset, resource string) []string {
	var out []string
	for _, a := range cs.Actions() {
		if l, ok := a.(k8stesting.ListActionImpl); ok && a.GetResource().Resource == resource {
			o := l.GetListOptions()
			out = append(out, fmt.Sprintf("%d %q %q", o.Limit, o.Continue, o.LabelSelector))
		}
	}
	return out
}

func TestCollectPages(t *testing.T) {
	tests := []struct {
		name      string
		pods      *pager[corev1.Pod]
		pageSize  int64
		wantPods  int
		wantCalls []string
	}{
		{name: "pages until no continue token", pods: podPager(5), pageSize: 2, wantPods: 5,
			wantCalls: []string{`2 "" ""`, `2 "2" ""`, `2 "4" ""`}},
		{name: "exact multiple of the page size", pods: podPager(4), pageSize: 2, wantPods: 4,
			wantCalls: []string{`2 "" ""`, `2 "2" ""`}},
		{name: "default page size", pods: podPager(3), wantPods: 3, wantCalls: []string{`500 "" ""`}},
		{name: "expired continue token restarts the list once", pods: podPager(5, "2"), pageSize: 2, wantPods: 5,
			wantCalls: []string{`2 "" ""`, `2 "2" ""`, `2 "" ""`, `2 "2" ""`, `2 "4" ""`}},
		{name: "no pods", pods: podPager(0), pageSize: 2, wantCalls: []string{`2 "" ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := fake.NewClientset()
			cs.PrependReactor("list", "pods", tt.pods.react)
			col := Collector{Client: cs, PageSize: tt.pageSize, Concurrency: 3}
			inv, err := col.Collect(context.Background(), Target{Namespaces: []string{"shop"}})
			if err != nil {
				t.Fatalf("Collect() error: %v", err)
			}
			if got := len(inv.Workloads()); got != tt.wantPods {
				t.Errorf("got %d workloads, want one per pod: %d", got, tt.wantPods)
			}
			if got := listCalls(cs, "pods"); !reflect.DeepEqual(got, tt.wantCalls) {
				t.Errorf("pod lists = %q, want %q", got, tt.wantCalls)
			}
			if got := listCalls(cs, "deployments"); len(got) != 1 || got[0] != fmt.Sprintf("%d \"\" \"\"", cmpInt(tt.pageSize, DefaultPageSize)) {
				t.Errorf("deployment lists = %q, want one page without a selector", got)
			}
		})
	}
}

func cmpInt(v, def int64) int64 {
	if v <= 0 {
		return def
	}
	return v
}

func TestCollectPagesControllers(t *testing.T) {
	deps := &pager[appsv1.Deployment]{list: func(items []appsv1.Deployment, next string) runtime.Object {
		return &appsv1.DeploymentList{ListMeta: metav1.ListMeta{Continue: next}, Items: items}
	}}
	for _, n := range []string{"a", "b", "c"} {
		deps.items = append(deps.items, *deployment(n, 1, template(ctr("app", "app:1"))))
	}
	cs := fake.NewClientset()
	cs.PrependReactor("list", "deployments", deps.react)
	inv, err := (&Collector{Client: cs, PageSize: 2}).Collect(context.Background(), Target{AllNamespaces: true})
	if err != nil {
		t.Fatalf("Collect() error: %v", err)
	}
	var got []string
	for _, w := range inv.Workloads() {
		got = append(got, w.Template.WorkloadID.String())
	}
	want := []string{"apps/Deployment/shop/a", "apps/Deployment/shop/b", "apps/Deployment/shop/c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("workloads = %q, want %q", got, want)
	}
	if calls := listCalls(cs, "deployments"); !reflect.DeepEqual(calls, []string{`2 "" ""`, `2 "2" ""`}) {
		t.Errorf("deployment lists = %q", calls)
	}
}

func forbidden(resource schema.GroupResource) error {
	return apierrors.NewForbidden(resource, "", errors.New(`User "dev" cannot list it`))
}

// failing makes every list of resource fail with err, in namespace ns only
// when ns is not empty.
type failing struct {
	resource, ns string
	err          error
}

func TestCollectErrors(t *testing.T) {
	rs := schema.GroupResource{Group: "apps", Resource: "replicasets"}
	tests := []struct {
		name    string
		target  Target
		fail    []failing
		pods    *pager[corev1.Pod]
		wantErr string
	}{
		{name: "forbidden replicasets", target: Target{Namespaces: []string{"shop"}},
			fail:    []failing{{resource: "replicasets", err: forbidden(rs)}},
			wantErr: `listing replicasets.apps in namespace shop: replicasets.apps is forbidden: User "dev" cannot list it`},
		{name: "forbidden in all namespaces", target: Target{AllNamespaces: true},
			fail:    []failing{{resource: "replicasets", err: forbidden(rs)}},
			wantErr: `listing replicasets.apps in all namespaces: replicasets.apps is forbidden: User "dev" cannot list it`},
		{name: "every failure is reported", target: Target{Namespaces: []string{"shop"}},
			fail: []failing{
				{resource: "cronjobs", err: apierrors.NewServiceUnavailable("try later")},
				{resource: "replicasets", err: forbidden(rs)},
			},
			wantErr: "listing replicasets.apps in namespace shop: replicasets.apps is forbidden: User \"dev\" cannot list it\n" +
				"listing cronjobs.batch in namespace shop: try later"},
		{name: "only the namespace that fails", target: Target{Namespaces: []string{"shop", "kube-system"}},
			fail:    []failing{{resource: "pods", ns: "kube-system", err: forbidden(schema.GroupResource{Resource: "pods"})}},
			wantErr: `listing pods in namespace kube-system: pods is forbidden: User "dev" cannot list it`},
		{name: "core replicationcontrollers", target: Target{Namespaces: []string{"shop"}},
			fail:    []failing{{resource: "replicationcontrollers", err: errors.New("connection refused")}},
			wantErr: "listing replicationcontrollers in namespace shop: connection refused"},
		{name: "continue token keeps expiring", target: Target{Namespaces: []string{"shop"}},
			pods:    &pager[corev1.Pod]{items: barePods(3), expireAlways: true, list: podPager(0).list},
			wantErr: "listing pods in namespace shop: the provided continue parameter is too old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := fake.NewClientset(runningPod("web", nil, spec(ctr("app", "app:1"))))
			for _, f := range tt.fail {
				cs.PrependReactor("list", f.resource, func(a k8stesting.Action) (bool, runtime.Object, error) {
					if f.ns != "" && a.GetNamespace() != f.ns {
						return false, nil, nil
					}
					return true, nil, f.err
				})
			}
			if tt.pods != nil {
				cs.PrependReactor("list", "pods", tt.pods.react)
			}
			// One list at a time, so that errors come in lister order.
			col := Collector{Client: cs, PageSize: 2, Concurrency: 1}
			inv, err := col.Collect(context.Background(), tt.target)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Collect() error = %v, want %q", err, tt.wantErr)
			}
			// The failed namespaces contribute nothing; the others are whole.
			var ce *CollectError
			if !errors.As(err, &ce) {
				t.Fatalf("Collect() error is %T, want *CollectError", err)
			}
			for _, w := range inv.Workloads() {
				ns := w.Template.Namespace
				if _, bad := ce.Failed[ns]; bad || ce.Failed[""] != nil {
					t.Errorf("workload %s of a namespace that failed was returned", w.Template.WorkloadID)
				}
			}
			if tt.name == "only the namespace that fails" && len(inv.Workloads()) != 1 {
				t.Errorf("want the workload of namespace shop, got %d workloads", len(inv.Workloads()))
			}
			if tt.pods != nil && tt.pods.expireAlways {
				want := 2 * (expiredRestarts + 1)
				if got := len(listCalls(cs, "pods")); got != want {
					t.Errorf("pods listed %d times, want %d: a restart per expiry, then give up", got, want)
				}
			}
		})
	}
}

func TestCollectNothingToList(t *testing.T) {
	cs := fake.NewClientset()
	inv, err := (&Collector{Client: cs}).Collect(context.Background(), Target{})
	if err != nil {
		t.Fatalf("Collect() error: %v", err)
	}
	if ws := inv.Workloads(); len(ws) != 0 || len(cs.Actions()) != 0 {
		t.Errorf("got %d workloads and %d requests, want none", len(ws), len(cs.Actions()))
	}
}
