package plugin

import (
	"context"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

func TestTargetFor(t *testing.T) {
	tests := []struct {
		name   string
		scopes []lockfile.Scope
		want   Target
	}{
		{"no scopes", nil, Target{}},
		{"one namespace", []lockfile.Scope{{Namespace: "shop"}}, Target{Namespaces: []string{"shop"}}},
		{"namespaces once each, in order", []lockfile.Scope{{Namespace: "shop"}, {Namespace: "batch"}, {Namespace: "shop", Selector: "tier=web"}},
			Target{Namespaces: []string{"shop", "batch"}}},
		{"all namespaces", []lockfile.Scope{{AllNamespaces: true}}, Target{AllNamespaces: true}},
		{"all namespaces covers the others", []lockfile.Scope{{Namespace: "shop"}, {AllNamespaces: true, Selector: "app=x"}, {Namespace: "batch"}},
			Target{AllNamespaces: true}},
		// Selectors are applied after listing, never by the API server.
		{"selector not sent", []lockfile.Scope{{Namespace: "shop", Selector: "app=web"}}, Target{Namespaces: []string{"shop"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TargetFor(tt.scopes); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("TargetFor(%+v) = %+v, want %+v", tt.scopes, got, tt.want)
			}
		})
	}
}

func TestClusterIdentity(t *testing.T) {
	const server = "https://cluster.test:6443"
	tests := []struct {
		name        string
		objs        []*corev1.Namespace
		want        lockfile.Cluster
		wantWarning string
	}{
		{name: "kube-system readable",
			objs: []*corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "kube-system", UID: "6c1f2a4e-uid"}}},
			want: lockfile.Cluster{Server: server, UID: "6c1f2a4e-uid"}},
		{name: "kube-system unreadable", want: lockfile.Cluster{Server: server},
			wantWarning: `cannot read the kube-system namespace to identify the cluster (namespaces "kube-system" not found); ` +
				"the cluster is identified by its server URL only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := fake.NewClientset()
			for _, ns := range tt.objs {
				if err := cs.Tracker().Add(ns); err != nil {
					t.Fatal(err)
				}
			}
			got, warning := ClusterIdentity(context.Background(), cs, server)
			if *got != tt.want || warning != tt.wantWarning {
				t.Errorf("ClusterIdentity() = %+v, %q; want %+v, %q", *got, warning, tt.want, tt.wantWarning)
			}
		})
	}
}

func TestNewClientset(t *testing.T) {
	tests := []struct {
		name    string
		cfg     rest.Config
		wantQPS float32
	}{
		{"defaults raised", rest.Config{Host: "https://cluster.test"}, clientQPS},
		{"explicit limits kept", rest.Config{Host: "https://cluster.test", QPS: 7, Burst: 9}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.cfg
			cs, err := NewClientset(&tt.cfg)
			if err != nil {
				t.Fatalf("NewClientset() error: %v", err)
			}
			if !reflect.DeepEqual(tt.cfg, before) {
				t.Errorf("NewClientset changed its argument: %+v", tt.cfg)
			}
			if got := cs.(*kubernetes.Clientset).CoreV1().RESTClient().GetRateLimiter().QPS(); got != tt.wantQPS {
				t.Errorf("QPS = %v, want %v", got, tt.wantQPS)
			}
		})
	}
}

func TestNewClientsetError(t *testing.T) {
	cfg := &rest.Config{Host: "https://cluster.test", TLSClientConfig: rest.TLSClientConfig{CAFile: "/nonexistent/ca.crt"}}
	_, err := NewClientset(cfg)
	const want = "creating a client: open /nonexistent/ca.crt: no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("NewClientset() error = %v, want %q", err, want)
	}
}
