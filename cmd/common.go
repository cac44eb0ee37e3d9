package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
	"github.com/kubectl-drift/kubectl-drift/plugin"
)

// DefaultLockfile is where the lockfile lives unless --lockfile says otherwise.
const DefaultLockfile = "drift.lock.yaml"

// listConcurrency bounds the lists in flight at once.
const listConcurrency = 8

// scopeOptions are the flags lock and check share.
type scopeOptions struct {
	Lockfile      string
	AllNamespaces bool
	Selector      string
}

func (o *scopeOptions) addFlags(c *cobra.Command) {
	c.Flags().StringVar(&o.Lockfile, "lockfile", DefaultLockfile, "Path of the lockfile")
	c.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "All namespaces")
	c.Flags().StringVarP(&o.Selector, "selector", "l", "", "Label selector on pods and pod templates (e.g. app=web,tier!=cache)")
}

// cluster is a connection to the cluster named by the kubectl flags.
type cluster struct {
	config *rest.Config
	client kubernetes.Interface
}

func connect(flags *genericclioptions.ConfigFlags) (*cluster, error) {
	cfg, err := flags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	cs, err := plugin.NewClientset(cfg)
	if err != nil {
		return nil, err
	}
	return &cluster{config: cfg, client: cs}, nil
}

// observe lists the scopes' objects and groups them into workloads. On a
// *plugin.CollectError the workloads of the namespaces that were read
// completely come back with it.
func (c *cluster) observe(ctx context.Context, scopes []lockfile.Scope) ([]plugin.Workload, error) {
	col := plugin.Collector{Client: c.client, PageSize: plugin.DefaultPageSize, Concurrency: listConcurrency}
	inv, err := col.Collect(ctx, plugin.TargetFor(scopes))
	if inv == nil {
		return nil, err
	}
	return inv.Workloads(), err
}

// warnf writes a warning line to w.
func warnf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "warning: "+format+"\n", args...)
}

// readExisting reads the lockfile at path; a missing file is (nil, nil).
func readExisting(path string) (*lockfile.Lockfile, error) {
	lf, err := lockfile.ReadFile(path)
	if errors.Is(err, lockfile.ErrNotExist) {
		return nil, nil
	}
	return lf, err
}
