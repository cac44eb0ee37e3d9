package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-drift/kubectl-drift/diff"
	"github.com/kubectl-drift/kubectl-drift/lockfile"
	"github.com/kubectl-drift/kubectl-drift/plugin"
)

// LockOptions are the options of `kubectl drift lock`.
type LockOptions struct {
	scopeOptions
	registry registryOptions
	DryRun   bool
	Resolve  bool
	Color    string

	flags   *genericclioptions.ConfigFlags
	streams genericiooptions.IOStreams
	scope   lockfile.Scope
}

// NewCmdLock returns `kubectl drift lock`.
func NewCmdLock(streams genericiooptions.IOStreams, flags *genericclioptions.ConfigFlags) *cobra.Command {
	o := &LockOptions{flags: flags, streams: streams}
	c := &cobra.Command{
		Use:   "lock [-n NAMESPACE | -A] [-l SELECTOR] [-f PATH... [-R] | -k DIR] [--lockfile PATH] [--dry-run]",
		Short: "Record the images and security contexts running now as the approved baseline",
		Long: `Record the image digests, entrypoints and effective security contexts of the
workloads in scope into the lockfile. Entries inside the scope are replaced,
entries outside it are kept, and the lockfile's scope becomes the union.

The scope is the current namespace unless -n or -A says otherwise. With -f or
-k, the manifests are read instead of the cluster (no cluster is contacted),
the scope is the namespaces they hold, and tags are resolved to digests in
their registries. --resolve asks the registry for containers of the cluster
that have no digest from a running or finished pod.`,
		Example: `  kubectl drift lock -n shop
  kubectl drift lock -A --dry-run
  kubectl drift lock -f manifests/ -R
  kubectl drift lock -k overlays/prod`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			if err := o.Complete(); err != nil {
				return err
			}
			return o.Run(c)
		},
	}
	o.addFlags(c)
	o.registry.addFlags(c)
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "Print the change to the lockfile as a unified diff and write nothing")
	c.Flags().BoolVar(&o.Resolve, "resolve", false, "Ask the registry for digests that no pod reports (always on with -f and -k)")
	c.Flags().StringVar(&o.Color, "color", "auto", "Colour the --dry-run diff: auto, always or never")
	return c
}

// Complete resolves the scope: -A, else -n, else the kubeconfig context's
// namespace, else default.
func (o *LockOptions) Complete() error {
	o.scope = lockfile.Scope{AllNamespaces: o.AllNamespaces, Selector: o.Selector}
	if !o.AllNamespaces {
		ns, _, err := o.flags.ToRawKubeConfigLoader().Namespace()
		if err != nil {
			return failf("resolving the namespace: %w", err)
		}
		o.scope.Namespace = ns
	}
	return nil
}

// Validate checks the flags.
func (o *LockOptions) Validate() error {
	if o.AllNamespaces && o.flags.Namespace != nil && *o.flags.Namespace != "" {
		return failf("--namespace and --all-namespaces are exclusive")
	}
	if _, err := labels.Parse(o.Selector); err != nil {
		return failf("invalid --selector: %w", err)
	}
	if _, err := parseColor(o.Color); err != nil {
		return failf("%w", err)
	}
	if err := o.validateSource(); err != nil {
		return err
	}
	return o.registry.validate()
}

// Run locks the scope and writes (or, with --dry-run, shows) the lockfile.
func (o *LockOptions) Run(c *cobra.Command) error {
	old, err := readExisting(o.Lockfile)
	if err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	ctx := c.Context()
	run, err := o.observe(ctx)
	if err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	var resolved map[string]string
	switch {
	case o.fromManifests():
		resolved, err = o.registry.resolve(ctx, plugin.ImagesToResolve(run.workloads))
	case o.Resolve:
		resolved, err = o.registry.resolveInCluster(ctx, run.conn, run.workloads, func(format string, args ...any) {
			warnf(o.streams.ErrOut, format, args...)
		})
	}
	if err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	var entries []lockfile.Workload
	var problems []string
	for _, w := range run.workloads {
		entry, warnings, err := plugin.LockEntry(w, resolved)
		for _, msg := range warnings {
			warnf(o.streams.ErrOut, "%s", msg)
		}
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		entries = append(entries, entry)
	}
	if len(problems) > 0 {
		return failf("cannot lock %d workload(s); the lockfile was left as it is:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	if len(entries) == 0 {
		return failf("nothing to lock in %s; the lockfile was left as it is", run.describe)
	}
	if old != nil && old.Cluster != nil && run.cluster != nil && !sameCluster(old.Cluster, run.cluster) {
		warnf(o.streams.ErrOut, "%s was locked from cluster %s; merging entries from cluster %s", o.Lockfile, describeCluster(old.Cluster), describeCluster(run.cluster))
	}
	merged := lockfile.Merge(old, run.scopes, entries, run.cluster)
	data, err := merged.Marshal()
	if err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	if o.DryRun {
		return o.showChange(data)
	}
	if err := lockfile.WriteFileAtomic(o.Lockfile, data); err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	fmt.Fprintf(o.streams.ErrOut, "locked %d workload(s) in %s into %s\n", len(entries), run.describe, o.Lockfile)
	return nil
}

// lockRun is what one lock saw: the workloads in its scope, the scopes it
// replaces in the lockfile, and the cluster (nil for manifests).
type lockRun struct {
	conn      *cluster // nil for manifests
	workloads []plugin.Workload
	scopes    []lockfile.Scope
	cluster   *lockfile.Cluster
	describe  string
}

// observe reads the workloads in scope from the cluster or the manifests.
func (o *LockOptions) observe(ctx context.Context) (*lockRun, error) {
	if o.fromManifests() {
		return o.observeManifests()
	}
	cl, err := connect(o.flags)
	if err != nil {
		return nil, err
	}
	all, err := cl.observe(ctx, []lockfile.Scope{o.scope})
	if err != nil {
		return nil, err
	}
	run := &lockRun{conn: cl, scopes: []lockfile.Scope{o.scope}, describe: o.scope.String()}
	for _, w := range all {
		if o.scope.Covers(w.Template.Namespace, w.Labels) {
			run.workloads = append(run.workloads, w)
		}
	}
	identity, warning := plugin.ClusterIdentity(ctx, cl.client, cl.config.Host)
	if warning != "" {
		warnf(o.streams.ErrOut, "%s", warning)
	}
	run.cluster = identity
	return run, nil
}

// observeManifests reads the manifests; the run's scope is each namespace
// they hold (with the selector, if any).
func (o *LockOptions) observeManifests() (*lockRun, error) {
	all, err := o.readManifests(o.scope.Namespace)
	if err != nil {
		return nil, err
	}
	run := &lockRun{describe: "the manifests given"}
	seen := map[string]bool{}
	for _, w := range all {
		ns := w.Template.Namespace
		scope := lockfile.Scope{Namespace: ns, Selector: o.Selector}
		if !scope.Covers(ns, w.Labels) {
			continue
		}
		run.workloads = append(run.workloads, w)
		if !seen[ns] {
			seen[ns] = true
			run.scopes = append(run.scopes, scope)
		}
	}
	return run, nil
}

// showChange prints the change --dry-run would make as a unified diff.
func (o *LockOptions) showChange(data []byte) error {
	before, err := os.ReadFile(o.Lockfile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return failf("reading %s: %w", o.Lockfile, err)
	}
	mode, _ := parseColor(o.Color)
	changed, err := diff.Unified(o.streams.Out, o.Lockfile, o.Lockfile+" (after lock)", string(before), string(data), 3, palette(mode, o.streams.Out))
	if err != nil {
		return failf("%w", err)
	}
	if !changed {
		fmt.Fprintf(o.streams.ErrOut, "%s is up to date; nothing written (--dry-run)\n", o.Lockfile)
		return nil
	}
	fmt.Fprintf(o.streams.ErrOut, "nothing written (--dry-run)\n")
	return nil
}

func sameCluster(a, b *lockfile.Cluster) bool {
	if a.UID != "" && b.UID != "" {
		return a.UID == b.UID
	}
	return a.Server == b.Server
}

func describeCluster(c *lockfile.Cluster) string {
	if c.UID == "" {
		return c.Server
	}
	return fmt.Sprintf("%s (kube-system uid %s)", c.Server, c.UID)
}
