package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
	"github.com/kubectl-drift/kubectl-drift/plugin"
)

// CheckOptions are the options of `kubectl drift check`.
type CheckOptions struct {
	scopeOptions
	registry registryOptions
	Output   string
	Color    string
	Context  int

	flags     *genericclioptions.ConfigFlags
	streams   genericiooptions.IOStreams
	namespace string // -n when given on the command line
}

// NewCmdCheck returns `kubectl drift check`.
func NewCmdCheck(streams genericiooptions.IOStreams, flags *genericclioptions.ConfigFlags) *cobra.Command {
	o := &CheckOptions{flags: flags, streams: streams}
	c := &cobra.Command{
		Use:   "check [-n NAMESPACE | -A] [-l SELECTOR] [-f PATH... [-R] | -k DIR] [--lockfile PATH] [-o text|json] [-U N]",
		Short: "Compare what runs with the lockfile and show the drift as a unified diff",
		Long: `Compare the workloads in the lockfile's scope with the lockfile: the pod
template and every current pod. Changed images, digests, entrypoints and
security settings, unlocked and missing workloads and ephemeral containers are
drift. Without scope flags the lockfile's own scope is checked; -n, -A and -l
may narrow it but never reach outside it. With -f or -k the manifests are the
live side (no cluster is contacted): their tags are resolved again in their
registries, and locked workloads in scope that they lack are missing.

Exit codes: 0 no drift, 1 drift, 2 an error or anything that could not be
verified (2 wins over 1).`,
		Example: `  kubectl drift check
  kubectl drift check -n shop -U 1
  kubectl drift check -o json | jq .summary
  kubectl drift check -f manifests/ -R`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Complete(c)
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(c)
		},
	}
	o.addFlags(c)
	o.registry.addFlags(c)
	c.Flags().StringVarP(&o.Output, "output", "o", "text", "Output format: text or json")
	c.Flags().StringVar(&o.Color, "color", "auto", "Colour the diff: auto, always or never")
	c.Flags().IntVarP(&o.Context, "unified", "U", 3, "Lines of context in the diff")
	return c
}

// Complete notes whether -n was given: only an explicit namespace narrows
// the check; the kubeconfig context's namespace does not.
func (o *CheckOptions) Complete(c *cobra.Command) {
	if namespaceSet(c.Flags()) && o.flags.Namespace != nil {
		o.namespace = *o.flags.Namespace
	}
}

// Validate checks the flags.
func (o *CheckOptions) Validate() error {
	if o.Output != "text" && o.Output != "json" {
		return failf("invalid --output %q: use text or json", o.Output)
	}
	if _, err := parseColor(o.Color); err != nil {
		return failf("%w", err)
	}
	if o.Context < 0 {
		return failf("invalid -U %d: context lines cannot be negative", o.Context)
	}
	if _, err := labels.Parse(o.Selector); err != nil {
		return failf("invalid --selector: %w", err)
	}
	if err := o.validateSource(); err != nil {
		return err
	}
	return o.registry.validate()
}

// Run checks the cluster against the lockfile and reports.
func (o *CheckOptions) Run(c *cobra.Command) error {
	rep := newReporter(o)
	lf, err := lockfile.ReadFile(o.Lockfile)
	if errors.Is(err, lockfile.ErrNotExist) {
		return rep.fail(fmt.Errorf("no lockfile at %s: run `kubectl drift lock` first, or pass --lockfile", o.Lockfile))
	}
	if err != nil {
		return rep.fail(err)
	}
	scopes, err := lockfile.Narrow(lf.Scope, o.namespace, o.AllNamespaces, o.Selector)
	if err != nil {
		return rep.fail(err)
	}
	ctx := c.Context()
	var workloads []plugin.Workload
	var readErrs []error
	if o.fromManifests() {
		workloads, err = o.observeManifests(ctx)
	} else {
		workloads, scopes, readErrs, err = o.observeCluster(ctx, lf, scopes)
	}
	if err != nil {
		return rep.fail(err)
	}
	observed := make([]lockfile.Observed, len(workloads))
	for i := range workloads {
		observed[i] = workloads[i].Observed
	}
	report := lockfile.Compare(lf, scopes, observed)
	return rep.report(&report, readErrs)
}

// observeCluster lists the scopes in the cluster. A namespace that could not
// be read is left out of the scopes and returned as a read error, so drift
// found elsewhere is still shown (and the check exits 2).
func (o *CheckOptions) observeCluster(ctx context.Context, lf *lockfile.Lockfile, scopes []lockfile.Scope) ([]plugin.Workload, []lockfile.Scope, []error, error) {
	cl, err := connect(o.flags)
	if err != nil {
		return nil, nil, nil, err
	}
	workloads, err := cl.observe(ctx, scopes)
	var readErrs []error
	if err != nil {
		var ce *plugin.CollectError
		if !errors.As(err, &ce) || ce.Failed[""] != nil {
			return nil, nil, nil, err
		}
		if scopes = withoutNamespaces(scopes, ce.Failed); len(scopes) == 0 {
			return nil, nil, nil, err
		}
		readErrs = []error{err}
	}
	if lf.Cluster != nil {
		identity, warning := plugin.ClusterIdentity(ctx, cl.client, cl.config.Host)
		if warning != "" {
			warnf(o.streams.ErrOut, "%s", warning)
		}
		if !sameCluster(lf.Cluster, identity) {
			warnf(o.streams.ErrOut, "%s was locked from cluster %s, but this is cluster %s", o.Lockfile, describeCluster(lf.Cluster), describeCluster(identity))
		}
	}
	return workloads, scopes, readErrs, nil
}

// observeManifests reads the manifests as the live side and resolves their
// tags again, so a tag re-pushed since the lock is drift before deploying.
func (o *CheckOptions) observeManifests(ctx context.Context) ([]plugin.Workload, error) {
	ns, _, err := o.flags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, fmt.Errorf("resolving the namespace: %w", err)
	}
	workloads, err := o.readManifests(ns)
	if err != nil {
		return nil, err
	}
	var images []string
	for _, w := range workloads {
		for _, c := range w.Template.Containers {
			if c.Digest == "" {
				images = append(images, c.Image)
			}
		}
	}
	resolved, err := o.registry.resolve(ctx, images)
	if err != nil {
		return nil, err
	}
	plugin.ApplyDigests(workloads, resolved)
	return workloads, nil
}

// withoutNamespaces drops the scope entries of namespaces that failed.
func withoutNamespaces(scopes []lockfile.Scope, failed map[string][]error) []lockfile.Scope {
	var out []lockfile.Scope
	for _, s := range scopes {
		if _, bad := failed[s.Namespace]; !s.AllNamespaces && bad {
			continue
		}
		out = append(out, s)
	}
	return out
}
