package cmd

import (
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
	DryRun bool
	Color  string

	flags   *genericclioptions.ConfigFlags
	streams genericiooptions.IOStreams
	scope   lockfile.Scope
}

// NewCmdLock returns `kubectl drift lock`.
func NewCmdLock(streams genericiooptions.IOStreams, flags *genericclioptions.ConfigFlags) *cobra.Command {
	o := &LockOptions{flags: flags, streams: streams}
	c := &cobra.Command{
		Use:   "lock [-n NAMESPACE | -A] [-l SELECTOR] [--lockfile PATH] [--dry-run]",
		Short: "Record the images and security contexts running now as the approved baseline",
		Long: `Record the image digests, entrypoints and effective security contexts of the
workloads in scope into the lockfile. Entries inside the scope are replaced,
entries outside it are kept, and the lockfile's scope becomes the union.

The scope is the current namespace unless -n or -A says otherwise.`,
		Example: `  kubectl drift lock -n shop
  kubectl drift lock -A --dry-run`,
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
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "Print the change to the lockfile as a unified diff and write nothing")
	c.Flags().StringVar(&o.Color, "color", "auto", "Colour the --dry-run diff: auto, always or never")
	return c
}

// Complete resolves the scope: -A, else -n, else the kubeconfig context's namespace.
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
	return nil
}

// Run locks the scope and writes (or, with --dry-run, shows) the lockfile.
func (o *LockOptions) Run(c *cobra.Command) error {
	old, err := readExisting(o.Lockfile)
	if err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	cl, err := connect(o.flags)
	if err != nil {
		return failf("%w", err)
	}
	ctx := c.Context()
	workloads, err := cl.observe(ctx, []lockfile.Scope{o.scope})
	if err != nil {
		return failf("%w; the lockfile was left as it is", err)
	}
	var entries []lockfile.Workload
	var problems []string
	for _, w := range workloads {
		if !o.scope.Covers(w.Template.Namespace, w.Labels) {
			continue
		}
		entry, warnings, err := plugin.LockEntry(w)
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
		return failf("nothing to lock in %s; the lockfile was left as it is", o.scope)
	}
	identity, warning := plugin.ClusterIdentity(ctx, cl.client, cl.config.Host)
	if warning != "" {
		warnf(o.streams.ErrOut, "%s", warning)
	}
	if old != nil && old.Cluster != nil && !sameCluster(old.Cluster, identity) {
		warnf(o.streams.ErrOut, "%s was locked from cluster %s; merging entries from cluster %s", o.Lockfile, describeCluster(old.Cluster), describeCluster(identity))
	}
	merged := lockfile.Merge(old, o.scope, entries, identity)
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
	fmt.Fprintf(o.streams.ErrOut, "locked %d workload(s) in %s into %s\n", len(entries), o.scope, o.Lockfile)
	return nil
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
