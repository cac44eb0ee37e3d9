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
	Filenames     []string
	Recursive     bool
	Kustomize     string
}

func (o *scopeOptions) addFlags(c *cobra.Command) {
	c.Flags().StringVar(&o.Lockfile, "lockfile", DefaultLockfile, "Path of the lockfile")
	c.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "All namespaces")
	c.Flags().StringVarP(&o.Selector, "selector", "l", "", "Label selector on pods and pod templates (e.g. app=web,tier!=cache)")
	c.Flags().StringSliceVarP(&o.Filenames, "filename", "f", nil, "Manifests to read instead of the cluster: files, directories, or - for standard input")
	c.Flags().BoolVarP(&o.Recursive, "recursive", "R", false, "Read the directories given with -f recursively")
	c.Flags().StringVarP(&o.Kustomize, "kustomize", "k", "", "A kustomize directory to build and read instead of the cluster")
}

// fromManifests reports whether the manifests, not the cluster, are the live side.
func (o *scopeOptions) fromManifests() bool { return len(o.Filenames) > 0 || o.Kustomize != "" }

// validateSource checks the combinations of the source flags.
func (o *scopeOptions) validateSource() error {
	switch {
	case len(o.Filenames) > 0 && o.Kustomize != "":
		return failf("-f and -k are exclusive")
	case o.Recursive && len(o.Filenames) == 0:
		return failf("-R applies to the directories given with -f")
	case o.fromManifests() && o.AllNamespaces:
		return failf("--all-namespaces does not apply to manifests: objects take their own namespace, or -n")
	}
	return nil
}

// readManifests reads the workloads of the manifests given with -f or -k.
// Objects without a namespace take namespace.
func (o *scopeOptions) readManifests(namespace string) ([]plugin.Workload, error) {
	inv, err := plugin.ReadManifests(plugin.ManifestSource{
		Filenames: o.Filenames, Recursive: o.Recursive, Kustomize: o.Kustomize, Namespace: namespace,
	})
	if err != nil {
		return nil, err
	}
	return inv.Workloads(), nil
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
