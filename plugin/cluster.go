package plugin

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// Client QPS and burst: a run makes one list per kind and namespace, and
// client-go's defaults (5 and 10) would throttle a check of many namespaces.
const (
	clientQPS   = 50
	clientBurst = 100
)

// NewClientset returns a clientset that speaks protobuf, the cheapest
// encoding for built-in types, with JSON as the fallback.
func NewClientset(cfg *rest.Config) (kubernetes.Interface, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	if cfg.QPS == 0 {
		cfg.QPS = clientQPS
	}
	if cfg.Burst == 0 {
		cfg.Burst = clientBurst
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	return cs, nil
}

// ClusterIdentity names the cluster: its API server URL and the kube-system
// namespace UID. The UID is best effort: a user who may not read kube-system
// gets a warning and an identity without it.
func ClusterIdentity(ctx context.Context, cs kubernetes.Interface, server string) (*lockfile.Cluster, string) {
	c := &lockfile.Cluster{Server: server}
	ns, err := cs.CoreV1().Namespaces().Get(ctx, metav1.NamespaceSystem, metav1.GetOptions{})
	if err != nil {
		return c, fmt.Sprintf("cannot read the kube-system namespace to identify the cluster (%v); the cluster is identified by its server URL only", err)
	}
	c.UID = string(ns.UID)
	return c, ""
}
